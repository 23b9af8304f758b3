// source/core/order.ts
function byCodeUnits(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// source/core/plan/types.ts
var STEPS = ["waypoint", "policies", "use-waypoint", "enroll", "remove-injection", "restart", "cleanup"];
var MANAGED_BY = { "app.kubernetes.io/managed-by": "ambient-migrate" };
var SOURCE_ANNOTATION = "ambient-migrate.io/converted-from";
var WAYPOINT_NAME = "waypoint";

export {
  byCodeUnits,
  STEPS,
  MANAGED_BY,
  SOURCE_ANNOTATION,
  WAYPOINT_NAME
};
