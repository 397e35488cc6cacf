// The engine version a launch needs, from the home's cache when the binary is unchanged, otherwise
// from `--version` (which also proves the binary can run here). Spawning the engine just to ask
// costs a start tens of milliseconds on every run; a cache hit spawns nothing.
import { checkEngineVersion, type VersionCheck } from '../binary/version.js';
import {
  binaryIdentity,
  cachedVersion,
  readVersionCache,
  withVersion,
  writeVersionCache,
} from '../state/engine-version-cache.js';

export interface EngineVersion {
  readonly check: VersionCheck;
  /**
   * Stores a fresh answer; undefined on a cache hit or a failed check. Deferred to the caller, so
   * that a start refused later (bad input, busy port) leaves the home exactly as it was.
   */
  readonly remember: (() => Promise<void>) | undefined;
}

/** How the binary is asked: it runs `--version` (checkEngineVersion); a test hands in its own. */
export type AskVersion = (binary: string, hostGlibc: () => string | undefined) => Promise<VersionCheck>;

/** `hostGlibc` is asked only when the binary ran and failed (it costs a process report, ≈4 ms). */
export async function engineVersion(
  cacheFile: string,
  binary: string,
  hostGlibc: () => string | undefined,
  ask: AskVersion = checkEngineVersion,
): Promise<EngineVersion> {
  // Identified before it runs: if the file changes meanwhile, the stored identity is the old one and
  // the next start asks again (never the other way round).
  const [identity, cache] = await Promise.all([binaryIdentity(binary), readVersionCache(cacheFile)]);
  const known = identity && cachedVersion(cache, identity);
  if (known) return { check: { version: known }, remember: undefined };
  const check = await ask(binary, hostGlibc);
  const version = check.version;
  if (!identity || version === null) return { check, remember: undefined };
  return {
    check,
    // Re-read at write time: a concurrent start may have stored another binary's answer meanwhile.
    remember: async () =>
      writeVersionCache(cacheFile, withVersion(await readVersionCache(cacheFile), identity, version)),
  };
}
