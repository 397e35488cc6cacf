// Before another engine version opens kept data: a copy of each node's read model (the engine's SQLite
// files `read-model*`, which a newer engine may migrate and an older one then cannot read), so an
// upgrade can be undone. Copies live in <home>/backups/, newest last; only the last few are kept.
import { copyFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir } from './home.js';

export const BACKUPS_KEPT = 5;
const READ_MODEL_FILE = /^read-model.*\.sqlite(-wal|-shm)?$/;

/** Pure: whether data last written by `recorded` must be backed up before `running` opens it. */
export function needsBackup(recorded: string | null | undefined, running: string | null): boolean {
  return typeof recorded === 'string' && running !== null && recorded !== running;
}

/** Pure: a folder name that sorts by time and says which versions were involved. */
export function backupName(now: Date, from: string, to: string): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const safe = (v: string): string => v.replace(/[^\w.+-]/g, '_');
  return `read-model-${stamp}-${safe(from)}-to-${safe(to)}`;
}

/** Pure: the backup folders to delete so that only the newest `keep` remain. */
export function backupsToPrune(names: readonly string[], keep = BACKUPS_KEPT): string[] {
  const ours = names.filter((n) => n.startsWith('read-model-')).sort();
  return ours.slice(0, Math.max(0, ours.length - keep));
}

export interface BackupResult {
  readonly dir: string;
  readonly nodes: number;
  readonly files: number;
  readonly pruned: readonly string[];
}

/** Copies every node's read-model files into a new backup folder, then prunes old ones. */
export async function backUpReadModels(dataDir: string, backupsDir: string, name: string): Promise<BackupResult> {
  const target = path.join(backupsDir, name);
  let nodes = 0;
  let files = 0;
  const entries = await readdir(dataDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries
    .filter((e) => e.isDirectory() && /^node-\d+$/.test(e.name))
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const from = path.join(dataDir, entry.name);
    const wanted = (await readdir(from)).filter((f) => READ_MODEL_FILE.test(f));
    if (wanted.length === 0) continue;
    const to = path.join(target, entry.name);
    await ensurePrivateDir(to);
    // The cluster is stopped while start runs, so the files are at rest; the WAL is copied with them.
    for (const file of wanted) await copyFile(path.join(from, file), path.join(to, file));
    nodes += 1;
    files += wanted.length;
  }
  const pruned = backupsToPrune(await readdir(backupsDir).catch(() => []));
  for (const old of pruned) await rm(path.join(backupsDir, old), { recursive: true, force: true });
  return { dir: target, nodes, files, pruned };
}
