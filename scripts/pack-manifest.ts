// node dist/scripts/pack-manifest.js strip <npm-pid> | restore | guard <npm-pid>
// npm's prepack and postpack: `npm pack` (and `npm publish` from a checkout) packs package.json as it
// is on disk, so prepack swaps in the published manifest (scripts/lib/published-manifest.ts) and
// postpack puts the checkout's back. npm skips postpack when packing fails (a bad --pack-destination,
// Ctrl-C), so strip also starts a detached guard that restores the file once that npm process is gone.
// The original is kept, byte for byte, in .package.json.prepack until it is back in place.
import { spawn } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishedManifest } from './lib/published-manifest.js';

const MANIFEST = 'package.json';
const BACKUP = '.package.json.prepack';
const GUARD_POLL_MS = 100;
const GUARD_GIVES_UP_MS = 60 * 60_000;

interface Backup {
  /** The npm process that packs; the guard restores once it is gone. 0 when unknown. */
  readonly npmPid: number;
  readonly original: string;
}

function writeAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

function readBackup(): Backup | null {
  try {
    return JSON.parse(readFileSync(BACKUP, 'utf8')) as Backup;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Puts the checkout's package.json back, if a backup is waiting; false when there was none. */
function restore(): boolean {
  const backup = readBackup();
  if (!backup) return false;
  writeAtomic(MANIFEST, backup.original);
  rmSync(BACKUP, { force: true });
  return true;
}

function strip(npmPid: number): void {
  const left = readBackup();
  if (left && left.npmPid !== npmPid && alive(left.npmPid)) {
    throw new Error(
      `Another pack (npm pid ${left.npmPid}) has ${MANIFEST} swapped out right now; wait for it to finish and pack again.`,
    );
  }
  // A pack that died before its guard could act left the original in the backup: it is the truth.
  if (left) restore();
  const original = readFileSync(MANIFEST, 'utf8');
  writeAtomic(BACKUP, JSON.stringify({ npmPid, original } satisfies Backup));
  writeAtomic(MANIFEST, publishedManifest(original));
  if (npmPid > 1) {
    const guard = spawn(process.execPath, [fileURLToPath(import.meta.url), 'guard', String(npmPid)], {
      cwd: process.cwd(),
      detached: true,
      stdio: 'ignore',
    });
    guard.unref();
  } else {
    process.stderr.write(
      `pack-manifest: npm's pid is unknown here, so if packing fails, restore ${MANIFEST} with: node ${path.relative(process.cwd(), fileURLToPath(import.meta.url))} restore\n`,
    );
  }
}

/** Waits for the packing npm to exit, then restores package.json unless postpack already did. */
async function guard(npmPid: number): Promise<void> {
  const deadline = Date.now() + GUARD_GIVES_UP_MS;
  while (Date.now() < deadline) {
    const backup = readBackup();
    if (!backup || backup.npmPid !== npmPid) return; // restored by postpack, or a later pack owns it now
    if (!alive(npmPid)) {
      restore();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, GUARD_POLL_MS));
  }
}

const [command, pidText] = process.argv.slice(2);
const npmPid = /^\d+$/.test(pidText ?? '') ? Number(pidText) : 0;
try {
  if (command === 'strip') strip(npmPid);
  else if (command === 'restore') restore();
  else if (command === 'guard') await guard(npmPid);
  else {
    process.stderr.write('usage: node dist/scripts/pack-manifest.js strip <npm-pid> | restore | guard <npm-pid>\n');
    process.exitCode = 2;
  }
} catch (error) {
  process.stderr.write(`✗ pack-manifest ${command}: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
