// `processos status` (issue 25): its exit code and --json document for no server tracked, and for a
// tracked one that answers, answers with an error, or is gone (then /health is not asked).
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../../src/os/http-probe.js';
import { processosStatus } from '../../../src/processos/commands.js';
import type { ProcessosState } from '../../../src/processos/state.js';
import { fakeContext } from '../../support/fake-context.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-processos-status-'));
  await chmod(home, 0o700);
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const tracked: ProcessosState = {
  schema: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  pid: 4242,
  startTime: 'start-1',
  port: 18090,
  url: 'http://127.0.0.1:18090',
  nanoUrl: 'http://localhost:8080',
  spawnNano: true,
  dataDir: '/nowhere/processos-data',
  log: '/nowhere/processos.log',
  binary: { path: '/nowhere/processos', source: 'config' },
};

/** A probe that answers `answer` and remembers what it was asked. */
function probeAnswering(answer: ProbeResult) {
  const asked: string[] = [];
  const probe = {
    getJson: async (url: string) => {
      asked.push(url);
      return answer;
    },
    close: async () => undefined,
  };
  return { asked, probe };
}

describe('processos status', () => {
  it('with nothing tracked and nothing answering on the configured port: stopped, exit 3', async () => {
    await writeFile(path.join(home, 'config.json'), JSON.stringify({ processos: { port: 18099 } }), { mode: 0o600 });
    const { asked, probe } = probeAnswering({ kind: 'refused' });
    const { ctx, results } = fakeContext(home, { effects: { probe } });
    expect(await processosStatus(ctx)).toBe(3);
    expect(asked).toEqual(['http://127.0.0.1:18099/health']);
    expect(results).toEqual([{ schemaVersion: 1, managed: false, running: false, port: 18099, exitCode: 3 }]);
  });

  it.each([
    [{ kind: 'answers', status: 200, body: {} }, 'answers', 'running', 0],
    [{ kind: 'answers', status: 503, body: {} }, 'error', 'degraded', 2],
    [{ kind: 'timeout' }, 'timeout', 'degraded', 2],
  ] as const)('of a running server whose /health gives %o: http %s, %s', async (answer, http, state, exitCode) => {
    await writeFile(path.join(home, 'processos.json'), JSON.stringify(tracked), { mode: 0o600 });
    const { asked, probe } = probeAnswering(answer);
    const { ctx, results } = fakeContext(home, {
      effects: { probe, readProcess: async () => ({ state: 'running', startTime: 'start-1' }) },
    });
    expect(await processosStatus(ctx)).toBe(exitCode);
    expect(asked).toEqual(['http://127.0.0.1:18090/health']);
    expect(results).toEqual([
      {
        schemaVersion: 1,
        managed: true,
        state,
        pid: 4242,
        process: 'running',
        http,
        url: tracked.url,
        nanoUrl: tracked.nanoUrl,
        spawnNano: true,
        binary: tracked.binary,
        exitCode,
      },
    ]);
  });

  it('of a server that is gone: stopped, exit 3, and /health is not asked', async () => {
    await writeFile(path.join(home, 'processos.json'), JSON.stringify(tracked), { mode: 0o600 });
    const { asked, probe } = probeAnswering({ kind: 'refused' });
    const { ctx, printed, results } = fakeContext(home, { effects: { probe, readProcess: async () => null } });
    expect(await processosStatus(ctx)).toBe(3);
    expect(asked).toEqual([]);
    expect(results).toMatchObject([{ managed: true, state: 'stopped', process: 'exited', http: 'not-probed' }]);
    expect(printed[0]).toBe('info: ProcessOS (managed): stopped — pid 4242, process exited, /health not asked');
  });
});
