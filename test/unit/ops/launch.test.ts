// ops/launch.ts with fake engines and fake host reads: a node that exits while starting is explained
// from this run's log (read through HostReads), and what is undone depends on whose fault it was: the
// node's own keeps the logs, a full disk (the environment's) takes back everything the start wrote.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateStart } from '../../../src/cluster/start-options.js';
import { EXIT } from '../../../src/errors.js';
import type { HostReads } from '../../../src/ops/host-reads.js';
import { launch } from '../../../src/ops/launch.js';
import type { LaunchInputs } from '../../../src/ops/launch-inputs.js';
import { fakeContext } from '../../support/fake-context.js';
import { FakeEngines, fakeProbe, nanoAnswers, steppingClock } from '../../support/fake-engines.js';

let home: string;
let engines: FakeEngines;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-launch-'));
  await chmod(home, 0o700);
  engines = new FakeEngines();
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const PORT = 47_320;
const request = validateStart({ count: '2', port: String(PORT), timeout: '30', env: {} });
const inputs = (): LaunchInputs => ({
  binary: { path: '/opt/nano/engine', source: 'flag', sourceLabel: '--binary' },
  version: '0.0.22',
  workspaceDir: path.join(home, 'workspace'),
});

/** Host reads with a fixed date, node logs as given (from the offset asked), and plenty of disk. */
function reads(logs: Record<string, string>, free = 10 ** 12): HostReads & { asked: Array<[string, number]> } {
  const asked: Array<[string, number]> = [];
  return {
    asked,
    date: () => new Date('2025-01-02T03:04:05.000Z'),
    logSize: () => 7,
    readLogFrom: async (file, offset) => {
      asked.push([file, offset]);
      return logs[path.basename(file)] ?? '';
    },
    freeBytes: async () => free,
    hostGlibc: () => '2.36',
  };
}

/** Node 1 exits (code 1) the first time anything is asked of the cluster. */
function launchWithNode1Exiting(hostReads: HostReads) {
  const { ctx, printed } = fakeContext(home, {
    effects: {
      ...engines.effects(),
      ...steppingClock(),
      probe: fakeProbe(() => {
        const pid = engines.spawned[1];
        if (pid !== undefined && engines.running.has(pid)) engines.exit(pid, { code: 1, signal: null });
        return undefined;
      }),
    },
  });
  return { run: launch(ctx, request, inputs(), hostReads), printed };
}

describe('launch: a node exits while starting', () => {
  it('is explained from this run of its log; the others are stopped, the logs kept', async () => {
    const hostReads = reads({ 'node-1.log': 'booting\nError: something the engine did not like\n' });
    const { run } = launchWithNode1Exiting(hostReads);
    const outcome = await run;
    expect(outcome.kind).toBe('not-ready');
    if (outcome.kind !== 'not-ready') return;
    expect(outcome.reason).toBe('exited');
    expect(outcome.exitCode).toBe(EXIT.failure);
    expect(outcome.error.code).toBe('node-exited');
    expect(outcome.error.message).toBe(
      `Node 1 (port ${PORT + 1}) exited with code 1 while starting. Every node started was stopped and the state removed; logs are kept.`,
    );
    const log = path.join(home, 'logs', 'node-1.log');
    expect(hostReads.asked).toEqual([[log, 7]]);
    expect(outcome.error.details).toEqual([
      `Last lines of ${log}:`,
      '  booting',
      '  Error: something the engine did not like',
    ]);
    expect([...engines.running.keys()]).toEqual([]);
    expect(existsSync(path.join(home, 'cluster.json'))).toBe(false);
    expect(existsSync(path.join(home, 'logs'))).toBe(true);
  });

  it('on a full disk: said in one line, and everything the start wrote is removed', async () => {
    const { run } = launchWithNode1Exiting(reads({ 'node-1.log': 'Error: No space left on device (os error 28)\n' }));
    const outcome = await run;
    if (outcome.kind !== 'not-ready') throw new Error(`expected not ready, got ${outcome.kind}`);
    expect(outcome.error.code).toBe('disk-full');
    expect(outcome.error.message).toContain(
      'Every node started was stopped and everything this start wrote was removed.',
    );
    expect(outcome.error.details).toEqual([]);
    expect([...engines.running.keys()]).toEqual([]);
    expect(existsSync(path.join(home, 'logs'))).toBe(false);
    expect(existsSync(path.join(home, 'data'))).toBe(false);
    expect(existsSync(path.join(home, 'workspace'))).toBe(false);
  });
});

describe('launch: ready', () => {
  it('returns what it started, the state recorded with the date from HostReads, every banner too', async () => {
    const { ctx, results } = fakeContext(home, {
      effects: { ...engines.effects(), ...steppingClock(), probe: fakeProbe(nanoAnswers) },
    });
    const outcome = await launch(ctx, request, inputs(), reads({}));
    if (outcome.kind !== 'ready') throw new Error(`expected ready, got ${outcome.kind}`);
    expect(outcome.exitCode).toBe(EXIT.ok);
    expect(outcome.state.createdAt).toBe('2025-01-02T03:04:05.000Z');
    expect(outcome.state.nodes.map((n) => n.pid)).toEqual(engines.spawned);
    expect(outcome.consoleServed).toBe('off');
    expect(engines.requests.map((r) => r.banner)).toEqual([
      `--- c8ctl-nano: node 0 starting on port ${PORT} at 2025-01-02T03:04:05.000Z ---`,
      `--- c8ctl-nano: node 1 starting on port ${PORT + 1} at 2025-01-02T03:04:05.000Z ---`,
    ]);
    const recorded = JSON.parse(await readFile(path.join(home, 'cluster.json'), 'utf8'));
    expect(recorded).toMatchObject({ createdAt: '2025-01-02T03:04:05.000Z', consoleServed: 'off' });
    // The operation prints no result: that is the verb's.
    expect(results).toEqual([]);
  });
});
