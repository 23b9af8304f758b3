import {readFileSync} from 'node:fs';
import path from 'node:path';
import {Argument, Command, CommanderError, Option} from 'commander';
import {UserFacingError} from './app/errors.ts';
import type {ClusterFlags} from './app/cluster-source.ts';
import type {OutputFormat} from './app/output.ts';
import {parseRequestTimeout} from './app/request-timeout.ts';
import {KubeError} from './kube/client.ts';
import {KubeconfigError} from './kube/errors.ts';
import {PACKAGE_ROOT} from './package-root.ts';

// Start-up cost is a feature: this module loads only commander and a few small modules of ours. Each
// command's code (and Ink, React, the simulator, the YAML and diff libraries) is imported inside its
// action, so `--version`, `--help` and `status` never load what they do not use.

export interface GlobalFlags extends ClusterFlags {
  workdir: string;
  verbose?: boolean;
}

/** The exit codes, as the README's table documents them. */
export const EXIT = {ok: 0, error: 1, usage: 2, blocked: 3, differs: 4} as const;

export const COMMANDS = ['audit', 'plan', 'backup', 'apply', 'revert', 'verify', 'status', 'sim', 'completion', 'version', 'help'] as const;

function version(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {version: string}).version;
}

/** Parses the command line, runs the command, and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(code => (exitCode = code));
  try {
    await program.parseAsync(argv, {from: 'user'});
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

/** The command tree; actions report their exit code through `done`. Also read by `completion`. */
export function buildProgram(done: (code: number) => void = () => {}): Command {
  const program = new Command('ambient-migrate')
    .description('Migrate an Istio mesh from sidecar mode to ambient mode, step by step, with every change recorded and reversible.')
    .version(version(), '--version', 'print the version')
    .usage('[options] [command]')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .configureHelp({showGlobalOptions: true, sortSubcommands: false})
    .exitOverride()
    .configureOutput({outputError: (text, write) => write(`ambient-migrate: ${text}`)})
    .showSuggestionAfterError(true);

  program
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .option('--workdir <dir>', 'where the state file and backups live', './ambient-migration')
    .option('--demo', 'use the built-in demo cluster (a simulated API server)')
    .option('--cluster-from <path>', 'start a simulated cluster from these manifests (a file or a directory)')
    .addOption(new Option('--request-timeout <duration>', 'how long to wait for each API request: 0 (no limit), seconds, or 30s, 1m, 500ms (default 30s)').argParser(parseRequestTimeoutFlag))
    .option('-v, --verbose', 'log every API request (method, path, status, time) to stderr')
    .argument('[command]')
    .action(async (command: string | undefined, flags: GlobalFlags) => {
      if (command) throw usageError(`unknown command '${command}'. See 'ambient-migrate --help'.`);
      const {runWizard} = await import('./app/wizard-command.tsx');
      done(await runWizard(clusterFlags(flags)));
    });

  const outputOptions = (command: Command) =>
    command
      .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'yaml']))
      .addOption(new Option('--json', 'same as -o json').implies({output: 'json'}));

  outputOptions(
    program
      .command('audit')
      .description('check the environment and list blockers, limitations and per-namespace readiness (exit 3 if anything blocks)'),
  ).action(async (options: {output?: OutputFormat}, command: Command) => {
    const {runAudit} = await import('./app/audit-command.ts');
    done(await runAudit({...globals(command), output: options.output}));
  });

  outputOptions(
    program
      .command('plan')
      .description('compute the objects and ordered operations that move namespaces to ambient mode; writes nothing')
      .requiredOption('-n, --namespace <list>', 'namespaces to plan, comma-separated', parseNamespaces)
      .option('--out <dir>', 'also write every created or changed object as YAML, plus plan.json, for GitOps')
      .option('--force', 'with --out: write into a directory that already holds other files'),
  ).action(async (options: {namespace: string[]; output?: OutputFormat; out?: string; force?: boolean}, command: Command) => {
    const {runPlan} = await import('./app/plan-command.ts');
    done(await runPlan({...globals(command), namespaces: options.namespace, output: options.output, out: options.out, force: options.force}));
  });

  program
    .command('backup')
    .description('save every Istio, Gateway API, namespace, Service and workload object to <workdir>/backups/<time>/, restorable with kubectl apply -f')
    .action(async (_options: object, command: Command) => {
      const {runBackup} = await import('./app/backup-command.ts');
      done(await runBackup(globals(command)));
    });

  const dryRunOption = (what: string) =>
    new Option(
      '--dry-run [strategy]',
      `"server": send every write with server-side dry run, changing nothing; "client": print the ${what} without sending any write. Bare --dry-run means server`,
    )
      .choices(['server', 'client'])
      .preset('server');

  program
    .command('apply')
    .description('migrate namespaces: run (or resume) their plan, journaling every write in <workdir>/state.json')
    .requiredOption('-n, --namespace <list>', 'namespaces to migrate, comma-separated', parseNamespaces)
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .addOption(dryRunOption('operations'))
    .option('--accept-drift', 'go on although objects the tool wrote were changed since, or another workdir migrated the namespace')
    .option('--accept <id>', "accept a group of requests the plan opens (repeatable; 'known-limitations': the groups the guide documents)", (v: string, p: string[] = []) => [...p, v])
    .action(async (options: {namespace: string[]; yes?: boolean; dryRun?: DryRun; acceptDrift?: boolean; accept?: string[]}, command: Command) => {
      const {runApply} = await import('./app/apply-command.ts');
      done(await runApply({...globals(command), namespaces: options.namespace, yes: options.yes, dryRun: options.dryRun, acceptDrift: options.acceptDrift, accept: options.accept}));
    });

  program
    .command('revert')
    .description('put namespaces back as they were before ambient-migrate changed them, from the state file')
    .requiredOption('-n, --namespace <list>', 'namespaces to revert, comma-separated', parseNamespaces)
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .addOption(dryRunOption('operations it would undo'))
    .action(async (options: {namespace: string[]; yes?: boolean; dryRun?: DryRun}, command: Command) => {
      const {runRevert} = await import('./app/revert-command.ts');
      done(await runRevert({...globals(command), namespaces: options.namespace, yes: options.yes, dryRun: options.dryRun}));
    });

  outputOptions(
    program
      .command('verify')
      .description("compare every request's route and verdict on the live cluster with the original recorded in the state file (exit 4 if any changed beyond what was accepted)")
      .requiredOption('-n, --namespace <list>', 'migrated namespaces to verify, comma-separated', parseNamespaces),
  ).action(async (options: {namespace: string[]; output?: OutputFormat}, command: Command) => {
    const {runVerify} = await import('./app/verify-command.ts');
    done(await runVerify({...globals(command), namespaces: options.namespace, output: options.output}));
  });

  outputOptions(program.command('status').description('where each namespace stands in the state file, and whether the cluster still agrees')).action(
    async (options: {output?: OutputFormat}, command: Command) => {
      const {runStatus} = await import('./app/status-command.ts');
      done(await runStatus({...globals(command), output: options.output}));
    },
  );

  program
    .command('sim')
    .description('run the simulated Kubernetes API server in the foreground and write a kubeconfig for it')
    .addOption(new Option('--fixtures <path>', 'manifests to seed (a file or a directory); default: the demo cluster'))
    .addOption(new Option('--port <n>', 'port on 127.0.0.1 (default: any free port)').argParser(parsePort))
    .addOption(new Option('--kubeconfig-out <file>', 'where to write the kubeconfig').default('./ambient-migrate-sim.kubeconfig'))
    .action(async (flags: {fixtures?: string; port?: number; kubeconfigOut: string}) => {
      const {runSimulatorCommand} = await import('./app/sim-command.ts');
      done(await runSimulatorCommand(flags));
    });

  program
    .command('completion')
    .description('print a shell completion script: source <(ambient-migrate completion bash)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const {completionScript} = await import('./app/completion.ts');
      process.stdout.write(completionScript(shell, describeCommands(program), [...globalFlagNames(program), '--help', '--version']));
      done(EXIT.ok);
    });

  program
    .command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`${version()}\n`);
      done(EXIT.ok);
    });

  // Hidden: what `completion` scripts call to offer namespace names for -n, from the cluster when reachable.
  program
    .command('__complete-namespaces', {hidden: true})
    .action(async (_options: object, command: Command) => {
      const {listNamespaceNames} = await import('./app/completion.ts');
      process.stdout.write((await listNamespaceNames(globals(command))).map((n: string) => `${n}\n`).join(''));
      done(EXIT.ok);
    });

  return program;
}

