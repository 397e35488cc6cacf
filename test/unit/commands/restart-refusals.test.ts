// `restart` (src/commands/restart.ts) refuses before it touches anything: with nothing to restart, with
// an RF carried over that the new node count cannot hold, and with a new shape the kept data cannot
// serve (unless --purge, which then restarts). Fake engines: a refusal that stopped the running
// cluster first would signal them.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartCommand } from '../../../src/commands/restart.js';
import { EXIT } from '../../../src/errors.js';
import type { NanoArgs } from '../../../src/kit/args.js';
import { writeDataShape } from '../../../src/state/data-shape.js';
import { writeLastCluster } from '../../../src/state/last-cluster.js';
import { layoutFor } from '../../../src/state/layout.js';
import { fakeContext } from '../../support/fake-context.js';
import {
  type EngineWorld,
  type FakeEngines,
  clusterSettings,
  engineWorld,
  fakeProbe,
  nanoAnswers,
  recordedCluster,
  refusal,
  steppingClock,
} from '../../support/fake-engines.js';

let world: EngineWorld;
let home: string;
let engine: string;
let engines: FakeEngines;
beforeEach(async () => {
  world = await engineWorld('restart');
  ({ home, engine, engines } = world);
});
afterEach(() => world.cleanUp());

const PORT = 47_330;
const layout = () => layoutFor(home);
const settings = (nodes: number, rf: number) => clusterSettings(nodes, rf, PORT);

/** A 3-node cluster running (as far as the fake engines say), with its data's shape on disk. */
async function runningCluster() {
  const state = await recordedCluster(world, PORT);
  await mkdir(layout().dataDir, { mode: 0o700 });
  await writeDataShape(layout().dataDir, { nodes: 3, partitions: 3, rf: 1, engineVersion: '0.0.22' });
  return state;
}

function restart(args: NanoArgs<'restart'>) {
  const fake = fakeContext(home, {
    effects: { ...engines.effects(), ...steppingClock(), probe: fakeProbe(nanoAnswers) },
  });
  return { ...fake, run: restartCommand(fake.ctx, args) };
}

describe('restart refuses before touching anything', () => {
  it('nothing to restart: no cluster runs and none ran; it names the start command instead', async () => {
    const before = await readdir(home);
    const error = await refusal(restart({ positionals: ['3'], flags: { port: '9000' } }).run);
    expect(error.code).toBe('no-cluster');
    expect(error.message).toBe(
      `Nothing to restart: no cluster runs in ${home} and none ran there before. Start one: "c8ctl nano start 3 --port 9000".`,
    );
    expect(await readdir(home)).toEqual(before);
    expect(engines.requests).toEqual([]);
  });

  it("nothing to restart: the last cluster's shape cannot be read, and it says so", async () => {
    await writeFile(layout().lastClusterFile, '{"settings": ', { mode: 0o600 });
    const error = await refusal(restart({ positionals: [], flags: {} }).run);
    expect(error.code).toBe('no-cluster');
    expect(error.message).toContain(
      `Nothing to restart: no cluster runs in ${home} and the last one's shape in ${layout().lastClusterFile} cannot be read: it is `,
    );
    expect(await readFile(layout().lastClusterFile, 'utf8')).toBe('{"settings": ');
  });

  it('an RF carried from the previous cluster that the new node count cannot hold', async () => {
    await writeLastCluster(layout().lastClusterFile, {
      settings: settings(3, 3),
      binary: { path: engine, source: 'flag' },
    });
    const error = await refusal(restart({ positionals: ['2'], flags: {} }).run);
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe(
      'The previous cluster had RF 3, more than the 2 node(s) asked for. Give --rf from 1 to 2, e.g. "c8ctl nano restart 2 --rf 1".',
    );
  });

  it('a new shape over kept data, without --purge: refused, the running cluster left running', async () => {
    const state = await runningCluster();
    const recorded = await readFile(layout().stateFile, 'utf8');
    const error = await refusal(restart({ positionals: ['2'], flags: {} }).run);
    expect(error.code).toBe('data-shape-mismatch');
    expect(error.message).toContain('was written by a 3-node cluster (3 partitions); with 2 nodes,');
    expect(engines.signals).toEqual([]);
    expect([...engines.running.keys()]).toEqual(state.nodes.map((n) => n.pid));
    expect(await readFile(layout().stateFile, 'utf8')).toBe(recorded);
    expect(existsSync(layout().lockFile)).toBe(false);
  });
});

describe('restart --purge over kept data of another shape', () => {
  it('stops the running cluster, deletes the data, and starts the new shape', async () => {
    const state = await runningCluster();
    const { run, results } = restart({ positionals: ['2'], flags: { purge: true } });
    expect(await run).toBe(EXIT.ok);
    expect(engines.signals.map((s) => s.pid)).toEqual(state.nodes.map((n) => n.pid));
    expect(engines.spawned).toHaveLength(2);
    expect([...engines.running.keys()]).toEqual(engines.spawned);
    const shape = JSON.parse(await readFile(path.join(layout().dataDir, '.shape.json'), 'utf8'));
    expect(shape).toMatchObject({ nodes: 2, partitions: 2 });
    expect(results).toEqual([
      expect.objectContaining({ schemaVersion: 1, ok: true, cluster: 'running', settings: settings(2, 1) }),
    ]);
  });
});
