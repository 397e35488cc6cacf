// Another local user must not be able to choose what we read or run (issue 12): a home, a state file
// or a binary that someone else owns or can write is refused, as ssh refuses such a ~/.ssh. Each
// refusal is one line naming the path and the fix, exit 1, the home exactly as it was, nothing run.
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { isAlive, processesWithMarker } from '../support/processes.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';
import { snapshot } from '../support/snapshot.js';

const tests = perTestSandboxes();
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const ROOT_ONLY = 'needs root to give a file to another user (CI runs as root)';
const posix = process.platform !== 'win32';

/** A program that would leave a marker file if anything ran it (even just its --version). */
async function trap(mode = 0o755, dirMode?: number): Promise<{ dir: string; script: string; ran: () => boolean }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nano perm bin-'));
  const marker = path.join(os.tmpdir(), `${path.basename(dir)}.ran`);
  const script = path.join(dir, 'evil.sh');
  await writeFile(script, `#!/bin/sh\ntouch '${marker}'\necho 9.9.9\n`);
  await chmod(script, mode);
  if (dirMode !== undefined) await chmod(dir, dirMode);
  tests.defer(() => rm(dir, { recursive: true, force: true }));
  tests.defer(() => rm(marker, { force: true }));
  return { dir, script, ran: () => existsSync(marker) };
}

/** A home with real content (a setting), so "unchanged" means something. */
async function homeWithConfig(): Promise<Sandbox> {
  const s = await tests.create();
  await writeFile(path.join(s.home, 'config.json'), `${JSON.stringify({ workspaceDir: path.join(s.home, 'ws') })}\n`, {
    mode: 0o600,
  });
  return s;
}

function expectRefused(result: { code: number; stdout: string; stderr: string }, ...fragments: string[]): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toContain('Unsafe permissions: ');
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
}

