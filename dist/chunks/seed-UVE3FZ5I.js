import {
  CRD_FIXTURES,
  DEMO_FIXTURES,
  SeedError,
  readManifests,
  seedCluster
} from "./chunk-Y36NL6OK.js";
import "./chunk-6PFMMRXX.js";
export {
  CRD_FIXTURES,
  DEMO_FIXTURES,
  SeedError,
  readManifests,
  seedCluster
};
