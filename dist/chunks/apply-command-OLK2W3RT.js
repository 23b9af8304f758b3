import {
  progressLine,
  runApply,
  surviveClosedOutput
} from "./chunk-FCJSCY5M.js";
import "./chunk-U7HY2OJC.js";
import "./chunk-46QV2BD7.js";
import "./chunk-3NKMIGWP.js";
import "./chunk-7AHIBVUS.js";
import "./chunk-ISJ5NZQH.js";
import "./chunk-PMEPC4XA.js";
import "./chunk-7EWFAVJ6.js";
import "./chunk-2JAFWMLK.js";
import "./chunk-BHLIGX4B.js";
import "./chunk-ODE5LSI6.js";
import "./chunk-MSTYNHIA.js";
import "./chunk-GMPKUAZ5.js";
import "./chunk-KOEXQVHC.js";
export {
  progressLine,
  runApply,
  surviveClosedOutput
};
