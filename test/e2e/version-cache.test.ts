// start asks the engine binary for its version once, then remembers the answer in the home until the
// binary changes; a failed answer is never remembered. A fake engine counts its `--version` runs.
import { copyFile, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const FAKE_ENGINE = path.resolve('test/fixtures/fake-engine.mjs');
const tests = perTestSandboxes();

/** A private copy of the fake engine (so touching it disturbs no other test) and its --version log. */
async function privateEngine(): Promise<{ binary: string; versionLog: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nano version-cache é-'));
  tests.defer(() => rm(dir, { recursive: true, force: true }));
  const binary = path.join(dir, 'engine.mjs');
  await copyFile(FAKE_ENGINE, binary);
  return { binary, versionLog: path.join(dir, 'version-runs.log') };
}

async function versionRuns(log: string): Promise<number> {
  try {
    return (await readFile(log, 'utf8')).split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

async function startAndStop(s: Sandbox, binary: string, env: Record<string, string>): Promise<string> {
  const port = await freePortRange(1);
  const started = await s.runJson(['start', '--port', String(port), '--binary', binary], env);
  expect(started.code, started.stderr).toBe(0);
  expect((await s.run(['stop'])).code).toBe(0);
  return started.stderr;
}

describe('the engine version check is remembered per binary', () => {
  it('a second start does not run --version; a touched or rewritten binary is asked again', async () => {
    const s = await tests.create();
    const { binary, versionLog } = await privateEngine();
    const env = { FAKE_ENGINE_VERSION_LOG: versionLog };

    await startAndStop(s, binary, env);
    expect(await versionRuns(versionLog)).toBe(1);
    expect((await stat(path.join(s.home, 'engine-version-cache.json'))).mode & 0o777).toBe(0o600);
    expect((await s.state()) ?? null).toBeNull();

    await startAndStop(s, binary, env);
    expect(await versionRuns(versionLog), 'unchanged binary: answered from the cache').toBe(1);

    const later = new Date(Date.now() + 60_000);
    await utimes(binary, later, later);
    await startAndStop(s, binary, env);
    expect(await versionRuns(versionLog), 'touched binary: asked again').toBe(2);

    await writeFile(binary, await readFile(FAKE_ENGINE));
    await startAndStop(s, binary, env);
    expect(await versionRuns(versionLog), 'rewritten binary: asked again').toBe(3);

    await startAndStop(s, binary, env);
    expect(await versionRuns(versionLog)).toBe(3);
  });

  it('a failing --version is never remembered', async () => {
    const s = await tests.create();
    const { binary, versionLog } = await privateEngine();
    const env = { FAKE_ENGINE_VERSION_LOG: versionLog, FAKE_ENGINE_VERSION_FAIL: '1' };

    expect(await startAndStop(s, binary, env)).toContain('--version failed (exit code 3)');
    expect(await startAndStop(s, binary, env)).toContain('--version failed (exit code 3)');
    expect(await versionRuns(versionLog)).toBe(2);
  });
});
