// How status renders each state a node and a partition can be in (issue 25: status's rendering had no
// unit test, only real-engine e2e). The views are built with the same pure functions status uses;
// the text is pinned in test/golden/status/, so a change shows in review as a diff of what users read.
import { describe, expect, it } from 'vitest';
import { reconcileLeadership } from '../../../src/cluster/leader-views.js';
import { partitionStatuses } from '../../../src/cluster/partition-status.js';
import { clusterWord } from '../../../src/cluster/status-model.js';
import { renderManaged } from '../../../src/commands/status-render.js';
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
