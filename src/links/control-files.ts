// The files the CLI and the link proxy talk through, in the private control directory the CLI makes:
// plan.json and faults.json in (CLI → proxy), ready.json, failed.json and applied.json out (proxy →
// CLI). Every write is atomic (a temp file renamed over the old one), so a reader sees the old
// document or the new one, never half. Reads that find nothing usable say null and leave the why to
// the caller. Both sides import this file; it loads nothing but node:fs and node:path.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { faultTableProblem, asFaultTable } from './fault-table-problem.js';
import type { FaultTable } from './fault-table.js';
import type { LinkSpec, LinkStats } from './link-forwarder.js';

export const CONTROL_FILES = {
  plan: 'plan.json',
  faults: 'faults.json',
  ready: 'ready.json',
  failed: 'failed.json',
  applied: 'applied.json',
} as const;

/** Written by the proxy once every link listens: the ports it really bound. */
export interface ReadyDocument {
  readonly pid: number;
  readonly links: readonly LinkSpec[];
}

/** Written by the proxy when it could not start; port is the link port that failed to bind, if any. */
export interface FailedDocument {
  readonly message: string;
  readonly port: number | null;
}

/** Written by the proxy each time it applied a fault table, and when connection counts change. */
export interface AppliedDocument {
  readonly generation: number;
  readonly pid: number;
  readonly links: readonly LinkStats[];
}

let written = 0;

/** Writes JSON to dir/name through a temp file and a rename, owner-only. */
export function writeJsonAtomic(dir: string, name: string, value: unknown): void {
  const file = path.join(dir, name);
  const temp = `${file}.${process.pid}.${++written}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // never written, or already renamed
    }
    throw error;
  }
}

/** The CLI's side: hand the proxy a new table (it picks it up within about 250 ms). */
export function writeFaultTable(dir: string, table: FaultTable): void {
  writeJsonAtomic(dir, CONTROL_FILES.faults, table);
}

/** The text of dir/name, or null when it is not there. Other errors are thrown. */
export function readControlText(dir: string, name: string): string | null {
  try {
    return readFileSync(path.join(dir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export type FaultsRead =
  | { readonly kind: 'missing' }
  | { readonly kind: 'table'; readonly table: FaultTable }
  | { readonly kind: 'bad'; readonly problem: string };

/** faults.json for a cluster of n nodes: missing (no faults), a valid table, or the one-line problem. */
export function parseFaults(text: string | null, n: number): FaultsRead {
  if (text === null) return { kind: 'missing' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'bad', problem: jsonErrorText(error) };
  }
  const problem = faultTableProblem(value, n);
  return problem ? { kind: 'bad', problem } : { kind: 'table', table: asFaultTable(value) };
}

/** "not valid JSON at position 12", never quoting the text (Node's message does, newlines and all). */
export function jsonErrorText(error: unknown): string {
  const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
  return position === undefined ? 'not valid JSON' : `not valid JSON at position ${position}`;
}

/** ready.json, or null when the proxy has not written it (or it is not a ready document). */
export function readReady(dir: string): ReadyDocument | null {
  const doc = readDocument(dir, CONTROL_FILES.ready);
  return doc && typeof doc.pid === 'number' && Array.isArray(doc.links) ? (doc as unknown as ReadyDocument) : null;
}

/** applied.json, or null when there is none yet. */
export function readApplied(dir: string): AppliedDocument | null {
  const doc = readDocument(dir, CONTROL_FILES.applied);
  return doc && typeof doc.generation === 'number' && typeof doc.pid === 'number' && Array.isArray(doc.links)
    ? (doc as unknown as AppliedDocument)
    : null;
}

/** failed.json, or null. */
export function readFailed(dir: string): FailedDocument | null {
  const doc = readDocument(dir, CONTROL_FILES.failed);
  return doc && typeof doc.message === 'string' ? (doc as unknown as FailedDocument) : null;
}

export interface WaitClock {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

const REAL_WAIT_CLOCK: WaitClock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};
const WAIT_STEP_MS = 25;

/** Waits until the proxy says it applied exactly `generation`; the applied document, or null at the deadline. */
export async function waitForApplied(
  dir: string,
  generation: number,
  timeoutMs: number,
  clock: WaitClock = REAL_WAIT_CLOCK,
): Promise<AppliedDocument | null> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const applied = readApplied(dir);
    if (applied?.generation === generation) return applied;
    if (clock.now() >= deadline) return null;
    await clock.sleep(Math.min(WAIT_STEP_MS, Math.max(1, deadline - clock.now())));
  }
}

function readDocument(dir: string, name: string): Record<string, unknown> | null {
  const text = readControlText(dir, name);
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
