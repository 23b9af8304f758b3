import {
  PACKAGE_ROOT
} from "./chunks/chunk-6PFMMRXX.js";
import {
  KubeError,
  KubeconfigError,
  UserFacingError
} from "./chunks/chunk-KOEXQVHC.js";

// source/cli.tsx
import { readFileSync } from "node:fs";
import path from "node:path";
import { Argument, Command, CommanderError, Option } from "commander";
var EXIT = { ok: 0, error: 1, usage: 2, blocked: 3 };
var COMMANDS = ["audit", "plan", "backup", "apply", "revert", "status", "sim", "completion", "version", "help"];
function version() {
  return JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")).version;
}
async function main(argv) {
  let exitCode = EXIT.ok;
  const program = buildProgram((code) => exitCode = code);
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}
function buildProgram(done = () => {
}) {
  const program = new Command("ambient-migrate").description("Migrate an Istio mesh from sidecar mode to ambient mode, step by step, with every change recorded and reversible.").version(version(), "--version", "print the version").usage("[options] [command]").helpOption("-h, --help", "show help").helpCommand("help [command]", "show help for a command").configureHelp({ showGlobalOptions: true, sortSubcommands: false }).exitOverride().configureOutput({ outputError: (text, write) => write(`ambient-migrate: ${text}`) }).showSuggestionAfterError(true);
  program.option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)").option("--context <name>", "kubeconfig context to use (default: the current context)").option("--workdir <dir>", "where the state file and backups live", "./ambient-migration").option("--demo", "use the built-in demo cluster (a simulated API server)").option("--cluster-from <path>", "start a simulated cluster from these manifests (a file or a directory)").option("-v, --verbose", "log every API request (method, path, status, time) to stderr").argument("[command]").action(async (command, flags) => {
    if (command) throw usageError(`unknown command '${command}'. See 'ambient-migrate --help'.`);
    const { runWizard } = await import("./chunks/wizard-command-5C6WZP4G.js");
    done(await runWizard(clusterFlags(flags)));
  });
  const outputOptions = (command) => command.addOption(new Option("-o, --output <format>", "output format").choices(["json", "yaml"])).addOption(new Option("--json", "same as -o json").implies({ output: "json" }));
  outputOptions(
    program.command("audit").description("check the environment and list blockers, limitations and per-namespace readiness (exit 3 if anything blocks)")
  ).action(async (options, command) => {
    const { runAudit } = await import("./chunks/audit-command-ACNDJQNG.js");
    done(await runAudit({ ...globals(command), output: options.output }));
  });
  outputOptions(
    program.command("plan").description("compute the objects and ordered operations that move namespaces to ambient mode; writes nothing").requiredOption("-n, --namespace <list>", "namespaces to plan, comma-separated", parseNamespaces).option("--out <dir>", "also write every created or changed object as YAML, plus plan.json, for GitOps")
  ).action(async (options, command) => {
    const { runPlan } = await import("./chunks/plan-command-PAIY2UHP.js");
    done(await runPlan({ ...globals(command), namespaces: options.namespace, output: options.output, out: options.out }));
  });
  program.command("backup").description("save every Istio, Gateway API, namespace, Service and workload object to <workdir>/backups/<time>/, restorable with kubectl apply -f").action(async (_options, command) => {
    const { runBackup } = await import("./chunks/backup-command-3HHY3NCL.js");
    done(await runBackup(globals(command)));
  });
  const dryRunOption = (what) => new Option(
    "--dry-run [strategy]",
    `"server": send every write with server-side dry run, changing nothing; "client": print the ${what} without sending any write. Bare --dry-run means server`
  ).choices(["server", "client"]).preset("server");
  program.command("apply").description("migrate namespaces: run (or resume) their plan, journaling every write in <workdir>/state.json").requiredOption("-n, --namespace <list>", "namespaces to migrate, comma-separated", parseNamespaces).option("--yes", "do not ask for confirmation (required without a terminal)").addOption(dryRunOption("operations")).action(async (options, command) => {
    const { runApply } = await import("./chunks/apply-command-KCB6DDKO.js");
    done(await runApply({ ...globals(command), namespaces: options.namespace, yes: options.yes, dryRun: options.dryRun }));
  });
  program.command("revert").description("put namespaces back as they were before ambient-migrate changed them, from the state file").requiredOption("-n, --namespace <list>", "namespaces to revert, comma-separated", parseNamespaces).option("--yes", "do not ask for confirmation (required without a terminal)").addOption(dryRunOption("operations it would undo")).action(async (options, command) => {
    const { runRevert } = await import("./chunks/revert-command-67RT2OQO.js");
    done(await runRevert({ ...globals(command), namespaces: options.namespace, yes: options.yes, dryRun: options.dryRun }));
  });
  outputOptions(program.command("status").description("where each namespace stands in the state file, and whether the cluster still agrees")).action(
    async (options, command) => {
      const { runStatus } = await import("./chunks/status-command-GADBRNDT.js");
      done(await runStatus({ ...globals(command), output: options.output }));
    }
  );
  program.command("sim").description("run the simulated Kubernetes API server in the foreground and write a kubeconfig for it").addOption(new Option("--fixtures <path>", "manifests to seed (a file or a directory); default: the demo cluster")).addOption(new Option("--port <n>", "port on 127.0.0.1 (default: any free port)").argParser(parsePort)).addOption(new Option("--kubeconfig-out <file>", "where to write the kubeconfig").default("./ambient-migrate-sim.kubeconfig")).action(async (flags) => {
    const { runSimulatorCommand } = await import("./chunks/sim-command-D5XP5CSD.js");
    done(await runSimulatorCommand(flags));
  });
  program.command("completion").description("print a shell completion script: source <(ambient-migrate completion bash)").addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"])).action(async (shell) => {
    const { completionScript } = await import("./chunks/completion-RE6SEJU4.js");
    process.stdout.write(completionScript(shell, describeCommands(program), [...globalFlagNames(program), "--help", "--version"]));
    done(EXIT.ok);
  });
  program.command("version").description("print the version").action(() => {
    process.stdout.write(`${version()}
`);
    done(EXIT.ok);
  });
  program.command("__complete-namespaces", { hidden: true }).action(async (_options, command) => {
    const { listNamespaceNames } = await import("./chunks/completion-RE6SEJU4.js");
    process.stdout.write((await listNamespaceNames(globals(command))).map((n) => `${n}
`).join(""));
    done(EXIT.ok);
  });
  return program;
}
function globals(command) {
  return clusterFlags(command.optsWithGlobals());
}
function globalFlagNames(program) {
  return program.options.map((o) => o.long).filter((l) => l && l !== "--version");
}
function describeCommands(program) {
  const globalFlags = globalFlagNames(program);
  return program.commands.filter((c) => !c.name().startsWith("__")).map((c) => ({
    name: c.name(),
    flags: [...c.options.map((o) => o.long).filter(Boolean), ...globalFlags, "--help"],
    takesNamespace: c.options.some((o) => o.long === "--namespace")
  }));
}
function clusterFlags(flags) {
  if (flags.demo && flags.clusterFrom) throw usageError("--demo and --cluster-from both choose the cluster: pass only one");
  if ((flags.demo || flags.clusterFrom) && (flags.kubeconfig || flags.context)) {
    throw usageError("--kubeconfig/--context choose a real cluster; they cannot be combined with --demo or --cluster-from");
  }
  return flags;
}
function parseNamespaces(value, previous = []) {
  const names = value.split(",").map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw usageError("-n needs at least one namespace name");
  return [...previous, ...names];
}
function parsePort(value) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be a number from 0 to 65535, got '${value}'`);
  return port;
}
function usageError(message) {
  return new CommanderError(EXIT.usage, "ambient-migrate.usage", `error: ${message}`);
}
function reportError(error) {
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return EXIT.ok;
    if (error.code === "ambient-migrate.usage") process.stderr.write(`ambient-migrate: ${error.message}
`);
    return EXIT.usage;
  }
  if (error instanceof KubeconfigError || error instanceof UserFacingError || error instanceof KubeError) {
    process.stderr.write(`ambient-migrate: error: ${error.message}
`);
    return EXIT.error;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ambient-migrate: unexpected error: ${message}
  (please report this; set AMBIENT_MIGRATE_DEBUG=1 for details)
`);
  if (process.env.AMBIENT_MIGRATE_DEBUG) process.stderr.write(`${error?.stack ?? ""}
`);
  return EXIT.error;
}
export {
  COMMANDS,
  EXIT,
  buildProgram,
  describeCommands,
  main,
  reportError
};
