import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import type { ProcessFacts } from '../../../src/os/process-info.js';
import { readClusterState, writeClusterState, type ClusterState } from '../../../src/state/cluster-state.js';
import { readConfig } from '../../../src/state/config.js';
import { readJsonFile, writeFileAtomic } from '../../../src/state/files.js';
import { resolveHome } from '../../../src/state/layout.js';
import { acquireLock } from '../../../src/state/lock.js';
import { clusterShape, nodeRecord } from '../../support/cluster-fixtures.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-state-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a rejection');
}

describe('writeFileAtomic', () => {
  it('writes the content with mode 0600 and leaves no temp file', async () => {
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, 'hello');
    expect(await readFile(file, 'utf8')).toBe('hello');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('honours another mode', async () => {
    if (process.platform === 'win32') return;
    const file = path.join(dir, 'b');
    await writeFileAtomic(file, 'x', 0o640);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
  });

  it('replaces an existing file, which gets the new mode', async () => {
    const file = path.join(dir, 'a.json');
    await writeFile(file, 'old contents that are longer', { mode: 0o644 });
    await writeFileAtomic(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('leaves no temp file when the rename fails', async () => {
    // Renaming a file onto a non-empty directory fails.
    const target = path.join(dir, 'sub');
    await mkdir(target);
    await writeFile(path.join(target, 'inside'), '');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['sub']);
  });

  it('keeps the old content readable under concurrent writers', async () => {
    const file = path.join(dir, 'c');
    await Promise.all(Array.from({ length: 10 }, (_, i) => writeFileAtomic(file, `writer-${i}`.repeat(100))));
    expect(await readFile(file, 'utf8')).toMatch(/^(writer-\d)\1{99}$/);
    expect(await readdir(dir)).toEqual(['c']);
  });
});

describe('readJsonFile', () => {
  it('reports a missing file', async () => {
    expect(await readJsonFile(path.join(dir, 'nope.json'))).toEqual({ kind: 'missing' });
  });

  it('parses a valid file', async () => {
    const file = path.join(dir, 'ok.json');
    await writeFile(file, '{"a":[1,2]}');
    expect(await readJsonFile(file)).toEqual({ kind: 'ok', value: { a: [1, 2] } });
  });

  it('reports corrupt JSON with the parse position', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, '{"a":');
    const read = await readJsonFile(file);
    expect(read.kind).toBe('corrupt');
    if (read.kind === 'corrupt')
      expect(read.reason).toBe('not valid JSON at line 1, column 6 (the file ends before the JSON is complete)');
  });

  it('reports an empty file as empty', async () => {
    const file = path.join(dir, 'empty.json');
    await writeFile(file, ' \n');
    expect(await readJsonFile(file)).toEqual({ kind: 'corrupt', reason: 'empty' });
  });

  it('throws for errors other than a missing file', async () => {
    await expect(readJsonFile(dir)).rejects.toThrow();
  });
});

function sampleState(): ClusterState {
  return {
    schema: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    settings: clusterShape({ nodes: 2, partitions: 2, replication: 'quorum' }),
    binary: { path: '/bin/engine', source: 'flag', version: '0.0.22' },
    workspaceDir: '/ws',
    nodes: [0, 1].map((id) => nodeRecord(id, 8080, '/h', { PORT: String(8080 + id) })),
  };
}

describe('readClusterState', () => {
  it('returns null when no state is tracked', async () => {
    expect(await readClusterState(path.join(dir, 'cluster.json'))).toBeNull();
  });

  it('round-trips a state written with writeClusterState', async () => {
    const file = path.join(dir, 'cluster.json');
    const state = sampleState();
    await writeClusterState(file, state);
    expect(await readClusterState(file)).toEqual(state);
  });

  it('reads a state written before the tier was recorded: the tier its nodes got, else leader-durable', async () => {
    const file = path.join(dir, 'cluster.json');
    const {
      replication: _tier,
      storage: _storage,
      historyMax: _history,
      console: _console,
      ...oldSettings
    } = sampleState().settings;
    await writeFile(file, JSON.stringify({ ...sampleState(), settings: oldSettings }));
    expect((await readClusterState(file))!.settings.replication).toBe('leader-durable');
    const withEnv = sampleState().nodes.map((n) => ({ ...n, env: { ...n.env, NANOBPMN_REPLICATION: 'quorum' } }));
    await writeFile(file, JSON.stringify({ ...sampleState(), settings: oldSettings, nodes: withEnv }));
    expect((await readClusterState(file))!.settings.replication).toBe('quorum');
  });

  const corrupt: Array<[string, (file: string) => Promise<void>, string]> = [
    ['invalid JSON', (f) => writeFile(f, '{not json'), 'not valid JSON'],
    ['an empty file', (f) => writeFile(f, ''), 'empty'],
    ['a JSON array', (f) => writeFile(f, '[]'), 'not a JSON object'],
    ['another schema', (f) => writeFile(f, JSON.stringify({ ...sampleState(), schema: 2 })), 'schema'],
    ['no nodes', (f) => writeFile(f, JSON.stringify({ ...sampleState(), nodes: [] })), '"nodes"'],
    [
      'bad settings',
      (f) => writeFile(f, JSON.stringify({ ...sampleState(), settings: { ...sampleState().settings, nodes: 0 } })),
      '"settings"',
    ],
    [
      'bad binary',
      (f) => writeFile(f, JSON.stringify({ ...sampleState(), binary: { path: '/b', source: 'flag' } })),
      '"binary"',
    ],
    [
      'a node with pid "x"',
      (f) => {
        const s = sampleState();
        return writeFile(f, JSON.stringify({ ...s, nodes: [s.nodes[0], { ...s.nodes[1], pid: 'x' }] }));
      },
      'node entry 1',
    ],
  ];

  it.each(corrupt)('rejects %s as corrupt, naming the file', async (_name, write, reason) => {
    const file = path.join(dir, 'cluster.json');
    await write(file);
    const error = await rejection(readClusterState(file));
    expect(error.code).toBe('corrupt-state');
    expect(error.message).toContain(file);
    expect(error.message).toContain(reason);
  });
});

describe('readConfig', () => {
  it('returns {} when there is no config', async () => {
    expect(await readConfig(path.join(dir, 'config.json'))).toEqual({});
  });

  it('returns the settings and keeps unknown keys', async () => {
    const file = path.join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ binary: '/b', workspaceDir: '/w', other: { x: 1 } }));
    expect(await readConfig(file)).toEqual({ binary: '/b', workspaceDir: '/w', other: { x: 1 } });
  });

  it.each([
    ['invalid JSON', '{', 'not valid JSON'],
    ['an array', '[1]', 'JSON object'],
    ['null', 'null', 'JSON object'],
    ['a string', '"x"', 'JSON object'],
    ['a numeric binary', '{"binary":5}', '"binary"'],
    ['an empty binary', '{"binary":""}', '"binary"'],
    ['a non-string workspaceDir', '{"workspaceDir":true}', '"workspaceDir"'],
  ])('rejects %s, naming the file', async (_name, text, reason) => {
    const file = path.join(dir, 'config.json');
    await writeFile(file, text);
    const error = await rejection(readConfig(file));
    expect(error.code).toBe('corrupt-config');
    expect(error.message).toContain(file);
    expect(error.message).toContain(reason);
  });
});

