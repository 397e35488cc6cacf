// Hardening with the real engine: a CLI killed mid-start, lost and corrupt state, crashed nodes, two
// homes side by side, the cluster secret, and private files.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { isAlive, processesWithMarker, waitUntil } from '../support/processes.js';
import { createInstance, deployOneTask } from '../support/rest.js';
import { runProcess } from '../support/run-process.js';
import { perTestSandboxes } from '../support/sandbox.js';

const tests = perTestSandboxes();
const sandbox = tests.create;

const url = (port: number): string => `http://127.0.0.1:${port}`;
const environ = async (pid: number): Promise<string> => readFile(`/proc/${pid}/environ`, 'utf8');

describe('a CLI that dies mid-start', () => {
  it('killed with SIGKILL while waiting, leaves nodes that the next status finds and stop stops', async () => {
    const s = await sandbox();
    const port = await freePortRange(3);
    // RF 3 keeps start waiting for leaders for a second or two: time to kill it mid-wait.
    const cli = s.spawn(['start', '3', '--rf', '3', '--port', String(port)]);
    await waitUntil(async () => (await s.state()) !== null, 10_000, 'the state file');
    cli.kill('SIGKILL');
    const ended = await cli;
    expect(ended.signal).toBe('SIGKILL');

    const pids = (await s.state()).nodes.map((n: any) => n.pid as number);
    expect(pids.every(isAlive)).toBe(true);
    const status = await s.runJson(['status']);
    expect(status.json.nodes.map((n: any) => n.process)).toEqual(['running', 'running', 'running']);

    const stopped = await s.runJson(['stop']);
    expect(stopped.code).toBe(0);
    expect(pids.some(isAlive)).toBe(false);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });
});

