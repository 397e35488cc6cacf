import { describe, expect, it } from 'vitest';
import { classifyProcess, isOurs, type ProcessStatus } from '../../../src/os/process-identity.js';
import {
  clusterWord,
  exitCodeFor,
  isHealthy,
  shouldProbe,
  type HttpStatus,
  type NodeObservation,
} from '../../../src/cluster/status-model.js';
import { parseProcStat, runStateFromCode } from '../../../src/os/process-info.js';

describe('classifyProcess', () => {
  it('no process is exited', () => {
    expect(classifyProcess('t1', null)).toBe('exited');
  });

  it('a zombie is exited, even with our start time', () => {
    expect(classifyProcess('t1', { state: 'zombie', startTime: 't1' })).toBe('exited');
  });

  it('another start time is stale', () => {
    expect(classifyProcess('t1', { state: 'running', startTime: 't2' })).toBe('stale');
    expect(classifyProcess('t1', { state: 'stopped', startTime: 't2' })).toBe('stale');
  });

  it('stopped with our start time is frozen', () => {
    expect(classifyProcess('t1', { state: 'stopped', startTime: 't1' })).toBe('frozen');
  });

  it('running with our start time is running', () => {
    expect(classifyProcess('t1', { state: 'running', startTime: 't1' })).toBe('running');
  });
});

describe('isOurs', () => {
  it.each<[ProcessStatus, boolean]>([
    ['running', true],
    ['frozen', true],
    ['exited', false],
    ['stale', false],
  ])('%s → %s', (status, expected) => {
    expect(isOurs(status)).toBe(expected);
  });
});

describe('parseProcStat', () => {
  // A real line from /proc/<pid>/stat (52 fields); field 22 (starttime) is 123456789.
  const tail =
    '1 4242 4242 34816 4242 4194304 1234 0 0 0 10 5 0 0 20 0 8 0 123456789 1234567890 2345 18446744073709551615 1 1 0 0 0 0 0 4096 17664 0 0 0 17 3 0 0 0 0 0 0 0 0 0 0 0 0 0';
  const line = (comm: string, state: string) => `4243 (${comm}) ${state} ${tail}\n`;

  it('reads state and start time from a realistic line', () => {
    expect(parseProcStat(line('nanobpm-gateway', 'S'))).toEqual({ state: 'running', startTime: 'linux:123456789' });
  });

  it('handles a command name with spaces and parentheses', () => {
    expect(parseProcStat(line('a) b', 'T'))).toEqual({ state: 'stopped', startTime: 'linux:123456789' });
    expect(parseProcStat(line('x (y) z', 'R'))).toEqual({ state: 'running', startTime: 'linux:123456789' });
  });

  it('uses field 22, not a neighbour', () => {
    const fields = tail.split(' ');
    fields[18] = '777'; // field 22 (fields here start at field 4)
    expect(parseProcStat(`1 (x) S ${fields.join(' ')}`)?.startTime).toBe('linux:777');
  });

  it.each([
    ['T', 'stopped'],
    ['t', 'stopped'],
    ['Z', 'zombie'],
    ['S', 'running'],
    ['R', 'running'],
    ['D', 'running'],
  ])('state %s is %s', (letter, state) => {
    expect(parseProcStat(line('n', letter))?.state).toBe(state);
  });

  it.each([
    ['empty', ''],
    ['no parentheses', 'garbage text'],
    ['truncated', '4243 (n) S 1 2 3'],
    [
      'non-numeric start time',
      `4243 (n) S ${tail
        .split(' ')
        .map((f, i) => (i === 18 ? 'abc' : f))
        .join(' ')}`,
    ],
  ])('returns null for %s', (_name, text) => {
    expect(parseProcStat(text)).toBeNull();
  });
});

describe('runStateFromCode', () => {
  it('looks at the first letter only', () => {
    expect(runStateFromCode('Ts')).toBe('stopped');
    expect(runStateFromCode('Ss+')).toBe('running');
    expect(runStateFromCode('Z+')).toBe('zombie');
    expect(runStateFromCode('X')).toBe('zombie');
  });
});

const node = (process: ProcessStatus, http: HttpStatus): NodeObservation => ({ process, http });

describe('clusterWord', () => {
  it('is running when every node runs and answers', () => {
    expect(clusterWord([node('running', 'answers'), node('running', 'answers'), node('running', 'answers')])).toBe(
      'running',
    );
  });

  it('is stopped when every node exited or is stale', () => {
    expect(clusterWord([node('exited', 'not-probed'), node('stale', 'not-probed')])).toBe('stopped');
    expect(clusterWord([node('exited', 'not-probed')])).toBe('stopped');
  });

  it.each<[string, NodeObservation[]]>([
    ['a frozen node', [node('running', 'answers'), node('frozen', 'not-probed')]],
    ['a node that times out', [node('running', 'answers'), node('running', 'timeout')]],
    ['a refused node', [node('running', 'refused')]],
    ['one exited among running', [node('running', 'answers'), node('exited', 'not-probed')]],
    ['one stale among running', [node('stale', 'not-probed'), node('running', 'answers')]],
  ])('is degraded with %s', (_name, nodes) => {
    expect(clusterWord(nodes)).toBe('degraded');
  });

  it('isHealthy needs both a running process and an answer', () => {
    expect(isHealthy(node('running', 'answers'))).toBe(true);
    expect(isHealthy(node('running', 'error'))).toBe(false);
    expect(isHealthy(node('frozen', 'answers'))).toBe(false);
  });
});

describe('exitCodeFor', () => {
  it('maps running 0, degraded 2, stopped 3', () => {
    expect(exitCodeFor('running')).toBe(0);
    expect(exitCodeFor('degraded')).toBe(2);
    expect(exitCodeFor('stopped')).toBe(3);
  });
});

describe('shouldProbe', () => {
  it.each<[ProcessStatus, boolean]>([
    ['running', true],
    ['frozen', false],
    ['exited', false],
    ['stale', false],
  ])('%s → %s', (status, expected) => {
    expect(shouldProbe(status)).toBe(expected);
  });
});
