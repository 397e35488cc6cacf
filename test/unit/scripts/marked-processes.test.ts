// The sweep the tests and the benchmark clean up with (scripts/lib/marked-processes.ts), on real child
// processes: it finds exactly the processes carrying the marker, and it never signals a PID whose
// start time is not the one it saw (a PID reused since belongs to someone else).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isAlive,
  killIdentity,
  killIfMarked,
  killMarked,
  liveIdentity,
  type Marker,
  markedProcesses,
} from '../../../scripts/lib/marked-processes.js';
import { waitUntil } from '../../support/processes.js';

const NAME = 'C8CTL_NANO_SWEEP_TEST';
const started: ChildProcess[] = [];

/** A sleeping node child with `env` added to ours; resolves once it runs. */
async function sleeper(env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return child.pid!;
}

const freshMarker = (): Marker => ({ name: NAME, value: randomBytes(6).toString('hex') });

afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

describe.runIf(process.platform === 'linux')('marked processes', () => {
  it('finds the processes carrying the marker, with their start times, and no other', async () => {
    const marker = freshMarker();
    const ours = await sleeper({ [NAME]: marker.value });
    const other = await sleeper({ [NAME]: `${marker.value}-other` });
    const found = markedProcesses(marker);
    expect(found).toEqual([liveIdentity(ours)]);
    expect(found[0]?.startTime).toMatch(/^linux:\d+$/);
    expect(found.map((p) => p.pid)).not.toContain(other);
  });

  it('kills every marked process and leaves the others running', async () => {
    const marker = freshMarker();
    const ours = [await sleeper({ [NAME]: marker.value }), await sleeper({ [NAME]: marker.value })];
    const other = await sleeper({});
    expect(killMarked(marker).sort()).toEqual([...ours].sort());
    await waitUntil(() => !ours.some(isAlive), 5_000, 'the marked processes to die');
    expect(isAlive(other)).toBe(true);
    expect(markedProcesses(marker)).toEqual([]);
    expect(killMarked(marker)).toEqual([]);
  });

  it('does not signal a PID whose start time is not the one seen', async () => {
    const pid = await sleeper({});
    expect(killIdentity({ pid, startTime: 'linux:1' })).toBe(false);
    expect(isAlive(pid)).toBe(true);
    expect(killIdentity(liveIdentity(pid)!)).toBe(true);
    await waitUntil(() => !isAlive(pid), 5_000, 'the process to die');
    expect(liveIdentity(pid)).toBeNull();
  });

  it('kills a PID by number only when it carries the marker', async () => {
    const marker = freshMarker();
    const stranger = await sleeper({});
    expect(killIfMarked(stranger, marker)).toBe(false);
    expect(isAlive(stranger)).toBe(true);
    const ours = await sleeper({ [NAME]: marker.value });
    expect(killIfMarked(ours, marker)).toBe(true);
    await waitUntil(() => !isAlive(ours), 5_000, 'the marked process to die');
  });
});
