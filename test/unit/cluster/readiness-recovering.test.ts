// A partition that has a leader but still reports `recovering` is not ready, and the start failure
// says so in those words, not "no leader" (engine 0.0.22 keeps partitions recovering after a
// failover on kept data: they do have leaders).
import { describe, expect, it } from 'vitest';
import { waitForCluster, type WaitingNode } from '../../../src/cluster/readiness.js';
import type { HttpProbe, ProbeResult } from '../../../src/os/http-probe.js';
import { unsettledPartitions } from '../../../src/ops/spawning.js';

const partitions = [
  { partition_id: 1, owner: 0, leader: 2, replicas: [0, 1, 2], raft_term: 2, recovering: true },
  { partition_id: 2, owner: 1, leader: null, replicas: [0, 1, 2], raft_term: 2, recovering: true },
  { partition_id: 3, owner: 2, leader: 2, replicas: [0, 1, 2], raft_term: 1, recovering: false },
];

const probe: HttpProbe = {
  async getJson(url: string): Promise<ProbeResult> {
    const { port, pathname } = new URL(url);
    const id = Number(port) - 9100;
    if (pathname === '/v2/topology')
      return { kind: 'answers', status: 200, body: { nano: { engine: 'nanobpmn', version: '0.0.22' }, brokers: [] } };
    if (pathname === '/console/api/topology') return { kind: 'answers', status: 200, body: { partitions } };
    if (pathname === '/metrics') {
      const peers = [0, 1, 2]
        .filter((t) => t !== id)
        .map((t) => `nanobpm_peer_connect_attempts_total{outcome="ok",target="${t}"} 1`);
      return { kind: 'answers', status: 200, body: `${peers.join('\n')}\n` };
    }
    return { kind: 'answers', status: 404, body: null };
  },
  close: async () => undefined,
};

const nodes: WaitingNode[] = [0, 1, 2].map((id) => ({
  id,
  url: `http://127.0.0.1:${9100 + id}`,
  exit: new Promise(() => undefined),
}));

describe('readiness with partitions still recovering', () => {
  it('times out, naming the partition without a leader and the one led but still recovering, apart', async () => {
    const outcome = await waitForCluster(nodes, 300, { probe, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    expect(outcome.kind).toBe('timeout');
    if (outcome.kind !== 'timeout') return;
    expect(outcome.leaderless).toEqual([2]);
    expect(outcome.recovering).toEqual([{ partition: 1, leader: 2 }]);
    expect(unsettledPartitions(outcome.leaderless ?? [], outcome.recovering ?? [])).toBe(
      'partition(s) 2 had no leader yet; partition(s) 1 (led by node 2) still reported recovering',
    );
  });

  it('words each case alone too', () => {
    expect(unsettledPartitions([1, 3], [])).toBe('partition(s) 1, 3 had no leader yet');
    expect(unsettledPartitions([], [{ partition: 2, leader: 0 }])).toBe(
      'partition(s) 2 (led by node 0) still reported recovering',
    );
  });
});
