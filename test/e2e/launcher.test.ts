// NANOBPMN_LAUNCHER and friends (issue 14, item 3): what the real engine does with them — its
// console's update advice (GET /console/api/server/update) — and that a user's values win.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { perTestSandboxes } from '../support/sandbox.js';
import { engineBinary } from '../support/engines.js';

const tests = perTestSandboxes();

const environ = async (pid: number): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await readFile(`/proc/${pid}/environ`, 'utf8'))
      .split('\0')
      .filter(Boolean)
      .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );

async function updateAdvice(port: number): Promise<any> {
  return (
    await fetch(`http://127.0.0.1:${port}/console/api/server/update`, { signal: AbortSignal.timeout(3_000) })
  ).json();
}

describe('the engine is told who launched it', () => {
  it('from the platform package: the engine advises "c8ctl nano update"', async () => {
    const s = await tests.create();
    const port = await freePortRange(1);
    expect((await s.run(['start', '--port', String(port)])).code).toBe(0);
    const env = await environ((await s.state()).nodes[0].pid);
    const version = JSON.parse(await readFile('package.json', 'utf8')).version;
    expect(env).toMatchObject({
      NANOBPMN_LAUNCHER: 'c8ctl-plugin-nano',
      NANOBPMN_LAUNCHER_VERSION: version,
      NANOBPMN_BINARY_SOURCE: 'managed-npm',
      NANOBPMN_UPDATE_CHANNEL: 'npm',
      NANOBPMN_UPDATE_PKG: 'c8ctl-plugin-nano',
    });
    // This test runs under Node 20, too old for the engine's JS workers.
    if (Number(process.versions.node.split('.')[0]) < 22) expect(env.NANOBPMN_NODE_BIN).toBeUndefined();
    expect(await updateAdvice(port)).toMatchObject({
      launcher: 'c8ctl-plugin-nano',
      installMethod: 'managed-npm',
      channel: 'npm',
      canSelfUpdate: true,
      current: version,
    });
    expect((await s.run(['stop'])).code).toBe(0);
  });

  it("from --binary: the advice is to update that binary; a user's own NANOBPMN_LAUNCHER wins", async () => {
    const s = await tests.create();
    const port = await freePortRange(1);
    expect(
      (await s.run(['start', '--binary', engineBinary(), '--port', String(port)], { NANOBPMN_LAUNCHER: 'my-ci' })).code,
    ).toBe(0);
    const advice = await updateAdvice(port);
    expect(advice).toMatchObject({ launcher: 'my-ci', installMethod: 'flag', canSelfUpdate: false });
    expect(advice.updateHint).toContain('--binary');
    expect((await s.run(['stop'])).code).toBe(0);
  });
});
