// From a registry packument and what is installed to "is there something newer, and what would it
// change". Pure: the registry query and the install are inputs.
import { compareVersions, isPrerelease, newestFor } from './semver.js';
import { PLATFORM_PACKAGE_PREFIX as PLATFORM_PREFIX } from '../package-name.js';

export interface Installed {
  readonly version: string;
  /** The engine the bundled binary-manifest.json names ("0.0.0-dev" in a checkout), if known. */
  readonly engine?: string | undefined;
  /** Our pin of the platform package (`optionalDependencies`), e.g. "@nanobpm/…-linux-x64" → "0.1.0". */
  readonly platformPackage?: { readonly name: string; readonly version: string } | undefined;
}

/** What one published version says about itself (a packument's `versions[v]`). */
interface PublishedVersion {
  readonly optionalDependencies?: Record<string, string>;
  /** Stamped by the release when known: the engine version the platform packages carry. */
  readonly engineVersion?: string;
  /** Release notes, if the release put them in package.json (a text or a link). */
  readonly releaseNotes?: string;
}

export interface Packument {
  readonly 'dist-tags'?: Record<string, string>;
  readonly versions?: Record<string, PublishedVersion>;
}

export interface Assessment {
  readonly current: string;
  readonly latest: string;
  readonly updateAvailable: boolean;
  readonly engine: { readonly current: string | null; readonly latest: string | null };
  readonly platformPackage: {
    readonly name: string;
    readonly current: string | null;
    readonly latest: string | null;
  } | null;
  readonly releaseNotes: string | null;
}

/** The platform package our install pins for this machine (or the only one pinned). */
export function pinnedPlatformPackage(
  optional: Record<string, string> | undefined,
  hostId: string,
): { name: string; version: string } | undefined {
  const entries = Object.entries(optional ?? {}).filter(([name]) => name.startsWith(PLATFORM_PREFIX));
  const mine =
    entries.find(([name]) => name.slice(PLATFORM_PREFIX.length).startsWith(hostId)) ??
    (entries.length === 1 ? entries[0] : undefined);
  return mine ? { name: mine[0], version: mine[1] } : undefined;
}

/**
 * The release for someone on `installed.version`: the `latest` dist-tag (a prerelease user also
 * sees a higher prerelease). Undefined when none is published.
 */
export function assess(packument: Packument, installed: Installed, hostId: string): Assessment | undefined {
  const versions = Object.keys(packument.versions ?? {});
  // The `latest` dist-tag is what `npm install` and `c8ctl upgrade plugin` would install, so it is the
  // answer; the highest version counts only without one, or for someone already on a prerelease.
  const tag = packument['dist-tags']?.latest;
  const tagged =
    tag && versions.includes(tag) && (isPrerelease(installed.version) || !isPrerelease(tag)) ? tag : undefined;
  const newest = newestFor(installed.version, versions);
  const latest =
    tagged && (!isPrerelease(installed.version) || !newest || compareVersions(tagged, newest) >= 0) ? tagged : newest;
  if (!latest) return undefined;
  const published = packument.versions?.[latest] ?? {};
  const updateAvailable = compareVersions(latest, installed.version) > 0;
  const theirs = pinnedPlatformPackage(published.optionalDependencies, hostId);
  const platformName = installed.platformPackage?.name ?? theirs?.name;
  const notes =
    typeof published.releaseNotes === 'string' && published.releaseNotes.trim() ? published.releaseNotes.trim() : null;
  return {
    current: installed.version,
    latest,
    updateAvailable,
    engine: {
      current: installed.engine ?? null,
      latest: typeof published.engineVersion === 'string' ? published.engineVersion : null,
    },
    platformPackage: platformName
      ? {
          name: platformName,
          current: installed.platformPackage?.version ?? null,
          latest: published.optionalDependencies?.[platformName] ?? null,
        }
      : null,
    releaseNotes: notes,
  };
}

/** "engine 0.0.22 → 0.0.23" (or the platform package pins when the release did not say its engine). */
export function engineChange(a: Assessment): string | undefined {
  if (a.engine.latest)
    return a.engine.current && a.engine.current !== a.engine.latest
      ? `engine ${a.engine.current} → ${a.engine.latest}`
      : `engine ${a.engine.latest}`;
  const p = a.platformPackage;
  if (p?.latest)
    return p.current && p.current !== p.latest
      ? `engine package ${p.name} ${p.current} → ${p.latest}`
      : `engine package ${p.name} ${p.latest}`;
  return undefined;
}
