// The bad-input matrix: every command, fed values it must refuse, against one home with real content
// (settings, a stale cluster, logs and engine data) and no process running. Each refusal is one line
// naming the bad value, exit code 1, nothing on stdout, not a byte of the home changed, no process left.
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { isAlive, killMarked, processesWithMarker, waitUntil } from '../support/processes.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

interface Entry {
  readonly type: 'dir' | 'file' | 'symlink' | 'other';
  readonly mode: number;
  readonly size: number;
  readonly sha256?: string;
  readonly target?: string;
}

/** Every entry under root (root itself as "."), by relative path: type, mode, size, content hash, link target. */
async function snapshot(root: string): Promise<Record<string, Entry>> {
  const out: Record<string, Entry> = {};
  const visit = async (rel: string): Promise<void> => {
    const full = rel === '.' ? root : path.join(root, rel);
    const stats = await lstat(full);
    const base = { mode: stats.mode, size: stats.size };
    if (stats.isSymbolicLink()) {
      out[rel] = { type: 'symlink', ...base, target: await readlink(full) };
    } else if (stats.isFile()) {
      out[rel] = {
        type: 'file',
        ...base,
        sha256: createHash('sha256')
          .update(await readFile(full))
          .digest('hex'),
      };
    } else if (stats.isDirectory()) {
      out[rel] = { type: 'dir', ...base };
      for (const name of (await readdir(full)).sort()) await visit(rel === '.' ? name : path.join(rel, name));
    } else {
      out[rel] = { type: 'other', ...base };
    }
  };
  await visit('.');
  return out;
}

/** Paths outside the home that cases point at; each exists as described. */
interface Fixtures {
  /** The workspace saved with `set model-dir`. */
  readonly ws: string;
  readonly dir: string;
  readonly notExecutable: string;
  readonly regularFile: string;
  /** A symlink to itself: stat fails with ELOOP. */
  readonly loop: string;
}

interface Case {
  readonly label: string;
  readonly args: readonly string[] | ((f: Fixtures) => readonly string[]);
  /** Text the one error line must contain: the bad value (or flag, or missing thing) as the user typed it. */
  readonly names: string | ((f: Fixtures) => string);
}

const NO_SUCH = '/no/such/path';

