import {
  DEMO_CLUSTER_FILE,
  DEMO_CONTEXT,
  openCluster
} from "./chunk-7WD4GQLK.js";
import {
  UserFacingError
} from "./chunk-KOEXQVHC.js";
export {
  DEMO_CLUSTER_FILE,
  DEMO_CONTEXT,
  UserFacingError,
  openCluster
};
