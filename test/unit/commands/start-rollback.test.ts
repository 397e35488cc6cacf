// `start` (src/commands/start.ts, through ops/launch.ts) with fake engine processes: a start that fails
// part-way leaves nothing running and nothing recorded, and says why; one that gets ready prints its
// summary and a typed --json document.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCommand } from '../../../src/commands/start.js';
import { EXIT } from '../../../src/errors.js';
import { fakeContext } from '../../support/fake-context.js';
import {
  type EngineWorld,
  type FakeEngines,
  engineWorld,
  fakeProbe,
  nanoAnswers,
  refusal as failure,
  steppingClock,
} from '../../support/fake-engines.js';

let world: EngineWorld;
let home: string;
let engine: string;
let engines: FakeEngines;
beforeEach(async () => {
  world = await engineWorld('start');
  ({ home, engine, engines } = world);
});
afterEach(() => world.cleanUp());

const PORT = 47_310;

function start(
  nodes: number,
  options: { probe?: (url: string) => ReturnType<typeof nanoAnswers> | undefined; interrupt?: AbortSignal } = {},
) {
  const fake = fakeContext(home, {
    ...(options.interrupt ? { interrupt: options.interrupt } : {}),
    effects: { ...engines.effects(), ...steppingClock(), probe: fakeProbe(options.probe ?? (() => undefined)) },
  });
  const run = startCommand(fake.ctx, {
    positionals: [String(nodes)],
    flags: { port: String(PORT), binary: engine, timeout: '0.05' },
  });
  return { ...fake, run };
}

/** Nothing of the failed start is left: no process, no state, no shape for restart to bring back. */
function expectNothingLeft(): void {
  expect([...engines.running.keys()]).toEqual([]);
  expect(existsSync(path.join(home, 'cluster.json'))).toBe(false);
  expect(existsSync(path.join(home, 'last-cluster.json'))).toBe(false);
  expect(existsSync(path.join(home, '.lock'))).toBe(false);
}

describe('start that fails part-way', () => {
  it('a spawn failing for node 2: nodes 0 and 1 are stopped, nothing is recorded, the folders go', async () => {
    engines.failSpawnAt = 2;
    const { run } = start(3);
    const error = await failure(run);
    expect(error.code).toBe('spawn-failed');
    expect(error.message).toBe(`Could not run the engine binary ${engine}: could not run ${engine} (EACCES).`);
    expect(engines.spawned).toHaveLength(2);
    expect(engines.signals).toEqual(engines.spawned.map((pid) => ({ pid, signal: 'SIGTERM' })));
    expectNothingLeft();
    // A failure before the nodes ran undoes the folders the start made, logs included.
    expect(existsSync(path.join(home, 'logs'))).toBe(false);
    expect(existsSync(path.join(home, 'data'))).toBe(false);
  });

  it('readiness not reached in time: every node is stopped, with the failure named; logs are kept', async () => {
    const { run } = start(2);
    const error = await failure(run);
    expect(error.code).toBe('start-timeout');
    expect(error.exitCode).toBe(EXIT.failure);
    expect(error.message).toBe(
      'The cluster was not ready after 0.05 s: node(s) 0, 1 never answered on /v2/topology. Every node started was stopped and the state removed; logs are kept.',
    );
    expect(error.details[0]).toBe(
      `Look at the logs in ${path.join(home, 'logs')}; allow more time with --timeout <seconds>.`,
    );
    expect(engines.spawned).toHaveLength(2);
    expectNothingLeft();
    expect(existsSync(path.join(home, 'logs'))).toBe(true);
  });

  it('Ctrl-C during the wait: rolled back, and the exit code says interrupted', async () => {
    const controller = new AbortController();
    const { run, results } = start(2, {
      interrupt: controller.signal,
      probe: () => {
        controller.abort();
        return undefined;
      },
    });
    const error = await failure(run);
    expect(error.code).toBe('interrupted');
    expect(error.exitCode).toBe(EXIT.interrupted);
    expect(error.message).toBe(
      'Start interrupted. Every node started was stopped and the state removed; logs are kept.',
    );
    expect(engines.signals.map((s) => s.pid)).toEqual(engines.spawned);
    expectNothingLeft();
    expect(results).toEqual([]);
  });
});

describe('start that gets ready', () => {
  it('records the cluster, prints the summary and one typed --json document', async () => {
    const { run, printed, results } = start(2, { probe: nanoAnswers });
    expect(await run).toBe(EXIT.ok);
    const state = JSON.parse(await readFile(path.join(home, 'cluster.json'), 'utf8'));
    expect(state.nodes.map((n: { pid: number }) => n.pid)).toEqual(engines.spawned);
    expect([...engines.running.keys()]).toEqual(engines.spawned);
    expect(printed.filter((line) => !line.startsWith('progress:'))[0]).toMatch(
      /^success: Nano cluster ready in \d+\.\d\d s: 2 node\(s\), 2 partition\(s\), RF 1, Raft off$/,
    );
    expect(printed).toContain(`info:   Engine    0.0.22 (--binary)`);
    expect(results).toEqual([
      expect.objectContaining({
        schemaVersion: 1,
        ok: true,
        cluster: 'running',
        home,
        binary: { path: engine, source: 'flag', version: '0.0.22', sourceLabel: '--binary' },
        partitions: null,
        restApi: `http://127.0.0.1:${PORT}/v2`,
        console: null,
        consoleMode: 'off',
      }),
    ]);
    const document = results[0] as { nodes: Array<Record<string, unknown>> };
    expect(Object.keys(document)[0]).toBe('schemaVersion');
    // The nodes as recorded, but not their environment (it holds the cluster's secret).
    expect(document.nodes.map((n) => [n.id, n.pid, 'env' in n])).toEqual(
      engines.spawned.map((pid, id) => [id, pid, false]),
    );
  });
});
