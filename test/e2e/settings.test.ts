// `set`, `unset` and `config`: saved settings, how they reach a started cluster, and how bad input and
// a bad config file are refused without touching anything.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineBinary } from '../support/engines.js';
import { freePortRange } from '../support/ports.js';
import { processesWithMarker } from '../support/processes.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const tests = perTestSandboxes();
let sandbox: Sandbox | undefined;

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nano settings é-'));
  tests.defer(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function configFile(s: Sandbox): string {
  return path.join(s.home, 'config.json');
}

/** The config file's bytes, or null when it does not exist. */
async function configBytes(s: Sandbox): Promise<string | null> {
  return readFile(configFile(s), 'utf8').catch(() => null);
}

async function configJson(s: Sandbox): Promise<any> {
  return JSON.parse(await readFile(configFile(s), 'utf8'));
}

function environOf(pid: number): Map<string, string> {
  const vars = new Map<string, string>();
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return vars;
}

async function stop(s: Sandbox): Promise<void> {
  const stopped = await s.run(['stop']);
  expect(stopped.code, stopped.stderr).toBe(0);
  expect(processesWithMarker(s.marker)).toEqual([]);
}

describe('config', () => {
  it('on a fresh home shows the platform engine, the bundled manifest, the default workspace and no settings', async () => {
    sandbox = await tests.create();
    const result = await sandbox.runJson(['config']);
    expect(result.code, result.stderr).toBe(0);
    const home = sandbox.home;
    expect(result.json).toMatchObject({
      home,
      configFile: path.join(home, 'config.json'),
      stateFile: path.join(home, 'cluster.json'),
      dataDir: path.join(home, 'data'),
      logsDir: path.join(home, 'logs'),
      workspace: { path: path.join(home, 'workspace'), configured: false },
      binary: { path: engineBinary(), source: 'platform-package', version: '0.0.22', error: null },
      bundled: { version: '0.0.0-dev' },
      settings: { bin: null, 'model-dir': null },
      clusterRunning: false,
    });
    // Looking writes nothing.
    expect(await configBytes(sandbox)).toBeNull();

    const text = await sandbox.run(['config']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Home          ${home} (C8CTL_NANO_HOME)`);
    expect(text.stdout).toContain('0.0.22');
    expect(text.stdout).toContain('bin=(not set)  model-dir=(not set)');
  });

  it('a corrupt config.json: every command that reads it fails in one line naming the file, and leaves it alone', async () => {
    sandbox = await tests.create();
    const file = configFile(sandbox);
    for (const bad of ['{"binary": ', '[1, 2]', '{"binary": 42}', '{"workspaceDir": ""}', '']) {
      await writeFile(file, bad, { mode: 0o600 });
      for (const args of [['config'], ['set', 'model-dir', path.join(sandbox.home, 'ws')], ['unset', 'bin']]) {
        const result = await sandbox.run(args);
        expect(result.code, `${args.join(' ')} with ${JSON.stringify(bad)}`).toBe(1);
        expect(result.stdout).toBe('');
        const lines = result.stderr.trimEnd().split('\n');
        expect(lines, result.stderr).toHaveLength(1);
        expect(lines[0]).toContain(`The config file ${file}`);
        expect(lines[0]).not.toContain('Unexpected failure');
      }
      expect(await readFile(file, 'utf8')).toBe(bad);
    }
    expect(existsSync(path.join(sandbox.home, 'ws'))).toBe(false);
    const json = await sandbox.runJson(['config']);
    expect(json.json).toMatchObject({ ok: false, error: { code: 'corrupt-config' } });
  });
});

describe('set bin / unset bin', () => {
  it('saves the engine, which config reports and start uses; unset goes back to the platform package', async () => {
    sandbox = await tests.create();
    const engine = engineBinary();
    const set = await sandbox.run(['set', 'bin', engine]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(engine);
    expect(set.stdout).toContain('0.0.22');
    expect(await configJson(sandbox)).toEqual({ binary: engine });
    expect((await stat(configFile(sandbox))).mode & 0o777).toBe(0o600);

    const config = await sandbox.runJson(['config']);
    expect(config.json.binary).toMatchObject({ path: engine, source: 'config', version: '0.0.22', error: null });
    expect(config.json.settings).toEqual({ bin: engine, 'model-dir': null });

    const port = await freePortRange(1);
    const started = await sandbox.run(['start', '--port', String(port)]);
    expect(started.code, started.stderr).toBe(0);
    expect((await sandbox.state()).binary).toMatchObject({ path: engine, source: 'config', version: '0.0.22' });
    const status = await sandbox.runJson(['status']);
    expect(status.json.binary).toMatchObject({ path: engine, source: 'config' });
    expect((await sandbox.runJson(['config'])).json.clusterRunning).toBe(true);
    await stop(sandbox);

    const unset = await sandbox.runJson(['unset', 'bin']);
    expect(unset.code).toBe(0);
    expect(unset.json).toEqual({ schemaVersion: 1, ok: true, setting: 'bin', changed: true });
    expect(await configJson(sandbox)).toEqual({});
    expect((await sandbox.runJson(['config'])).json.binary).toMatchObject({
      source: 'platform-package',
      version: '0.0.22',
    });

    const again = await sandbox.runJson(['unset', 'bin']);
    expect(again.code).toBe(0);
    expect(again.json).toEqual({ schemaVersion: 1, ok: true, setting: 'bin', changed: false });
  });

  it('stores a relative path as an absolute one', async () => {
    sandbox = await tests.create();
    const relative = path.relative(process.cwd(), engineBinary());
    expect(path.isAbsolute(relative)).toBe(false);
    const set = await sandbox.runJson(['set', 'bin', relative]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.json).toMatchObject({
      ok: true,
      setting: 'bin',
      value: engineBinary(),
      version: '0.0.22',
      restartNeeded: false,
    });
    expect(await configJson(sandbox)).toEqual({ binary: engineBinary() });
  });

  it('refuses a missing file, a directory and a non-executable file, and leaves config.json as it was', async () => {
    sandbox = await tests.create();
    const dir = await tempDir();
    const plain = path.join(dir, 'engine.txt');
    await writeFile(plain, '#!/bin/sh\necho 0.0.22\n');
    await chmod(plain, 0o644);
    const cases: Array<[string, string]> = [
      ['/no/such', 'no such file'],
      [dir, 'directory'],
      [plain, 'chmod'],
    ];

    // First with no config.json at all, then with one written by hand (odd formatting kept).
    for (const before of [null, '{"processos":{"port":1},   "workspaceDir": "/somewhere"}']) {
      if (before !== null) await writeFile(configFile(sandbox), before, { mode: 0o644 });
      for (const [value, why] of cases) {
        const result = await sandbox.run(['set', 'bin', value]);
        expect(result.code, value).toBe(1);
        expect(result.stderr).toContain(value);
        expect(result.stderr).toContain(why);
        expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(await configBytes(sandbox)).toBe(before);
      }
    }
    expect((await stat(configFile(sandbox))).mode & 0o777).toBe(0o644);
  });

  it('needs a value', async () => {
    sandbox = await tests.create();
    for (const args of [['set', 'bin'], ['set', 'bin', ''], ['set', 'model-dir'], ['set']]) {
      const result = await sandbox.run(args);
      expect(result.code, JSON.stringify(args)).toBe(1);
    }
    expect(await configBytes(sandbox)).toBeNull();
  });
});

describe('unknown settings', () => {
  it('are refused by set and unset, including names that exist on every object', async () => {
    sandbox = await tests.create();
    for (const key of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'binary', 'workspaceDir']) {
      for (const args of [
        ['set', key, '/tmp/x'],
        ['unset', key],
      ]) {
        const result = await sandbox.run(args);
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stderr).toContain(`Unknown setting "${key}"`);
        expect(result.stderr).toContain('bin, model-dir');
      }
    }
    expect(await configBytes(sandbox)).toBeNull();
  });
});

describe('set model-dir', () => {
  it('creates models/ and workers/, shows as configured, and reaches a started node', async () => {
    sandbox = await tests.create();
    const ws = path.join(await tempDir(), 'ws');
    const set = await sandbox.run(['set', 'model-dir', ws]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(ws);
    for (const part of ['models', 'workers']) expect((await stat(path.join(ws, part))).isDirectory(), part).toBe(true);
    expect(await configJson(sandbox)).toEqual({ workspaceDir: ws });

    const config = await sandbox.runJson(['config']);
    expect(config.json.workspace).toEqual({ path: ws, configured: true });
    expect(config.json.settings).toEqual({ bin: null, 'model-dir': ws });

    const port = await freePortRange(2);
    const started = await sandbox.run(['start', '2', '--port', String(port)]);
    expect(started.code, started.stderr).toBe(0);
    const state = await sandbox.state();
    expect(state.workspaceDir).toBe(ws);
    for (const node of state.nodes)
      expect(environOf(node.pid).get('NANOBPMN_WORKSPACE_DIR'), `node ${node.id}`).toBe(ws);

    // Changing it while the cluster runs is saved, with a warning that a restart applies it.
    const ws2 = path.join(path.dirname(ws), 'ws2');
    const changed = await sandbox.run(['set', 'model-dir', ws2]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stderr).toMatch(/^⚠ .*restart/m);
    expect(await configJson(sandbox)).toEqual({ workspaceDir: ws2 });
    const changedJson = await sandbox.runJson(['set', 'model-dir', ws2]);
    expect(changedJson.json).toMatchObject({ ok: true, setting: 'model-dir', value: ws2, restartNeeded: true });
    // The running nodes keep the old one until then.
    for (const node of state.nodes) expect(environOf(node.pid).get('NANOBPMN_WORKSPACE_DIR')).toBe(ws);
    await stop(sandbox);

    const quiet = await sandbox.run(['set', 'model-dir', ws]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');

    const unset = await sandbox.run(['unset', 'model-dir']);
    expect(unset.code).toBe(0);
    expect((await sandbox.runJson(['config'])).json.workspace).toEqual({
      path: path.join(sandbox.home, 'workspace'),
      configured: false,
    });
    // Unsetting forgets the path; it deletes nothing there.
    expect((await stat(path.join(ws, 'models'))).isDirectory()).toBe(true);
  });

  it('refuses a path that is a file, writing nothing', async () => {
    sandbox = await tests.create();
    const file = path.join(await tempDir(), 'a-file');
    await writeFile(file, 'x');
    const result = await sandbox.run(['set', 'model-dir', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a directory');
    expect(await configBytes(sandbox)).toBeNull();
    expect(await readFile(file, 'utf8')).toBe('x');
  });

  it("keeps an existing directory's mode and contents", async () => {
    sandbox = await tests.create();
    const ws = path.join(await tempDir(), 'shared');
    await mkdir(path.join(ws, 'models'), { recursive: true });
    await chmod(ws, 0o755);
    await writeFile(path.join(ws, 'models', 'm.bpmn'), 'model');
    expect((await sandbox.run(['set', 'model-dir', ws])).code).toBe(0);
    expect((await stat(ws)).mode & 0o777).toBe(0o755);
    expect(await readFile(path.join(ws, 'models', 'm.bpmn'), 'utf8')).toBe('model');
    expect((await stat(path.join(ws, 'workers'))).isDirectory()).toBe(true);
  });
});

describe('config.json', () => {
  it('keeps keys other commands own through set and unset, and stays private (0600)', async () => {
    sandbox = await tests.create();
    const engine = engineBinary();
    const ws = path.join(await tempDir(), 'ws');
    await writeFile(
      configFile(sandbox),
      JSON.stringify({ processos: { port: 1, nested: [1, { a: null }] }, other: 'x' }),
      { mode: 0o644 },
    );

    expect((await sandbox.run(['set', 'bin', engine])).code).toBe(0);
    expect(await configJson(sandbox)).toEqual({
      processos: { port: 1, nested: [1, { a: null }] },
      other: 'x',
      binary: engine,
    });
    expect((await stat(configFile(sandbox))).mode & 0o777).toBe(0o600);

    expect((await sandbox.run(['set', 'model-dir', ws])).code).toBe(0);
    expect(await configJson(sandbox)).toEqual({
      processos: { port: 1, nested: [1, { a: null }] },
      other: 'x',
      binary: engine,
      workspaceDir: ws,
    });

    expect((await sandbox.run(['unset', 'bin'])).code).toBe(0);
    expect(await configJson(sandbox)).toEqual({
      processos: { port: 1, nested: [1, { a: null }] },
      other: 'x',
      workspaceDir: ws,
    });

    expect((await sandbox.run(['unset', 'model-dir'])).code).toBe(0);
    expect(await configJson(sandbox)).toEqual({ processos: { port: 1, nested: [1, { a: null }] }, other: 'x' });
    expect((await stat(configFile(sandbox))).mode & 0o777).toBe(0o600);
    // No temp files left next to it.
    expect((await readdir(sandbox.home)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('is created private (0600) in a home that did not exist', async () => {
    sandbox = await tests.create();
    const home = path.join(sandbox.home, 'new home');
    const result = await sandbox.run(['set', 'bin', engineBinary()], { C8CTL_NANO_HOME: home });
    expect(result.code, result.stderr).toBe(0);
    expect((await stat(path.join(home, 'config.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
  });
});
