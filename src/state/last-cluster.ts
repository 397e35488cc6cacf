// The shape of the most recent cluster, kept after `stop` removes cluster.json, so `restart` can
// bring back the same cluster rather than a default one.
import { completeSettings, type ClusterSettings } from './cluster-state.js';
import { readTrustedJsonFile, writeFileAtomic } from './files.js';

export interface LastCluster {
  readonly settings: ClusterSettings;
  readonly binary: { readonly path: string; readonly source: string };
}

export async function readLastCluster(file: string): Promise<LastCluster | null> {
  const read = await readTrustedJsonFile(file);
  if (read.kind !== 'ok') return null; // only a convenience: a missing or damaged copy means "no previous shape"
  const value = read.value as Partial<LastCluster> | null;
  const s = value?.settings;
  if (
    !s ||
    typeof s.nodes !== 'number' ||
    typeof s.basePort !== 'number' ||
    typeof s.partitions !== 'number' ||
    typeof s.rf !== 'number'
  )
    return null;
  if (!value?.binary || typeof value.binary.path !== 'string' || typeof value.binary.source !== 'string') return null;
  return {
    settings: completeSettings({ ...s, raft: s.raft === true, capture: s.capture === true }, undefined),
    binary: value.binary,
  };
}

export async function writeLastCluster(file: string, last: LastCluster): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(last, null, 2)}\n`);
}
