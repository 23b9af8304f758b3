// source/package-root.ts
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
var PACKAGE_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
function findRoot(start) {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "fixtures"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ambient-migrate package above ${start}`);
  }
}

export {
  PACKAGE_ROOT
};
