// "processos set download-url": the binary is fetched from a release manifest into the home, verified
// by SHA-256, re-fetched when the published version changes, and shown by status and config. The
// release host is a stand-in on 127.0.0.1 (test/support/release-server.ts) publishing the fake
// ProcessOS script (a #! script, which the header check accepts) as the "binary".
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { processesWithMarker } from '../support/processes.js';
import { startReleaseServer } from '../support/release-server.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const tests = perTestSandboxes();
const json = (text: string): any => JSON.parse(text);
const mode = (file: string): number => statSync(file).mode & 0o777;
const binDir = (s: Sandbox): string => path.join(s.home, 'processos-bin');
/** No nano engine, no repo build: the download is the only way to a binary. */
const isolated = (s: Sandbox): Record<string, string> => ({ NANOBPMN_REPO: path.join(s.home, 'no-repo') });

async function health(port: number): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
  return response.json();
}

describe('processos download-url', () => {
  it('fetches, verifies and runs the published build; re-fetches a new version; refuses a bad checksum; falls back offline', async () => {
    const sandbox = await tests.create();
    const env = isolated(sandbox);
    const host = await startReleaseServer();
    let hostUp = true;
    tests.defer(() => (hostUp ? host.close() : undefined));
    const port = await freePortRange(1);
    const start = (): Promise<any> => sandbox.runProcessos(['start', '--port', String(port), '--no-spawn-nano'], env);
    const stop = async (): Promise<void> => expect((await sandbox.runProcessos(['stop'], env)).code).toBe(0);

    host.publish('1.0.0');
    const set = await sandbox.runProcessos(['set', 'download-url', host.manifestUrl], env);
    expect(set.code, set.stderr).toBe(0);
    const before = json((await sandbox.runProcessos(['config', '--json'], env)).stdout);
    expect(before.download).toMatchObject({
      manifestUrl: host.manifestUrl,
      from: 'set download-url',
      installed: null,
      published: '1.0.0',
      fetchAtNextStart: true,
    });
    expect(host.downloads()).toBe(0); // config asks the manifest, downloads nothing

    const first = await start();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Binary: ProcessOS 1.0.0, downloaded now from ${host.manifestUrl}.`);
    const file = path.join(binDir(sandbox), '1.0.0', 'processos');
    expect(mode(binDir(sandbox))).toBe(0o700);
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o700);
    expect((await health(port)).status).toBe('UP');

    const status = await sandbox.runProcessos(['status', '--json'], env);
    expect(json(status.stdout).binary).toEqual({
      path: file,
      source: 'download',
      version: '1.0.0',
      downloadUrl: host.manifestUrl,
      fetched: true,
    });
    expect((await sandbox.runProcessos(['status'], env)).stdout).toContain(
      `binary ${file} (ProcessOS 1.0.0, downloaded from ${host.manifestUrl})`,
    );
    const config = await sandbox.runProcessos(['config'], env);
    expect(config.stdout).toContain(
      `Download      ProcessOS 1.0.0 from ${host.manifestUrl} (set download-url); 1.0.0 is published; up to date`,
    );
    expect(config.stdout).toContain(`Binary        ${file} (from download)`);
    await stop();

    // Unchanged: the installed copy is used, nothing is fetched.
    expect((await start()).code).toBe(0);
    expect(host.downloads()).toBe(1);
    await stop();

    // A new version is published: the next start fetches it and removes the old one.
    host.publish('1.1.0');
    expect(json((await sandbox.runProcessos(['config', '--json'], env)).stdout).download).toMatchObject({
      installed: { version: '1.0.0' },
      published: '1.1.0',
      fetchAtNextStart: true,
    });
    const second = await start();
    expect(second.code, second.stderr).toBe(0);
    expect(host.downloads()).toBe(2);
    expect(readdirSync(binDir(sandbox)).sort()).toEqual(['1.1.0', 'installed.json']);
    expect(json((await sandbox.runProcessos(['status', '--json'], env)).stdout).binary.version).toBe('1.1.0');
    await stop();

    // A release whose checksum does not match: refused in one line, nothing written, 1.1.0 kept.
    const recordBefore = await readFile(path.join(binDir(sandbox), 'installed.json'), 'utf8');
    host.publish('1.2.0', { sha256: '0'.repeat(64) });
    const bad = await start();
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain(
      `Refused the ProcessOS 1.2.0 download from ${host.manifestUrl.replace('manifest.json', 'bin/processos-1.2.0')}: expected sha256 ${'0'.repeat(64)}, got `,
    );
    expect(readdirSync(binDir(sandbox)).sort()).toEqual(['1.1.0', 'installed.json']);
    expect(readdirSync(path.join(binDir(sandbox), '1.1.0'))).toEqual(['processos']);
    expect(await readFile(path.join(binDir(sandbox), 'installed.json'), 'utf8')).toBe(recordBefore);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);

    // The release host is down: a warning, and the verified copy runs.
    await host.close();
    hostUp = false;
    const offline = await start();
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stderr).toContain(
      `Could not check ${host.manifestUrl} for a newer ProcessOS (the connection was refused (is the server down?)); using the installed 1.1.0.`,
    );
    expect(json((await sandbox.runProcessos(['status', '--json'], env)).stdout).binary).toMatchObject({
      version: '1.1.0',
      fetched: false,
    });
    await stop();

    // Another URL that cannot be reached: the copy that runs still came from the first one, and says so.
    const elsewhere = 'http://127.0.0.1:1/elsewhere/manifest.json';
    expect((await sandbox.runProcessos(['set', 'download-url', elsewhere], env)).code).toBe(0);
    const moved = await start();
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stderr).toContain(`Could not check ${elsewhere} for a newer ProcessOS`);
    expect(moved.stdout).toContain(`installed from ${host.manifestUrl}`);
    const shown = await sandbox.runProcessos(['status'], env);
    expect(shown.stdout).toContain(`downloaded from ${host.manifestUrl}`);
    expect(shown.stdout).not.toContain(elsewhere);
    expect(json((await sandbox.runProcessos(['status', '--json'], env)).stdout).binary).toMatchObject({
      version: '1.1.0',
      downloadUrl: host.manifestUrl,
    });
    await stop();
  });

  it('with the host down and no copy, start fails in one line naming the URL, the cause and the fix', async () => {
    const sandbox = await tests.create();
    const host = await startReleaseServer();
    const url = host.manifestUrl;
    await host.close(); // nothing listens there any more
    const failed = await sandbox.runProcessos(['start', '--no-spawn-nano'], {
      ...isolated(sandbox),
      PROCESSOS_DOWNLOAD_URL: url,
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toContain(
      `Cannot download ProcessOS from ${url} (PROCESSOS_DOWNLOAD_URL): the connection was refused`,
    );
    expect(failed.stderr).toContain('set bin <path>');
    expect(existsSync(binDir(sandbox))).toBe(false);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });

  it('a bad checksum on a first download into a home that does not exist yet leaves no home behind', async () => {
    const sandbox = await tests.create();
    const host = await startReleaseServer();
    tests.defer(() => host.close());
    host.publish('3.0.0', { sha256: 'f'.repeat(64) });
    const fresh = path.join(sandbox.home, 'fresh home');
    const failed = await sandbox.runProcessos(['start', '--no-spawn-nano'], {
      ...isolated(sandbox),
      C8CTL_NANO_HOME: fresh,
      PROCESSOS_DOWNLOAD_URL: host.manifestUrl,
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`expected sha256 ${'f'.repeat(64)}, got `);
    expect(existsSync(fresh)).toBe(false);
    // A body longer than the manifest's size: refused the same way.
    host.publish('3.0.0', { size: 10 });
    const long = await sandbox.runProcessos(['start', '--no-spawn-nano'], {
      ...isolated(sandbox),
      C8CTL_NANO_HOME: fresh,
      PROCESSOS_DOWNLOAD_URL: host.manifestUrl,
    });
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('expected 10 bytes, got more; nothing was installed.');
    expect(existsSync(fresh)).toBe(false);
    // The right checksum: the home is made (0700) and the download is installed.
    host.publish('3.0.0');
    const port = await freePortRange(1);
    const env = { ...isolated(sandbox), C8CTL_NANO_HOME: fresh, PROCESSOS_DOWNLOAD_URL: host.manifestUrl };
    const started = await sandbox.runProcessos(['start', '--no-spawn-nano', '--port', String(port)], env);
    expect(started.code, started.stderr).toBe(0);
    expect(mode(fresh)).toBe(0o700);
    expect(existsSync(path.join(fresh, 'processos-bin', '3.0.0', 'processos'))).toBe(true);
    expect((await sandbox.runProcessos(['stop'], env)).code).toBe(0);
  });

  it('set validates the URL and saves nothing on bad input; "" unsets; the setting beats the env; a binary path beats both', async () => {
    const sandbox = await tests.create();
    const config = path.join(sandbox.home, 'config.json');
    for (const bad of ['ftp://example.com/m.json', 'not a url']) {
      const result = await sandbox.runProcessos(['set', 'download-url', bad]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`set download-url "${bad}"`);
      expect(existsSync(config)).toBe(false);
    }
    const host = await startReleaseServer();
    tests.defer(() => host.close());
    host.publish('2.0.0');
    const viaRedirect = host.manifestUrl.replace('/releases/manifest.json', '/latest');
    const envUrl = { PROCESSOS_DOWNLOAD_URL: viaRedirect };

    // Only the env: it is used (and its redirect followed).
    let shown = json((await sandbox.runProcessos(['config', '--json'], envUrl)).stdout);
    expect(shown.download).toMatchObject({
      manifestUrl: viaRedirect,
      from: 'PROCESSOS_DOWNLOAD_URL',
      published: '2.0.0',
    });
    // The setting beats it.
    expect((await sandbox.runProcessos(['set', 'download-url', host.manifestUrl])).code).toBe(0);
    shown = json((await sandbox.runProcessos(['config', '--json'], envUrl)).stdout);
    expect(shown.download).toMatchObject({ manifestUrl: host.manifestUrl, from: 'set download-url' });
    // A binary path beats any download URL.
    const stand = path.resolve('test/fixtures/fake-processos.mjs');
    shown = json((await sandbox.runProcessos(['config', '--json'], { ...envUrl, PROCESSOS_BINARY: stand })).stdout);
    expect(shown.binary).toMatchObject({ path: stand, source: 'env' });
    expect(shown.download).toEqual({ manifestUrl: host.manifestUrl, from: 'set download-url', used: false });
    // "" unsets it.
    expect((await sandbox.runProcessos(['set', 'download-url', ''])).code).toBe(0);
    expect(json(await readFile(config, 'utf8')).processos).not.toHaveProperty('downloadUrl');
    expect(host.downloads()).toBe(0);
  });
});
