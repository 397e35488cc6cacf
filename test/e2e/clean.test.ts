// `clean`: what it deletes, what it refuses, and that it never follows a symlink out of our tree.
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { isAlive, processesWithMarker, waitUntil } from '../support/processes.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const tests = perTestSandboxes();
let sandbox: Sandbox | undefined;

/** A temp dir outside every home, removed after the test. */
async function outsideDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nano clean outside é-'));
  tests.defer(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function plant(file: string, contents = 'planted\n'): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, contents);
}

async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

async function isRealDir(dir: string): Promise<boolean> {
  const s = await lstat(dir).catch(() => undefined);
  return s?.isDirectory() === true && !s.isSymbolicLink();
}

describe('clean', () => {
  it('refuses while the cluster runs; after stop deletes data and logs and keeps the workspace', async () => {
    sandbox = await tests.create();
    const home = sandbox.home;
    const port = await freePortRange(1);
    expect((await sandbox.run(['start', '--port', String(port)])).code).toBe(0);
    const model = path.join(home, 'workspace', 'models', 'kept.bpmn');
    await plant(model, '<definitions/>');

    for (const args of [['clean'], ['clean', '--workspace', '--yes']]) {
      const refused = await sandbox.run(args);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr).toContain('clean refuses while the cluster runs (node(s) 0 alive)');
      expect(refused.stderr).toContain('stop');
    }
    expect(existsSync(path.join(home, 'data', 'node-0'))).toBe(true);
    expect(existsSync(path.join(home, 'logs', 'node-0.log'))).toBe(true);
    expect(await readFile(model, 'utf8')).toBe('<definitions/>');
    expect(processesWithMarker(sandbox.marker)).toHaveLength(1);

    expect((await sandbox.run(['stop'])).code).toBe(0);
    const cleaned = await sandbox.runJson(['clean']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.json).toMatchObject({ ok: true, workspace: path.join(home, 'workspace'), workspaceCleaned: false });
    expect(cleaned.json.deleted).toEqual([path.join(home, 'data'), path.join(home, 'logs')]);
    expect(existsSync(path.join(home, 'data'))).toBe(false);
    expect(existsSync(path.join(home, 'logs'))).toBe(false);
    expect(await readFile(model, 'utf8')).toBe('<definitions/>');
    expect(await isRealDir(path.join(home, 'workspace', 'workers'))).toBe(true);

    // Again: nothing left to delete, still fine.
    const again = await sandbox.run(['clean']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to delete');
    expect(again.stdout).toContain('clean --workspace');
    const againJson = await sandbox.runJson(['clean']);
    expect(againJson.json.deleted).toEqual([]);
  });

  it('with --workspace but no --yes and nobody to ask, deletes nothing and asks for --yes', async () => {
    sandbox = await tests.create();
    const home = sandbox.home;
    const planted = [
      path.join(home, 'data', 'node-0', 'journal.jsonl'),
      path.join(home, 'logs', 'node-0.log'),
      path.join(home, 'workspace', 'models', 'a.bpmn'),
      path.join(home, 'workspace', 'workers', 'w.js'),
    ];
    for (const file of planted) await plant(file);

    for (const json of [false, true]) {
      const result = json
        ? await sandbox.runJson(['clean', '--workspace'])
        : await sandbox.run(['clean', '--workspace']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('--yes');
      if (!json) expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    for (const file of planted) expect(await readFile(file, 'utf8'), file).toBe('planted\n');
  });

  it('with --workspace --yes empties models/ and workers/, keeps the rest, and never follows a symlink out', async () => {
    sandbox = await tests.create();
    const workspace = path.join(sandbox.home, 'workspace');
    const outside = await outsideDir();
    await plant(path.join(outside, 'precious.txt'), 'not ours\n');
    await plant(path.join(outside, 'nested', 'deep.bpmn'), 'not ours either\n');

    await plant(path.join(workspace, 'models', 'a.bpmn'));
    await plant(path.join(workspace, 'models', 'sub', 'b.bpmn'));
    await plant(path.join(workspace, 'workers', 'w.js'));
    await symlink(outside, path.join(workspace, 'models', 'link'));
    await symlink(path.join(outside, 'precious.txt'), path.join(workspace, 'workers', 'file-link'));
    await plant(path.join(workspace, 'keep.txt'), 'kept\n');
    await plant(path.join(sandbox.home, 'logs', 'node-0.log'));

    const cleaned = await sandbox.runJson(['clean', '--workspace', '--yes']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.json).toMatchObject({ ok: true, workspace, workspaceCleaned: true });
    expect(cleaned.json.deleted).toEqual([
      path.join(sandbox.home, 'logs'),
      path.join(workspace, 'models'),
      path.join(workspace, 'workers'),
    ]);

    for (const part of ['models', 'workers']) {
      expect(await isRealDir(path.join(workspace, part)), part).toBe(true);
      expect(await entries(path.join(workspace, part)), part).toEqual([]);
      // Recreated private, like the rest of the home.
      expect((await stat(path.join(workspace, part))).mode & 0o777).toBe(0o700);
    }
    expect(await readFile(path.join(workspace, 'keep.txt'), 'utf8')).toBe('kept\n');
    expect(await entries(outside)).toEqual(['nested', 'precious.txt']);
    expect(await readFile(path.join(outside, 'precious.txt'), 'utf8')).toBe('not ours\n');
    expect(await readFile(path.join(outside, 'nested', 'deep.bpmn'), 'utf8')).toBe('not ours either\n');
  });

  it('-y works like --yes', async () => {
    sandbox = await tests.create();
    const model = path.join(sandbox.home, 'workspace', 'models', 'a.bpmn');
    await plant(model);
    const result = await sandbox.run(['clean', '--workspace', '-y']);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(model)).toBe(false);
  });

  it('when workspace/models itself is a symlink, removes the link and leaves its target alone', async () => {
    sandbox = await tests.create();
    const workspace = path.join(sandbox.home, 'workspace');
    const outside = await outsideDir();
    await plant(path.join(outside, 'their-model.bpmn'), 'theirs\n');
    await mkdir(workspace, { recursive: true });
    await symlink(outside, path.join(workspace, 'models'));
    await plant(path.join(workspace, 'workers', 'w.js'));

    const cleaned = await sandbox.run(['clean', '--workspace', '--yes']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(await isRealDir(path.join(workspace, 'models'))).toBe(true);
    expect(await entries(path.join(workspace, 'models'))).toEqual([]);
    expect(await entries(path.join(workspace, 'workers'))).toEqual([]);
    expect(await entries(outside)).toEqual(['their-model.bpmn']);
    expect(await readFile(path.join(outside, 'their-model.bpmn'), 'utf8')).toBe('theirs\n');
  });

  it('cleans the workspace chosen with "set model-dir", never the chosen dir itself', async () => {
    sandbox = await tests.create();
    const chosen = path.join(await outsideDir(), 'my ws');
    expect((await sandbox.run(['set', 'model-dir', chosen])).code).toBe(0);
    await plant(path.join(chosen, 'models', 'x.bpmn'));
    await plant(path.join(chosen, 'workers', 'y.js'));
    await plant(path.join(chosen, 'README.md'), 'mine\n');
    // The default workspace is not the one in use: it is left alone.
    const defaultModel = path.join(sandbox.home, 'workspace', 'models', 'default.bpmn');
    await plant(defaultModel, 'default\n');

    const cleaned = await sandbox.runJson(['clean', '--workspace', '--yes']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.json.workspace).toBe(chosen);
    expect(cleaned.json.deleted).toEqual([path.join(chosen, 'models'), path.join(chosen, 'workers')]);
    expect(await entries(chosen)).toEqual(['README.md', 'models', 'workers']);
    expect(await entries(path.join(chosen, 'models'))).toEqual([]);
    expect(await entries(path.join(chosen, 'workers'))).toEqual([]);
    expect(await readFile(path.join(chosen, 'README.md'), 'utf8')).toBe('mine\n');
    expect(await readFile(defaultModel, 'utf8')).toBe('default\n');
    // The setting itself survives a clean.
    expect((await sandbox.runJson(['config'])).json.workspace).toEqual({ path: chosen, configured: true });
  });

  it('after the nodes died without stop, cleans and drops the stale cluster state', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(2);
    expect((await sandbox.run(['start', '2', '--port', String(port)])).code).toBe(0);
    const pids = (await sandbox.state()).nodes.map((n: any) => n.pid as number);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const s = sandbox;
    await waitUntil(() => !pids.some(isAlive), 5_000, 'the killed nodes to die');

    const cleaned = await sandbox.run(['clean']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(await s.state()).toBeNull();
    expect(existsSync(path.join(s.home, 'data'))).toBe(false);
    expect(existsSync(path.join(s.home, 'logs'))).toBe(false);
    expect((await sandbox.run(['status', '--port', String(port)])).code).toBe(3);
  });

  it('in a home that does not exist yet, has nothing to clean and creates nothing', async () => {
    sandbox = await tests.create();
    const missing = path.join(sandbox.home, 'not created');
    const result = await sandbox.run(['clean'], { C8CTL_NANO_HOME: missing });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Nothing to clean');
    expect(existsSync(missing)).toBe(false);
  });
});
