// processos.json: the one tracked ProcessOS server. Its passthrough environment is not stored (it may
// hold API keys); restart recomputes it from the settings.
import { rm } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { readTrustedJsonFile, writeFileAtomic } from '../state/files.js';
import type { ResolvedProcessos } from './resolve.js';

export interface ProcessosState {
  readonly schema: 1;
  readonly createdAt: string;
  readonly pid: number;
  readonly startTime: string;
  readonly port: number;
  readonly url: string;
  readonly nanoUrl: string;
  readonly spawnNano: boolean;
  readonly dataDir: string;
  readonly log: string;
  /** version, downloadUrl and fetched are set for a binary from a download URL. */
  readonly binary: {
    readonly path: string;
    /** Written by us from the resolver; the reader checks only the path. */
    readonly source: ResolvedProcessos['source'];
    readonly version?: string;
    readonly downloadUrl?: string;
    readonly fetched?: boolean;
  };
}

export async function readProcessosState(file: string): Promise<ProcessosState | null> {
  const read = await readTrustedJsonFile(file);
  if (read.kind === 'missing') return null;
  const fix = `Check for a ProcessOS left running (pgrep -fa processos), stop it, then move the file aside: mv '${file}' '${file}.bad'`;
  if (read.kind === 'corrupt')
    throw new UserError(`The ProcessOS state file ${file} cannot be read: it is ${read.reason}. ${fix}`, {
      code: 'corrupt-state',
    });
  const s = read.value as Partial<ProcessosState> | null;
  const valid =
    s?.schema === 1 &&
    Number.isInteger(s.pid) &&
    typeof s.startTime === 'string' &&
    Number.isInteger(s.port) &&
    typeof s.url === 'string' &&
    typeof s.nanoUrl === 'string' &&
    typeof s.spawnNano === 'boolean' &&
    typeof s.dataDir === 'string' &&
    typeof s.log === 'string' &&
    typeof s.binary?.path === 'string';
  if (!valid) throw new UserError(`The ProcessOS state file ${file} is malformed. ${fix}`, { code: 'corrupt-state' });
  return s as ProcessosState;
}

export const writeProcessosState = (file: string, state: ProcessosState): Promise<void> =>
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
export const removeProcessosState = (file: string): Promise<void> => rm(file, { force: true });
