import {
  createCluster,
  kubeconfigFor,
  startSimulator,
  writeKubeconfig
} from "./chunk-RPCSNCRD.js";
import "./chunk-Y36NL6OK.js";
import "./chunk-6PFMMRXX.js";
export {
  createCluster,
  kubeconfigFor,
  startSimulator,
  writeKubeconfig
};
