import {
  DEMO_CLUSTER_FILE,
  DEMO_CONTEXT,
  openCluster
} from "./chunk-Z2JGLT5X.js";
import {
  UserFacingError
} from "./chunk-KOEXQVHC.js";
export {
  DEMO_CLUSTER_FILE,
  DEMO_CONTEXT,
  UserFacingError,
  openCluster
};
