import {
  DEMO_CLUSTER_FILE,
  DEMO_CONTEXT,
  openCluster
} from "./chunk-PDGQ4KIV.js";
import {
  UserFacingError
} from "./chunk-KOEXQVHC.js";
export {
  DEMO_CLUSTER_FILE,
  DEMO_CONTEXT,
  UserFacingError,
  openCluster
};