describe('lost or corrupt state', () => {
  it('with cluster.json gone: stop, start and clean refuse and name the engines; stop --force stops them; bystanders are untouched', async () => {
    const s = await sandbox();
    const port = await freePortRange(2);
    expect((await s.run(['start', '2', '--port', String(port)])).code).toBe(0);
    const pids = (await s.state()).nodes.map((n: any) => n.pid as number);
    await unlink(path.join(s.home, 'cluster.json'));

    // Bystanders: one exports a data dir under our home but lacks our marker; one carries the marker
    // of another home. Neither is ours, and neither may be touched.
    const fakeData = path.join(s.home, 'data', 'node-0');
    const bystanders: ChildProcess[] = [
      spawn('sleep', ['300'], { stdio: 'ignore', env: { ...process.env, NANOBPMN_DATA_DIR: fakeData } }),
      spawn('sleep', ['300'], {
        stdio: 'ignore',
        env: { ...process.env, NANOBPMN_DATA_DIR: fakeData, C8CTL_NANO_MANAGED_BY: '/some/other/home' },
      }),
    ];
    tests.defer(() => bystanders.forEach((b) => b.kill('SIGKILL')));

    const stop = await s.run(['stop']);
    expect(stop.code).toBe(1);
    expect(stop.stderr).toContain('2 engine process(es) of this home run without being tracked');
    for (const pid of pids) expect(stop.stderr).toContain(`pid ${pid}`);
    expect(stop.stderr).toContain('stop --force');
    expect((await s.run(['start', '2', '--port', String(port)])).stderr).toContain('run without being tracked');
    expect((await s.run(['clean'])).stderr).toContain('run without being tracked');
    const status = await s.run(['status', '--port', String(await freePortRange(1))]);
    expect(status.code).toBe(2);
    expect(status.stdout).toContain('Nano cluster (untracked): degraded');
    expect(pids.every(isAlive)).toBe(true);

    const forced = await s.runJson(['stop', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json.untracked.map((e: any) => e.pid).sort()).toEqual([...pids].sort());
    expect(pids.some(isAlive)).toBe(false);
    for (const b of bystanders) expect(isAlive(b.pid!)).toBe(true);
    expect(processesWithMarker(s.marker).filter((pid) => !bystanders.some((b) => b.pid === pid))).toEqual([]);
  });

  it('with cluster.json corrupt: stop --force stops the engines and keeps the bad file aside', async () => {
    const s = await sandbox();
    const port = await freePortRange(2);
    expect((await s.run(['start', '2', '--port', String(port)])).code).toBe(0);
    const pids = (await s.state()).nodes.map((n: any) => n.pid as number);
    await writeFile(path.join(s.home, 'cluster.json'), '{"schema": 1, "nodes": [ trunc');

    const plain = await s.run(['stop']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('cannot be read');
    expect(plain.stderr).toContain('"stop --force"');

    const forced = await s.run(['stop', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(pids.some(isAlive)).toBe(false);
    const entries = await readdir(s.home);
    expect(entries).not.toContain('cluster.json');
    const aside = entries.find((e) => e.startsWith('cluster.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(path.join(s.home, aside!), 'utf8')).toBe('{"schema": 1, "nodes": [ trunc');
    // And the home is usable again.
    expect((await s.run(['start', '2', '--port', String(port)])).code).toBe(0);
    expect((await s.run(['stop'])).code).toBe(0);
  });
});

describe('a crashed node', () => {
  it('shows as exited with the last lines of its log; the cluster is degraded; node start brings it back', async () => {
    const s = await sandbox();
    const port = await freePortRange(2);
    expect((await s.run(['start', '2', '--port', String(port)])).code).toBe(0);
    const victim = (await s.state()).nodes[1].pid as number;
    process.kill(victim, 'SIGKILL');
    await waitUntil(() => !isAlive(victim), 5_000, 'the node to die');

    const status = await s.runJson(['status']);
    expect(status.code).toBe(2);
    expect(status.json.nodes[1]).toMatchObject({ process: 'exited', exitCode: null });
    expect(status.json.nodes[1].lastLog.length).toBeGreaterThan(0);
    const lastLine = (await readFile(path.join(s.home, 'logs', 'node-1.log'), 'utf8')).trimEnd().split('\n').at(-1);
    expect(status.json.nodes[1].lastLog.at(-1)).toBe(lastLine);
    const text = await s.run(['status']);
    expect(text.stdout).toContain('Node 1 exited (exit code unknown');

    expect((await s.run(['node', '1', 'start'])).code).toBe(0);
    expect((await s.run(['status'])).code).toBe(0);
    expect((await s.run(['stop'])).code).toBe(0);
  });
});

describe('two homes', () => {
  it('run side by side on different ports without seeing or stopping each other', async () => {
    const [a, b] = [await sandbox(), await sandbox()];
    const [portA, portB] = [await freePortRange(2), await freePortRange(2)];
    expect((await a.run(['start', '2', '--port', String(portA)])).code).toBe(0);
    expect((await b.run(['start', '2', '--port', String(portB)])).code).toBe(0);
    const pidsB = (await b.state()).nodes.map((n: any) => n.pid as number);

    const statusA = await a.runJson(['status']);
    expect(statusA.json.nodes.map((n: any) => n.port)).toEqual([portA, portA + 1]);
    // --force finds only this home's engines, never the other home's.
    const stoppedA = await a.runJson(['stop', '--force']);
    expect(stoppedA.code).toBe(0);
    expect(stoppedA.json.untracked).toEqual([]);
    expect(pidsB.every(isAlive)).toBe(true);
    expect((await b.runJson(['status'])).json.cluster).toBe('running');
    expect((await a.run(['clean'])).code).toBe(0);
    expect(pidsB.every(isAlive)).toBe(true);
    expect((await b.run(['stop'])).code).toBe(0);
  });
});

describe('the cluster secret', () => {
  it('is generated per cluster, shared by every node, never printed, and the nodes form a cluster with it', async () => {
    const s = await sandbox();
    const port = await freePortRange(3);
    const started = await s.runJson(['start', '3', '--port', String(port)]);
    expect(started.code).toBe(0);
    const state = await s.state();
    const secret = state.nodes[0].env.NANOBPMN_CLUSTER_SECRET as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    for (const node of state.nodes) {
      expect(node.env.NANOBPMN_CLUSTER_SECRET).toBe(secret);
      expect(await environ(node.pid)).toContain(`NANOBPMN_CLUSTER_SECRET=${secret}\0`);
    }
    expect((await stat(path.join(s.home, 'cluster.json'))).mode & 0o777).toBe(0o600);

    // A working cluster: deploy through one node, start an instance through another.
    await deployOneTask(url(port));
    await createInstance(url(port + 2));
    for (const id of [0, 1, 2])
      expect(await readFile(path.join(s.home, 'logs', `node-${id}.log`), 'utf8')).not.toContain('UNAUTHENTICATED');

    // Never printed: not by start, status, config, logs, in text or JSON.
    await writeFile(path.join(s.home, 'logs', 'node-0.log'), `a line that quotes ${secret}\n`, { flag: 'a' });
    const outputs = [
      started,
      await s.run(['status']),
      await s.run(['status', '--json']),
      await s.run(['config']),
      await s.run(['config', '--json']),
      await s.run(['logs', '-n', '500']),
      await s.run(['logs', '0', '--json']),
    ];
    for (const o of outputs) expect(`${o.stdout}${o.stderr}`).not.toContain(secret);
    expect(outputs[5]!.stdout).toContain('a line that quotes ‹redacted›');

    const restarted = await s.runJson(['restart']);
    expect(restarted.code).toBe(0);
    expect((await s.state()).nodes[0].env.NANOBPMN_CLUSTER_SECRET).not.toBe(secret);
    expect((await s.run(['stop'])).code).toBe(0);
  });

  it('a node started without the secret, or with another one, is not accepted as a peer', async () => {
    const s = await sandbox();
    const port = await freePortRange(3);
    expect((await s.run(['start', '3', '--port', String(port)])).code).toBe(0);
    const state = await s.state();
    expect((await s.run(['node', '2', 'stop'])).code).toBe(0);

    for (const secret of [undefined, 'not-the-cluster-secret']) {
      // Node 2 again, by hand, with the recorded environment but the wrong credentials.
      const env: Record<string, string> = { ...s.env, ...state.nodes[2].env };
      if (secret === undefined) delete env.NANOBPMN_CLUSTER_SECRET;
      else env.NANOBPMN_CLUSTER_SECRET = secret;
      const rogue = runProcess(state.binary.path, [], { env, cwd: state.nodes[2].dataDir, stdio: 'ignore' });
      tests.defer(() => {
        rogue.kill('SIGKILL');
      });
      await waitUntil(
        async () =>
          await fetch(`${url(port + 2)}/v2/topology`)
            .then((r) => r.ok)
            .catch(() => false),
        10_000,
        'the rogue node to answer',
      );

      // Its deployment must reach its peers to succeed; they refuse it, so no peer learns the process.
      const deployed = await fetch(`${url(port + 2)}/v2/deployments`, {
        method: 'POST',
        body: await bpmnForm(),
        signal: AbortSignal.timeout(10_000),
      });
      expect(deployed.ok).toBe(false);
      const created = await fetch(`${url(port)}/v2/process-instances`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ processDefinitionId: 'e2e-one-task' }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(created.status).toBe(400);
      rogue.kill('SIGKILL');
      await rogue;
    }
    expect((await s.run(['stop'])).code).toBe(0);
  });

  it('a secret the user exported is used as is', async () => {
    const s = await sandbox();
    const port = await freePortRange(1);
    const mine = 'my-own-cluster-secret-0123456789';
    expect((await s.run(['start', '--port', String(port)], { NANOBPMN_CLUSTER_SECRET: mine })).code).toBe(0);
    const state = await s.state();
    expect(await environ(state.nodes[0].pid)).toContain(`NANOBPMN_CLUSTER_SECRET=${mine}\0`);
    expect((await s.run(['status', '--json'])).stdout).not.toContain(mine);
    expect((await s.run(['stop'])).code).toBe(0);
  });
});

describe('private files', () => {
  it('directories we create are 0700; state, config, logs and markers are 0600', async () => {
    const s = await sandbox();
    const port = await freePortRange(1);
    expect((await s.run(['set', 'model-dir', path.join(s.home, 'my ws')])).code).toBe(0);
    expect((await s.run(['start', '--port', String(port)])).code).toBe(0);
    const mode = async (rel: string): Promise<number> => (await stat(path.join(s.home, rel))).mode & 0o777;
    for (const dir of ['data', 'data/node-0', 'logs', 'my ws/models', 'my ws/workers'])
      expect(await mode(dir), dir).toBe(0o700);
    for (const file of [
      'cluster.json',
      'config.json',
      'last-cluster.json',
      'engine-version-cache.json',
      'logs/node-0.log',
      'data/.shape.json',
    ])
      expect(await mode(file), file).toBe(0o600);
    expect((await s.run(['stop'])).code).toBe(0);
  });
});

async function bpmnForm(): Promise<FormData> {
  const form = new FormData();
  form.append(
    'resources',
    new Blob([await readFile(path.resolve('test/fixtures/one-task.bpmn'))], { type: 'application/xml' }),
    'one-task.bpmn',
  );
  return form;
}
