import {readFileSync} from 'node:fs';
import {Command, CommanderError, Option} from 'commander';
import {UserFacingError, type ClusterFlags} from './app/cluster-source.ts';
import {runAudit} from './app/audit-command.ts';
import {runApply} from './app/apply-command.ts';
import {runBackup} from './app/backup-command.ts';
import {runRevert} from './app/revert-command.ts';
import {runStatus} from './app/status-command.ts';
import {runPlan} from './app/plan-command.ts';
import {runSimulatorCommand} from './app/sim-command.ts';
import {runWizard} from './app/wizard-command.tsx';
import {parseRequestTimeout} from './app/request-timeout.ts';
import {KubeError} from './kube/client.ts';
import {KubeconfigError} from './kube/http-client.ts';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};

export interface GlobalFlags extends ClusterFlags {
  workdir: string;
}

/** The exit codes, as the README's table documents them. */
export const EXIT = {ok: 0, error: 1, usage: 2, blocked: 3, differs: 4} as const;

/** Parses the command line, runs the command, and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('ambient-migrate')
    .description('Migrate an Istio mesh from sidecar mode to ambient mode, step by step, with every change recorded and reversible.')
    .version(packageJson.version, '--version', 'print the version')
    .usage('[options] [command]')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({outputError: (text, write) => write(`ambient-migrate: ${text.replace(/^error: /, 'error: ')}`)})
    .showSuggestionAfterError(true);

  const addClusterFlags = (command: Command) =>
    command
      .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', 'kubeconfig context to use (default: the current context)')
      .option('--workdir <dir>', 'where the state file and backups live', './ambient-migration')
      .option('--demo', 'use the built-in demo cluster (a simulated API server)')
      .option('--cluster-from <path>', 'start a simulated cluster from these manifests (a file or a directory)')
      .addOption(new Option('--request-timeout <duration>', 'how long to wait for each API request: 0 (no limit), seconds, or 30s, 1m, 500ms (default 30s)').argParser(parseRequestTimeoutFlag));

  addClusterFlags(program)
    .argument('[command]')
    .action(async (command: string | undefined, flags: GlobalFlags) => {
      if (command) throw usageError(`unknown command '${command}'. See 'ambient-migrate --help'.`);
      exitCode = await runWizard(checkClusterFlags(flags));
    });

  program
    .command('audit')
    .description('check the environment and list blockers, limitations and per-namespace readiness (exit 3 if anything blocks)')
    .option('--json', 'print one JSON object instead of text')
    .action(async (options: {json?: boolean}, command: Command) => {
      exitCode = await runAudit({...checkClusterFlags(command.optsWithGlobals() as GlobalFlags), json: options.json});
    });

  program
    .command('plan')
    .description('compute the objects and ordered operations that move namespaces to ambient mode; writes nothing')
    .requiredOption('-n, --namespace <list>', 'namespaces to plan, comma-separated', parseNamespaces)
    .option('--json', 'print the plan as JSON')
    .option('--out <dir>', 'also write every created or changed object as YAML, plus plan.json, for GitOps')
    .option('--force', 'with --out: write into a directory that already holds other files')
    .action(async (options: {namespace: string[]; json?: boolean; out?: string; force?: boolean}, command: Command) => {
      exitCode = await runPlan({...checkClusterFlags(command.optsWithGlobals() as GlobalFlags), namespaces: options.namespace, json: options.json, out: options.out, force: options.force});
    });

  program
    .command('backup')
    .description('save every Istio, Gateway API, namespace, Service and workload object to <workdir>/backups/<time>/, restorable with kubectl apply -f')
    .action(async (_options: object, command: Command) => {
      exitCode = await runBackup(checkClusterFlags(command.optsWithGlobals() as GlobalFlags));
    });

  program
    .command('apply')
    .description('migrate namespaces: run (or resume) their plan, journaling every write in <workdir>/state.json')
    .requiredOption('-n, --namespace <list>', 'namespaces to migrate, comma-separated', parseNamespaces)
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .option('--dry-run', 'send every write with server-side dry run; change nothing')
    .action(async (options: {namespace: string[]; yes?: boolean; dryRun?: boolean}, command: Command) => {
      exitCode = await runApply({...checkClusterFlags(command.optsWithGlobals() as GlobalFlags), namespaces: options.namespace, yes: options.yes, dryRun: options.dryRun});
    });

  program
    .command('revert')
    .description('put namespaces back as they were before ambient-migrate changed them, from the state file')
    .requiredOption('-n, --namespace <list>', 'namespaces to revert, comma-separated', parseNamespaces)
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .action(async (options: {namespace: string[]; yes?: boolean}, command: Command) => {
      exitCode = await runRevert({...checkClusterFlags(command.optsWithGlobals() as GlobalFlags), namespaces: options.namespace, yes: options.yes});
    });

  program
    .command('status')
    .description('where each namespace stands in the state file, and whether the cluster still agrees')
    .option('--json', 'print JSON')
    .action(async (options: {json?: boolean}, command: Command) => {
      exitCode = await runStatus({...checkClusterFlags(command.optsWithGlobals() as GlobalFlags), json: options.json});
    });

  program
    .command('sim')
    .description('run the simulated Kubernetes API server in the foreground and write a kubeconfig for it')
    .addOption(new Option('--fixtures <path>', 'manifests to seed (a file or a directory); default: the demo cluster'))
    .addOption(new Option('--port <n>', 'port on 127.0.0.1 (default: any free port)').argParser(parsePort))
    .addOption(new Option('--kubeconfig-out <file>', 'where to write the kubeconfig').default('./ambient-migrate-sim.kubeconfig'))
    .action(async (flags: {fixtures?: string; port?: number; kubeconfigOut: string}) => {
      exitCode = await runSimulatorCommand(flags);
    });

  try {
    await program.parseAsync(argv, {from: 'user'});
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

function checkClusterFlags(flags: GlobalFlags): GlobalFlags {
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

