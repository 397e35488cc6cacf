// Files of this package (package.json, binary-manifest.json), found from the running code whether it
// runs compiled (dist/src/…) or from source (src/…, in tests).
import { readFileSync } from 'node:fs';

export function readPackageJson<T>(name: string): T | undefined {
  for (const base of ['../../', '../']) {
    try {
      const text = readFileSync(new URL(`${base}${name}`, import.meta.url), 'utf8');
      const pkg = JSON.parse(readFileSync(new URL(`${base}package.json`, import.meta.url), 'utf8')) as { name?: string };
      // Only our own package root counts, not a parent folder that happens to hold a package.json.
      if (pkg.name === 'c8ctl-plugin-nano') return JSON.parse(text) as T;
    } catch {
      // try the next location
    }
  }
  return undefined;
}