describe('acquireLock', () => {
  /** A fake process table: pid → start time; absent pids are dead. */
  let table: Map<number, string>;
  const readProcess = async (pid: number): Promise<ProcessFacts | null> => {
    const startTime = table.get(pid);
    return startTime === undefined ? null : { state: 'running', startTime };
  };
  const deps = (pid: number) => ({ readProcess, pid });

  beforeEach(() => {
    table = new Map([
      [100, 's100'],
      [200, 's200'],
      [300, 's300'],
    ]);
  });

  it('takes a free lock, creating the file, and leaves no temp file', async () => {
    const lockFile = path.join(dir, '.lock');
    const release = await acquireLock(lockFile, 'start', deps(100));
    expect(await readdir(dir)).toEqual(['.lock']);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({
      pid: 100,
      startTime: 's100',
      command: 'start',
    });
    await release();
  });

  it('refuses while the holder is alive, naming its pid and command', async () => {
    const lockFile = path.join(dir, '.lock');
    await acquireLock(lockFile, 'start 3', deps(100));
    const error = await rejection(acquireLock(lockFile, 'stop', deps(200)));
    expect(error.code).toBe('locked');
    expect(error.message).toContain('pid 100');
    expect(error.message).toContain('"start 3"');
    expect(await readdir(dir)).toEqual(['.lock']);
  });

  it('is free again after release', async () => {
    const lockFile = path.join(dir, '.lock');
    const release = await acquireLock(lockFile, 'start', deps(100));
    await release();
    expect(await readdir(dir)).toEqual([]);
    const again = await acquireLock(lockFile, 'stop', deps(200));
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: 200, command: 'stop' });
    await again();
  });

  it('takes over a lock whose holder is dead', async () => {
    const lockFile = path.join(dir, '.lock');
    await acquireLock(lockFile, 'start', deps(100));
    table.delete(100);
    await acquireLock(lockFile, 'stop', deps(200));
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: 200, command: 'stop' });
  });

  it('takes over a lock whose holder pid was reused', async () => {
    const lockFile = path.join(dir, '.lock');
    await acquireLock(lockFile, 'start', deps(100));
    table.set(100, 'another-start');
    await acquireLock(lockFile, 'stop', deps(200));
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: 200 });
  });

  it('takes over a lock file that is garbage', async () => {
    const lockFile = path.join(dir, '.lock');
    await writeFile(lockFile, 'garbage');
    await acquireLock(lockFile, 'stop', deps(200));
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: 200 });
  });

  it('never takes over from a live holder that could not record its start time', async () => {
    const lockFile = path.join(dir, '.lock');
    let firstRead = true;
    const flakyForHolder = async (pid: number): Promise<ProcessFacts | null> => {
      if (pid === 100 && firstRead) {
        firstRead = false;
        return null;
      }
      return readProcess(pid);
    };
    await acquireLock(lockFile, 'start', { readProcess: flakyForHolder, pid: 100 });
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: 100, startTime: 'unknown' });
    const error = await rejection(acquireLock(lockFile, 'stop', deps(200)));
    expect(error.code).toBe('locked');
    table.delete(100);
    await acquireLock(lockFile, 'stop', deps(200));
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: 200 });
  });

  it('release does not remove a lock someone else took over', async () => {
    const lockFile = path.join(dir, '.lock');
    const releaseFirst = await acquireLock(lockFile, 'start', deps(100));
    table.delete(100);
    await acquireLock(lockFile, 'stop', deps(200));
    await releaseFirst();
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: 200 });
    const error = await rejection(acquireLock(lockFile, 'status', deps(300)));
    expect(error.message).toContain('pid 200');
  });
});

describe('resolveHome', () => {
  const platformDataDir = () => '/platform/data';

  it('uses C8CTL_NANO_HOME when set', () => {
    expect(resolveHome({ env: { C8CTL_NANO_HOME: '/custom' }, cwd: '/cwd', platformDataDir })).toBe(
      path.resolve('/custom'),
    );
  });

  it('resolves a relative C8CTL_NANO_HOME against cwd', () => {
    expect(resolveHome({ env: { C8CTL_NANO_HOME: 'rel/home' }, cwd: '/cwd', platformDataDir })).toBe(
      path.resolve('/cwd', 'rel/home'),
    );
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('uses the platform directory when C8CTL_NANO_HOME is %s', (_name, value) => {
    expect(resolveHome({ env: { C8CTL_NANO_HOME: value }, cwd: '/cwd', platformDataDir })).toBe('/platform/data');
  });
});
