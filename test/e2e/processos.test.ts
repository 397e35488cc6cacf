// ProcessOS managed like the engine. No ProcessOS binary can be obtained here, so a stand-in server
// (test/fixtures/fake-processos.mjs) obeys its documented contract; its pilot engine is the REAL nano
// binary, auto-wired from the platform package the plugin resolves.
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { isAlive, processesWithMarker, waitUntil } from '../support/processes.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const STAND_IN = path.resolve('test/fixtures/fake-processos.mjs');

const tests = perTestSandboxes();
let sandbox: Sandbox | undefined;

async function health(port: number): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
  return response.json();
}

async function seenEnv(s: Sandbox, dataDir = path.join(s.home, 'processos-data')): Promise<Record<string, string>> {
  return JSON.parse(await readFile(path.join(dataDir, 'seen-env.json'), 'utf8'));
}

const json = (text: string): any => JSON.parse(text);

describe('processos', () => {
  it('without a binary says it is downloaded by hand and how to point at it; nothing is written', async () => {
    sandbox = await tests.create();
    const result = await sandbox.runProcessos(['start'], { NANOBPMN_REPO: path.join(sandbox.home, 'no-repo') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'No ProcessOS binary found. It is not distributed through npm: download the build for your platform by hand',
    );
    expect(result.stderr).toContain('c8ctl-processos set bin <path-to-processos>');
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });

  it('starts with a pilot engine from the nano binary, reports it, and stop takes down server and pilot', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    const started = await sandbox.runProcessos(['start', '--binary', STAND_IN, '--port', String(port)]);
    expect(started.code, started.stderr).toBe(0);
    // The summary leads with the landing page, then Cockpit, Health and the target.
    const lines = started.stdout.split('\n');
    const at = (label: string): number => lines.findIndex((l) => l.trimStart().startsWith(label));
    expect(lines[at('Start here')]).toContain(`http://127.0.0.1:${port}/`);
    expect([at('Start here'), at('Cockpit'), at('Health'), at('Target Nano')]).toEqual(
      [...[at('Start here'), at('Cockpit'), at('Health'), at('Target Nano')]].sort((a, b) => a - b),
    );
    expect(lines[at('Target Nano')]).toContain('http://localhost:8080');

    const state = JSON.parse(await readFile(path.join(sandbox.home, 'processos.json'), 'utf8'));
    const h = await health(port);
    expect(h.status).toBe('UP');
    expect(h.pilot).not.toBeNull();
    const pilotPid = h.pilot.pid as number;
    expect(isAlive(pilotPid)).toBe(true);
    // The pilot is the real engine: it answers as Nano.
    await waitUntil(
      async () =>
        await fetch(`http://127.0.0.1:${h.pilot.port}/v2/topology`)
          .then((r) => r.ok)
          .catch(() => false),
      10_000,
      'the pilot engine',
    );
    expect((await seenEnv(sandbox)).PROCESSOS_NANO_BIN).toContain('@nanobpm/c8ctl-plugin-nano-linux-x64');

    const status = await sandbox.runProcessos(['status', '--json']);
    expect(status.code).toBe(0);
    expect(json(status.stdout)).toMatchObject({
      schemaVersion: 1,
      managed: true,
      state: 'running',
      pid: state.pid,
      http: 'answers',
      spawnNano: true,
    });

    const stopped = await sandbox.runProcessos(['stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(isAlive(state.pid)).toBe(false);
    expect(isAlive(pilotPid)).toBe(false);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);

    const after = await sandbox.runProcessos(['status', '--json']);
    expect(after.code).toBe(3);
    expect(json(after.stdout)).toMatchObject({ managed: false, running: false });
  });

  it('stop also finds a pilot the server orphaned (no longer its child), by evidence', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    const env = { FAKE_PROCESSOS_MODE: 'orphan-pilot' };
    expect((await sandbox.runProcessos(['start', '--binary', STAND_IN, '--port', String(port)], env)).code).toBe(0);
    await waitUntil(async () => (await health(port)).pilot !== null, 5_000, 'the orphaned pilot to be reported');
    const pilotPid = (await health(port)).pilot.pid as number;
    await waitUntil(() => isAlive(pilotPid), 5_000, 'the pilot to run');

    const stopped = await sandbox.runProcessos(['stop', '--json']);
    expect(stopped.code).toBe(0);
    expect(json(stopped.stdout)).toMatchObject({ schemaVersion: 1, ok: true, stopped: true, leftoversStopped: 1 });
    expect(isAlive(pilotPid)).toBe(false);
  });

  it('--no-spawn-nano runs without a pilot; no nano binary at all means no pilot and a warning', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    expect(
      (await sandbox.runProcessos(['start', '--binary', STAND_IN, '--port', String(port), '--no-spawn-nano'])).code,
    ).toBe(0);
    expect((await health(port)).pilot).toBeNull();
    expect((await seenEnv(sandbox)).PROCESSOS_SPAWN_NANO).toBe('false');
    expect((await sandbox.runProcessos(['stop'])).code).toBe(0);

    // No nano binary anywhere: NANOBPMN_BINARY points at nothing.
    const noNano = { NANOBPMN_BINARY: path.join(sandbox.home, 'no-engine-here') };
    const started = await sandbox.runProcessos(['start', '--binary', STAND_IN, '--port', String(port)], noNano);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toContain('⚠ No nano engine binary was found, so ProcessOS runs without a pilot engine');
    expect((await health(port)).pilot).toBeNull();
    const forced = await sandbox.runProcessos(['restart', '--spawn-nano'], noNano);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('--spawn-nano needs a nano engine binary');
    expect((await sandbox.runProcessos(['stop'])).code).toBe(0);
  });

  it('settings: flags beat typed settings, typed settings beat passthrough env; nano settings are untouched', async () => {
    sandbox = await tests.create();
    const [a, b, c] = [await freePortRange(1), await freePortRange(1), await freePortRange(1)];
    expect((await sandbox.run(['set', 'model-dir', path.join(sandbox.home, 'ws')])).code).toBe(0);
    const nanoBefore = JSON.parse(await readFile(path.join(sandbox.home, 'config.json'), 'utf8'));

    for (const args of [
      ['set', 'bin', STAND_IN],
      ['set', 'port', String(a)],
      ['set', 'env', `PROCESSOS_PORT=${b}`],
      ['set', 'nano-url', 'http://127.0.0.1:9999'],
      ['set', 'env', 'NANO_BASE_URL=http://127.0.0.1:1111'],
      ['set', 'env', 'PROCESSOS_LLM_MODEL=small'],
      ['set', 'env', 'PROCESSOS_API_KEY=hush'],
      ['set', 'data-dir', path.join(sandbox.home, 'pos data')],
    ]) {
      const result = await sandbox.runProcessos(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    const config = JSON.parse(await readFile(path.join(sandbox.home, 'config.json'), 'utf8'));
    expect(config.workspaceDir).toBe(nanoBefore.workspaceDir);
    expect(config.processos).toMatchObject({
      port: a,
      nanoUrl: 'http://127.0.0.1:9999',
      env: { PROCESSOS_PORT: String(b), PROCESSOS_LLM_MODEL: 'small' },
    });

    const shown = await sandbox.runProcessos(['config', '--json']);
    expect(json(shown.stdout)).toMatchObject({
      port: a,
      nanoUrl: 'http://127.0.0.1:9999',
      binary: { path: STAND_IN, source: 'config' },
    });
    expect(shown.stdout).not.toContain('hush');

    expect((await sandbox.runProcessos(['start', '--no-spawn-nano'])).code).toBe(0);
    const seen = await seenEnv(sandbox, path.join(sandbox.home, 'pos data'));
    expect(seen).toMatchObject({
      PROCESSOS_PORT: String(a),
      NANO_BASE_URL: 'http://127.0.0.1:9999',
      PROCESSOS_LLM_MODEL: 'small',
      PROCESSOS_API_KEY: 'hush',
    });
    expect((await sandbox.runProcessos(['stop'])).code).toBe(0);

    // A flag beats the typed setting.
    expect((await sandbox.runProcessos(['start', '--no-spawn-nano', '--port', String(c)])).code).toBe(0);
    expect((await seenEnv(sandbox, path.join(sandbox.home, 'pos data'))).PROCESSOS_PORT).toBe(String(c));
    // restart keeps what start was given.
    const restarted = await sandbox.runProcessos(['restart']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect((await health(c)).status).toBe('UP');
    expect((await sandbox.runProcessos(['stop'])).code).toBe(0);

    // KEY= removes a passthrough variable; bad keys and values are refused.
    expect((await sandbox.runProcessos(['set', 'env', 'PROCESSOS_LLM_MODEL='])).code).toBe(0);
    expect(JSON.parse(await readFile(path.join(sandbox.home, 'config.json'), 'utf8')).processos.env).not.toHaveProperty(
      'PROCESSOS_LLM_MODEL',
    );
    for (const [args, named] of [
      [['set', 'env', 'BAD-NAME=1'], 'BAD-NAME=1'],
      [['set', 'port', '70000'], '70000'],
      [['set', 'nano-url', 'ftp://x'], 'ftp://x'],
      [['set', 'colour', 'red'], 'colour'],
    ] as const) {
      const result = await sandbox.runProcessos([...args]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(named);
    }
  });

  it('a port in use is refused before anything starts; a server that dies at once fails fast with its log', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    const blocker = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', () => resolve()));
    tests.defer(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const refused = await sandbox.runProcessos(['start', '--binary', STAND_IN, '--port', String(port)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Port ${port} is in use by another program`);
    expect(refused.stderr).toContain(`c8ctl-processos start --port`);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);

    const other = await freePortRange(1);
    const died = await sandbox.runProcessos(
      ['start', '--binary', STAND_IN, '--port', String(other), '--no-spawn-nano'],
      { FAKE_PROCESSOS_MODE: 'die' },
    );
    expect(died.code).toBe(1);
    expect(died.stderr).toContain('ProcessOS exited with code 4 while starting');
    expect(died.stderr).toContain('cannot open the model store');
    expect((await sandbox.runProcessos(['status'])).code).toBe(3);
  });

  it('status of a server killed from outside says stopped; logs are kept and readable', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    expect(
      (await sandbox.runProcessos(['start', '--binary', STAND_IN, '--port', String(port), '--no-spawn-nano'])).code,
    ).toBe(0);
    const pid = JSON.parse(await readFile(path.join(sandbox.home, 'processos.json'), 'utf8')).pid as number;
    process.kill(pid, 'SIGKILL');
    await waitUntil(() => !isAlive(pid), 5_000, 'the server to die');
    const status = await sandbox.runProcessos(['status', '--json']);
    expect(status.code).toBe(3);
    expect(json(status.stdout)).toMatchObject({ managed: true, state: 'stopped', process: 'exited' });

    const logs = await sandbox.runProcessos(['logs', '-n', '5']);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain(`fake processos listening on ${port}`);
    expect((await sandbox.runProcessos(['stop'])).stderr).toContain('was not running');
  });
});
