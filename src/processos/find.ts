// The ProcessOS resolver wired to the real machine, and the check that the binary is safe to run.
//
// Order: --binary → "set bin" → PROCESSOS_BINARY → a download URL ("set download-url", then
// PROCESSOS_DOWNLOAD_URL) → a local build in the nanobpmn repository. A path you give always wins.
import os from 'node:os';
import { UserError } from '../errors.js';
import { cannotRunOnThisHost, fileKind, readExecutableHead } from '../binary/host.js';
import { platformIdOf } from '../binary/executable-format.js';
import { assertTrusted } from '../os/trusted-path.js';
import { downloadSource, obtainProcessos, type DownloadedProcessos } from './download.js';
import {
  hasExplicitProcessos,
  resolveProcessos,
  type ProcessosResolverInputs,
  type ResolvedProcessos,
} from './resolve.js';
import type { ProcessosSettings } from '../state/processos-settings.js';

type FindInputs = Omit<ProcessosResolverInputs, 'homedir' | 'fileKind' | 'readHead' | 'arch'>;

export function findProcessos(inputs: FindInputs): ResolvedProcessos {
  const found = resolveProcessos({
    ...inputs,
    homedir: os.homedir(),
    arch: process.arch,
    fileKind,
    readHead: readExecutableHead,
  });
  // A binary others can write or swap would run their code as us, whichever way it was chosen.
  assertTrusted(found.path, 'program');
  return found;
}

export interface ProcessosToRun extends ResolvedProcessos {
  /** Set when the binary came from a download URL. */
  readonly download?: DownloadedProcessos;
}

export interface RunInputs extends FindInputs {
  readonly settings: ProcessosSettings;
  readonly binDir: string;
  readonly warn: (line: string) => void;
  readonly progress: (line: string) => void;
}

/** What start runs: an explicit path, else the downloaded copy (fetched when the published one changed), else a repo build. */
export async function processosToRun(inputs: RunInputs): Promise<ProcessosToRun> {
  const source = downloadSource(inputs.settings, inputs.env);
  if (hasExplicitProcessos(inputs) || source === undefined) return findProcessos(inputs);
  const platform = platformIdOf({ platform: inputs.platform, arch: process.arch });
  const download = await obtainProcessos({
    source,
    binDir: inputs.binDir,
    platform,
    prog: inputs.prog ?? 'c8ctl processos',
    warn: inputs.warn,
    progress: inputs.progress,
  });
  const wrong = cannotRunOnThisHost(download.path);
  if (wrong)
    throw new UserError(
      `${download.path} (ProcessOS ${download.version} from ${download.manifestUrl}) ${wrong}. The manifest's "${platform}" entry points at the wrong build.`,
      { code: 'binary-wrong-platform' },
    );
  assertTrusted(download.path, 'program');
  return { path: download.path, source: 'download', download };
}
