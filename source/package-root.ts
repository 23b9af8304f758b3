import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/**
 * The folder holding the tool's package.json and fixtures/, found from this module's own location, so it
 * is the same whether the code runs from source/ (tests, tsx) or from a compiled chunk under dist/.
 */
export const PACKAGE_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'fixtures'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ambient-migrate package above ${start}`);
  }
}
