// The real engine binaries the end-to-end tests run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ENGINE_FILE = 'nanobpm-gateway-rest-server';

/** Engine 0.0.22 from the linux-x64 platform package (an optional dependency of this project). */
export function engineBinary(): string {
  let dir: string;
  try {
    dir = path.dirname(require.resolve('@nanobpm/c8ctl-plugin-nano-linux-x64/package.json'));
  } catch {
    throw new Error(
      'The real engine package @nanobpm/c8ctl-plugin-nano-linux-x64 is not installed; run "npm ci" (without --omit=optional) on linux-x64.',
    );
  }
  const binary = path.join(dir, ENGINE_FILE);
  if (!existsSync(binary))
    throw new Error(`The engine package is installed but ${binary} is missing; reinstall with "npm ci".`);
  return binary;
}

const OLD_PACKAGE = 'c8ctl-plugin-nano-linux-x64@1.0.1';
const OLD_DIR = path.resolve('.cache', 'engines', 'engine-0.0.2');

export function oldEngineBinary(): string {
  return path.join(OLD_DIR, 'package', ENGINE_FILE);
}

/**
 * Engine 0.0.2 (needs GLIBC 2.39, so it cannot run on this host): the real "binary that dies at once".
 * Fetched from the npm registry into .cache/ on first use, not a dependency, since no user needs it.
 */
export async function ensureOldEngine(): Promise<string> {
  const binary = oldEngineBinary();
  if (existsSync(binary)) return binary;
  rmSync(OLD_DIR, { recursive: true, force: true });
  mkdirSync(OLD_DIR, { recursive: true });
  try {
    execFileSync('npm', ['pack', OLD_PACKAGE, '--pack-destination', OLD_DIR, '--silent'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const tarball = readdirSync(OLD_DIR).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack produced no tarball');
    execFileSync('tar', ['-xzf', path.join(OLD_DIR, tarball), '-C', OLD_DIR]);
  } catch (error) {
    throw new Error(
      `Could not fetch ${OLD_PACKAGE} for the "binary cannot run here" test: ${(error as Error).message}`,
    );
  }
  if (!existsSync(binary)) throw new Error(`${OLD_PACKAGE} did not contain ${ENGINE_FILE}`);
  return binary;
}
