import {
  progressLine,
  runApply,
  surviveClosedOutput
} from "./chunk-GMD4Q4NJ.js";
import "./chunk-GWLMTUGH.js";
import "./chunk-PY7GAIW3.js";
import "./chunk-LSBWZTW7.js";
import "./chunk-RL7YLADG.js";
import "./chunk-ISJ5NZQH.js";
import "./chunk-XLBCLG2P.js";
import "./chunk-GZO3AIBA.js";
import "./chunk-VOHJU6GF.js";
import "./chunk-BHLIGX4B.js";
import "./chunk-ODE5LSI6.js";
import "./chunk-MSTYNHIA.js";
import "./chunk-PDGQ4KIV.js";
import "./chunk-KOEXQVHC.js";
export {
  progressLine,
  runApply,
  surviveClosedOutput
};
