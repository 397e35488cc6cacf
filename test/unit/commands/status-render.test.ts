// How status renders each state a node and a partition can be in (issue 25: status's rendering had no
// unit test, only real-engine e2e). The views are built with the same pure functions status uses;
// the text is pinned in test/golden/status/, so a change shows in review as a diff of what users read.
import { describe, expect, it } from 'vitest';
import { reconcileLeadership, type ObservedLeadership } from '../../../src/cluster/leader-views.js';
import { partitionStatuses } from '../../../src/cluster/partition-status.js';
import { clusterWord } from '../../../src/cluster/status-model.js';
import { renderManaged } from '../../../src/commands/status-render.js';
import { isolate, NO_FAULTS } from '../../../src/links/faults.js';
import { linkView, type LinkView } from '../../../src/links/link-status.js';
import type { ManagedView, NodeView } from '../../../src/ops/status-view.js';
import type { ClusterState } from '../../../src/state/cluster-state.js';
import { layoutFor } from '../../../src/state/layout.js';
import { clusterShape } from '../../support/cluster-fixtures.js';

const ctx = { prog: 'c8ctl-nano', layout: layoutFor('/home/u/.local/share/c8ctl-nano') };

const state = {
  schema: 3,
  createdAt: '2026-12-03T10:00:00.000Z',
  settings: clusterShape({ nodes: 3, partitions: 3, rf: 3, raft: true }),
  binary: { path: '/e/nanobpmn', source: 'package', version: '0.0.22' },
  workspaceDir: '/w',
  nodes: [],
} as unknown as ClusterState;

const node = (
  id: number,
  process: NodeView['process'],
  http: NodeView['http'],
  extra: Partial<NodeView> = {},
): NodeView => ({
  id,
  port: 8080 + id,
  url: `http://127.0.0.1:${8080 + id}`,
  pid: 4000 + id,
  process,
  http,
  log: `/home/u/.local/share/c8ctl-nano/logs/node-${id}.log`,
  ...extra,
});

/** Each answering node names `leaders[p - 1]` for partition p; owners are 0, 1, 2. */
function view(nodes: NodeView[], leaders: (number | null)[]): ManagedView {
  const answering = nodes.filter((n) => n.http === 'answers');
  const observed = answering.map((n) => ({
    observer: n.id,
    partitions: leaders.map((leader, i) => ({
      partition: i + 1,
      leader,
      term: leader === null ? null : 1,
      recovering: false,
      replicas: [0, 1, 2],
      owner: i,
    })),
  }));
  const agreed = reconcileLeadership(observed);
  const partitions = agreed ? partitionStatuses(agreed, nodes, 'leader-durable') : null;
  const word = clusterWord(nodes);
  const impaired = partitions?.some((p) => p.placement !== 'owner');
  return {
    word: word === 'running' && impaired ? 'degraded' : word,
    nodes,
    partitions,
    seenBy: answering[0]?.id ?? null,
    consoleServed: 'studio',
    links: null,
  };
}

describe('status rendering', () => {
  it('a healthy cluster', async () => {
    const healthy = view(
      [node(0, 'running', 'answers'), node(1, 'running', 'answers'), node(2, 'running', 'answers')],
      [0, 1, 2],
    );
    await expect(renderManaged(ctx, state, healthy).join('\n')).toMatchFileSnapshot('../../golden/status/healthy.txt');
  });

  it('a frozen leader, an exited node with its log tail, a failed-over partition', async () => {
    const nodes = [
      node(0, 'running', 'answers'),
      node(1, 'frozen', 'not-probed'),
      node(2, 'exited', 'not-probed', { exitCode: null, lastLog: ['ERROR disk full', 'shutting down'] }),
    ];
    const text = renderManaged(ctx, state, view(nodes, [0, 1, 0])).join('\n');
    expect(text).toContain('degraded — 1 of 3 node(s) healthy');
    expect(text).toMatch(/partition 2: .*node 1/);
    await expect(text).toMatchFileSnapshot('../../golden/status/frozen-exited.txt');
  });

  it('a stale PID and a node that times out; a watch frame marks what changed', async () => {
    const before = view(
      [node(0, 'running', 'answers'), node(1, 'running', 'answers'), node(2, 'running', 'answers')],
      [0, 1, 2],
    );
    const after = view(
      [node(0, 'running', 'answers'), node(1, 'running', 'timeout'), node(2, 'stale', 'not-probed')],
      [0, null, 2],
    );
    const text = renderManaged(ctx, state, after, before).join('\n');
    expect(text).toContain('← was running');
    expect(text).toContain('← was running/answers');
    await expect(text).toMatchFileSnapshot('../../golden/status/stale-timeout-watch.txt');
  });

  it('every node gone: stopped, and what to do', async () => {
    const gone = view(
      [node(0, 'exited', 'not-probed'), node(1, 'exited', 'not-probed'), node(2, 'stale', 'not-probed')],
      [],
    );
    const text = renderManaged(ctx, state, gone).join('\n');
    expect(text).toContain('No node is running. "c8ctl-nano stop" clears the state');
    await expect(text).toMatchFileSnapshot('../../golden/status/stopped.txt');
  });
});

