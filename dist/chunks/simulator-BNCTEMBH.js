import {
  createCluster,
  kubeconfigFor,
  startSimulator,
  writeKubeconfig
} from "./chunk-5JNLXHMQ.js";
import "./chunk-QJBLK3IT.js";
import "./chunk-6PFMMRXX.js";
export {
  createCluster,
  kubeconfigFor,
  startSimulator,
  writeKubeconfig
};
