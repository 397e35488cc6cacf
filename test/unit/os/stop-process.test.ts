import { describe, expect, it } from 'vitest';
import { stopNodes } from '../../../src/cluster/lifecycle.js';
import type { ProcessFacts } from '../../../src/os/process-info.js';
import { stopProcess, type StopDeps } from '../../../src/os/stop-process.js';

/** How a fake process reacts to signals. */
type Behaviour = 'exits-on-term' | 'ignores-term' | 'survives-kill' | 'zombie-on-term';

interface FakeProcess {
  startTime: string;
  state: ProcessFacts['state'];
  behaviour: Behaviour;
}

interface SentSignal {
  readonly pid: number;
  readonly signal: NodeJS.Signals;
  readonly tree: boolean;
  readonly at: number;
}

/** A process table, signals and a clock that only moves when the code sleeps. */
function fakeWorld(processes: Record<number, FakeProcess>) {
  const table = new Map(Object.entries(processes).map(([pid, p]) => [Number(pid), { ...p }]));
  const sent: SentSignal[] = [];
  let clock = 0;

  const deliver = (pid: number, signal: NodeJS.Signals) => {
    const p = table.get(pid);
    if (!p) return;
    if (signal === 'SIGCONT') {
      if (p.state === 'stopped') p.state = 'running';
      return;
    }
    // A stopped process cannot act on SIGTERM until it is continued.
    if (signal === 'SIGTERM' && p.state === 'running') {
      if (p.behaviour === 'exits-on-term') table.delete(pid);
      if (p.behaviour === 'zombie-on-term') p.state = 'zombie';
    }
    if (signal === 'SIGKILL' && p.behaviour !== 'survives-kill') table.delete(pid);
  };

  const deps: StopDeps = {
    readProcess: async (pid) => {
      const p = table.get(pid);
      return p ? { state: p.state, startTime: p.startTime } : null;
    },
    signals: {
      signalTree: async (pid, signal) => {
        sent.push({ pid, signal, tree: true, at: clock });
        deliver(pid, signal);
      },
      signal: (pid, signal) => {
        sent.push({ pid, signal, tree: false, at: clock });
        deliver(pid, signal);
      },
    },
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
  };
  return { deps, sent, table, clock: () => clock };
}

const running = (behaviour: Behaviour, startTime = 'st'): FakeProcess => ({ startTime, state: 'running', behaviour });

