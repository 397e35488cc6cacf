// `start` on a cluster that already runs (ops/converge.ts, printed by commands/start-converged.ts),
// with fake engines: an exited node is started again on its record and the summary says so; a frozen
// node is left frozen, reported, and the exit code and document say degraded.
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCommand } from '../../../src/commands/start.js';
import { EXIT, UserError } from '../../../src/errors.js';
import { STATE_SCHEMA, writeClusterState, type ClusterState } from '../../../src/state/cluster-state.js';
import { layoutFor } from '../../../src/state/layout.js';
import { fakeContext } from '../../support/fake-context.js';
import { FakeEngines, fakeProbe, nanoAnswers, steppingClock } from '../../support/fake-engines.js';

let home: string;
let engines: FakeEngines;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-converge-'));
  await chmod(home, 0o700);
  engines = new FakeEngines();
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const PORT = 47_340;

/** A 3-node cluster recorded, every node running as far as the fake engines say. */
async function recordedCluster(): Promise<ClusterState> {
  const l = layoutFor(home);
  const state: ClusterState = {
    schema: STATE_SCHEMA,
    createdAt: '2025-01-02T03:04:05.000Z',
    settings: {
      nodes: 3,
      basePort: PORT,
      partitions: 3,
      rf: 1,
      raft: false,
      capture: false,
      replication: 'leader-durable',
      storage: 'disk',
      historyMax: null,
      console: 'studio',
    },
    binary: { path: '/opt/nano/engine', source: 'flag', version: '0.0.22' },
    workspaceDir: l.defaultWorkspace,
    nodes: [0, 1, 2].map((id) => ({
      id,
      port: PORT + id,
      url: `http://127.0.0.1:${PORT + id}`,
      pid: 30_000 + id,
      startTime: `start-${id}`,
      log: l.nodeLog(id),
      dataDir: l.nodeDataDir(id),
      env: { NANOBPMN_NODE_ID: String(id) },
    })),
  };
  for (const node of state.nodes) engines.running.set(node.pid, node.startTime);
  await writeClusterState(l.stateFile, state);
  return state;
}

function start(flags: { port?: string; timeout?: string } = {}) {
  const fake = fakeContext(home, {
    effects: { ...engines.effects(), ...steppingClock(), probe: fakeProbe(nanoAnswers) },
  });
  return { ...fake, run: startCommand(fake.ctx, { positionals: [], flags }) };
}

describe('start on the cluster already running', () => {
  it('starts an exited node again on its record, and says so', async () => {
    const state = await recordedCluster();
    engines.running.delete(state.nodes[1]!.pid);
    const { run, printed, results } = start();
    expect(await run).toBe(EXIT.ok);
    expect(engines.requests.map((r) => r.env.NANOBPMN_NODE_ID)).toEqual(['1']);
    const recorded = JSON.parse(await readFile(layoutFor(home).stateFile, 'utf8')) as ClusterState;
    expect(recorded.nodes.map((n) => n.pid)).toEqual([30_000, engines.spawned[0], 30_002]);
    expect(printed.find((l) => l.startsWith('success:'))).toMatch(
      /^success: Already running; started node\(s\) 1 again on their data, ready in \d+\.\d\d s: 3 node\(s\)/,
    );
    expect(results).toEqual([
      expect.objectContaining({ schemaVersion: 1, ok: true, cluster: 'running', alreadyRunning: true, restarted: [1] }),
    ]);
  });

  it('leaves a frozen node frozen: warned, degraded, exit 2', async () => {
    const state = await recordedCluster();
    engines.frozen.add(state.nodes[2]!.pid);
    const { run, printed, results } = start();
    expect(await run).toBe(EXIT.degraded);
    expect(engines.requests).toEqual([]);
    expect(engines.signals).toEqual([]);
    expect(printed).toContain('success: Already running as asked: 3 node(s), 3 partition(s), RF 1, Raft off');
    expect(printed.filter((l) => l.startsWith('warn:'))).toEqual([
      'warn: Node(s) 2 frozen (pause): start leaves a frozen node as it is, so a drill is not ended behind your back. Resume with "c8ctl nano resume <id>".',
    ]);
    expect(results).toEqual([
      expect.objectContaining({ schemaVersion: 1, ok: false, cluster: 'degraded', restarted: [], frozen: [2] }),
    ]);
  });

  it('refuses another shape given explicitly, naming the difference, and touches nothing', async () => {
    await recordedCluster();
    const { run } = start({ port: String(PORT + 10) });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `A cluster is already running, but not as asked: port ${PORT + 10} (running: port ${PORT}).`,
    );
    expect(engines.requests).toEqual([]);
  });

  it('a node started again that does not answer in time is stopped again; the rest runs on', async () => {
    const state = await recordedCluster();
    engines.running.delete(state.nodes[0]!.pid);
    const fake = fakeContext(home, {
      effects: { ...engines.effects(), ...steppingClock(), probe: fakeProbe(() => undefined) },
    });
    const error = await startCommand(fake.ctx, { positionals: [], flags: { timeout: '0.05' } }).then(
      () => undefined,
      (e: unknown) => e as UserError,
    );
    expect(error?.code).toBe('start-timeout');
    expect(error?.message).toContain('The node(s) started again were stopped; the rest of the cluster runs as it did.');
    expect(engines.signals.map((s) => s.pid)).toEqual(engines.spawned);
    expect([...engines.running.keys()]).toEqual([30_001, 30_002]);
  });
});
