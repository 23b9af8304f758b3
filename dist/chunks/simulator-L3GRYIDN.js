import {
  createCluster,
  kubeconfigFor,
  startSimulator,
  writeKubeconfig
} from "./chunk-UA3Z5HNU.js";
import "./chunk-Y36NL6OK.js";
import "./chunk-6PFMMRXX.js";
export {
  createCluster,
  kubeconfigFor,
  startSimulator,
  writeKubeconfig
};
