// Background load: CPU busy share of the whole machine during the pauses between runs, when none of
// our engines is starting or stopping. Another program busy meanwhile makes every number slower.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const backgroundBusy: number[] = [];
function cpuTimes(): { idle: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { idle, total: fields.reduce((a, b) => a + b, 0) };
}
export async function quietPause(ms: number): Promise<void> {
  let before: { idle: number; total: number } | undefined;
  try {
    before = cpuTimes();
  } catch {
    // no /proc/stat: just pause
  }
  await sleep(ms);
  if (!before) return;
  const after = cpuTimes();
  const total = after.total - before.total;
  if (total > 0) backgroundBusy.push(1 - (after.idle - before.idle) / total);
}
