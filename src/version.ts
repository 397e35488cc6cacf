// The plugin's own version, read from package.json next to the compiled code.
import { readPackageJson } from './package-files.js';

export function pluginVersion(): string {
  return readPackageJson<{ version?: string }>('package.json')?.version ?? '0.0.0-unknown';
}