describe('stopProcess', () => {
  it('stops a process that exits on SIGTERM gracefully, without SIGKILL', async () => {
    const world = fakeWorld({ 42: running('exits-on-term') });
    expect(await stopProcess(42, 'st', 10_000, world.deps)).toBe('graceful');
    expect(world.sent.map((s) => s.signal)).toEqual(['SIGTERM']);
    expect(world.sent[0]).toMatchObject({ pid: 42, tree: true });
    expect(world.table.has(42)).toBe(false);
  });

  it('counts a process that became a zombie as gone', async () => {
    const world = fakeWorld({ 42: running('zombie-on-term') });
    expect(await stopProcess(42, 'st', 10_000, world.deps)).toBe('graceful');
    expect(world.sent.map((s) => s.signal)).toEqual(['SIGTERM']);
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const world = fakeWorld({ 42: running('ignores-term') });
    expect(await stopProcess(42, 'st', 3_000, world.deps)).toBe('forced');
    expect(world.sent.map((s) => s.signal)).toEqual(['SIGTERM', 'SIGKILL']);
    const kill = world.sent[1]!;
    expect(kill).toMatchObject({ pid: 42, tree: true });
    expect(kill.at).toBeGreaterThanOrEqual(3_000);
    // It does not wait much longer than the grace period (the poll interval is capped).
    expect(kill.at).toBeLessThan(3_000 + 100);
    expect(world.table.has(42)).toBe(false);
  });

  it('wakes a frozen process with SIGCONT before SIGTERM', async () => {
    const world = fakeWorld({ 42: { ...running('exits-on-term'), state: 'stopped' } });
    expect(await stopProcess(42, 'st', 10_000, world.deps)).toBe('graceful');
    expect(world.sent.map((s) => s.signal)).toEqual(['SIGCONT', 'SIGTERM']);
    expect(world.sent[0]).toMatchObject({ pid: 42, tree: false });
  });

  it('leaves a PID with another start time alone', async () => {
    const world = fakeWorld({ 42: running('exits-on-term', 'someone-else') });
    expect(await stopProcess(42, 'st', 10_000, world.deps)).toBe('stale');
    expect(world.sent).toEqual([]);
    expect(world.table.has(42)).toBe(true);
  });

  it('leaves a frozen PID with another start time alone (no SIGCONT either)', async () => {
    const world = fakeWorld({ 42: { ...running('exits-on-term', 'someone-else'), state: 'stopped' } });
    expect(await stopProcess(42, 'st', 10_000, world.deps)).toBe('stale');
    expect(world.sent).toEqual([]);
  });

  it('reports a missing PID as not running and signals nothing', async () => {
    const world = fakeWorld({});
    expect(await stopProcess(42, 'st', 10_000, world.deps)).toBe('not-running');
    expect(world.sent).toEqual([]);
  });

  it('reports a zombie as not running and signals nothing', async () => {
    const world = fakeWorld({ 42: { ...running('exits-on-term'), state: 'zombie' } });
    expect(await stopProcess(42, 'st', 10_000, world.deps)).toBe('not-running');
    expect(world.sent).toEqual([]);
  });

  it('fails when the process survives SIGKILL', async () => {
    const world = fakeWorld({ 42: running('survives-kill') });
    expect(await stopProcess(42, 'st', 1_000, world.deps)).toBe('failed');
    expect(world.sent.map((s) => s.signal)).toEqual(['SIGTERM', 'SIGKILL']);
    // It waited for the kill to take effect before giving up.
    expect(world.clock()).toBeGreaterThan(world.sent[1]!.at);
  });

  it('does not SIGKILL a PID that was reused during the grace period', async () => {
    const world = fakeWorld({ 42: running('ignores-term') });
    const deps: StopDeps = {
      ...world.deps,
      sleep: async (ms) => {
        await world.deps.sleep(ms);
        // The node died and a stranger got its PID.
        world.table.set(42, running('ignores-term', 'stranger'));
      },
    };
    expect(await stopProcess(42, 'st', 1_000, deps)).toBe('graceful');
    expect(world.sent.map((s) => s.signal)).toEqual(['SIGTERM']);
  });
});

describe('stopNodes', () => {
  it('returns one result per node, in node order', async () => {
    const world = fakeWorld({
      10: running('exits-on-term', 'a'),
      11: running('ignores-term', 'b'),
      13: running('exits-on-term', 'other'),
    });
    const results = await stopNodes(
      [
        { id: 0, pid: 10, startTime: 'a' },
        { id: 1, pid: 11, startTime: 'b' },
        { id: 2, pid: 12, startTime: 'c' },
        { id: 3, pid: 13, startTime: 'd' },
      ],
      500,
      world.deps,
    );
    expect(results.map(({ id, pid, outcome }) => ({ id, pid, outcome }))).toEqual([
      { id: 0, pid: 10, outcome: 'graceful' },
      { id: 1, pid: 11, outcome: 'forced' },
      { id: 2, pid: 12, outcome: 'not-running' },
      { id: 3, pid: 13, outcome: 'stale' },
    ]);
    for (const r of results) expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(results[1]!.ms).toBeGreaterThanOrEqual(500);
    expect(world.sent.some((s) => s.pid === 13 || s.pid === 12)).toBe(false);
  });

  it('returns an empty list for no nodes', async () => {
    expect(await stopNodes([], 500, fakeWorld({}).deps)).toEqual([]);
  });
});
