// Finding a home's engine processes without cluster.json: by evidence that they are ours. On Linux
// that is their environment: our marker naming this home, and a data dir under its data/. Elsewhere
// `ps -E` shows the environment of the user's own processes (best effort).
import { execFileText } from './builtins.js';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { IN_MEMORY_MARK, MANAGED_BY } from '../markers.js';
import type { ProcessReader } from './process-info.js';

export interface FoundEngine {
  readonly pid: number;
  readonly startTime: string;
  readonly frozen: boolean;
  readonly port: number | null;
  readonly nodeId: number | null;
}

/** Pure: does this environment belong to a node of the home whose data dir is `dataDir`? */
export function environmentIsOurs(env: ReadonlyMap<string, string>, home: string, dataDir: string): boolean {
  const data = env.get('NANOBPMN_DATA_DIR');
  if (env.get(MANAGED_BY) !== home) return false;
  // An in-memory node has no data dir; both marks are ours alone.
  if (env.get(IN_MEMORY_MARK) === '1') return true;
  return data?.startsWith(dataDir + path.sep) === true;
}

export function parseEnviron(raw: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

const numberOrNull = (text: string | undefined): number | null =>
  text !== undefined && /^\d+$/.test(text) ? Number(text) : null;

export type EnvPredicate = (env: ReadonlyMap<string, string>) => boolean;

async function linuxCandidates(matches: EnvPredicate): Promise<Array<{ pid: number; env: Map<string, string> }>> {
  const found: Array<{ pid: number; env: Map<string, string> }> = [];
  const entries = readdirSync('/proc');
  // Synchronous reads on purpose: these files are tiny and served from memory, and one sync read costs
  // a few microseconds where the promise API pays a thread-pool round trip per file (measured: a scan
  // of ~90 processes took ~40 ms of every `stop` that way).
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let raw: Buffer;
    try {
      raw = readFileSync(`/proc/${entry}/environ`);
    } catch {
      continue; // gone, or another user's process: not ours either way
    }
    // Only our own nodes carry the marker: skip parsing everyone else's environment.
    if (!raw.includes(MANAGED_BY)) continue;
    const env = parseEnviron(raw.toString('utf8'));
    if (matches(env)) found.push({ pid: Number(entry), env });
  }
  return found;
}

async function psCandidates(
  home: string,
  matches: EnvPredicate,
): Promise<Array<{ pid: number; env: Map<string, string> }>> {
  try {
    const { stdout } = await execFileText('ps', ['-E', '-ww', '-ax', '-o', 'pid=,command='], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const found: Array<{ pid: number; env: Map<string, string> }> = [];
    for (const line of stdout.split('\n')) {
      const pid = Number(line.trim().split(/\s+/)[0]);
      if (!pid || pid === process.pid || !line.includes(`${MANAGED_BY}=${home}`)) continue;
      const env = new Map<string, string>();
      for (const match of line.matchAll(/(?:^|\s)([A-Z_][A-Z0-9_]*)=(\S*)/g)) env.set(match[1]!, match[2]!);
      if (matches(env)) found.push({ pid, env });
    }
    return found;
  } catch {
    return [];
  }
}

/** Live processes of a home whose environment satisfies `matches` (which must check our marker). */
export async function findProcesses(
  home: string,
  matches: EnvPredicate,
  readProcess: ProcessReader,
  platform: NodeJS.Platform = process.platform,
): Promise<FoundEngine[]> {
  if (platform === 'win32') return []; // no way to read another process's environment here
  const candidates = platform === 'linux' ? await linuxCandidates(matches) : await psCandidates(home, matches);
  const engines = await Promise.all(
    candidates.map(async ({ pid, env }) => {
      const facts = await readProcess(pid);
      if (facts === null || facts.state === 'zombie') return null;
      return {
        pid,
        startTime: facts.startTime,
        frozen: facts.state === 'stopped',
        port: numberOrNull(env.get('PORT')),
        nodeId: numberOrNull(env.get('NANOBPMN_NODE_ID')),
      };
    }),
  );
  return engines
    .filter((e): e is FoundEngine => e !== null)
    .sort((a, b) => (a.nodeId ?? 0) - (b.nodeId ?? 0) || a.pid - b.pid);
}

export function findEngines(
  home: string,
  dataDir: string,
  readProcess: ProcessReader,
  platform: NodeJS.Platform = process.platform,
): Promise<FoundEngine[]> {
  return findProcesses(home, (env) => environmentIsOurs(env, home, dataDir), readProcess, platform);
}
