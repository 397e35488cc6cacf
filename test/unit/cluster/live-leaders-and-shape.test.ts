import { describe, expect, it } from 'vitest';
import { failoverNote } from '../../../src/cluster/failover.js';
import { leaderProblem, type NodeFacts } from '../../../src/cluster/status-model.js';
import { dataShapeConflict } from '../../../src/state/data-shape.js';

const node = (
  id: number,
  process: NodeFacts['process'],
  http: NodeFacts['http'] = process === 'running' ? 'answers' : 'not-probed',
): NodeFacts => ({ id, process, http });

describe('a reported leader is live only when its process runs and answers', () => {
  const nodes = [
    node(0, 'frozen'),
    node(1, 'running'),
    node(2, 'exited'),
    node(3, 'stale'),
    node(4, 'running', 'timeout'),
  ];
  it.each([
    [0, 'node 0 is frozen'],
    [1, null],
    [2, 'node 2 has exited'],
    [3, "node 3's process is gone"],
    [4, 'node 4 does not answer (timeout)'],
    [9, 'node 9 is not part of this cluster'],
  ])('leader %s → %s', (leader, problem) => {
    expect(leaderProblem(leader, nodes)).toBe(problem);
  });
});

describe('kept data and the shape asked for', () => {
  const kept = (nodes: number, partitions: number) => ({ shape: { nodes, partitions }, nodesWithData: [] });
  it('refuses another node count or partition count, naming the kept start and clean', () => {
    const split = dataShapeConflict(kept(3, 3), { nodes: 1, partitions: 3 }, '/h/data', 'nano');
    expect(split?.message).toContain('written by a 3-node cluster (3 partitions)');
    expect(split?.details.join(' ')).toContain('"nano start 3"');
    expect(split?.details.join(' ')).toContain('"nano clean"');
    const partitions = dataShapeConflict(kept(3, 6), { nodes: 3, partitions: 3 }, '/h/data', 'nano');
    expect(partitions?.message).toContain('cannot open it with 3');
    expect(partitions?.details.join(' ')).toContain('"nano start 3 --partitions 6"');
  });

  it('accepts the same shape, whatever else changes', () => {
    expect(dataShapeConflict(kept(3, 6), { nodes: 3, partitions: 6 }, '/d', 'nano')).toBeNull();
  });

  it('without a record, reads the node count from the directories that hold data', () => {
    expect(dataShapeConflict({ shape: null, nodesWithData: [] }, { nodes: 5, partitions: 5 }, '/d', 'nano')).toBeNull();
    expect(
      dataShapeConflict({ shape: null, nodesWithData: [0, 1, 2] }, { nodes: 3, partitions: 3 }, '/d', 'nano'),
    ).toBeNull();
    expect(
      dataShapeConflict({ shape: null, nodesWithData: [0, 1, 2] }, { nodes: 1, partitions: 1 }, '/d', 'nano')?.message,
    ).toContain('from a 3-node cluster');
    expect(
      dataShapeConflict({ shape: null, nodesWithData: [0] }, { nodes: 3, partitions: 3 }, '/d', 'nano')?.message,
    ).toContain('from a 1-node cluster');
  });
});

describe('what pausing a leader does', () => {
  it('says nothing for a node that leads nothing under leader-durable', () => {
    expect(failoverNote('nano', { rf: 3, raft: true, replication: 'leader-durable' }, 0, [])).toBeNull();
  });
  it('under quorum, warns of the lasting displacement for any node (a resumed follower takes partitions too), naming the repair', () => {
    for (const led of [[], [1]]) {
      const note = failoverNote('nano', { rf: 3, raft: true, replication: 'quorum' }, 0, led);
      expect(note).toMatchObject({ kind: 'warn' });
      expect(note!.text).toContain('never returns');
      expect(note!.text).toContain('"nano restart --replication leader-durable"');
    }
  });
  it('warns under leader-durable that a frozen leader is waited for, and suggests node kill', () => {
    const note = failoverNote('nano', { rf: 3, raft: true, replication: 'leader-durable' }, 2, [1, 3]);
    expect(note).toMatchObject({ kind: 'warn' });
    expect(note!.text).toContain('partitions 1, 3');
    expect(note!.text).toContain('"nano node 2 kill"');
  });
  it('warns with RF 1: there is no other copy', () => {
    expect(failoverNote('nano', { rf: 1, raft: true, replication: 'quorum' }, 0, [1])!.text).toContain('only copy');
  });
});

describe('which console a node serves', () => {
  const answers = (status: number) => ({ kind: 'answers' as const, status, body: null });
  it('reads off, observe and studio from the console API and the studio-only worker SDK', async () => {
    const { consoleModeFrom } = await import('../../../src/cluster/console-served.js');
    expect(consoleModeFrom(answers(404), answers(404))).toBe('off');
    expect(consoleModeFrom(answers(200), answers(403))).toBe('observe');
    expect(consoleModeFrom(answers(200), answers(200))).toBe('studio');
    expect(consoleModeFrom({ kind: 'timeout' }, answers(200))).toBeNull();
    expect(consoleModeFrom(answers(500), answers(200))).toBeNull();
  });
});

describe('read-model backups', () => {
  it('backs up only when a known recorded version differs from the one about to run', async () => {
    const { needsBackup, backupName, backupsToPrune } = await import('../../../src/state/read-model-backup.js');
    expect(needsBackup('0.0.21', '0.0.22')).toBe(true);
    expect(needsBackup('0.0.22', '0.0.22')).toBe(false);
    expect(needsBackup(undefined, '0.0.22')).toBe(false);
    expect(needsBackup('0.0.21', null)).toBe(false);
    expect(backupName(new Date('2026-12-01T10:00:00.000Z'), '0.0.21', '0.0.22/x')).toBe(
      'read-model-2026-12-01T10-00-00-000Z-0.0.21-to-0.0.22_x',
    );
    const names = ['read-model-3', 'read-model-1', 'other', 'read-model-2'];
    expect(backupsToPrune(names, 2)).toEqual(['read-model-1']);
    expect(backupsToPrune(names, 5)).toEqual([]);
  });
});