const CASES: readonly Case[] = [
  // start: node counts
  { label: 'start 0', args: ['start', '0'], names: '"0"' },
  { label: 'start -1', args: ['start', '-1'], names: '"-1"' },
  { label: 'start 65', args: ['start', '65'], names: '"65"' },
  { label: 'start abc', args: ['start', 'abc'], names: '"abc"' },
  { label: 'start 3.5', args: ['start', '3.5'], names: '"3.5"' },
  { label: 'start 1e2', args: ['start', '1e2'], names: '"1e2"' },
  { label: 'start "" (empty count)', args: ['start', ''], names: '""' },
  // start: ports
  { label: 'start --port 0', args: ['start', '--port', '0'], names: '"0"' },
  { label: 'start --port 65536', args: ['start', '--port', '65536'], names: '"65536"' },
  { label: 'start --port abc', args: ['start', '--port', 'abc'], names: '"abc"' },
  { label: 'start --port -5', args: ['start', '--port', '-5'], names: '"-5"' },
  { label: 'start --port 8080.5', args: ['start', '--port', '8080.5'], names: '"8080.5"' },
  { label: 'start 2 --port 65535 (no room for node 1)', args: ['start', '2', '--port', '65535'], names: '65535' },
  // start: replication factor and partitions
  { label: 'start 2 --rf 0', args: ['start', '2', '--rf', '0'], names: '--rf "0"' },
  { label: 'start 2 --rf 3 (rf > nodes)', args: ['start', '2', '--rf', '3'], names: '--rf "3"' },
  { label: 'start --rf x', args: ['start', '--rf', 'x'], names: '--rf "x"' },
  { label: 'start 2 --partitions 0', args: ['start', '2', '--partitions', '0'], names: '--partitions "0"' },
  {
    label: 'start 2 --partitions 1 (fewer than nodes)',
    args: ['start', '2', '--partitions', '1'],
    names: '--partitions "1"',
  },
  { label: 'start --partitions many', args: ['start', '--partitions', 'many'], names: '--partitions "many"' },
  // start: timeout
  { label: 'start --timeout 0', args: ['start', '--timeout', '0'], names: '--timeout "0"' },
  { label: 'start --timeout -1', args: ['start', '--timeout', '-1'], names: '--timeout "-1"' },
  { label: 'start --timeout abc', args: ['start', '--timeout', 'abc'], names: '--timeout "abc"' },
  // every seconds flag names its range: 0.001 to 86400
  {
    label: 'start --timeout 1e9',
    args: ['start', '--timeout', '1e9'],
    names: '--timeout "1e9" is not a plain number of seconds from 0.001 to 86400 (a day)',
  },
  {
    label: 'start --timeout 100000',
    args: ['start', '--timeout', '100000'],
    names: '--timeout "100000" is out of range: give seconds from 0.001 to 86400 (a day)',
  },
  { label: 'stop --timeout 86401', args: ['stop', '--timeout', '86401'], names: 'seconds from 0.001 to 86400' },
  {
    label: 'status --watch --interval 1e9',
    args: ['status', '--watch', '--interval', '1e9'],
    names: '--interval "1e9" is not a plain number of seconds from 0.001 to 86400',
  },
  {
    label: 'node 0 stop --timeout 999999',
    args: ['node', '0', 'stop', '--timeout', '999999'],
    names: '--timeout "999999" is out of range',
  },
  // start: binaries
  { label: 'start --binary <missing path>', args: ['start', '--binary', NO_SUCH], names: NO_SUCH },
  { label: 'start --binary <a directory>', args: (f) => ['start', '--binary', f.dir], names: (f) => f.dir },
  {
    label: 'start --binary <a non-executable file>',
    args: (f) => ['start', '--binary', f.notExecutable],
    names: (f) => f.notExecutable,
  },
  {
    label: 'start --binary <a symlink loop>',
    args: (f) => ['start', '--binary', f.loop],
    names: (f) => `--binary ${f.loop}: it is a symlink loop (ELOOP)`,
  },
  // start: flag syntax
  { label: 'start --prot 9000 (unknown flag)', args: ['start', '--prot', '9000'], names: '--prot' },
  { label: 'start --port twice', args: ['start', '--port', '9000', '--port', '9001'], names: '--port' },
  { label: 'start --port (no value)', args: ['start', '--port'], names: '--port' },
  { label: 'start --port "" (empty value)', args: ['start', '--port', ''], names: '--port' },
  { label: 'start --force=yes', args: ['start', '--force=yes'], names: '--force=yes' },
  { label: 'start --json=true', args: ['start', '--json=true'], names: '--json=true' },
  { label: 'start 1 2 (stray positional)', args: ['start', '1', '2'], names: '"2"' },
  { label: 'start {"nodes":3}', args: ['start', '{"nodes":3}'], names: '{"nodes":3}' },
  { label: 'start --port [8080]', args: ['start', '--port', '[8080]'], names: '[8080]' },
  // status
  { label: 'status --port x', args: ['status', '--port', 'x'], names: '"x"' },
  { label: 'status --port 0', args: ['status', '--port', '0'], names: '"0"' },
  { label: 'status 8080 (stray positional)', args: ['status', '8080'], names: '"8080"' },
  // stop
  { label: 'stop --timeout abc', args: ['stop', '--timeout', 'abc'], names: '"abc"' },
  { label: 'stop now (stray positional)', args: ['stop', 'now'], names: '"now"' },
  { label: 'stop --purge=yes', args: ['stop', '--purge=yes'], names: '--purge=yes' },
  // restart
  { label: 'restart abc', args: ['restart', 'abc'], names: '"abc"' },
  // Refused, but the message blames the carried RF and suggests "--rf from 1 to 0" (reported, not asserted).
  { label: 'restart 0', args: ['restart', '0'], names: '0' },
  { label: 'restart --rf junk', args: ['restart', '--rf', 'junk'], names: '"junk"' },
  { label: 'restart --port 70000', args: ['restart', '--port', '70000'], names: '"70000"' },
  { label: 'restart --partitions {}', args: ['restart', '--partitions', '{}'], names: '"{}"' },
  // pause / resume
  { label: 'pause (no id)', args: ['pause'], names: 'node id' },
  { label: 'pause 7', args: ['pause', '7'], names: '"7"' },
  { label: 'pause abc', args: ['pause', 'abc'], names: '"abc"' },
  { label: 'pause -1', args: ['pause', '-1'], names: '"-1"' },
  { label: 'resume (no id)', args: ['resume'], names: 'node id' },
  { label: 'resume 7', args: ['resume', '7'], names: '"7"' },
  { label: 'resume abc', args: ['resume', 'abc'], names: '"abc"' },
  { label: 'resume -1', args: ['resume', '-1'], names: '"-1"' },
  // node
  { label: 'node (no id)', args: ['node'], names: 'node id' },
  { label: 'node 9 kill', args: ['node', '9', 'kill'], names: '"9"' },
  { label: 'node 0 (no action)', args: ['node', '0'], names: 'Missing action' },
  { label: 'node 0 explode', args: ['node', '0', 'explode'], names: '"explode"' },
  {
    label: 'node 0 restart --timeout abc (checked before the node is stopped)',
    args: ['node', '0', 'restart', '--timeout', 'abc'],
    names: '"abc"',
  },
  {
    label: 'node 1 kill --timeout 3 (a crash has no grace period)',
    args: ['node', '1', 'kill', '--timeout', '3'],
    names: '--timeout',
  },
  { label: 'restart 0 (blames the count, not the RF)', args: ['restart', '0'], names: 'Node count "0"' },
  { label: '--port before the subcommand', args: ['--port', '9000'], names: '"--port" is not a subcommand' },
  { label: 'node 0 kill --signal NOPE', args: ['node', '0', 'kill', '--signal', 'NOPE'], names: '"NOPE"' },
  { label: 'node 0 stop --signal SIGTERM', args: ['node', '0', 'stop', '--signal', 'SIGTERM'], names: '--signal' },
  { label: 'node {"id":0} kill', args: ['node', '{"id":0}', 'kill'], names: '{"id":0}' },
  { label: 'node 0 kill extra', args: ['node', '0', 'kill', 'extra'], names: '"extra"' },
  // logs
  { label: 'logs 9', args: ['logs', '9'], names: '"9"' },
  { label: 'logs -n abc', args: ['logs', '-n', 'abc'], names: '"abc"' },
  { label: 'logs -n -1', args: ['logs', '-n', '-1'], names: '"-1"' },
  { label: 'logs [0]', args: ['logs', '[0]'], names: '"[0]"' },
  { label: 'logs --lines (no value)', args: ['logs', '--lines'], names: '--lines' },
  // clean
  { label: 'clean now (stray positional)', args: ['clean', 'now'], names: '"now"' },
  { label: 'clean --force (unknown flag)', args: ['clean', '--force'], names: '--force' },
  { label: 'clean --workspace=yes', args: ['clean', '--workspace=yes'], names: '--workspace=yes' },
  // set
  { label: 'set (no key)', args: ['set'], names: 'bin or model-dir' },
  { label: 'set nope /tmp', args: ['set', 'nope', '/tmp'], names: '"nope"' },
  { label: 'set __proto__ x', args: ['set', '__proto__', 'x'], names: '"__proto__"' },
  { label: 'set constructor x', args: ['set', 'constructor', 'x'], names: '"constructor"' },
  { label: 'set bin (no path)', args: ['set', 'bin'], names: 'set bin' },
  { label: 'set bin <missing path>', args: ['set', 'bin', NO_SUCH], names: NO_SUCH },
  { label: 'set bin <a directory>', args: (f) => ['set', 'bin', f.dir], names: (f) => f.dir },
  {
    label: 'set bin <a non-executable file>',
    args: (f) => ['set', 'bin', f.notExecutable],
    names: (f) => f.notExecutable,
  },
  {
    label: 'set bin <a symlink loop>',
    args: (f) => ['set', 'bin', f.loop],
    names: (f) => `set bin ${f.loop}: it is a symlink loop (ELOOP)`,
  },
  { label: 'set bin {"path":"/x"}', args: ['set', 'bin', '{"path":"/x"}'], names: '{"path":"/x"}' },
  {
    label: 'set model-dir <a regular file>',
    args: (f) => ['set', 'model-dir', f.regularFile],
    names: (f) => f.regularFile,
  },
  { label: 'set model-dir "" (empty path)', args: ['set', 'model-dir', ''], names: 'set model-dir' },
  // unset
  { label: 'unset (no key)', args: ['unset'], names: 'bin or model-dir' },
  { label: 'unset nope', args: ['unset', 'nope'], names: '"nope"' },
  { label: 'unset __proto__', args: ['unset', '__proto__'], names: '"__proto__"' },
  // config
  { label: 'config extra (stray positional)', args: ['config', 'extra'], names: '"extra"' },
  { label: 'config --port 1 (unknown flag)', args: ['config', '--port', '1'], names: '--port' },
  // top level
  { label: 'strat (unknown subcommand)', args: ['strat'], names: '"strat"' },
  { label: '--version=3', args: ['--version=3'], names: '"--version=3"' },
  { label: '{"cmd":"start"} as subcommand', args: ['{"cmd":"start"}'], names: '{"cmd":"start"}' },
  { label: '--port 9000 before any subcommand', args: ['--port', '9000'], names: '"--port"' },
];

