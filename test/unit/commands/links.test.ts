// isolate/cut/slow/heal through the verbs with a fake context (issue 25): their refusals (a cluster
// started without --network-faults, the same node twice for cut, a bad --delay, a proxy that is down
// or frozen), and a change the fake link proxy applies, with its typed --json document.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cutCommand, healCommand, isolateCommand, slowCommand } from '../../../src/commands/links.js';
import { UserError } from '../../../src/errors.js';
import type { Effects } from '../../../src/kit/context.js';
import { CONTROL_FILES, writeJsonAtomic } from '../../../src/links/control-files.js';
import type { ProcessFacts } from '../../../src/os/process-info.js';
import type { LinksResult } from '../../../src/results/faults.js';
import type { LinkProxyRecord } from '../../../src/state/cluster-state.js';
import { layoutFor } from '../../../src/state/layout.js';
import { fakeContext } from '../../support/fake-context.js';
import { clusterState, makeHome, nodeProcess, processTable, removeHome, trackCluster } from './cluster-home.js';

let home: string;
let proxy: LinkProxyRecord;
beforeEach(async () => {
  home = await makeHome('links');
  const layout = layoutFor(home);
  mkdirSync(layout.linkProxy.controlDir, { mode: 0o700 });
  proxy = { pid: 4100, startTime: 'proxy', ...layout.linkProxy, links: [] };
});
afterEach(async () => {
  await removeHome(home);
});

const proxyRuns = (state: ProcessFacts['state'] = 'running'): [number, ProcessFacts] => [
  4100,
  { state, startTime: 'proxy' },
];

/** The OS with the nodes and the proxy, and a sleep during which the fake proxy applies what was written. */
function effectsOf(processes: Map<number, ProcessFacts>): Partial<Effects> {
  // The clock moves only in sleeps: a wait that never ends runs into its deadline instead of hanging the test.
  let clock = 0;
  return {
    readProcess: processTable(processes),
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
      const faults = JSON.parse(readFileSync(path.join(proxy.controlDir, CONTROL_FILES.faults), 'utf8'));
      writeJsonAtomic(proxy.controlDir, CONTROL_FILES.applied, { generation: faults.generation, pid: 4100, links: [] });
    },
  };
}

async function refusal(run: Promise<number>): Promise<UserError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect(existsSync(layoutFor(home).lockFile)).toBe(false);
  return error as UserError;
}

describe('link verbs refusals', () => {
  it.each([
    ['isolate', isolateCommand],
    ['cut', cutCommand],
    ['slow', slowCommand],
    ['heal', healCommand],
  ] as const)(
    '%s on a cluster started without --network-faults: refused, pointing at restart',
    async (verb, command) => {
      await trackCluster(home, clusterState(home, 3));
      const { ctx } = fakeContext(home);
      const error = await refusal(command(ctx, { positionals: ['0', '1'], flags: { delay: '100' } }));
      expect(error.code).toBe('no-link-proxy');
      expect(error.message).toContain(`so there is no link to ${verb}.`);
      expect(error.message).toContain('"c8ctl nano restart --network-faults"');
    },
  );

  it('cut of a node to itself', async () => {
    await trackCluster(home, clusterState(home, 3, { linkProxy: proxy }));
    const { ctx } = fakeContext(home, { effects: effectsOf(new Map([proxyRuns()])) });
    const error = await refusal(cutCommand(ctx, { positionals: ['1', '1'], flags: {} }));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe('cut needs two different nodes: node 1 has no link to itself. Example: cut 0 1');
  });

  it.each([
    [{ delay: 'soon' }, '--delay "soon" must be a whole number from 0 to 60000. Example: --delay 200'],
    [{ delay: '60001' }, '--delay "60001" must be a whole number from 0 to 60000. Example: --delay 200'],
    [{ rate: '0' }, '--rate "0" must be a whole number from 1 to 1000000. Example: --rate 100'],
    [{ delay: '0' }, 'slow needs --delay, --jitter or --rate. Example: slow 0 --delay 200'],
  ])('slow %o', async (flags, message) => {
    await trackCluster(home, clusterState(home, 3, { linkProxy: proxy }));
    const { ctx } = fakeContext(home, { effects: effectsOf(new Map([proxyRuns()])) });
    const error = await refusal(slowCommand(ctx, { positionals: ['0'], flags }));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe(message);
  });

  it('a frozen link proxy: isolate refused, and heal says how to resume it', async () => {
    await trackCluster(home, clusterState(home, 3, { linkProxy: proxy }));
    const { ctx } = fakeContext(home, { effects: effectsOf(new Map([proxyRuns('stopped')])) });
    const isolate = await refusal(isolateCommand(ctx, { positionals: ['0'], flags: {} }));
    expect(isolate.code).toBe('link-proxy-down');
    expect(isolate.message).toContain('The link proxy (pid 4100) is frozen, so no link can be changed');
    const heal = await refusal(healCommand(ctx, { positionals: [], flags: {} }));
    expect(heal.message).toBe('The link proxy (pid 4100) is frozen (SIGSTOP): resume it with "kill -CONT 4100".');
  });
});

