// Picking a node by id (src/cluster/select-node.ts) and the kill signal (parseSignal in src/commands/node.ts).
import { describe, expect, it } from 'vitest';
import { noClusterError, parseNodeId, selectNode, validIds } from '../../../src/cluster/select-node.js';
import { parseSignal } from '../../../src/commands/node.js';
import { UserError } from '../../../src/errors.js';
import { expectInvalid } from '../../support/expect-invalid.js';
import type { ClusterState } from '../../../src/state/cluster-state.js';
import { clusterShape, nodeRecord } from '../../support/cluster-fixtures.js';

function state(ids: number[]): ClusterState {
  return {
    schema: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    settings: clusterShape({ nodes: ids.length, basePort: 9000, partitions: ids.length }),
    binary: { path: '/engine', source: 'flag', version: '0.0.22' },
    workspaceDir: '/home/workspace',
    nodes: ids.map((id) => nodeRecord(id, 9000, '/home')),
  };
}

describe('validIds', () => {
  it('lists the ids, or says none', () => {
    expect(validIds([0, 1, 2])).toBe('0, 1, 2');
    expect(validIds([3])).toBe('3');
    expect(validIds([])).toBe('none');
  });
});

describe('parseNodeId', () => {
  it('accepts an id that exists', () => {
    expect(parseNodeId('0', [0, 1], 'logs')).toBe(0);
    expect(parseNodeId('1', [0, 1], 'logs')).toBe(1);
    expect(parseNodeId('12', [0, 12], 'logs')).toBe(12);
  });

  it('rejects an id that does not exist, naming it and the valid ones', () => {
    const error = expectInvalid(() => parseNodeId('7', [0, 1], 'logs'), '"7"', 'valid ids: 0, 1');
    expect(error.message).not.toContain('\n');
    // Gaps are real: an id between existing ones is not valid.
    expectInvalid(() => parseNodeId('1', [0, 2], 'logs'), '"1"', '0, 2');
    expectInvalid(() => parseNodeId('0', [], 'logs'), '"0"', 'none');
  });

  it('rejects anything but a plain whole number, quoting what was typed', () => {
    for (const text of ['-1', '1.0', ' 1', '1 ', 'x', '', '0x1', '1e0', '+1', '١', '00', '01']) {
      expectInvalid(() => parseNodeId(text, [0, 1], 'pause'), `"${text}"`, '0, 1');
    }
  });

  it('without an id asks for one and lists what exists', () => {
    expectInvalid(() => parseNodeId(undefined, [0, 1, 2], 'pause'), 'pause needs a node id', '0, 1, 2');
  });
});

describe('selectNode', () => {
  it('returns the record of the chosen node, not just any', () => {
    const s = state([0, 1, 2]);
    expect(selectNode(s, '2', 'node')).toBe(s.nodes[2]);
    expect(selectNode(s, '0', 'node')).toBe(s.nodes[0]);
  });

  it('finds by id, not by position', () => {
    const s = state([0, 3]);
    expect(selectNode(s, '3', 'node')).toBe(s.nodes[1]);
    expectInvalid(() => selectNode(s, '1', 'node'), '"1"', '0, 3');
  });

  it('rejects an unknown or missing id', () => {
    expectInvalid(() => selectNode(state([0, 1]), '2', 'node'), '"2"', '0, 1');
    expectInvalid(() => selectNode(state([0, 1]), undefined, 'node'), 'node needs a node id');
  });
});

describe('noClusterError', () => {
  it('names the home and how to start one', () => {
    const error = noClusterError('/tmp/my home', 'c8ctl nano');
    expect(error).toBeInstanceOf(UserError);
    expect(error.code).toBe('no-cluster');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('/tmp/my home');
    expect(error.message).toContain('"c8ctl nano start"');
  });
});

describe('parseSignal', () => {
  it('defaults to SIGKILL', () => {
    expect(parseSignal(undefined)).toBe('SIGKILL');
  });

  it('accepts names with or without SIG, in any case', () => {
    expect(parseSignal('term')).toBe('SIGTERM');
    expect(parseSignal('SIGTERM')).toBe('SIGTERM');
    expect(parseSignal('sigterm')).toBe('SIGTERM');
    expect(parseSignal('abrt')).toBe('SIGABRT');
    expect(parseSignal('INT')).toBe('SIGINT');
    expect(parseSignal('kill')).toBe('SIGKILL');
    expect(parseSignal('SigStop')).toBe('SIGSTOP');
  });

  it('rejects unknown names, naming what was typed', () => {
    const error = expectInvalid(() => parseSignal('NOPE'), '"NOPE"', 'SIGKILL');
    expect(error.message).not.toContain('SIGNOPE');
    expectInvalid(() => parseSignal('9'), '"9"');
    expectInvalid(() => parseSignal('SIG'), '"SIG"');
    expectInvalid(() => parseSignal(''), '""');
  });

  it('does not take inherited object keys for signals', () => {
    for (const text of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expectInvalid(() => parseSignal(text), `"${text}"`);
    }
  });
});