let sandbox: Sandbox;
let fixtureRoot: string;
let fixtures: Fixtures;
let homeBefore: Record<string, Entry>;
let fixturesBefore: Record<string, Entry>;

beforeAll(async () => {
  sandbox = await createSandbox();
  fixtureRoot = await mkdtemp(path.join(os.tmpdir(), 'nano bad-input é-'));
  fixtures = {
    ws: path.join(fixtureRoot, 'ws'),
    dir: path.join(fixtureRoot, 'a dir'),
    notExecutable: path.join(fixtureRoot, 'not executable'),
    regularFile: path.join(fixtureRoot, 'plain file.txt'),
    loop: path.join(fixtureRoot, 'loop'),
  };
  await symlink(fixtures.loop, fixtures.loop);
  await mkdir(fixtures.dir);
  await writeFile(fixtures.notExecutable, '#!/bin/sh\necho never\n');
  await chmod(fixtures.notExecutable, 0o644);
  await writeFile(fixtures.regularFile, 'not a directory\n');

  // Real content: a saved setting, a cluster that ran (data, logs, last shape) and whose state is now stale.
  const set = await sandbox.run(['set', 'model-dir', fixtures.ws]);
  expect(set.code, set.stderr).toBe(0);
  const port = await freePortRange(2);
  const started = await sandbox.runJson(['start', '2', '--port', String(port)]);
  expect(started.code, started.stderr).toBe(0);
  const state = await sandbox.state();
  const pids = (state.nodes as Array<{ pid: number }>).map((n) => n.pid);
  expect(pids).toHaveLength(2);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await waitUntil(() => pids.every((pid) => !isAlive(pid)), 10_000, 'both nodes to die');
  await waitUntil(() => processesWithMarker(sandbox.marker).length === 0, 10_000, 'no marked process');

  homeBefore = await snapshot(sandbox.home);
  fixturesBefore = await snapshot(fixtureRoot);
  // The home has something to lose: settings, stale state, the last shape, logs and engine data.
  for (const file of ['config.json', 'cluster.json', 'last-cluster.json', 'logs/node-0.log', 'logs/node-1.log']) {
    expect(homeBefore[file]?.type, file).toBe('file');
  }
  expect(
    Object.keys(homeBefore).filter((p) => p.startsWith(`data${path.sep}`) && homeBefore[p]!.type === 'file').length,
  ).toBeGreaterThan(0);
  expect(homeBefore['.lock']).toBeUndefined();
}, 120_000);

