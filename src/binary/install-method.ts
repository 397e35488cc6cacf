// How the engine should describe where its binary came from (NANOBPMN_BINARY_SOURCE). Pure.
// The engine's console turns it into update advice (GET /console/api/server/update, measured with
// 0.0.22): `managed-npm` says "Run `c8ctl nano update`", `flag` says to update that binary,
// `configured` to update or clear the configured path, `repo-*` to rebuild the checkout; any other
// value shows no advice at all.
import type { BinarySource } from './resolve.js';

const INSTALL_METHOD: Readonly<Record<BinarySource, string>> = {
  flag: 'flag',
  config: 'configured',
  env: 'configured',
  'platform-package': 'managed-npm',
  'repo-release': 'repo-release',
  'repo-debug': 'repo-debug',
};

export function installMethodOf(source: string): string {
  return INSTALL_METHOD[source as BinarySource] ?? 'unknown';
}

/** The Node the engine may run JS workers with: only one new enough for it (22.6 or later). */
export function nodeForWorkers(version: string, execPath: string): string | null {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 6) ? execPath : null;
}
