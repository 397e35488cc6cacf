// doctor, status --watch and bundle with the real engine.
import { execFileSync } from 'node:child_process';
import { lstat, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { oldEngineBinary } from '../support/engines.js';
import { freePortRange } from '../support/ports.js';
import { waitUntil } from '../support/processes.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const tests = perTestSandboxes();
let sandbox: Sandbox;

async function lastClusterOn(s: Sandbox, port: number): Promise<void> {
  // Make doctor check these ports: they are where this home's cluster would start.
  await writeFile(
    path.join(s.home, 'last-cluster.json'),
    JSON.stringify({
      settings: { nodes: 1, basePort: port, partitions: 1, rf: 1, raft: false, capture: false },
      binary: { path: '/x', source: 'platform-package' },
    }),
  );
}

describe('doctor', () => {
  it('on a healthy setup: every check passes, exit 0, as text and JSON', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    await lastClusterOn(sandbox, port);
    const text = await sandbox.run(['doctor']);
    expect(text.code, text.stdout).toBe(0);
    expect(text.stdout).toContain('✓ engine binary');
    expect(text.stdout).toContain('✓ the engine runs here: version 0.0.22');
    expect(text.stdout).toContain(`✓ port ${port} is free`);
    expect(text.stdout).toContain('All checks passed.');
    expect(text.stdout).not.toMatch(/^[⚠✗]/m);
    const json = await sandbox.runJson(['doctor']);
    expect(json.json.ok).toBe(true);
    expect(json.json.checks.map((c: any) => c.id)).toEqual(
      expect.arrayContaining(['host', 'binary', 'runs', 'bundled', 'home', 'state', 'leftovers', 'ports']),
    );
  });

  it('names who holds a port, and what to do', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    await lastClusterOn(sandbox, port);
    const blocker = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', () => resolve()));
    tests.defer(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const result = await sandbox.run(['doctor']);
    expect(result.stdout).toContain(`⚠ port ${port} is held by another program`);
    expect(result.stdout).toMatch(/fix: Start on other ports, e\.g\. "c8ctl-nano start 1 --port \d+"/);
  });

  it('fails, with the fix, when NANOBPMN_BINARY points at nothing', async () => {
    sandbox = await tests.create();
    const result = await sandbox.run(['doctor'], { NANOBPMN_BINARY: '/no/such/engine' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ NANOBPMN_BINARY=/no/such/engine cannot be used: no such file');
    expect(result.stdout).toMatch(/check\(s\) failed/);
  });

  it('fails naming both glibc versions for the engine that needs GLIBC 2.39', async () => {
    sandbox = await tests.create();
    const result = await sandbox.run(['doctor'], { NANOBPMN_BINARY: oldEngineBinary() });
    expect(result.code).toBe(1);
    const hostGlibc = (process.report.getReport() as any).header.glibcVersionRuntime as string;
    expect(result.stdout).toContain(
      `✗ The engine binary cannot run on this host: it needs GLIBC 2.39, but this system has glibc ${hostGlibc}`,
    );
  });
});

describe('status --watch', () => {
  it('without a terminal prints one frame per interval, showing a node go frozen and come back', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(2);
    expect((await sandbox.run(['start', '2', '--port', String(port)])).code).toBe(0);
    const watch = sandbox.spawn(['status', '--watch', '--interval', '0.2']);
    let output = '';
    watch.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const s = sandbox;
    await waitUntil(() => /running — 2 of 2 node\(s\) healthy/.test(output), 10_000, 'a healthy frame');

    expect((await s.run(['pause', '1'])).code).toBe(0);
    await waitUntil(
      () => /1\s+\d+\s+\d+\s+frozen\s+-\s+← was running\/answers/.test(output),
      10_000,
      'a frame marking node 1 frozen',
    );
    expect(output).toMatch(/degraded — 1 of 2 node\(s\) healthy\s+← was running/);

    expect((await s.run(['resume', '1'])).code).toBe(0);
    await waitUntil(
      () => /1\s+\d+\s+\d+\s+running\s+answers\s+← was frozen\/-/.test(output),
      10_000,
      'a frame marking node 1 running again',
    );

    watch.kill('SIGINT');
    const ended = await watch;
    expect(ended.exitCode).toBe(0);
    expect(output.split('Ctrl-C to stop').length - 1).toBeGreaterThanOrEqual(3);
    expect((await s.run(['stop'])).code).toBe(0);
  });

  it('refuses --json and a lone --interval, each in one line', async () => {
    sandbox = await tests.create();
    expect((await sandbox.run(['status', '--watch', '--json'])).stderr).toContain(
      '--watch cannot be combined with --json',
    );
    expect((await sandbox.run(['status', '--interval', '2'])).stderr).toContain('--interval goes with --watch');
  });
});

describe('bundle', () => {
  it('of a running 3-node cluster holds the expected files, and no secret appears in any of them', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(3);
    expect((await sandbox.run(['start', '3', '--port', String(port)])).code).toBe(0);
    const state = JSON.parse(await readFile(path.join(sandbox.home, 'cluster.json'), 'utf8'));
    const secret = state.nodes[0].env.NANOBPMN_CLUSTER_SECRET as string;
    // A secret quoted in a log must come out redacted too.
    const { appendFile } = await import('node:fs/promises');
    await appendFile(path.join(sandbox.home, 'logs', 'node-1.log'), `someone logged ${secret}\n`);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'nano bundle é-'));
    tests.defer(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'report.tar.gz');
    const result = await sandbox.runJson(['bundle', '--out', file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ ok: true, file });

    const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((e) => e.replace(/\/$/, ''));
    for (const expected of [
      'state/cluster.json',
      'state/last-cluster.json',
      'logs/node-0.log',
      'logs/node-1.log',
      'logs/node-2.log',
      'live/node-0/topology.json',
      'live/node-1/console-topology.json',
      'live/node-2/cluster-health.json',
      'doctor.json',
      'doctor.txt',
      'versions.json',
      'README.txt',
    ]) {
      expect(listing).toContain(expected);
    }
    const unpacked = path.join(dir, 'unpacked');
    execFileSync('mkdir', ['-p', unpacked]);
    execFileSync('tar', ['-xzf', file, '-C', unpacked]);
    const all = async (d: string): Promise<string[]> =>
      (
        await Promise.all(
          (
            await readdir(d, { withFileTypes: true })
          ).map(async (e) => (e.isDirectory() ? all(path.join(d, e.name)) : [path.join(d, e.name)])),
        )
      ).flat();
    for (const f of await all(unpacked)) expect(await readFile(f, 'utf8'), f).not.toContain(secret);
    expect(await readFile(path.join(unpacked, 'logs', 'node-1.log'), 'utf8')).toContain('someone logged ‹redacted›');
    expect(JSON.parse(await readFile(path.join(unpacked, 'versions.json'), 'utf8'))).toMatchObject({
      engine: '0.0.22',
      node: process.version,
    });
    expect((await sandbox.run(['stop'])).code).toBe(0);
  });

  it('works with no cluster running: logs and config only', async () => {
    sandbox = await tests.create();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nano bundle empty-'));
    tests.defer(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'empty.tar.gz');
    const result = await sandbox.run(['bundle', '--out', file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Wrote ${file}`);
    const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' });
    expect(listing).toContain('doctor.json');
    expect(listing).not.toContain('live/');
    expect((await sandbox.run(['bundle', '--out', path.join(dir, 'no-such-dir', 'x.tar.gz')])).code).toBe(1);
  });

  it('never shows or archives the credentials of a download URL: set, config, the bundle', async () => {
    sandbox = await tests.create();
    const url = 'https://me:hunter2@downloads.example.com/processos/manifest.json?token=s3cr3t-t0ken&channel=stable';
    const set = await sandbox.runProcessos(['set', 'download-url', url]);
    expect(set.code, set.stderr).toBe(0);
    const config = await sandbox.runProcessos(['config']);
    const configJson = await sandbox.runProcessos(['config', '--json']);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nano bundle url-'));
    tests.defer(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'report.tar.gz');
    expect((await sandbox.run(['bundle', '--out', file])).code).toBe(0);
    const unpacked = path.join(dir, 'unpacked');
    execFileSync('mkdir', ['-p', unpacked]);
    execFileSync('tar', ['-xzf', file, '-C', unpacked]);
    const archived = await readFile(path.join(unpacked, 'state', 'config.json'), 'utf8');
    for (const [what, text] of Object.entries({
      set: set.stdout + set.stderr,
      config: config.stdout,
      configJson: configJson.stdout,
      archived,
    })) {
      expect(text, what).not.toContain('hunter2');
      expect(text, what).not.toContain('s3cr3t-t0ken');
      expect(text, what).toContain(
        'https://‹redacted›@downloads.example.com/processos/manifest.json?token=‹redacted›&channel=stable',
      );
    }
    // The setting itself keeps the real URL: the download needs it.
    expect(await readFile(path.join(sandbox.home, 'config.json'), 'utf8')).toContain('hunter2');
  });

  it('--force over a symlink replaces the link itself, never writing through it into the file it names', async () => {
    sandbox = await tests.create();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nano bundle link-'));
    tests.defer(() => rm(dir, { recursive: true, force: true }));
    const theirs = path.join(dir, 'someone-elses.txt');
    await writeFile(theirs, 'precious\n', { mode: 0o644 });
    const link = path.join(dir, 'report.tar.gz');
    await symlink(theirs, link);
    const result = await sandbox.run(['bundle', '--out', link, '--force']);
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(theirs, 'utf8')).toBe('precious\n');
    expect((await stat(theirs)).mode & 0o777).toBe(0o644);
    const written = await lstat(link);
    expect(written.isSymbolicLink()).toBe(false);
    expect(execFileSync('tar', ['-tzf', link], { encoding: 'utf8' })).toContain('doctor.json');
    expect((await readdir(dir)).sort()).toEqual(['report.tar.gz', 'someone-elses.txt']);
  });
});
