import vm from 'node:vm';

/**
 * A whole-string match of a user's regex (Istio's RE2) against a value, evaluated with JavaScript's
 * backtracking engine under a time budget. RE2 runs in linear time, so a VirtualService may legally hold a
 * regex such as `(a+)+b` that takes a backtracking engine exponential time: on a path of 30 `a`s the audit
 * and the plan ran for minutes (found by npm run fuzz). Only a regex with a quantified group can backtrack
 * exponentially; such a regex runs in a separate V8 context with a timeout, and one that runs out of time
 * is remembered and answers "unknown" from then on.
 *
 * Returns true or false, or undefined when the regex does not compile or its answer is unknown.
 */
export function fullRegexMatch(regex: string, value: string, budgetMs = 50): boolean | undefined {
  if (slow.has(regex)) return undefined;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${regex})$`);
  } catch {
    return undefined;
  }
  if (!QUANTIFIED_GROUP.test(regex)) return re.test(value);
  sandbox.re = re;
  sandbox.value = value;
  try {
    return script.runInContext(sandbox, {timeout: budgetMs}) as boolean;
  } catch {
    slow.add(regex);
    return undefined;
  } finally {
    sandbox.re = undefined;
    sandbox.value = undefined;
  }
}

/** A group followed by a quantifier: `(…)*`, `(…)+`, `(…){n,}`, `(…)?`. */
const QUANTIFIED_GROUP = /\)\s*[*+?{]/;
const sandbox = vm.createContext({re: undefined as RegExp | undefined, value: undefined as string | undefined});
const script = new vm.Script('re.test(value)');
const slow = new Set<string>();
