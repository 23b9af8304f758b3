import {
  progressLine,
  runApply,
  surviveClosedOutput
} from "./chunk-EDTTCTAF.js";
import "./chunk-NCT2FNLH.js";
import "./chunk-SPCHILSG.js";
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
