// `start` on a cluster that already runs (ops/converge.ts, printed by commands/start-converged.ts),
// with fake engines: an exited node is started again on its record and the summary says so; a frozen
// node is left frozen, reported, and the exit code and document say degraded.
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCommand } from '../../../src/commands/start.js';
import { EXIT } from '../../../src/errors.js';
import type { ClusterState } from '../../../src/state/cluster-state.js';
import { layoutFor } from '../../../src/state/layout.js';
import { fakeContext } from '../../support/fake-context.js';
import {
  type EngineWorld,
  type FakeEngines,
  engineWorld,
  fakeProbe,
  nanoAnswers,
  recordedCluster as recorded,
  refusal,
  steppingClock,
} from '../../support/fake-engines.js';

let world: EngineWorld;
let home: string;
let engines: FakeEngines;
beforeEach(async () => {
  world = await engineWorld('converge');
  ({ home, engines } = world);
});
afterEach(() => world.cleanUp());

const PORT = 47_340;

const recordedCluster = (): Promise<ClusterState> => recorded(world, PORT);

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
    const error = await refusal(start({ port: String(PORT + 10) }).run);
    expect(error.message).toBe(
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
    const error = await refusal(startCommand(fake.ctx, { positionals: [], flags: { timeout: '0.05' } }));
    expect(error.code).toBe('start-timeout');
    expect(error.message).toContain('The node(s) started again were stopped; the rest of the cluster runs as it did.');
    expect(engines.signals.map((s) => s.pid)).toEqual(engines.spawned);
    expect([...engines.running.keys()]).toEqual([30_001, 30_002]);
  });
});
