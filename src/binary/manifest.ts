// binary-manifest.json: which engine this package bundles, per platform with its checksum.
import { readPackageJson } from '../package-files.js';
import { PACKAGE_NAME } from '../package-name.js';

export interface PlatformBinaryRecord {
  readonly package: string;
  readonly file: string;
  readonly sha256: string;
  readonly size: number;
}

export interface BinaryManifest {
  /** Engine version, e.g. "0.0.22"; "0.0.0-dev" in a local checkout. */
  readonly version: string;
  readonly commit: string | null;
  readonly date: string | null;
  /** The npm version the platform packages were built as. */
  readonly packageVersion?: string;
  readonly platforms: Readonly<Record<string, PlatformBinaryRecord>>;
}

export const DEV_VERSION = '0.0.0-dev';

export function bundledManifest(): BinaryManifest | undefined {
  return readPackageJson<BinaryManifest>('binary-manifest.json');
}

/** A warning when the platform package's engine is not the one the manifest promises, else null. */
export function versionMismatch(
  manifest: BinaryManifest | undefined,
  source: string,
  engineVersion: string | null,
): string | null {
  if (!manifest || manifest.version === DEV_VERSION || source !== 'platform-package' || engineVersion === null)
    return null;
  const expected = manifest.version.replace(/^v/, '');
  if (engineVersion === expected) return null;
  return `The installed engine is ${engineVersion}, but this plugin was released with ${expected}: the platform package does not match the plugin. Reinstall ${PACKAGE_NAME} so both come from one release.`;
}
