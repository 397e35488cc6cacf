// The shape the engine data under data/ was written with, and whether a new cluster can serve it.
// Measured with engine 0.0.22 (a start, instances, a stop, a start of another shape, then every key read):
// - another partition count: the engine panics reading its journal ("malformed journal record");
// - another node count: it starts, but each partition is served from its new owner's directory alone,
//   so earlier instances answer 404 and new ones reuse their keys (a silent split);
// - another RF, Raft on or off, the replication tier, trace capture: every earlier instance is still
//   served and no key repeats, so those may change freely.
import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { ReplicationTier } from '../shape.js';
import { readTrustedJsonFile, writeFileAtomic } from './files.js';

export interface DataShape {
  readonly partitions: number;
  readonly nodes: number;
  /** Recorded for the message and for people reading the file; changing them is safe. */
  readonly rf?: number;
  readonly replication?: ReplicationTier;
  /** The engine version that last ran on this data; another one gets a read-model backup first. */
  readonly engineVersion?: string | null;
}

/** What is on disk: the recorded shape (if any) and which node directories hold anything. */
export interface KeptData {
  readonly shape: DataShape | null;
  readonly nodesWithData: readonly number[];
}

const fileIn = (dataDir: string): string => path.join(dataDir, '.shape.json');

export async function readDataShape(dataDir: string): Promise<DataShape | null> {
  const read = await readTrustedJsonFile(fileIn(dataDir));
  if (read.kind !== 'ok') return null;
  const value = read.value as Partial<DataShape> | null;
  if (typeof value?.partitions !== 'number' || typeof value.nodes !== 'number') return null;
  return {
    partitions: value.partitions,
    nodes: value.nodes,
    ...(typeof value.engineVersion === 'string' ? { engineVersion: value.engineVersion } : {}),
  };
}

/** Node directories that hold anything; evidence of the shape when .shape.json is missing. */
async function nodesWithData(dataDir: string): Promise<number[]> {
  // Synchronous: a handful of small directories, read on every start.
  const entries = readdirQuiet(dataDir);
  const found: number[] = [];
  for (const entry of entries) {
    const match = /^node-(\d{1,2})$/.exec(entry.name);
    if (match && entry.isDirectory() && readdirQuiet(path.join(dataDir, entry.name)).length > 0)
      found.push(Number(match[1]));
  }
  return found.sort((a, b) => a - b);
}

export async function readKeptData(dataDir: string): Promise<KeptData> {
  const [shape, nodes] = await Promise.all([readDataShape(dataDir), nodesWithData(dataDir)]);
  return { shape, nodesWithData: nodes };
}

export async function writeDataShape(dataDir: string, shape: DataShape): Promise<void> {
  await writeFileAtomic(fileIn(dataDir), `${JSON.stringify(shape)}\n`);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The start command that fits the kept data. */
function keptStart(prog: string, shape: Pick<DataShape, 'nodes' | 'partitions'>): string {
  return `${prog} start ${shape.nodes}${shape.partitions !== shape.nodes ? ` --partitions ${shape.partitions}` : ''}`;
}

/** Pure: why a cluster of `wanted` shape cannot serve the kept data, or null when it can. */
export function dataShapeConflict(
  kept: KeptData,
  wanted: Pick<DataShape, 'nodes' | 'partitions'>,
  dataDir: string,
  prog: string,
): UserError | null {
  const outs = (keep: string): string[] => [
    `Keep the data: "${keep}". Or delete it: "${prog} clean" (or "${prog} restart --purge").`,
  ];
  const { shape } = kept;
  if (shape !== null) {
    if (shape.nodes !== wanted.nodes) {
      return new UserError(
        `The engine data in ${dataDir} was written by a ${shape.nodes}-node cluster (${plural(shape.partitions, 'partition')}); with ${plural(wanted.nodes, 'node')}, each partition would be served from its new owner's directory alone, so earlier instances would vanish and new ones would reuse their keys.`,
        { code: 'data-shape-mismatch', details: outs(keptStart(prog, shape)) },
      );
    }
    if (shape.partitions !== wanted.partitions) {
      return new UserError(
        `The engine data in ${dataDir} was written with ${plural(shape.partitions, 'partition')} (a ${shape.nodes}-node cluster); the engine cannot open it with ${wanted.partitions}.`,
        { code: 'data-shape-mismatch', details: outs(keptStart(prog, shape)) },
      );
    }
    return null;
  }
  // No record (an older version, or a start that never got ready): the directories tell the node count.
  const highest = kept.nodesWithData.at(-1);
  if (highest === undefined || highest + 1 === wanted.nodes) return null;
  return new UserError(
    `The engine data in ${dataDir} holds data of node(s) ${kept.nodesWithData.join(', ')}, so it comes from a ${highest + 1}-node cluster; a ${wanted.nodes}-node cluster would split the partitions from their data.`,
    { code: 'data-shape-mismatch', details: outs(`${prog} start ${highest + 1}`) },
  );
}

/** A directory's entries; none if it cannot be read (missing, or not a directory). */
function readdirQuiet(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
