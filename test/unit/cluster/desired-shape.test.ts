// start over a running cluster compares only what was given.
import { describe, expect, it } from 'vitest';
import { shapeMismatches } from '../../../src/cluster/desired-shape.js';
import { clusterShape } from '../../support/cluster-fixtures.js';

const running = clusterShape({ nodes: 3, partitions: 3, rf: 3, raft: true });

describe('what start compares with a running cluster', () => {
  it('nothing given, nothing differs', () => {
    expect(shapeMismatches({}, running)).toEqual([]);
  });
  it('the same values given, nothing differs', () => {
    expect(
      shapeMismatches(
        { nodes: 3, basePort: 8080, rf: 3, raft: true, replication: 'leader-durable', console: 'studio' },
        running,
      ),
    ).toEqual([]);
  });
  it('names each value that differs, with what runs', () => {
    expect(
      shapeMismatches(
        {
          nodes: 5,
          basePort: 9000,
          replication: 'quorum',
          storage: 'memory',
          capture: true,
          networkFaults: true,
          historyMax: 10,
        },
        running,
      ),
    ).toEqual([
      '5 node(s) (running: 3 node(s))',
      'port 9000 (running: port 8080)',
      'replication quorum (running: replication leader-durable)',
      'trace capture on (running: trace capture off)',
      'storage memory (running: storage disk)',
      'history max 10 (running: history max engine default)',
      'network faults on (running: network faults off)',
    ]);
  });
});
