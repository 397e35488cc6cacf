// `status` through its verb with a fake context (issue 25): which job it picks (managed, untracked
// engines, an external port), what each prints, the exit code, and the typed --json document.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statusCommand } from '../../../src/commands/status.js';
import { UserError } from '../../../src/errors.js';
import type { Effects } from '../../../src/kit/context.js';
import type { ProbeResult } from '../../../src/os/http-probe.js';
import type { StatusResult } from '../../../src/results/status.js';
import { fakeContext } from '../../support/fake-context.js';
import { clusterState, makeHome, nodeProcess, processTable, removeHome, trackCluster } from './cluster-home.js';

let home: string;
beforeEach(async () => {
  home = await makeHome('status');
});
afterEach(async () => {
  await removeHome(home);
});

const nothingRuns = { findEngines: async () => [] };

/** A probe answering each URL from `answers` (by its path end), anything else refused. */
function probe(answers: Record<string, ProbeResult>): Effects['probe'] {
  return {
    getJson: async (url) => Object.entries(answers).find(([end]) => url.endsWith(end))?.[1] ?? { kind: 'refused' },
    close: async () => undefined,
  };
}

const consoleTopology = (leaders: (number | null)[]): ProbeResult => ({
  kind: 'answers',
  status: 200,
  body: {
    partitions: leaders.map((leader, i) => ({
      partition_id: i + 1,
      leader,
      raft_term: 1,
      recovering: false,
      replicas: [0, 1, 2],
      owner: i,
    })),
  },
});

async function run(effects: Partial<Effects>, flags: Record<string, string | boolean> = {}) {
  const fake = fakeContext(home, { effects });
  const code = await statusCommand(fake.ctx, { positionals: [], flags });
  return { code, printed: fake.printed, result: fake.results[0] as StatusResult, results: fake.results };
}

describe('status of the managed cluster', () => {
  it('every node running and answering, each partition led by its owner: running, exit 0', async () => {
    await trackCluster(home, clusterState(home, 3));
    const { code, printed, result } = await run({
      readProcess: processTable(new Map([nodeProcess(0), nodeProcess(1), nodeProcess(2)])),
      probe: probe({ '/console/api/topology': consoleTopology([0, 1, 2]) }),
    });
    expect(code).toBe(0);
    expect(printed[0]).toBe('info: Nano cluster (managed): running — 3 of 3 node(s) healthy');
    expect(result).toMatchObject({ schemaVersion: 1, managed: true, cluster: 'running', exitCode: 0, displaced: [] });
    expect(Object.keys(result)[0]).toBe('schemaVersion');
  });

  it('a frozen node and a reused PID: degraded, exit 2, the stale PIDs warned about', async () => {
    await trackCluster(home, clusterState(home, 3));
    const { code, printed, result } = await run({
      readProcess: processTable(
        new Map([nodeProcess(0), nodeProcess(1, 'stopped'), [4002, { state: 'running', startTime: 'other' }]]),
      ),
      probe: probe({ '/console/api/topology': consoleTopology([0, 0, 0]) }),
    });
    expect(code).toBe(2);
    expect(result).toMatchObject({ cluster: 'degraded', exitCode: 2 });
    expect(result.managed && result.nodes.map((n) => [n.process, n.http])).toEqual([
      ['running', 'answers'],
      ['frozen', 'not-probed'],
      ['stale', 'not-probed'],
    ]);
    expect(printed).toContain(
      'warn: Some recorded PIDs now belong to other processes (stale state); they are left alone. "c8ctl nano stop" forgets them.',
    );
  });

  it('every process gone: stopped, exit 3, no partitions known', async () => {
    await trackCluster(home, clusterState(home, 2));
    const { code, result } = await run({ readProcess: processTable(new Map()) });
    expect(code).toBe(3);
    expect(result).toMatchObject({ cluster: 'stopped', exitCode: 3, partitions: null, displaced: null, links: null });
  });
});

