import { describe, expect, it } from 'vitest';
import { compareVersions, knownCauses, lastLines } from '../../../src/binary/engine-output.js';
import {
  describeProduct,
  identifyProduct,
  leadershipSettled,
  readLeadership,
  type PartitionLeadership,
} from '../../../src/cluster/topology.js';

describe('identifyProduct', () => {
  it('recognises Nano and its version', () => {
    const body = { brokers: [], gatewayVersion: '8.8.0', nano: { engine: 'nanobpmn', version: '0.0.22' } };
    const product = identifyProduct(body);
    expect(product).toEqual({ kind: 'nano', version: '0.0.22' });
    expect(describeProduct(product)).toBe('Nano BPM 0.0.22');
  });

  it('falls back to gatewayVersion for a Nano without its own version', () => {
    expect(identifyProduct({ gatewayVersion: '8.8.0', nano: { engine: 'nanobpmn' } })).toEqual({
      kind: 'nano',
      version: '8.8.0',
    });
  });

  it('recognises Camunda', () => {
    const body = { brokers: [{ nodeId: 0, host: 'localhost', port: 26501 }], clusterSize: 1, gatewayVersion: '8.6.0' };
    const product = identifyProduct(body);
    expect(product).toEqual({ kind: 'camunda', version: '8.6.0' });
    expect(describeProduct(product)).toBe('Camunda 8.6.0');
  });

  it('does not take a nano object of another engine for Nano', () => {
    expect(identifyProduct({ brokers: [], gatewayVersion: '8.6.0', nano: { engine: 'other' } }).kind).toBe('camunda');
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
    ['an array', [{ brokers: [] }]],
    ['an unrelated object', { status: 'UP' }],
  ])('calls %s unknown', (_name, body) => {
    expect(identifyProduct(body)).toEqual({ kind: 'unknown' });
  });
});

describe('readLeadership', () => {
  const body = {
    partitions: [
      { partition_id: 1, replicas: [0, 1, 2], owner: 0, leader: 0, raft_term: 1, recovering: false },
      { partition_id: 2, leader: null, raft_term: 0, recovering: true, replicas: [1] },
    ],
  };

  it('reads each partition', () => {
    expect(readLeadership(body)).toEqual([
      { partition: 1, leader: 0, term: 1, recovering: false, replicas: [0, 1, 2], owner: 0 },
      { partition: 2, leader: null, term: 0, recovering: true, replicas: [1], owner: null },
    ]);
  });

  it('defaults missing fields', () => {
    expect(readLeadership({ partitions: [{ partition_id: 3 }] })).toEqual([
      { partition: 3, leader: null, term: null, recovering: false, replicas: [], owner: null },
    ]);
  });

  it.each([
    ['null', null],
    ['no partitions', { brokers: [] }],
    ['partitions not an array', { partitions: {} }],
    ['an entry without partition_id', { partitions: [{ leader: 0 }] }],
    ['a non-object entry', { partitions: [1] }],
  ])('returns null for %s', (_name, value) => {
    expect(readLeadership(value)).toBeNull();
  });
});

describe('leadershipSettled', () => {
  const p = (leader: number | null, recovering: boolean): PartitionLeadership => ({
    partition: 1,
    leader,
    term: 1,
    recovering,
    replicas: [0],
    owner: 0,
  });

  it('is settled when every partition has a leader and none recovers', () => {
    expect(leadershipSettled([p(0, false), p(1, false)])).toBe(true);
  });

  it('is not settled with a partition without leader', () => {
    expect(leadershipSettled([p(0, false), p(null, false)])).toBe(false);
  });

  it('is not settled with a recovering partition', () => {
    expect(leadershipSettled([p(0, false), p(1, true)])).toBe(false);
  });

  it('is not settled with no partitions', () => {
    expect(leadershipSettled([])).toBe(false);
  });

  it('works on readLeadership output', () => {
    const read = readLeadership({
      partitions: [
        { partition_id: 1, leader: 0, recovering: false },
        { partition_id: 2, leader: null, recovering: true },
      ],
    })!;
    expect(leadershipSettled(read)).toBe(false);
    expect(leadershipSettled(read.slice(0, 1))).toBe(true);
  });
});

describe('knownCauses', () => {
  const glibcLine = "/x/bin: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.39' not found (required by /x/bin)";

  it('explains a too-new GLIBC requirement', () => {
    const causes = knownCauses(glibcLine, { hostGlibc: '2.36', binary: '/x/bin' });
    expect(causes).toHaveLength(1);
    expect(causes[0]).toContain('GLIBC 2.39');
    expect(causes[0]).toContain('glibc 2.36');
  });

  it('names the highest GLIBC version needed', () => {
    const output = [
      "/x/bin: /lib/libc.so.6: version `GLIBC_2.4' not found (required by /x/bin)",
      glibcLine,
      "/x/bin: /lib/libc.so.6: version `GLIBC_2.34' not found (required by /x/bin)",
    ].join('\n');
    expect(knownCauses(output, { hostGlibc: '2.31', binary: '/x/bin' })[0]).toContain('GLIBC 2.39');
  });

  it('says "an older glibc" when the host version is unknown', () => {
    expect(knownCauses(glibcLine, { binary: '/x/bin' })[0]).toContain('an older glibc');
  });

  it('names the port from the bind panic', () => {
    const output =
      "thread 'main' panicked at server/src/main.rs:10:5:\nfailed to bind 0.0.0.0:8080: Address already in use (os error 98)";
    const causes = knownCauses(output, { port: 9999, binary: '/x/bin' });
    expect(causes).toHaveLength(1);
    expect(causes[0]).toContain('Port 8080');
    expect(causes[0]).toContain('--port');
  });

  it('falls back to the node port when the message has none', () => {
    expect(knownCauses('Error: Address already in use (os error 98)', { port: 8082, binary: '/x/bin' })[0]).toContain(
      'Port 8082',
    );
  });

  it('finds nothing in ordinary output', () => {
    expect(knownCauses('listening on 0.0.0.0:8080\nready', { port: 8080, binary: '/x/bin' })).toEqual([]);
  });

  it('recognises a node that owns no partition', () => {
    const causes = knownCauses('node 2 owns no partitions (partitions=2, nodes=3)', { binary: '/x/bin' });
    expect(causes).toEqual([expect.stringContaining('partitions=2, nodes=3')]);
  });

  it('names the binary on an exec format error', () => {
    expect(knownCauses('exec format error', { binary: '/x/bin' })[0]).toContain('/x/bin');
  });
});

describe('lastLines', () => {
  it('returns the last non-empty lines', () => {
    expect(lastLines('a\n\nb\r\nc\n  \nd\n', 2)).toEqual(['c', 'd']);
  });

  it('returns all lines when there are fewer', () => {
    expect(lastLines('a\nb', 5)).toEqual(['a', 'b']);
    expect(lastLines('', 5)).toEqual([]);
  });
});

describe('compareVersions', () => {
  it('compares numerically, part by part', () => {
    expect(compareVersions('2.39', '2.4')).toBeGreaterThan(0);
    expect(compareVersions('2.4', '2.39')).toBeLessThan(0);
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
  });

  it('treats missing parts as 0', () => {
    expect(compareVersions('2.39', '2.39.0')).toBe(0);
    expect(compareVersions('2.39.1', '2.39')).toBeGreaterThan(0);
  });

  it('sorts versions', () => {
    expect(['2.39', '2.4', '2.17', '2.34'].sort(compareVersions)).toEqual(['2.4', '2.17', '2.34', '2.39']);
  });
});
