import {
  CRD_FIXTURES,
  DEMO_FIXTURES,
  SeedError,
  readCrdManifests,
  readManifests,
  seedCluster
} from "./chunk-QJBLK3IT.js";
import "./chunk-6PFMMRXX.js";
export {
  CRD_FIXTURES,
  DEMO_FIXTURES,
  SeedError,
  readCrdManifests,
  readManifests,
  seedCluster
};
