// Known reasons an engine dies at start, recognised from what it printed. Pure.

export interface DiagnoseContext {
  readonly port?: number | undefined;
  readonly hostGlibc?: string | undefined;
  readonly binary: string;
}

export function knownCauses(output: string, ctx: DiagnoseContext): string[] {
  const causes: string[] = [];
  const glibc = [...output.matchAll(/version [`']GLIBC_([\d.]+)' not found/g)].map((m) => m[1]!);
  if (glibc.length > 0) {
    const needed = glibc.sort(compareVersions).at(-1)!;
    causes.push(
      `The engine binary cannot run on this host: it needs GLIBC ${needed}, but this system has ${ctx.hostGlibc ? `glibc ${ctx.hostGlibc}` : 'an older glibc'}. Use an engine build for this system (the platform package of this plugin, or --binary <path>).`,
    );
  }
  const bind = output.match(/failed to bind [^\s:]*:(\d+).*Address already in use/);
  if (bind || /Address already in use|os error 98/.test(output)) {
    const port = bind?.[1] ?? (ctx.port !== undefined ? String(ctx.port) : 'its port');
    causes.push(
      `Port ${port} was taken by another program just before the node could bind it. Choose another base port with --port.`,
    );
  }
  if (/Permission denied|os error 13/.test(output)) {
    causes.push('Permission denied: check that the binary is executable and the state home is writable by you.');
  }
  if (/[Ee]xec format error|cannot execute binary file/.test(output)) {
    causes.push(`${ctx.binary} is not a program for this machine (wrong CPU or OS). Use the build for this platform.`);
  }
  if (diskFullLine(output) !== undefined)
    causes.push(
      'The disk is full (no space left on the device): free some space, or move the state home (C8CTL_NANO_HOME) to another disk.',
    );
  const owns = output.match(/owns no partitions \(([^)]*)\)/);
  if (owns) causes.push(`A node owns no partition (${owns[1]}): give at least as many partitions as nodes.`);
  if (/failed to open segmented journal|malformed journal record/.test(output)) {
    causes.push(
      'The node cannot read the engine data in its data dir: it was written by a cluster of another shape (node count or partitions), or it is damaged. Start with the previous shape again, or delete the data with "stop --purge" or "clean".',
    );
  }
  return causes;
}

const DISK_FULL = /No space left on device|os error 28|database or disk is full|Disk quota exceeded|os error 122/;

/** The shortest line where the engine says its disk is full (Rust's ENOSPC text, SQLite's own), or undefined. */
export function diskFullLine(output: string): string | undefined {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => DISK_FULL.test(line));
  return lines.sort((a, b) => a.length - b.length)[0];
}

/** Below this much free space a start cannot succeed: a node that died then died of the full disk. */
export const NEARLY_FULL_BYTES = 4 * 1024 * 1024;

/**
 * Why a node that died while starting is the disk's fault, in words, or undefined: its own words
 * ("No space left on device"), or the OS's (almost no space left where its data goes).
 */
export function diskFullEvidence(output: string, freeBytes: number | undefined): string | undefined {
  const line = diskFullLine(output);
  if (line !== undefined) return `it said "${line.length > 200 ? `${line.slice(0, 200)}…` : line}"`;
  if (freeBytes !== undefined && freeBytes < NEARLY_FULL_BYTES)
    return `${Math.floor(freeBytes / 1024)} KiB are left there`;
  return undefined;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The last `count` non-empty lines of a text. */
export function lastLines(text: string, count: number): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-count);
}