describe.skipIf(!posix)('a home other users can write', () => {
  it('mode 0777: start, status, stop, set and config refuse it and change nothing', async () => {
    const s = await homeWithConfig();
    await chmod(s.home, 0o777);
    const before = await snapshot(s.home);
    const port = await freePortRange(1);
    for (const args of [
      ['start', '--port', String(port)],
      ['status'],
      ['stop'],
      ['set', 'model-dir', path.join(s.home, 'other')],
      ['config'],
      ['clean', '--yes'],
    ]) {
      expectRefused(
        await s.run(args),
        `${s.home} (on the way to `,
        'is writable by group and others (mode 0777)',
        `Fix: chmod go-w '${s.home}'`,
      );
    }
    expect(await snapshot(s.home)).toEqual(before);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('under a world-writable folder without the sticky bit: refused, and the home is not even created', async () => {
    const s = await tests.create();
    const parent = await mkdtemp(path.join(os.tmpdir(), 'nano perm parent-'));
    tests.defer(() => rm(parent, { recursive: true, force: true }));
    await chmod(parent, 0o777);
    const home = path.join(parent, 'home');
    const result = await s.run(['start', '--port', String(await freePortRange(1))], { C8CTL_NANO_HOME: home });
    expectRefused(
      result,
      `${parent} (on the way to ${home}`,
      'writable by group and others without the sticky bit (mode 0777)',
      `Fix: chmod go-w '${parent}'`,
    );
    expect(await readdir(parent)).toEqual([]);
  });

  it.skipIf(!asRoot)(
    `config.json owned by another user naming their program: start never runs it (${ROOT_ONLY})`,
    async () => {
      const s = await tests.create();
      const evil = await trap();
      const config = path.join(s.home, 'config.json');
      await writeFile(config, JSON.stringify({ binary: evil.script }), { mode: 0o644 });
      await chown(config, NOBODY, NOBODY);
      const before = await snapshot(s.home);
      const fragments = [`${config} is owned by uid ${NOBODY}, not you (uid 0) or root`, `Fix: chown root '${config}'`];
      expectRefused(await s.run(['start', '--port', String(await freePortRange(1))]), ...fragments);
      expectRefused(await s.run(['restart']), ...fragments);
      expectRefused(await s.runProcessos(['start']), ...fragments);
      expect(evil.ran(), 'the planted program ran').toBe(false);
      expect(await snapshot(s.home)).toEqual(before);
      expect(processesWithMarker(s.marker)).toEqual([]);
    },
  );

  it('cluster.json writable by others: status and stop refuse it, and the node keeps running until it is fixed', async () => {
    const s = await tests.create();
    const port = await freePortRange(1);
    expect((await s.run(['start', '--port', String(port)])).code).toBe(0);
    const pid = (await s.state()).nodes[0].pid as number;
    const state = path.join(s.home, 'cluster.json');
    await chmod(state, 0o666);
    // The running engine writes its own data files (SQLite's -shm and -wal) whenever it likes: what we
    // must leave as it was is everything else.
    const ours = async () =>
      Object.fromEntries(Object.entries(await snapshot(s.home)).filter(([file]) => !file.startsWith('data/node-')));
    const before = await ours();
    for (const args of [['status'], ['stop'], ['node', '0', 'kill'], ['logs']]) {
      expectRefused(
        await s.run(args),
        `${state} is writable by group and others (mode 0666)`,
        `Fix: chmod go-w '${state}'`,
      );
    }
    expect(isAlive(pid)).toBe(true);
    expect(await ours()).toEqual(before);
    await chmod(state, 0o600);
    expect((await s.run(['stop'])).code).toBe(0);
    expect(isAlive(pid)).toBe(false);
  });

  it.skipIf(!asRoot)(
    `the ProcessOS state and the data shape owned by another user are refused too (${ROOT_ONLY})`,
    async () => {
      const s = await tests.create();
      const files = [path.join(s.home, 'processos.json'), path.join(s.home, 'data', '.shape.json')];
      await mkdir(path.join(s.home, 'data'), { mode: 0o700 });
      await writeFile(files[0]!, '{}', { mode: 0o600 });
      await writeFile(files[1]!, JSON.stringify({ partitions: 1, nodes: 1 }), { mode: 0o600 });
      for (const file of files) await chown(file, NOBODY, NOBODY);
      expectRefused(await s.runProcessos(['status']), `${files[0]} is owned by uid ${NOBODY}`);
      expectRefused(
        await s.run(['start', '--port', String(await freePortRange(1))]),
        `${files[1]} is owned by uid ${NOBODY}`,
        `Fix: chown root '${files[1]}'`,
      );
      expect(processesWithMarker(s.marker)).toEqual([]);
    },
  );
});

describe.skipIf(!posix)('an engine binary other users can write', () => {
  it('mode 0777, from --binary, NANOBPMN_BINARY or the saved setting: refused before it runs', async () => {
    const s = await homeWithConfig();
    const evil = await trap(0o777);
    const port = String(await freePortRange(1));
    const fragments = [
      `${evil.script} is writable by group and others (mode 0777)`,
      'replace the program this command runs',
      `Fix: chmod go-w '${evil.script}'`,
    ];
    const before = await snapshot(s.home);
    expectRefused(await s.run(['start', '--port', port, '--binary', evil.script]), ...fragments);
    expectRefused(await s.run(['start', '--port', port], { NANOBPMN_BINARY: evil.script }), ...fragments);
    expectRefused(await s.run(['set', 'bin', evil.script]), ...fragments);
    expect(await snapshot(s.home)).toEqual(before);
    await writeFile(path.join(s.home, 'config.json'), JSON.stringify({ binary: evil.script }), { mode: 0o600 });
    expectRefused(await s.run(['start', '--port', port]), ...fragments);
    expect(evil.ran(), 'the writable program ran').toBe(false);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('in a folder others can write without the sticky bit (they could swap it): refused', async () => {
    const s = await homeWithConfig();
    const evil = await trap(0o755, 0o777);
    const before = await snapshot(s.home);
    expectRefused(
      await s.run(['start', '--port', String(await freePortRange(1)), '--binary', evil.script]),
      `${evil.dir} (on the way to ${evil.script}) is writable by group and others without the sticky bit (mode 0777)`,
      `Fix: chmod go-w '${evil.dir}'`,
    );
    expect(evil.ran()).toBe(false);
    expect(await snapshot(s.home)).toEqual(before);
  });

  it('the ProcessOS binary: refused from --binary and from "set bin"', async () => {
    const s = await homeWithConfig();
    const evil = await trap(0o757);
    const before = await snapshot(s.home);
    const fragments = [`${evil.script} is writable by others (mode 0757)`, `Fix: chmod go-w '${evil.script}'`];
    expectRefused(
      await s.runProcessos(['start', '--binary', evil.script, '--port', String(await freePortRange(1))]),
      ...fragments,
    );
    expectRefused(await s.runProcessos(['set', 'bin', evil.script]), ...fragments);
    expect(evil.ran()).toBe(false);
    expect(await snapshot(s.home)).toEqual(before);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });
});

describe.skipIf(!posix)('doctor', () => {
  it('reports an unsafe home and an unsafe binary as failures with the fix, and exits 1', async () => {
    const s = await homeWithConfig();
    const evil = await trap(0o777);
    await chmod(s.home, 0o777);
    const text = await s.run(['doctor'], { NANOBPMN_BINARY: evil.script });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`✗ ${s.home} (on the way to `);
    expect(text.stdout).toContain(`    fix: chmod go-w '${s.home}'`);

    await chmod(s.home, 0o700);
    const json = await s.runJson(['doctor'], { NANOBPMN_BINARY: evil.script });
    expect(json.code).toBe(1);
    const binary = json.json.checks.find((c: any) => c.id === 'binary');
    expect(binary).toMatchObject({ status: 'fail', fix: `chmod go-w '${evil.script}'` });
    expect(binary.summary).toContain(`${evil.script} is writable by group and others (mode 0777)`);
    expect(json.json.checks.some((c: any) => c.id === 'permissions')).toBe(false);
    expect(evil.ran(), 'doctor ran the writable binary').toBe(false);
  });

  it.skipIf(!asRoot)(`reports a state file owned by another user (${ROOT_ONLY})`, async () => {
    const s = await homeWithConfig();
    const config = path.join(s.home, 'config.json');
    await chown(config, NOBODY, NOBODY);
    const json = await s.runJson(['doctor']);
    expect(json.code).toBe(1);
    expect(json.json.checks).toContainEqual(
      expect.objectContaining({ id: 'permissions', status: 'fail', fix: `chown root '${config}'` }),
    );
  });
});
