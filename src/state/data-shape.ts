// The partition count the engine data under data/ was written with. The engine cannot open a
// journal written with another partition count (it panics: "malformed journal record"), so start
// checks this before spawning and says what to do instead.
import path from 'node:path';
import { UserError } from '../errors.js';
import { readTrustedJsonFile, writeFileAtomic } from './files.js';

export interface DataShape {
  readonly partitions: number;
  readonly nodes: number;
}

const fileIn = (dataDir: string): string => path.join(dataDir, '.shape.json');

export async function readDataShape(dataDir: string): Promise<DataShape | null> {
  const read = await readTrustedJsonFile(fileIn(dataDir));
  if (read.kind !== 'ok') return null;
  const value = read.value as Partial<DataShape> | null;
  return typeof value?.partitions === 'number' && typeof value.nodes === 'number' ? { partitions: value.partitions, nodes: value.nodes } : null;
}

export async function writeDataShape(dataDir: string, shape: DataShape): Promise<void> {
  await writeFileAtomic(fileIn(dataDir), `${JSON.stringify(shape)}\n`);
}

/** Pure: the error for a start whose partition count does not match the kept data, or null. */
export function dataShapeConflict(kept: DataShape | null, wanted: DataShape, dataDir: string, prog: string): UserError | null {
  if (kept === null || kept.partitions === wanted.partitions) return null;
  return new UserError(
    `The engine data in ${dataDir} was written with ${kept.partitions} partition(s) (a ${kept.nodes}-node cluster); the engine cannot open it with ${wanted.partitions}.`,
    {
      code: 'data-shape-mismatch',
      details: [`Keep the data: start with --partitions ${kept.partitions}. Or delete it: "${prog} clean" (or "${prog} restart --purge").`],
    },
  );
}
