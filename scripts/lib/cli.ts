// Small shared pieces of the release scripts: repo paths, semver check, failing with a clear line.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (scripts run compiled from dist/scripts/). */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));

export function fail(message: string): never {
  process.stderr.write(`✗ ${message}\n`);
  process.exit(1);
}

export function requireVersion(version: string | undefined, usage: string): string {
  if (version === undefined || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    fail(
      `${version === undefined ? 'A version is required' : `"${version}" is not a semantic version (e.g. 1.2.3)`}. Usage: ${usage}`,
    );
  }
  return version;
}

/** npm's tarball name: @scope/name@1.0.0 → scope-name-1.0.0.tgz */
export function tarballName(packageName: string, version: string): string {
  return `${packageName.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}
