// Files of this package (package.json, binary-manifest.json, the update check script), found from the
// running code wherever it sits: bundled (dist/src/bin.js, dist/chunks/…), compiled (dist/src/…/…) or
// from source (src/…, in tests). So no caller depends on how deep its own file lies.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'c8ctl-plugin-nano';
const MAX_DEPTH = 5;

let root: { value: string | undefined } | undefined;

/** The folder holding our own package.json (not a parent folder's), or undefined if it cannot be found. */
export function packageRoot(): string | undefined {
  root ??= { value: findRoot(path.dirname(fileURLToPath(import.meta.url))) };
  return root.value;
}

function findRoot(start: string): string | undefined {
  let dir = start;
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    if (isOurPackageJson(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function isOurPackageJson(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

export function readPackageJson<T>(name: string): T | undefined {
  const dir = packageRoot();
  if (dir === undefined) return undefined;
  try {
    return JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * The compiled script of ours at `relative` (e.g. "update/check-script.js"): under dist/src/ in a
 * build, or next to the source in tests.
 */
export function packageScript(relative: string): string | undefined {
  const dir = packageRoot();
  if (dir === undefined) return undefined;
  for (const base of ['dist/src', 'src']) {
    const file = path.join(dir, base, relative);
    if (existsSync(file)) return file;
  }
  return undefined;
}