afterEach(() => {
  // A bad input must never start anything; if one did, it is stopped here and the test fails.
  expect(killMarked(sandbox.marker), 'processes a bad input left running').toEqual([]);
});

afterAll(async () => {
  const leftovers = (await sandbox?.cleanup()) ?? [];
  if (fixtureRoot) await rm(fixtureRoot, { recursive: true, force: true });
  expect(leftovers, 'processes left running').toEqual([]);
});

async function expectNothingChanged(): Promise<void> {
  expect(await snapshot(sandbox.home), 'the home changed').toEqual(homeBefore);
  expect(await snapshot(fixtureRoot), 'the fixture files changed').toEqual(fixturesBefore);
  expect(processesWithMarker(sandbox.marker), 'processes running').toEqual([]);
}

describe('bad input is refused with one line, exit 1, and no change', () => {
  it('covers at least 45 cases over every subcommand', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(45);
    const subcommands = new Set(CASES.map((c) => (typeof c.args === 'function' ? c.args(fixtures) : c.args)[0]));
    for (const name of [
      'start',
      'status',
      'stop',
      'restart',
      'pause',
      'resume',
      'node',
      'logs',
      'clean',
      'set',
      'unset',
      'config',
    ]) {
      expect(subcommands.has(name), name).toBe(true);
    }
  });

  it.each(CASES)('$label', async (c) => {
    const args = typeof c.args === 'function' ? c.args(fixtures) : c.args;
    const names = typeof c.names === 'function' ? c.names(fixtures) : c.names;
    const result = await sandbox.run(args);
    const context = `c8ctl-nano ${JSON.stringify(args)}\nexit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
    expect(result.code, context).toBe(1);
    expect(result.stdout, context).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines, context).toHaveLength(1);
    const line = lines[0]!;
    expect(line.startsWith('✗ '), context).toBe(true);
    expect(line, context).toContain(names);
    expect(line, context).not.toMatch(/Unexpected failure|\bat .+:\d+:\d+/);
    await expectNothingChanged();
  });

  it('logs -f --json: the error is one JSON line on stderr and one JSON document on stdout', async () => {
    const result = await sandbox.run(['logs', '-f', '--json']);
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const message = JSON.parse(lines[0]!);
    expect(message).toEqual({ level: 'error', message: expect.stringContaining('--follow') });
    expect(message.message).toContain('--json');
    expect(JSON.parse(result.stdout)).toEqual({
      schemaVersion: 1,
      ok: false,
      error: { code: 'invalid-argument', message: message.message, details: [] },
    });
    await expectNothingChanged();
  });
});