describe('status with no cluster tracked', () => {
  it('engines of this home still running: named in a table, degraded, exit 2', async () => {
    const strays = [
      { pid: 5001, startTime: 'a', frozen: false, port: 8080, nodeId: 0 },
      { pid: 5002, startTime: 'b', frozen: true, port: null, nodeId: null },
    ];
    const { code, printed, result } = await run({ findEngines: async () => strays });
    expect(code).toBe(2);
    await expect(printed.join('\n').replaceAll(home, '<home>')).toMatchFileSnapshot(
      '../../golden/status/untracked.txt',
    );
    expect(result).toEqual({
      schemaVersion: 1,
      managed: false,
      cluster: 'degraded',
      exitCode: 2,
      home,
      untracked: strays,
    });
  });

  it('Nano BPM answers on the port: external, running, with its topology and leaders', async () => {
    const { code, printed, result } = await run(
      {
        ...nothingRuns,
        probe: probe({
          '/v2/topology': {
            kind: 'answers',
            status: 200,
            body: {
              nano: { engine: 'nanobpmn', version: '0.0.22' },
              clusterSize: 1,
              partitionsCount: 1,
              replicationFactor: 1,
              brokers: [{ nodeId: 0, host: '127.0.0.1', port: 9000 }],
            },
          },
          '/console/api/topology': consoleTopology([0]),
        }),
      },
      { port: '9000' },
    );
    expect(code).toBe(0);
    expect(printed).toEqual([
      'info: Nano BPM 0.0.22 on port 9000 (external — not started by c8ctl): running',
      'info:   product: Nano BPM 0.0.22 · cluster size 1 · 1 partition(s) · RF 1',
      'info:   node 0  127.0.0.1:9000',
      'info:   partition 1: leader node 0',
    ]);
    expect(result).toMatchObject({
      schemaVersion: 1,
      managed: false,
      port: 9000,
      url: 'http://127.0.0.1:9000',
      untracked: [],
      cluster: 'running',
      product: { kind: 'nano', version: '0.0.22' },
      partitions: [{ partition: 1, leader: 0 }],
    });
  });

  it.each([
    [
      'a Camunda gateway',
      { kind: 'answers', status: 200, body: { gatewayVersion: '8.6.0', brokers: [] } },
      3,
      { cluster: 'stopped', product: { kind: 'camunda', version: '8.6.0' } },
    ],
    ['something frozen', { kind: 'timeout' }, 2, { cluster: 'degraded', http: 'timeout' }],
    ['another HTTP service', { kind: 'answers', status: 404, body: null }, 3, { cluster: 'stopped', http: 'HTTP 404' }],
    ['nothing', { kind: 'refused' }, 3, { cluster: 'stopped', http: 'refused' }],
  ] as const)('%s on the port: exit %s', async (_what, answer, exitCode, fields) => {
    const { code, result } = await run({ ...nothingRuns, probe: probe({ '/v2/topology': answer }) });
    expect(code).toBe(exitCode);
    expect(result).toEqual({
      schemaVersion: 1,
      managed: false,
      port: 8080,
      url: 'http://127.0.0.1:8080',
      home,
      untracked: [],
      exitCode,
      ...fields,
    });
  });

  it('--port naming no node of the tracked cluster asks that port, not the cluster', async () => {
    await trackCluster(home, clusterState(home, 1));
    const { result } = await run({ ...nothingRuns, probe: probe({}) }, { port: '9100' });
    expect(result).toMatchObject({ managed: false, port: 9100, http: 'refused' });
  });
});

describe('status refusals', () => {
  it.each([
    [{ watch: true, port: '9000' }, 'does not go with --port'],
    [{ interval: '2' }, '--interval goes with --watch'],
  ])('%o is refused', async (flags, message) => {
    const error = await run({}, flags).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('invalid-argument');
    expect((error as UserError).message).toContain(message);
  });
});
