// Faults around start, status and stop, injected for real wherever the real engine can produce them.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { oldEngineBinary } from '../support/engines.js';
import { freePortRange } from '../support/ports.js';
import { isAlive, processesWithMarker, waitUntil } from '../support/processes.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const FAKE_ENGINE = path.resolve('test/fixtures/fake-engine.mjs');

const tests = perTestSandboxes();
let sandbox: Sandbox | undefined;

async function homeEntries(s: Sandbox): Promise<string[]> {
  return (await readdir(s.home)).sort();
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

describe('refusals before anything is spawned', () => {
  it('a port held by a plain TCP listener is refused, naming the port, and nothing is written', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(3);
    const blocker = net.createServer((socket) => socket.destroy());
    await listen(blocker, port + 1);
    tests.defer(() => new Promise<void>((r) => blocker.close(() => r())));

    const result = await sandbox.run(['start', '3', '--port', String(port)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`✗ Port ${port + 1} is in use by another program`);
    expect(result.stderr).toMatch(/--port \d+/);
    expect(await homeEntries(sandbox)).toEqual([]);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });

  it('status --port against a listener that drops every connection answers (degraded), instead of hanging', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    const dropper = net.createServer((socket) => socket.destroy());
    await listen(dropper, port);
    tests.defer(() => new Promise<void>((r) => dropper.close(() => r())));
    const status = await sandbox.runJson(['status', '--port', String(port)]);
    expect(status.code).toBe(2);
    expect(status.json).toMatchObject({ managed: false, cluster: 'degraded', http: 'timeout' });
  });

  // No Camunda can run here, so a few lines of HTTP stand in for its gateway's /v2/topology answer.
  it('a port serving a Camunda gateway gets the Camunda refusal, and status names it', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    const camunda = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          brokers: [{ nodeId: 0, host: 'zeebe', port: 26501 }],
          clusterSize: 1,
          partitionsCount: 1,
          replicationFactor: 1,
          gatewayVersion: '8.6.0',
        }),
      );
    });
    await listen(camunda, port);
    tests.defer(() => new Promise<void>((r) => camunda.close(() => r())));

    const result = await sandbox.run(['start', '--port', String(port)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Port ${port} is already serving a Camunda gateway (Camunda 8.6.0)`);
    expect(result.stderr).toContain('Refusing to start Nano on top of a running Camunda instance');

    const status = await sandbox.runJson(['status', '--port', String(port)]);
    expect(status.code).toBe(3);
    expect(status.json).toMatchObject({ managed: false, product: { kind: 'camunda', version: '8.6.0' } });
    expect(await homeEntries(sandbox)).toEqual([]);
  });

  it('an engine that cannot run on this host (needs GLIBC 2.39) fails at once with the cause', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(3);
    const result = await sandbox.run(['start', '3', '--port', String(port), '--binary', oldEngineBinary()]);
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(2_000);
    const hostGlibc = (process.report.getReport() as any).header.glibcVersionRuntime as string;
    expect(result.stderr).toContain(`needs GLIBC 2.39, but this system has glibc ${hostGlibc}`);
    expect(await sandbox.state()).toBeNull();
    expect(await homeEntries(sandbox)).toEqual([]);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });

  it.each([
    [['start', '0'], '"0"'],
    [['start', '65'], '"65"'],
    [['start', '3', '--rf', '4'], '--rf "4"'],
    [['start', '3', '--partitions', '2'], '--partitions "2"'],
    [['start', '--prot', '9000'], '--prot'],
    [['start', '--port', '70000'], '"70000"'],
    [['start', '--binary', '/no/such/engine'], '/no/such/engine'],
    [['start', '--timeout', 'soon'], '"soon"'],
    [['stop', '--timeout', '-1'], '"-1"'],
    [['status', '--port', 'x'], '"x"'],
    [['strat'], '"strat"'],
  ])('bad input %j: one line naming %s, exit 1, nothing written or spawned', async (args, named) => {
    sandbox = await tests.create();
    const result = await sandbox.run(args);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^✗ /);
    expect(lines[0]).toContain(named);
    expect(await homeEntries(sandbox)).toEqual([]);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });
});

describe('a start that fails after spawning', () => {
  it('fails fast when a node dies while starting: its log tail, the others stopped, state removed, logs kept', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(3);
    const result = await sandbox.run(['start', '3', '--port', String(port), '--binary', FAKE_ENGINE], {
      FAKE_ENGINE_MODE: 'die:1',
    });
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(5_000); // far below the 60 s readiness timeout
    expect(result.stderr).toContain(`Node 1 (port ${port + 1}) exited with code 7 while starting`);
    expect(result.stderr).toContain('the disk is on fire');
    expect(await sandbox.state()).toBeNull();
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
    expect(await readFile(path.join(sandbox.home, 'logs', 'node-1.log'), 'utf8')).toContain('the disk is on fire');
  });

  it('gives up after --timeout and rolls back', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(2);
    const result = await sandbox.run(
      ['start', '2', '--port', String(port), '--binary', FAKE_ENGINE, '--timeout', '1'],
      { FAKE_ENGINE_MODE: 'never-ready' },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not ready after 1 s');
    expect(result.stderr).toContain('node(s) 0, 1 never answered');
    expect(await sandbox.state()).toBeNull();
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });

  it('Ctrl-C during start stops the nodes started so far and exits 130', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(2);
    const cli = sandbox.spawn(['start', '2', '--port', String(port), '--binary', FAKE_ENGINE], {
      FAKE_ENGINE_MODE: 'never-ready',
    });
    const s = sandbox;
    await waitUntil(async () => (await s.state()) !== null, 10_000, 'the state file');
    cli.kill('SIGINT');
    const result = await cli;
    expect(result.exitCode).toBe(130);
    expect(String(result.stderr)).toContain('Start interrupted');
    expect(await sandbox.state()).toBeNull();
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });
});

describe('status and stop tell the truth', () => {
  it('a node killed with SIGKILL shows as exited and the cluster as degraded', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(3);
    expect((await sandbox.run(['start', '3', '--port', String(port)])).code).toBe(0);
    const state = await sandbox.state();
    const victim = state.nodes[2].pid as number;
    process.kill(victim, 'SIGKILL');
    await waitUntil(() => !isAlive(victim), 5_000, 'the killed node to die');

    const status = await sandbox.runJson(['status']);
    expect(status.code).toBe(2);
    expect(status.json.cluster).toBe('degraded');
    expect(status.json.nodes.map((n: any) => n.process)).toEqual(['running', 'running', 'exited']);

    const stopped = await sandbox.runJson(['stop']);
    expect(stopped.code).toBe(0);
    expect(stopped.json.stopped.map((n: any) => n.outcome)).toEqual(['graceful', 'graceful', 'not-running']);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });

  it('a frozen node (SIGSTOP) is reported frozen without waiting on HTTP, and stop still stops it gracefully', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(2);
    expect((await sandbox.run(['start', '2', '--port', String(port)])).code).toBe(0);
    const frozen = (await sandbox.state()).nodes[1].pid as number;
    process.kill(frozen, 'SIGSTOP');
    tests.defer(() => {
      if (isAlive(frozen)) process.kill(frozen, 'SIGCONT');
    });

    const status = await sandbox.runJson(['status']);
    expect(status.code).toBe(2);
    expect(status.json.nodes.map((n: any) => [n.process, n.http])).toEqual([
      ['running', 'answers'],
      ['frozen', 'not-probed'],
    ]);

    const stopped = await sandbox.runJson(['stop']);
    expect(stopped.code).toBe(0);
    expect(stopped.json.stopped.map((n: any) => n.outcome)).toEqual(['graceful', 'graceful']);
    expect(isAlive(frozen)).toBe(false);
  });

  // The real engine always honours SIGTERM, so a stand-in that ignores it proves the SIGKILL escalation.
  it('a node that ignores SIGTERM is killed after the --timeout grace period and reported as forced', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(2);
    const env = { FAKE_ENGINE_MODE: 'ignore-sigterm' };
    expect((await sandbox.run(['start', '2', '--port', String(port), '--binary', FAKE_ENGINE], env)).code).toBe(0);
    const pids = (await sandbox.state()).nodes.map((n: any) => n.pid as number);

    const stopped = await sandbox.runJson(['stop', '--timeout', '0.5'], env);
    expect(stopped.code).toBe(0);
    expect(stopped.json.stopped.map((n: any) => n.outcome)).toEqual(['forced', 'forced']);
    expect(pids.some(isAlive)).toBe(false);
    expect(await sandbox.state()).toBeNull();
  });

  // A stand-in that ignores SIGTERM keeps stop waiting, which is the case a second Ctrl-C is for.
  it('a second Ctrl-C during stop exits at once (130), keeping the state so a later stop finishes the job', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    const env = { FAKE_ENGINE_MODE: 'ignore-sigterm' };
    expect((await sandbox.run(['start', '--port', String(port), '--binary', FAKE_ENGINE], env)).code).toBe(0);
    const stop = sandbox.spawn(['stop', '--timeout', '30'], env);
    let stderr = '';
    stop.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((r) => setTimeout(r, 700)); // stop is now waiting out its grace period
    stop.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    stop.kill('SIGINT');
    const ended = await stop;
    expect(ended.exitCode).toBe(130);
    expect(stderr).toContain('Interrupted again: exiting without waiting for the cleanup to finish.');
    expect(await sandbox.state()).not.toBeNull();
    const finished = await sandbox.runJson(['stop', '--timeout', '0.5']);
    expect(finished.json.stopped.map((n: any) => n.outcome)).toEqual(['forced']);
  });

  it('state naming a live unrelated process: status calls it stale and stop leaves it alone', async () => {
    sandbox = await tests.create();
    const bystander: ChildProcess = spawn('sleep', ['300'], { stdio: 'ignore' });
    tests.defer(() => {
      bystander.kill('SIGKILL');
    });
    const pid = bystander.pid!;
    // As if an old cluster's PID had been reused by this sleep: same PID, another start time.
    const state = {
      schema: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      settings: { nodes: 1, basePort: 8080, partitions: 1, rf: 1, raft: false, capture: false },
      binary: { path: '/old/engine', source: 'flag', version: '0.0.22' },
      workspaceDir: path.join(sandbox.home, 'workspace'),
      nodes: [
        {
          id: 0,
          port: 8080,
          url: 'http://127.0.0.1:8080',
          pid,
          startTime: 'linux:1',
          log: path.join(sandbox.home, 'logs', 'node-0.log'),
          dataDir: path.join(sandbox.home, 'data', 'node-0'),
          env: {},
        },
      ],
    };
    await writeFile(path.join(sandbox.home, 'cluster.json'), JSON.stringify(state), { mode: 0o600 });

    const status = await sandbox.runJson(['status']);
    expect(status.code).toBe(3);
    expect(status.json.nodes[0]).toMatchObject({ pid, process: 'stale', http: 'not-probed' });

    const stopped = await sandbox.run(['stop']);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain(`pid ${pid} now belongs to another process; left it alone (stale state)`);
    expect(isAlive(pid)).toBe(true);
    expect(await sandbox.state()).toBeNull();
  });

  it('a corrupt cluster.json gives a clear error naming the file, from every command, and is left as it was', async () => {
    sandbox = await tests.create();
    const file = path.join(sandbox.home, 'cluster.json');
    await writeFile(file, '{"schema": 1, "nodes": [', { mode: 0o600 });
    for (const args of [['status'], ['stop'], ['start', '--port', String(await freePortRange(1))]]) {
      const result = await sandbox.run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(`✗ The cluster state file ${file} cannot be read: it is not valid JSON`);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(await readFile(file, 'utf8')).toBe('{"schema": 1, "nodes": [');
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });

  it('two concurrent starts in one home give exactly one cluster', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(3);
    const args = ['start', '3', '--port', String(port)];
    const [a, b] = await Promise.all([sandbox.spawn(args), sandbox.spawn(args)]);
    // The second either finds the first's cluster (already running as asked: 0) or its lock (1).
    expect([a.exitCode, b.exitCode]).toContain(0);
    const loser = a.exitCode === 1 ? a : b.exitCode === 1 ? b : undefined;
    if (loser)
      expect(String(loser.stderr)).toMatch(
        /Another c8ctl nano command \(pid \d+, "start"|A cluster is already running/,
      );
    const state = await sandbox.state();
    expect(state.nodes).toHaveLength(3);
    expect(processesWithMarker(sandbox.marker).sort()).toEqual(state.nodes.map((n: any) => n.pid).sort());
    expect((await sandbox.run(['stop'])).code).toBe(0);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });

  it('start on a running cluster is the desired state: the same again exits 0, another shape is refused naming it, --force replaces it', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(3);
    expect((await sandbox.run(['start', '2', '--port', String(port)])).code).toBe(0);
    const first = (await sandbox.state()).nodes.map((n: any) => n.pid);

    const again = await sandbox.runJson(['start', '2', '--port', String(port)]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ ok: true, alreadyRunning: true, restarted: [], frozen: [] });
    expect((await sandbox.run(['start'])).stdout).toContain('✓ Already running as asked: 2 node(s)');
    expect((await sandbox.state()).nodes.map((n: any) => n.pid)).toEqual(first);

    const refused = await sandbox.run(['start', '3', '--port', String(port), '--rf', '1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('A cluster is already running, but not as asked: 3 node(s) (running: 2 node(s)).');
    expect(refused.stderr).toContain('--force');
    expect(first.every(isAlive)).toBe(true);

    const forced = await sandbox.run(['start', '2', '--port', String(port), '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(first.some(isAlive)).toBe(false);
    const second = (await sandbox.state()).nodes.map((n: any) => n.pid);
    expect(processesWithMarker(sandbox.marker).sort()).toEqual([...second].sort());
    expect((await sandbox.run(['stop'])).code).toBe(0);
  });

  it('start brings back a node killed behind our back, on its data, and leaves a frozen node frozen (exit 2)', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(3);
    expect((await sandbox.run(['start', '3', '--rf', '3', '--port', String(port)])).code).toBe(0);
    const { nodes } = await sandbox.state();
    process.kill(nodes[1].pid, 'SIGKILL');
    await waitUntil(() => !isAlive(nodes[1].pid), 5_000, 'node 1 to die');
    const back = await sandbox.runJson(['start', '3', '--rf', '3']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.json).toMatchObject({ alreadyRunning: true, restarted: [1], cluster: 'running' });
    expect(back.json.nodes[1].pid).not.toBe(nodes[1].pid);
    expect((await sandbox.runJson(['status'])).code).toBe(0);

    expect((await sandbox.run(['pause', '2'])).code).toBe(0);
    const withFrozen = await sandbox.run(['start']);
    expect(withFrozen.code).toBe(2);
    expect(withFrozen.stderr).toContain('Node(s) 2 frozen (pause): start leaves a frozen node as it is');
    expect((await sandbox.runJson(['status'])).json.nodes[2].process).toBe('frozen');
    expect((await sandbox.run(['stop'])).code).toBe(0);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });

  // start asks the binary's --version while it checks the rest, and waits for the answer under the
  // lock: that wait must come before --force stops anything.
  it('start --force with a binary that cannot run here is refused before the running cluster is touched', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(2);
    expect((await sandbox.run(['start', '2', '--port', String(port)])).code).toBe(0);
    const before = await sandbox.state();

    const forced = await sandbox.run(['start', '2', '--port', String(port), '--force', '--binary', oldEngineBinary()]);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('needs GLIBC 2.39');
    expect(forced.stdout).not.toContain('Stopping the running cluster');
    expect(await sandbox.state()).toEqual(before);
    expect(before.nodes.every((n: any) => isAlive(n.pid))).toBe(true);
    expect((await homeEntries(sandbox)).filter((e) => e.startsWith('.lock'))).toEqual([]);
    expect((await sandbox.run(['stop'])).code).toBe(0);
  });

  it('status with no managed cluster probes the port: an external Nano node, or nothing (stopped)', async () => {
    sandbox = await tests.create();
    const other = await tests.create();
    const port = await freePortRange(1);
    expect((await other.run(['start', '--port', String(port)])).code).toBe(0);

    const external = await sandbox.runJson(['status', '--port', String(port)]);
    expect(external.code).toBe(0);
    expect(external.json).toMatchObject({
      managed: false,
      cluster: 'running',
      product: { kind: 'nano', version: '0.0.22' },
    });
    expect((await sandbox.run(['status', '--port', String(port)])).stdout).toContain('external — not started by c8ctl');
    // The other home's cluster is not ours to stop.
    expect((await sandbox.run(['stop'])).stdout).toContain('Nothing to stop');
    expect((await other.run(['stop'])).code).toBe(0);

    const nothing = await sandbox.runJson(['status', '--port', String(port)]);
    expect(nothing.code).toBe(3);
    expect(nothing.json.cluster).toBe('stopped');
  });
});
