import {
  startSimulator
} from "./chunk-5JNLXHMQ.js";
import {
  DEMO_FIXTURES,
  SeedError
} from "./chunk-QJBLK3IT.js";
import "./chunk-6PFMMRXX.js";
import "./chunk-PDGQ4KIV.js";
import {
  UserFacingError
} from "./chunk-KOEXQVHC.js";

// source/app/sim-command.ts
import path from "node:path";
var CONTROLLER_DELAY_ENV = "AMBIENT_MIGRATE_SIM_CONTROLLER_DELAY_MS";
function controllerDelay() {
  const raw = process.env[CONTROLLER_DELAY_ENV];
  if (raw === void 0 || raw === "") return void 0;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new UserFacingError(`${CONTROLLER_DELAY_ENV} must be a whole number of milliseconds, not ${JSON.stringify(raw)}`);
  return ms;
}
async function runSimulatorCommand(flags) {
  let simulator;
  const controllerDelayMs = controllerDelay();
  try {
    simulator = await startSimulator({ fixtures: [flags.fixtures ?? DEMO_FIXTURES], port: flags.port, controllerDelayMs });
  } catch (error) {
    if (error instanceof SeedError) throw new UserFacingError(error.message);
    if (error.code === "EADDRINUSE") throw new UserFacingError(`port ${flags.port} on 127.0.0.1 is already in use: pick another with --port, or omit it`);
    throw error;
  }
  const kubeconfig = path.resolve(simulator.writeKubeconfig(flags.kubeconfigOut));
  process.stdout.write(
    [
      `Simulated Kubernetes API server (v1.32) listening on ${simulator.url}`,
      `Seeded from ${flags.fixtures ?? "the demo cluster"}`,
      `Kubeconfig written to ${kubeconfig}`,
      "",
      `  kubectl --kubeconfig ${kubeconfig} get namespaces`,
      `  ambient-migrate --kubeconfig ${kubeconfig}`,
      "",
      "Press Ctrl+C to stop.",
      ""
    ].join("\n")
  );
  await new Promise((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await simulator.close();
  process.stdout.write("Simulator stopped.\n");
  return 0;
}
export {
  CONTROLLER_DELAY_ENV,
  runSimulatorCommand
};