type DryRun = 'server' | 'client';

function globals(command: Command): GlobalFlags {
  return clusterFlags(command.optsWithGlobals() as GlobalFlags);
}

function globalFlagNames(program: Command): string[] {
  return program.options.map(o => o.long!).filter(l => l && l !== '--version');
}

/** Commands and their long flags (their own, then the global ones), for completion scripts. */
export function describeCommands(program: Command): Array<{name: string; flags: string[]; takesNamespace: boolean}> {
  const globalFlags = globalFlagNames(program);
  return program.commands
    .filter(c => !c.name().startsWith('__'))
    .map(c => ({
      name: c.name(),
      flags: [...c.options.map(o => o.long!).filter(Boolean), ...globalFlags, '--help'],
      takesNamespace: c.options.some(o => o.long === '--namespace'),
    }));
}

function clusterFlags(flags: GlobalFlags): GlobalFlags {
  if (flags.demo && flags.clusterFrom) throw usageError('--demo and --cluster-from both choose the cluster: pass only one');
  if ((flags.demo || flags.clusterFrom) && (flags.kubeconfig || flags.context)) {
    throw usageError('--kubeconfig/--context choose a real cluster; they cannot be combined with --demo or --cluster-from');
  }
  return flags;
}

function parseNamespaces(value: string, previous: string[] = []): string[] {
  const names = value.split(',').map(n => n.trim()).filter(Boolean);
  if (names.length === 0) throw usageError('-n needs at least one namespace name');
  return [...previous, ...names];
}

function parseRequestTimeoutFlag(value: string): number {
  const ms = parseRequestTimeout(value);
  if (ms === undefined) throw usageError(`--request-timeout must be 0 (no limit), a number of seconds, or a duration such as 30s, 1m or 500ms; got '${value}'`);
  return ms;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be a number from 0 to 65535, got '${value}'`);
  return port;
}

function usageError(message: string): CommanderError {
  return new CommanderError(EXIT.usage, 'ambient-migrate.usage', `error: ${message}`);
}

/** Every failure ends as one line on stderr: what happened and what to try. Never a stack trace. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
    // Commander has already printed its own parse errors; ours are printed here.
    if (error.code === 'ambient-migrate.usage') process.stderr.write(`ambient-migrate: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof KubeconfigError || error instanceof UserFacingError || error instanceof KubeError) {
    process.stderr.write(`ambient-migrate: error: ${error.message}\n`);
    return EXIT.error;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ambient-migrate: unexpected error: ${message}\n  (please report this; set AMBIENT_MIGRATE_DEBUG=1 for details)\n`);
  if (process.env.AMBIENT_MIGRATE_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  return EXIT.error;
}
