// "processos set download-url" (or PROCESSOS_DOWNLOAD_URL) at start: ask the manifest, fetch the
// published build when it differs from the installed copy, fall back to a verified copy (with a
// warning) when the network fails, and fail in one line when there is no copy at all.
import { UserError } from '../errors.js';
import { downloadCause, httpDownload } from '../os/http-download.js';
import { ManifestError, needsFetch, parseRelease, type Release } from './download-manifest.js';
import { installRelease, readInstalled, stillIntact, type InstalledCopy } from './download-store.js';
import type { ProcessosSettings } from '../state/processos-settings.js';

export const MANIFEST_TIMEOUT_MS = 5_000;
const BINARY_TIMEOUTS = { timeoutMs: 15 * 60_000, idleMs: 30_000 };
const MAX_MANIFEST = 1024 * 1024;

export interface DownloadSource {
  readonly url: string;
  /** Which setting chose it. */
  readonly from: 'set download-url' | 'PROCESSOS_DOWNLOAD_URL';
}

/** The typed setting beats the environment, as for every other typed setting. */
export function downloadSource(
  settings: ProcessosSettings,
  env: Readonly<Record<string, string | undefined>>,
): DownloadSource | undefined {
  if (settings.downloadUrl) return { url: settings.downloadUrl, from: 'set download-url' };
  const fromEnv = env.PROCESSOS_DOWNLOAD_URL?.trim();
  return fromEnv ? { url: fromEnv, from: 'PROCESSOS_DOWNLOAD_URL' } : undefined;
}

export interface DownloadedProcessos {
  readonly path: string;
  readonly version: string;
  readonly manifestUrl: string;
  readonly binaryUrl: string;
  readonly from: DownloadSource['from'];
  /** Fetched by this call (else the installed copy was still the published one, or the network failed). */
  readonly fetched: boolean;
}

/** The published release, or why it could not be learnt (in words continuing "…: "). */
export async function askManifest(
  source: DownloadSource,
  platform: string,
): Promise<{ release: Release } | { cause: string }> {
  const chunks: Buffer[] = [];
  const answer = await httpDownload(source.url, {
    timeoutMs: MANIFEST_TIMEOUT_MS,
    maxBytes: MAX_MANIFEST,
    onChunk: (c) => chunks.push(c),
  });
  if (answer.kind !== 'done') return { cause: downloadCause(answer) };
  try {
    return { release: parseRelease(Buffer.concat(chunks).toString('utf8'), answer.url, platform) };
  } catch (error) {
    if (error instanceof ManifestError) return { cause: `the manifest is not usable: ${error.message}` };
    throw error;
  }
}

export interface ObtainInputs {
  readonly source: DownloadSource;
  readonly binDir: string;
  readonly platform: string;
  readonly prog: string;
  readonly warn: (line: string) => void;
  readonly progress: (line: string) => void;
}

// Where the copy really came from (its record), not the URL set now: after a failed check of a new
// URL, the copy that runs was still fetched from the old one.
const asDownloaded = (copy: InstalledCopy, source: DownloadSource, fetched: boolean): DownloadedProcessos => ({
  path: copy.path,
  version: copy.version,
  manifestUrl: copy.manifestUrl,
  binaryUrl: copy.binaryUrl,
  from: source.from,
  fetched,
});

export async function obtainProcessos(inputs: ObtainInputs): Promise<DownloadedProcessos> {
  const { source } = inputs;
  const recorded = await readInstalled(inputs.binDir);
  // A copy changed or truncated since it was verified is no copy at all.
  const installed = recorded && (await stillIntact(recorded)) ? recorded : undefined;
  const fallBack = (cause: string): DownloadedProcessos => {
    if (!installed) {
      throw new UserError(
        `Cannot download ProcessOS from ${source.url} (${source.from}): ${cause}. Fix the URL or the network and try again, or point at a binary with "${inputs.prog} set bin <path>".`,
        {
          code: 'download-failed',
        },
      );
    }
    inputs.warn(
      `Could not check ${source.url} for a newer ProcessOS (${cause}); using the installed ${installed.version}.`,
    );
    return asDownloaded(installed, source, false);
  };

  const asked = await askManifest(source, inputs.platform);
  if ('cause' in asked) return fallBack(asked.cause);
  const { release } = asked;
  if (installed && !needsFetch(installed, release)) return asDownloaded(installed, source, false);

  inputs.progress(`Downloading ProcessOS ${release.version} for ${release.platform} from ${release.url}…`);
  const result = await installRelease(inputs.binDir, release, source.url, BINARY_TIMEOUTS);
  inputs.progress('');
  if ('kind' in result) return fallBack(`the download of ${release.url} failed: ${downloadCause(result)}`);
  return asDownloaded(result, source, true);
}

export interface DownloadReport {
  readonly manifestUrl: string;
  readonly from: DownloadSource['from'];
  /** The verified copy in the home, if any. */
  readonly installed: {
    readonly version: string;
    readonly path: string;
    readonly binaryUrl: string;
    readonly fetchedAt: string;
  } | null;
  /** What the manifest publishes now, or null when it could not be asked (then `cause` says why). */
  readonly published: string | null;
  readonly cause: string | null;
  /** Whether the next start downloads. */
  readonly fetchAtNextStart: boolean;
}

/** For `config`: the installed copy and the published version, asked with a short timeout; downloads nothing. */
export async function reportDownload(
  source: DownloadSource,
  binDir: string,
  platform: string,
): Promise<DownloadReport> {
  const installed = await readInstalled(binDir);
  const asked = await askManifest(source, platform);
  const published = 'release' in asked ? asked.release : undefined;
  return {
    manifestUrl: source.url,
    from: source.from,
    installed: installed
      ? {
          version: installed.version,
          path: installed.path,
          binaryUrl: installed.binaryUrl,
          fetchedAt: installed.fetchedAt,
        }
      : null,
    published: published?.version ?? null,
    cause: 'cause' in asked ? asked.cause : null,
    fetchAtNextStart: published !== undefined && needsFetch(installed, published),
  };
}
