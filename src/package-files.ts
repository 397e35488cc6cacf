// Files of this package (package.json, binary-manifest.json, the update check script), found from the
// running code wherever it sits: bundled (dist/src/main-nano.cjs), compiled (dist/src/…/…) or from source
// (src/…, in tests). So no caller depends on how deep its own file lies.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_NAME } from './package-name.js';

const MAX_DEPTH = 5;

interface PackageRoot {
  readonly dir: string;
  /** Our package.json, parsed once while looking for the root (every command asks for its version). */
  readonly packageJson: unknown;
}

let root: { value: PackageRoot | undefined } | undefined;

function findRoot(): PackageRoot | undefined {
  root ??= { value: searchUp(path.dirname(fileURLToPath(import.meta.url))) };
  return root.value;
}

function searchUp(start: string): PackageRoot | undefined {
  let dir = start;
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    const packageJson = readJson(path.join(dir, 'package.json'));
    if ((packageJson as { name?: unknown } | undefined)?.name === PACKAGE_NAME) return { dir, packageJson };
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The folder holding our own package.json (not a parent folder's), or undefined if it cannot be found. */
export function packageRoot(): string | undefined {
  return findRoot()?.dir;
}

export function readPackageJson<T>(name: string): T | undefined {
  const found = findRoot();
  if (found === undefined) return undefined;
  return (name === 'package.json' ? found.packageJson : readJson(path.join(found.dir, name))) as T | undefined;
}

/** The compiled script of ours at `relative` under dist/src/ (e.g. "update/check-script.js"), if built. */
export function packageScript(relative: string): string | undefined {
  const dir = packageRoot();
  if (dir === undefined) return undefined;
  const file = path.join(dir, 'dist', 'src', relative);
  return existsSync(file) ? file : undefined;
}
