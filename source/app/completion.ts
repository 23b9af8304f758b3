import {KINDS} from '../kube/kinds.ts';
import type {ClusterFlags} from './cluster-source.ts';

/** One command as a completion script offers it. */
export interface CompletionCommand {
  name: string;
  flags: string[];
  takesNamespace: boolean;
}

/** Flags that take a value, and what the value is: files, formats, namespaces. */
const FILE_FLAGS = ['--kubeconfig', '--cluster-from', '--workdir', '--out', '--fixtures', '--kubeconfig-out'];
/** Global flags that choose the cluster: passed on to `__complete-namespaces` so it asks the same one. */
const CLUSTER_FLAGS_WITH_VALUE = ['--kubeconfig', '--context', '--cluster-from', '--workdir'];
const BINARIES = ['ambient-migrate', 'kubectl-ambient_migrate'];

/** `ambient-migrate completion bash|zsh|fish`. */
export function completionScript(shell: 'bash' | 'zsh' | 'fish', commands: CompletionCommand[], globalFlags: string[]): string {
  return shell === 'fish' ? fishScript(commands) : bashScript(commands, globalFlags, shell === 'zsh');
}

function bashScript(commands: CompletionCommand[], global: string[], zsh: boolean): string {
  const names = commands.map(c => c.name).join(' ');
  const cases = commands.map(c => `      ${c.name}) flags="${c.flags.join(' ')}" ;;`).join('\n');
  return `${zsh ? '#compdef ambient-migrate kubectl-ambient_migrate\n# zsh: source <(ambient-migrate completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n' : '# bash: source <(ambient-migrate completion bash)\n'}
_ambient_migrate() {
  local cur prev cmd="" flags i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local commands="${names}"
  local cluster=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${CLUSTER_FLAGS_WITH_VALUE.join('|')}) cluster+=("\${COMP_WORDS[i]}" "\${COMP_WORDS[i+1]}"); i=$((i + 1)) ;;
      --demo) cluster+=(--demo) ;;
      -*) ;;
      *) [[ -z "$cmd" && " $commands " == *" \${COMP_WORDS[i]} "* ]] && cmd="\${COMP_WORDS[i]}" ;;
    esac
  done
  case "$prev" in
    -n|--namespace)
      local done_part="" last="$cur"
      if [[ "$cur" == *,* ]]; then done_part="\${cur%,*},"; last="\${cur##*,}"; fi
      local names
      names=$("\${COMP_WORDS[0]}" __complete-namespaces "\${cluster[@]}" 2>/dev/null)
      COMPREPLY=($(compgen -P "$done_part" -W "$names" -- "$last"))
      return ;;
    -o|--output) COMPREPLY=($(compgen -W "json yaml" -- "$cur")); return ;;
    --dry-run) COMPREPLY=($(compgen -W "server client" -- "$cur")); return ;;
    --context) COMPREPLY=($(compgen -W "$(kubectl config get-contexts -o name 2>/dev/null)" -- "$cur")); return ;;
    ${FILE_FLAGS.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [[ -z "$cmd" ]]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${global.join(' ')}" -- "$cur"))
    else COMPREPLY=($(compgen -W "$commands" -- "$cur")); fi
    return
  fi
  case "$cmd" in
${cases}
      *) flags="" ;;
  esac
  case "$cmd" in
    completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$flags" -- "$cur")) ;;
  esac
}
complete -F _ambient_migrate ${BINARIES.join(' ')}
`;
}

function fishScript(commands: CompletionCommand[]): string {
  const lines = ['# fish: ambient-migrate completion fish | source'];
  lines.push(
    'function __ambient_migrate_cluster_flags',
    '    set -l words (commandline -opc)',
    '    set -l out',
    '    for i in (seq 2 (count $words))',
    `        if contains -- $words[$i] ${CLUSTER_FLAGS_WITH_VALUE.join(' ')}`,
    '            set -l j (math $i + 1)',
    '            set -a out $words[$i] $words[$j]',
    '        else if test "$words[$i]" = --demo',
    '            set -a out --demo',
    '        end',
    '    end',
    '    printf "%s\\n" $out',
    'end',
  );
  const names = commands.map(c => c.name).join(' ');
  for (const binary of BINARIES) {
    lines.push(`complete -c ${binary} -f`);
    lines.push(`complete -c ${binary} -n "not __fish_seen_subcommand_from ${names}" -a "${names}"`);
    for (const command of commands) {
      const when = `-n "__fish_seen_subcommand_from ${command.name}"`;
      for (const flag of command.flags) {
        const long = flag.replace(/^--/, '');
        let value = '';
        if (FILE_FLAGS.includes(flag)) value = ' -r -F';
        else if (flag === '--output') value = ' -x -a "json yaml"';
        else if (flag === '--dry-run') value = ' -x -a "server client"';
        else if (flag === '--namespace') value = ` -x -a "(${binary} __complete-namespaces (__ambient_migrate_cluster_flags))"`;
        else if (flag === '--context') value = ' -x -a "(kubectl config get-contexts -o name 2>/dev/null)"';
        lines.push(`complete -c ${binary} ${when} -l ${long}${flag === '--namespace' ? ' -s n' : flag === '--output' ? ' -s o' : ''}${value}`);
      }
    }
    lines.push(`complete -c ${binary} -n "__fish_seen_subcommand_from completion" -a "bash zsh fish"`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Namespace names for `-n` completion, from the cluster the typed flags choose. A completion must never
 * hang a shell or print an error into it: one short try, and nothing on failure.
 */
export async function listNamespaceNames(flags: ClusterFlags): Promise<string[]> {
  try {
    const {openCluster} = await import('./cluster-source.ts');
    const connection = await openCluster({...flags, requestTimeout: flags.requestTimeout ?? 3000}, {connect: {readAttempts: 1, onProgress: undefined}});
    try {
      return (await connection.client.list(KINDS.namespace)).map(n => n.metadata.name).sort();
    } finally {
      await connection.close();
    }
  } catch {
    return [];
  }
}
