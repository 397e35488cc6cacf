// Messages for the smaller failures (issue 12, item 8), with the real CLI: each is one line naming the
// state, the cause and the fix, exit 1, and nothing in the home changes.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { processesWithMarker } from '../support/processes.js';
import { perTestSandboxes, type CliResult } from '../support/sandbox.js';

const tests = perTestSandboxes();

/** The one ✗ line of a refusal; fails the test unless stderr is exactly that line and stdout is empty. */
function oneErrorLine(result: CliResult, what: string): string {
  const context = `${what}\nexit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  expect(result.code, context).toBe(1);
  expect(result.stdout, context).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, context).toHaveLength(1);
  expect(lines[0]!.startsWith('✗ '), context).toBe(true);
  return lines[0]!;
}

describe('a corrupt JSON file is named with its parse position, never its content', () => {
  const SECRET = 'sEcR3t-d0-not-print';
  // Broken on line 3, column 13: a bare word where a value belongs. JSON.parse would quote all of it.
  const BROKEN = `{\n  "schema": 1,\n  "secret": ${SECRET},\n  "nodes": []\n}\n`;

  it.each([
    ['cluster.json', ['status'], 'The cluster state file'],
    ['config.json', ['config'], 'The config file'],
    ['processos.json', ['processos', 'status'], 'The ProcessOS state file'],
  ])('%s, read by "%s"', async (name, args, says) => {
    const sandbox = await tests.create();
    await mkdir(sandbox.home, { recursive: true });
    const file = path.join(sandbox.home, name);
    await writeFile(file, BROKEN, { mode: 0o600 });
    const result = args[0] === 'processos' ? await sandbox.runProcessos(args.slice(1)) : await sandbox.run(args);
    const line = oneErrorLine(result, `${args.join(' ')} with a corrupt ${name}`);
    expect(line).toContain(
      `${says} ${file} cannot be read: it is not valid JSON at line 3, column 13 (unexpected character).`,
    );
    expect(result.stderr).not.toContain(SECRET.slice(0, 6));
    expect(result.stderr).not.toContain('"schema"');
    expect(await readFile(file, 'utf8')).toBe(BROKEN);
  });
});

describe('bundle --out onto an existing file', () => {
  it('refuses without --force (nobody to ask here) and leaves the file and the home alone; --force replaces it', async () => {
    const sandbox = await tests.create();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nano bundle exists-'));
    tests.defer(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'report.tar.gz');
    await writeFile(file, 'an earlier report\n');
    const homeBefore = await readdir(sandbox.home);

    const refused = await sandbox.run(['bundle', '--out', file]);
    const line = oneErrorLine(refused, 'bundle --out <existing file>');
    expect(line).toBe(
      `✗ --out ${file} already exists and bundle does not overwrite it silently. Add --force to replace it, or give another --out.`,
    );
    expect(await readFile(file, 'utf8')).toBe('an earlier report\n');
    expect(await readdir(sandbox.home)).toEqual(homeBefore);
    expect(await readdir(dir)).toEqual(['report.tar.gz']);

    const forced = await sandbox.run(['bundle', '--out', file, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`Wrote ${file}`);
    expect((await readFile(file)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip now
  });
});

describe('a binary path that is a symlink loop is called one (ELOOP), not "no such file"', () => {
  it.each([
    [
      'NANOBPMN_BINARY',
      (loop: string) => ({ args: ['start', '--port', '1'], env: { NANOBPMN_BINARY: loop } }),
      (loop: string) => `NANOBPMN_BINARY=${loop} cannot be used: it is a symlink loop (ELOOP)`,
    ],
    [
      'the saved "set bin"',
      (_loop: string) => ({ args: ['start', '--port', '1'], env: {} }),
      (loop: string) => `The binary saved with "nano set bin" (${loop}) cannot be used: it is a symlink loop (ELOOP)`,
    ],
    [
      'processos start --binary',
      (loop: string) => ({ args: ['processos', 'start', '--binary', loop], env: {} }),
      (loop: string) => `--binary (${loop}) cannot be used: it is a symlink loop (ELOOP)`,
    ],
    [
      'PROCESSOS_BINARY',
      (loop: string) => ({ args: ['processos', 'start'], env: { PROCESSOS_BINARY: loop } }),
      (loop: string) => `PROCESSOS_BINARY (${loop}) cannot be used: it is a symlink loop (ELOOP)`,
    ],
    [
      'processos set bin',
      (loop: string) => ({ args: ['processos', 'set', 'bin', loop], env: {} }),
      (loop: string) => `set bin ${loop}: it is a symlink loop (ELOOP)`,
    ],
  ])('%s', async (label, call, says) => {
    const sandbox = await tests.create();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nano loop-'));
    tests.defer(() => rm(dir, { recursive: true, force: true }));
    const loop = path.join(dir, 'engine');
    await symlink(loop, loop);
    if (label === 'the saved "set bin"')
      await writeFile(path.join(sandbox.home, 'config.json'), JSON.stringify({ binary: loop }), { mode: 0o600 });
    const homeBefore = await readdir(sandbox.home);
    const { args, env } = call(loop);
    const result =
      args[0] === 'processos' ? await sandbox.runProcessos(args.slice(1), env) : await sandbox.run(args, env);
    const line = oneErrorLine(result, `${label}: ${args.join(' ')}`);
    expect(line).toContain(says(loop));
    expect(line).not.toContain('no such file');
    expect(await readdir(sandbox.home)).toEqual(homeBefore);
  });
});

/** A plain TCP listener in its own process (not the test's), on a free loopback port. */
async function listenerProcess(): Promise<{ port: number; pid: number }> {
  const port = await freePortRange(1);
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('net').createServer((s) => s.destroy()).listen(${port}, '127.0.0.1', () => console.log('listening'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  tests.defer(() => {
    child.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the listener exited with ${code}`)));
  });
  return { port, pid: child.pid! };
}

