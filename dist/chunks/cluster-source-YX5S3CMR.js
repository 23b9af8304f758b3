import {
  DEMO_CLUSTER_FILE,
  DEMO_CONTEXT,
  openCluster
} from "./chunk-GMPKUAZ5.js";
import {
  UserFacingError
} from "./chunk-KOEXQVHC.js";
export {
  DEMO_CLUSTER_FILE,
  DEMO_CONTEXT,
  UserFacingError,
  openCluster
};