/** Each node's own answer (observer → leader named per partition), for views where nodes disagree. */
function viewOf(
  nodes: NodeView[],
  answers: Record<number, (number | null)[]>,
  options: { recovering?: number[]; replication?: 'leader-durable' | 'quorum'; links?: LinkView } = {},
): ManagedView {
  const observed: ObservedLeadership[] = Object.entries(answers).map(([observer, leaders]) => ({
    observer: Number(observer),
    partitions: leaders.map((leader, i) => ({
      partition: i + 1,
      leader,
      // A node that names itself leader of a partition it does not own won a later election.
      term: leader === null ? null : leader === Number(observer) && leader !== i ? 2 : 1,
      recovering: options.recovering?.includes(i + 1) ?? false,
      replicas: [0, 1, 2],
      owner: i,
    })),
  }));
  const agreed = reconcileLeadership(observed);
  const isolated = options.links?.isolated ?? [];
  const partitions = agreed
    ? partitionStatuses(agreed, nodes, options.replication ?? 'leader-durable', isolated)
    : null;
  const word = clusterWord(nodes);
  const impaired = partitions?.some((p) => p.placement !== 'owner') || options.links?.cut === true;
  return {
    word: word === 'running' && impaired ? 'degraded' : word,
    nodes,
    partitions,
    seenBy: nodes.find((n) => n.http === 'answers')?.id ?? null,
    consoleServed: 'studio',
    links: options.links ?? null,
  };
}

const allUp = (): NodeView[] => [
  node(0, 'running', 'answers'),
  node(1, 'running', 'answers'),
  node(2, 'running', 'answers'),
];

describe('status rendering of leadership states', () => {
  const quorum = { ...state, settings: { ...state.settings, replication: 'quorum' } } as ClusterState;

  it('a displaced leader: its owner runs, but under quorum never gets it back', async () => {
    const every = [0, 0, 2];
    const displaced = viewOf(allUp(), { 0: every, 1: every, 2: every }, { replication: 'quorum' });
    const text = renderManaged(ctx, quorum, displaced).join('\n');
    expect(text).toContain('partition 2: node 0, term 2 — displaced: its owner node 1 runs');
    expect(text).toContain('⚠ ');
    await expect(text).toMatchFileSnapshot('../../golden/status/displaced.txt');
  });

  it('a leader still recovering its partition: led as usual in the text (only the JSON says recovering)', async () => {
    const every = [0, 1, 2];
    const recovering = viewOf(allUp(), { 0: every, 1: every, 2: every }, { recovering: [2] });
    expect(recovering.partitions?.map((p) => p.recovering)).toEqual([false, true, false]);
    await expect(renderManaged(ctx, state, recovering).join('\n')).toMatchFileSnapshot(
      '../../golden/status/recovering.txt',
    );
  });

  it('every partition leaderless (an election in progress everywhere)', async () => {
    const none = [null, null, null];
    const leaderless = viewOf(allUp(), { 0: none, 1: none, 2: none });
    const text = renderManaged(ctx, state, leaderless).join('\n');
    expect(text).toContain('degraded — 3 of 3 node(s) healthy');
    expect(text.match(/no leader \(election in progress\)/g)).toHaveLength(3);
    await expect(text).toMatchFileSnapshot('../../golden/status/leaderless.txt');
  });

  it('two nodes each calling themselves leader: contested, and what to do', async () => {
    const contested = viewOf(allUp(), { 0: [0, 0, 2], 1: [0, 1, 2], 2: [0, 1, 2] });
    const text = renderManaged(ctx, state, contested).join('\n');
    expect(text).toContain(
      'partition 2: contested — node 0 (term 2) and node 1 (term 1) each call themselves its leader',
    );
    await expect(text).toMatchFileSnapshot('../../golden/status/contested.txt');
  });

  it('a node cut off from its peers (--network-faults): its partition failed over, its own claim shown as dissent', async () => {
    const links = linkView(
      {
        pid: 4100,
        startTime: 's',
        controlDir: '/h/links',
        log: '/h/logs/link-proxy.log',
        links: [0, 1, 2].flatMap((from) =>
          [0, 1, 2].filter((to) => to !== from).map((to) => ({ from, to, port: 9100 + 10 * from + to })),
        ),
      },
      'running',
      isolate(NO_FAULTS, 1, 3, 'stall'),
      3,
    );
    const isolated = viewOf(allUp(), { 0: [0, 0, 2], 1: [0, 1, 2], 2: [0, 0, 2] }, { links });
    const text = renderManaged(ctx, state, isolated).join('\n');
    expect(text).toContain(
      'failover: its owner node 1 is down or cut off (disagreeing: node 1 names itself at term 1)',
    );
    await expect(text).toMatchFileSnapshot('../../golden/status/isolated.txt');
  });
});
