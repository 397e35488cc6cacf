// The release manifest behind "processos set download-url": what is published, for which platform,
// with which checksum, and whether the installed copy is still the published one. Pure.
//
//   {"version":"1.2.0","platforms":{"linux-x64":{"url":"processos-linux-x64","sha256":"<64 hex>","size":123}}}
//
// A platform's url may be relative: it is resolved against the manifest's own URL. size is optional.

export interface Release {
  readonly version: string;
  readonly platform: string;
  /** Absolute http(s) URL of the binary. */
  readonly url: string;
  /** Lower-case hex. */
  readonly sha256: string;
  readonly size?: number;
}

/** What is on disk (download-store.ts), as far as deciding goes. */
export interface InstalledRelease {
  readonly version: string;
  readonly sha256: string;
}

// Used as a directory name: no separators, no "..", nothing a shell would mangle.
const VERSION = /^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;

export class ManifestError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Only http and https URLs; the one check shared by "set download-url" and the manifest's own entries. */
export function httpUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `must be an http:// or https:// URL, not ${url.protocol}`;
  return null;
}

/** The release for `platform` from the manifest text fetched from `manifestUrl`; throws ManifestError in words. */
export function parseRelease(text: string, manifestUrl: string, platform: string): Release {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ManifestError('it is not JSON (expected {"version": …, "platforms": {…}})');
  }
  if (!isObject(value)) throw new ManifestError('it is not a JSON object');
  const { version, platforms } = value;
  if (typeof version !== 'string' || !VERSION.test(version))
    throw new ManifestError(`"version" must be a version string such as "1.2.0", not ${JSON.stringify(version)}`);
  if (!isObject(platforms))
    throw new ManifestError('"platforms" must be an object keyed by platform, e.g. "linux-x64"');
  const entry = platforms[platform];
  if (entry === undefined) {
    const offered = Object.keys(platforms);
    throw new ManifestError(
      `version ${version} has no build for ${platform} (it offers ${offered.length > 0 ? offered.join(', ') : 'none'})`,
    );
  }
  if (!isObject(entry)) throw new ManifestError(`the "${platform}" entry is not an object`);
  if (typeof entry.url !== 'string' || entry.url === '')
    throw new ManifestError(`the "${platform}" entry has no "url"`);
  if (typeof entry.sha256 !== 'string' || !SHA256.test(entry.sha256))
    throw new ManifestError(`the "${platform}" entry's "sha256" must be 64 hex digits`);
  if (
    entry.size !== undefined &&
    (typeof entry.size !== 'number' || !Number.isSafeInteger(entry.size) || entry.size <= 0)
  )
    throw new ManifestError(`the "${platform}" entry's "size" must be a positive whole number of bytes`);
  let url: string;
  try {
    url = new URL(entry.url, manifestUrl).toString();
  } catch {
    throw new ManifestError(`the "${platform}" entry's url ${JSON.stringify(entry.url)} is not a URL`);
  }
  const problem = httpUrlProblem(url);
  if (problem) throw new ManifestError(`the "${platform}" entry's url ${url} ${problem}`);
  return {
    version,
    platform,
    url,
    sha256: entry.sha256.toLowerCase(),
    ...(entry.size !== undefined ? { size: entry.size } : {}),
  };
}

/**
 * Fetch when nothing is installed, or when what is published differs from the installed copy: another
 * version, or the same version republished with another checksum (another build, another platform).
 */
export function needsFetch(installed: InstalledRelease | undefined, published: Release): boolean {
  return installed === undefined || installed.version !== published.version || installed.sha256 !== published.sha256;
}
