// `nano bundle [--out <file.tar.gz>] [--log-mb <MB>]`: one archive for a bug report. Logs (the end of
// each), state and config with secrets redacted, what each reachable node says about the cluster, the
// doctor report, versions (gathered by bundle-collect.ts). Works with no cluster running.
import { chmod, lstat, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NanoArgs } from '../kit/args.js';
import { parseWholeNumber } from '../values.js';
import { EXIT, invalidArgument, UserError } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { BundleResult } from '../results/tools.js';
import { collectBundle } from './bundle-collect.js';

const DEFAULT_LOG_MB = 5;

/** The wall clock: the default file name and versions.json's createdAt carry the date. */
export interface BundleClock {
  readonly now: () => Date;
}

const WALL_CLOCK: BundleClock = { now: () => new Date() };

/** --log-mb as bytes, refused outside 1–1024 MB. */
function logBytes(text: string | undefined): number {
  const mb = text === undefined ? DEFAULT_LOG_MB : parseWholeNumber(text);
  if (mb === undefined || mb < 1 || mb > 1024)
    throw invalidArgument(`--log-mb "${text}" must be a whole number of megabytes from 1 to 1024.`);
  return mb * 1024 * 1024;
}

/** The archive's absolute path: --out, or a name with the date in the current folder; refused unless writable. */
async function targetFile(ctx: CommandContext, out: string | undefined, now: Date): Promise<string> {
  const target = path.resolve(ctx.cwd, out ?? `c8ctl-nano-bundle-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`);
  if (!target.endsWith('.tar.gz') && !target.endsWith('.tgz'))
    throw invalidArgument(`--out "${out}" should end in .tar.gz (it is a gzip'd tar).`);
  const targetDir = await stat(path.dirname(target)).catch(() => undefined);
  if (!targetDir?.isDirectory())
    throw invalidArgument(`--out ${target}: the folder ${path.dirname(target)} does not exist.`);
  if ((await stat(target).catch(() => undefined))?.isDirectory())
    throw invalidArgument(
      `--out ${target} is a directory; give the path of a file to write, e.g. --out '${path.join(target, 'bundle.tar.gz')}'.`,
    );
  return target;
}

/**
 * Whether the archive may go to `target`: yes when nothing is there; an existing file (or symlink) is
 * replaced only with --force, c8ctl's --yes, or a yes on the terminal, never silently.
 */
async function mayWrite(ctx: CommandContext, target: string, force: boolean): Promise<boolean> {
  const existing = await lstat(target).catch(() => undefined);
  if (!existing || existing.isDirectory() || force || ctx.assumeYes) return true;
  if (!ctx.interactive) {
    throw new UserError(
      `--out ${target} already exists and bundle does not overwrite it silently. Add --force to replace it, or give another --out.`,
      { code: 'file-exists' },
    );
  }
  return ctx.effects.confirm(`${target} already exists. Replace it?`);
}

/** Tars the staging folder to `target`; returns its size. */
async function archive(staging: string, target: string): Promise<number> {
  const { create } = await import('tar');
  const entries = (await readdir(staging)).sort();
  // Written beside the target, then renamed over it: a symlink at --out is replaced itself, never
  // written through (into someone else's file), and a failed write leaves the target as it was.
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    await create({ gzip: true, file: temp, cwd: staging, portable: true }, entries);
    await chmod(temp, 0o600);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return (await stat(target)).size;
}

const describeSize = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export async function bundleCommand(
  ctx: CommandContext,
  args: NanoArgs<'bundle'>,
  clock: BundleClock = WALL_CLOCK,
): Promise<number> {
  const { out } = ctx;
  const bytes = logBytes(args.flags['log-mb']);
  const target = await targetFile(ctx, args.flags.out, clock.now());
  if (!(await mayWrite(ctx, target, args.flags.force === true))) {
    out.info(`Nothing written; ${target} is unchanged.`);
    out.result({ schemaVersion: SCHEMA_VERSION, ok: true, file: null, bytes: 0, notes: [] } satisfies BundleResult);
    return EXIT.ok;
  }
  const staging = await mkdtemp(path.join(os.tmpdir(), 'c8ctl-nano-bundle-'));
  try {
    const notes = await collectBundle(ctx, { staging, logBytes: bytes, now: clock.now });
    const size = await archive(staging, target);
    out.success(`Wrote ${target} (${describeSize(size)}). Attach it to your bug report.`);
    for (const note of notes) out.warn(note);
    out.result({ schemaVersion: SCHEMA_VERSION, ok: true, file: target, bytes: size, notes } satisfies BundleResult);
    return EXIT.ok;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