describe('link verbs', () => {
  it('isolate: applied by the proxy, said, and typed', async () => {
    await trackCluster(home, clusterState(home, 3, { linkProxy: proxy }));
    const { ctx, printed, results } = fakeContext(home, {
      effects: effectsOf(new Map([nodeProcess(0), nodeProcess(1), nodeProcess(2), proxyRuns()])),
    });
    expect(await isolateCommand(ctx, { positionals: ['1'], flags: { refuse: true } })).toBe(0);
    expect(printed[0]).toBe(
      'success: Node 1 is cut off from its peers (refused: every peer connection is reset); clients still reach it at http://127.0.0.1:8081.',
    );
    const reset = { mode: 'reset', delayMs: 0, jitterMs: 0, rateBytesPerSec: null } as const;
    expect(results).toEqual([
      {
        schemaVersion: 1,
        ok: true,
        faults: [
          { from: 0, to: 1, ...reset },
          { from: 1, to: 0, ...reset },
          { from: 1, to: 2, ...reset },
          { from: 2, to: 1, ...reset },
        ],
        described: ['node 1 isolated (refused)'],
        generation: 1,
        linkProxy: { pid: 4100 },
      } satisfies LinksResult,
    ]);
  });

  it('heal on rf 1: every link back, no leaders to wait for (settled null)', async () => {
    const state = clusterState(home, 1, { linkProxy: proxy });
    await trackCluster(home, { ...state, settings: { ...state.settings, rf: 1 } });
    const { ctx, printed, results } = fakeContext(home, { effects: effectsOf(new Map([nodeProcess(0), proxyRuns()])) });
    expect(await healCommand(ctx, { positionals: [], flags: {} })).toBe(0);
    expect(printed).toEqual(['success: Every peer link is back to normal.']);
    expect(results).toEqual([
      { schemaVersion: 1, ok: true, faults: [], described: [], generation: 1, linkProxy: { pid: 4100 }, settled: null },
    ]);
  });

  it('heal of the last cut: waits for the leaders, and says they are whole again (settled whole)', async () => {
    await trackCluster(home, clusterState(home, 3, { linkProxy: proxy }));
    writeJsonAtomic(proxy.controlDir, CONTROL_FILES.faults, {
      generation: 3,
      flows: [{ from: 0, to: 1, mode: 'stall', delayMs: 0, jitterMs: 0, rateBytesPerSec: null }],
    });
    const leaders = [0, 1, 2].map((id) => ({
      partition_id: id + 1,
      leader: id,
      raft_term: 1,
      replicas: [0, 1, 2],
      owner: id,
    }));
    const { ctx, printed, results } = fakeContext(home, {
      effects: {
        ...effectsOf(new Map([nodeProcess(0), nodeProcess(1), nodeProcess(2), proxyRuns()])),
        probe: {
          getJson: async () => ({ kind: 'answers', status: 200, body: { partitions: leaders } }),
          close: async () => undefined,
        },
      },
    });
    expect(await healCommand(ctx, { positionals: [], flags: {} })).toBe(0);
    expect(printed).toEqual([
      'success: Every peer link is back to normal.',
      'success: Leaders agree again after 0.0 s: every partition is led by its owner.',
    ]);
    expect(results).toEqual([
      {
        schemaVersion: 1,
        ok: true,
        faults: [],
        described: [],
        generation: 4,
        linkProxy: { pid: 4100 },
        settled: 'whole',
      },
    ]);
  });
});
