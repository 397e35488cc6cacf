// `processos start` and `stop` around what is tracked (issue 25): start refuses to start a second server
// over a running one without --force; stop with nothing tracked, or with a server already gone, says
// so, clears the state, and prints its typed --json document.
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import type { ProcessFacts } from '../../../src/os/process-info.js';
import { processosStart, processosStop } from '../../../src/processos/commands.js';
import type { ProcessosState } from '../../../src/processos/state.js';
import { fakeContext } from '../../support/fake-context.js';

let home: string;
let stateFile: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-processos-'));
  await chmod(home, 0o700);
  stateFile = path.join(home, 'processos.json');
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const SERVER_PID = 4242;
const tracked: ProcessosState = {
  schema: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  pid: SERVER_PID,
  startTime: 'start-1',
  port: 18090,
  url: 'http://127.0.0.1:18090',
  nanoUrl: 'http://localhost:8080',
  spawnNano: false,
  dataDir: '/nowhere/processos-data',
  log: '/nowhere/processos.log',
  binary: { path: '/nowhere/processos', source: 'flag' },
};
const track = (): Promise<void> => writeFile(stateFile, JSON.stringify(tracked), { mode: 0o600 });
const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    () => false,
  );

/** A process table where only the tracked server runs, as recorded. */
const serverRuns = async (pid: number): Promise<ProcessFacts | null> =>
  pid === SERVER_PID ? { state: 'running', startTime: tracked.startTime } : null;

describe('processos start over a running server', () => {
  it('without --force is refused, naming the server and both ways on; nothing is spawned or changed', async () => {
    await track();
    const binary = path.join(home, 'processos');
    await writeFile(binary, '#!/bin/sh\nexit 0\n', { mode: 0o700 });
    // No engine binary anywhere, so the plan needs no pilot; no spawn, signal or port test is faked.
    const { ctx, results } = fakeContext(home, {
      env: { NANOBPMN_BINARY: path.join(home, 'no-engine-here') },
      effects: { readProcess: serverRuns },
    });
    const error = await processosStart(ctx, {
      positionals: [],
      flags: { binary, port: '18091', 'no-spawn-nano': true },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('already-running');
    expect((error as UserError).message).toBe(
      `ProcessOS is already running (pid ${SERVER_PID}, http://127.0.0.1:18090).`,
    );
    expect((error as UserError).details).toEqual([
      'Stop it with "c8ctl nano stop", or replace it with "c8ctl nano start --force".',
    ]);
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toEqual(tracked);
    expect(await exists(path.join(home, '.lock-processos'))).toBe(false);
    expect(results).toEqual([]);
  });
});

describe('processos stop', () => {
  it('with nothing tracked says so and takes no lock', async () => {
    const { ctx, printed, results } = fakeContext(home);
    expect(await processosStop(ctx, { positionals: [], flags: {} })).toBe(0);
    expect(printed).toEqual([`info: Nothing to stop: no ProcessOS is tracked in ${home}.`]);
    expect(results).toEqual([{ schemaVersion: 1, ok: true, stopped: false }]);
    expect(await exists(path.join(home, '.lock-processos'))).toBe(false);
  });

  it('of a server that is already gone: no signal, its state cleared, the outcome in the document', async () => {
    await track();
    let clock = 1_000;
    const { ctx, printed, results } = fakeContext(home, {
      effects: {
        readProcess: async () => null,
        findProcesses: async () => [],
        now: () => (clock += 7),
      },
    });
    expect(await processosStop(ctx, { positionals: [], flags: {} })).toBe(0);
    expect(printed).toEqual([`warn: ProcessOS (pid ${SERVER_PID}) was not running; its state is cleared.`]);
    expect(results).toEqual([
      {
        schemaVersion: 1,
        ok: true,
        stopped: true,
        pid: SERVER_PID,
        outcome: 'not-running',
        ms: 7,
        leftoversStopped: 0,
      },
    ]);
    expect(await exists(stateFile)).toBe(false);
    expect(await exists(path.join(home, '.lock-processos'))).toBe(false);
  });
});