describe.runIf(process.platform === 'linux')('a port held by another program names it: pid and command', () => {
  const named = (pid: number): string => `pid ${pid} (${process.execPath} -e require('net')`;

  it.each([
    ['start', (port: number) => ['start', '--port', String(port)]],
    ['restart (the last cluster was on that port)', (_port: number) => ['restart']],
    [
      'processos start',
      (port: number) => [
        'processos',
        'start',
        '--binary',
        path.resolve('test/fixtures/fake-processos.mjs'),
        '--port',
        String(port),
        '--no-spawn-nano',
      ],
    ],
  ])('%s refuses, naming the listener', async (label, argsFor) => {
    const sandbox = await tests.create();
    const { port, pid } = await listenerProcess();
    if (label.startsWith('restart')) {
      const last = {
        settings: { nodes: 1, basePort: port, partitions: 1, rf: 1, raft: false, capture: false },
        binary: { path: '/x', source: 'platform-package' },
      };
      await writeFile(path.join(sandbox.home, 'last-cluster.json'), JSON.stringify(last));
    }
    const homeBefore = await readdir(sandbox.home);
    const args = argsFor(port);
    const result = args[0] === 'processos' ? await sandbox.runProcessos(args.slice(1)) : await sandbox.run(args);
    expect(result.code, result.stderr).toBe(1);
    const [line] = result.stderr.split('\n');
    expect(line).toContain(`✗ Port ${port} is in use by another program: ${named(pid)}`);
    expect(await readdir(sandbox.home)).toEqual(homeBefore);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });

  it('doctor names it too', async () => {
    const sandbox = await tests.create();
    const { port, pid } = await listenerProcess();
    const last = {
      settings: { nodes: 1, basePort: port, partitions: 1, rf: 1, raft: false, capture: false },
      binary: { path: '/x', source: 'platform-package' },
    };
    await writeFile(path.join(sandbox.home, 'last-cluster.json'), JSON.stringify(last));
    const result = await sandbox.run(['doctor']);
    expect(result.stdout).toContain(`⚠ port ${port} is held by another program: ${named(pid)}`);
  });
});
