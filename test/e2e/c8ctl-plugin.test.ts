// The plugin inside the real c8ctl 4.1.0, loaded from the packed package as a user would get it.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { C8CTL_VERSION, ensureC8ctl, loadPackedPlugin, packPlugin, type C8ctlInstall } from '../support/c8ctl-host.js';
import { freePortRange } from '../support/ports.js';
import { isAlive, killMarked, MARKER, processesWithMarker } from '../support/processes.js';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const defaultPortFree = await portIsFree(8080);

// The first install downloads Node 22 and c8ctl into .cache/ (about a minute on a cold npm cache).
const SLOW = 300_000;

describe('c8ctl nano', () => {
  let c8ctl: C8ctlInstall;
  let dataDir: string;
  let home: string;
  let tgz: string;
  const marker = randomUUID();
  const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
  const run = (args: string[], env: Record<string, string> = {}) =>
    c8ctl.run(args, { dataDir, env: { C8CTL_NANO_HOME: home, [MARKER]: marker, ...env } });

  beforeAll(async () => {
    c8ctl = await ensureC8ctl();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'c8ctl-data-'));
    home = await mkdtemp(path.join(os.tmpdir(), 'c8ctl nano home-'));
    tgz = await packPlugin();
    await loadPackedPlugin(c8ctl, dataDir, tgz);
  }, SLOW);

  afterAll(async () => {
    const leftovers = killMarked(marker);
    for (const dir of [dataDir, home, tgz && path.dirname(tgz)])
      if (dir) await rm(dir, { recursive: true, force: true });
    expect(leftovers, 'engine processes left running').toEqual([]);
  });

  it('runs the real c8ctl 4.1.0', async () => {
    const result = await run(['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(C8CTL_VERSION);
  });

  it('"c8ctl help" lists nano, and loading the plugin raises no warning', async () => {
    const help = await run(['help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^\s+nano\s+Start, inspect and stop a local Nano BPM cluster/m);
    expect(help.stdout).toContain('c8ctl nano start 3 --rf 3');
    expect(help.stderr).toBe('');
  });

  it.each([[['help', 'nano']], [['nano', '--help']]])(
    '"c8ctl %j" shows our subcommands, flags and examples',
    async (args) => {
      const help = await run(args);
      expect(help.code, help.stderr).toBe(0);
      for (const line of [
        /^\s+start \[N\]\s+Start a local cluster/m,
        /^\s+status\s+Show each node/m,
        /^\s+stop\s+Stop every node/m,
        /start --port <port>\s+Base HTTP port/,
        /stop --purge/,
        /c8ctl nano status/,
      ]) {
        expect(help.stdout).toMatch(line);
      }
    },
  );

  it('"c8ctl processos" is there too: listed, with its own help, and reachable', async () => {
    const help = await run(['help']);
    expect(help.stdout).toMatch(/^\s+processos\s+Start, inspect and stop a local ProcessOS server/m);
    const own = await run(['processos', '--help']);
    expect(own.code).toBe(0);
    expect(own.stdout).toMatch(/^\s+start\s+Start ProcessOS/m);
    expect(own.stdout).toContain('set bin');
    // Without a ProcessOS binary: the clear message, through c8ctl's logger, exit 1.
    const start = await run(['processos', 'start'], { NANOBPMN_REPO: path.join(home, 'no-repo') });
    expect(start.code).toBe(1);
    expect(start.stderr).toContain('✗ No ProcessOS binary found');
    expect(start.stderr).toContain('c8ctl processos set bin');
  });

  it('"c8ctl nano doctor" checks the host c8ctl version too', async () => {
    const result = await run(['nano', 'doctor']);
    expect(result.stdout).toContain(`✓ c8ctl ${C8CTL_VERSION} (this plugin needs >=4.1.0)`);
  });

  it('"c8ctl nano --version" prints our version', async () => {
    const result = await run(['nano', '--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`c8ctl-plugin-nano ${version}`);
  });

  it('"c8ctl nano export" works from the packed plugin: the engine package it names, and the secret only in --out', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const out = path.join(home, 'nano.yaml');
    const written = await run(['nano', 'export', 'kubernetes', '3', '--rf', '3', '--out', out]);
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/kind: Secret[\s\S]*kind: StatefulSet[\s\S]*kind: PodDisruptionBudget/);
    const printed = await run(['nano', 'export', 'dockerfile', '--engine', 'npm']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain(`"$package@${pkg.optionalDependencies['@nanobpm/c8ctl-plugin-nano-linux-x64']}"`);
    expect(printed.stdout + printed.stderr).not.toMatch(/[0-9a-f]{64}/);
  });

  it('a mistyped flag fails with one clear line and exit 1, starting nothing', async () => {
    const result = await run(['nano', 'start', '1', '--prot', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      '✗ Unknown flag --prot for c8ctl nano start. Did you mean --port? Flags: --port, --partitions, --rf, --raft, --replication, --capture, --in-memory, --history-max, --console, --network-faults, --binary, --force, --timeout, --json, --help.',
    ]);
    expect(processesWithMarker(marker)).toEqual([]);
  });

  it('starts a real node, reports it as JSON in every JSON mode, and stops it', async () => {
    const port = await freePortRange(1);
    const started = await run(['nano', 'start', '1', `--port=${port}`]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^✓ Nano cluster ready in [\d.]+ s: 1 node\(s\)/m);
    expect(started.stdout).toContain(`http://127.0.0.1:${port}/v2`);
    const state = JSON.parse(await readFile(path.join(home, 'cluster.json'), 'utf8'));
    const pid = state.nodes[0].pid as number;
    expect(isAlive(pid)).toBe(true);

    for (const [args, env] of [
      [['--json', 'nano', 'status'], {}],
      [['nano', 'status', '--json'], {}],
      [['nano', 'status'], { C8CTL_OUTPUT_MODE: 'json' }],
    ] as const) {
      const status = await run([...args], env);
      expect(status.code, `${args.join(' ')}: ${status.stderr}`).toBe(0);
      const json = JSON.parse(status.stdout); // exactly one document, nothing else on stdout
      expect(json).toMatchObject({
        managed: true,
        cluster: 'running',
        nodes: [{ id: 0, port, pid, process: 'running', http: 'answers' }],
      });
    }

    const text = await run(['nano', 'status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Nano cluster (managed): running — 1 of 1 node(s) healthy');

    const stopped = await run(['nano', 'stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/✓ node 0 \(pid \d+\) stopped gracefully/);
    expect(isAlive(pid)).toBe(false);

    // Status exit codes pass through c8ctl: 3 means stopped.
    const after = await run(['nano', 'status', '--port', String(port)]);
    expect(after.code).toBe(3);
  });

  it('on another port, start prints the c8ctl profile to add, and following it deploys, creates and lists an instance', async () => {
    const port = await freePortRange(1);
    const started = await run(['nano', 'start', `--port=${port}`]);
    expect(started.code, started.stderr).toBe(0);
    try {
      // Follow the printed advice to the letter: each command as printed, up to its note in brackets.
      const commands = started.stdout
        .split('\n')
        .filter((l) => /^\s+(c8ctl\s+)?c8ctl (add|deploy)/.test(l))
        .map((l) => l.replace(/^\s+(c8ctl\s+)?c8ctl /, '').replace(/\s+\(.*\)$/, ''));
      expect(commands).toEqual([
        `add profile nano-${port} --baseUrl http://127.0.0.1:${port}`,
        `deploy <file.bpmn> --profile nano-${port}`,
      ]);
      expect((await run(commands[0]!.split(' '))).code).toBe(0);
      const deployed = await run(
        commands[1]!.replace('<file.bpmn>', path.resolve('test/fixtures/one-task.bpmn')).split(' '),
      );
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(deployed.stdout).toContain('e2e-one-task');
      const created = await run(['create', 'pi', '--id', 'e2e-one-task', '--profile', `nano-${port}`]);
      expect(created.code, created.stderr).toBe(0);
      const key = /Key: (\d+)/.exec(created.stdout)![1]!;
      const listed = await run(['list', 'pi', '--profile', `nano-${port}`]);
      expect(listed.stdout).toMatch(new RegExp(`^${key}\\s+\\|.*e2e-one-task.*ACTIVE`, 'm'));
    } finally {
      expect((await run(['nano', 'stop'])).code).toBe(0);
    }
  });

  // c8ctl's built-in profile "local" is http://localhost:8080/v2: a default start is reachable as is.
  it.skipIf(!defaultPortFree)(
    'after a default start on 8080 (skipped when 8080 is taken here), c8ctl deploy and create pi work with no profile set up',
    async () => {
      const started = await run(['nano', 'start']);
      expect(started.code, started.stderr).toBe(0);
      expect(started.stdout).toContain('c8ctl deploy <file.bpmn>   (c8ctl\'s default profile "local" points here)');
      try {
        const deployed = await run(['deploy', path.resolve('test/fixtures/one-task.bpmn'), '--yes']);
        expect(deployed.code, deployed.stderr).toBe(0);
        const created = await run(['create', 'pi', '--id', 'e2e-one-task', '--yes']);
        expect(created.code, created.stderr).toBe(0);
        const key = /Key: (\d+)/.exec(created.stdout)![1]!;
        expect((await run(['list', 'pi'])).stdout).toMatch(new RegExp(`^${key}\\s+\\|`, 'm'));
      } finally {
        expect((await run(['nano', 'stop'])).code).toBe(0);
      }
    },
  );

  it('a failure in JSON mode is one JSON document on stdout and a JSON line on stderr, never a stack trace', async () => {
    const result = await run(['--json', 'nano', 'start', '0']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ status: 'error', message: expect.stringContaining('"0"') });
  });
});
