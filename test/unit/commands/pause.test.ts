// pause/resume through the verb with a fake context (issue 25): the refusals (no cluster, unknown
// node id, a node gone), nothing to do when the node already is as asked, and a pause that signals,
// waits for the OS to report the node frozen, and says what it led. Nothing real is signalled.
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pauseCommand, resumeCommand } from '../../../src/commands/pause.js';
import { UserError } from '../../../src/errors.js';
import type { Effects } from '../../../src/kit/context.js';
import type { ProcessFacts } from '../../../src/os/process-info.js';
import type { PauseResult } from '../../../src/results/faults.js';
import { layoutFor } from '../../../src/state/layout.js';
import { fakeContext } from '../../support/fake-context.js';
import { clusterState, makeHome, nodeProcess, processTable, removeHome, trackCluster } from './cluster-home.js';

let home: string;
beforeEach(async () => {
  home = await makeHome('pause');
});
afterEach(async () => {
  await removeHome(home);
});

/** A fake OS: the process table, and signals that act on it (SIGSTOP freezes, SIGCONT thaws). */
function osOf(processes: Map<number, ProcessFacts>, signalled: string[]): Partial<Effects> {
  return {
    readProcess: processTable(processes),
    signals: {
      signal: (pid: number, signal: string) => {
        signalled.push(`${pid}:${signal}`);
        const facts = processes.get(pid);
        if (facts) processes.set(pid, { ...facts, state: signal === 'SIGSTOP' ? 'stopped' : 'running' });
      },
    } as unknown as Effects['signals'],
    now: () => 0,
    sleep: async () => undefined,
  };
}

async function refusal(run: Promise<number>): Promise<UserError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('pause and resume refusals', () => {
  it('no cluster tracked: refused, pointing at start', async () => {
    const { ctx } = fakeContext(home);
    const error = await refusal(pauseCommand(ctx, { positionals: ['0'], flags: {} }));
    expect(error.code).toBe('no-cluster');
  });

  it('an unknown node id: refused listing the ids, nothing signalled, no lock left', async () => {
    await trackCluster(home, clusterState(home, 3));
    const signalled: string[] = [];
    const { ctx } = fakeContext(home, { effects: osOf(new Map([nodeProcess(0)]), signalled) });
    const error = await refusal(pauseCommand(ctx, { positionals: ['7'], flags: {} }));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe('Node "7" does not exist; valid ids: 0, 1, 2 (0-based, as status shows).');
    expect(signalled).toEqual([]);
    expect(existsSync(layoutFor(home).lockFile)).toBe(false);
  });

  it.each([
    ['pause', pauseCommand],
    ['resume', resumeCommand],
  ] as const)('%s of a node whose process has exited: refused, pointing at node start', async (name, command) => {
    await trackCluster(home, clusterState(home, 2));
    const signalled: string[] = [];
    const { ctx } = fakeContext(home, { effects: osOf(new Map([nodeProcess(0)]), signalled) });
    const error = await refusal(command(ctx, { positionals: ['1'], flags: {} }));
    expect(error.code).toBe('node-not-running');
    expect(error.message).toContain(`so there is nothing to ${name}. Bring it back with "c8ctl nano node 1 start"`);
    expect(signalled).toEqual([]);
    expect(existsSync(layoutFor(home).lockFile)).toBe(false);
  });
});

describe('pause and resume', () => {
  it.each([
    ['pause', pauseCommand, 'stopped', 'frozen'],
    ['resume', resumeCommand, 'running', 'running'],
  ] as const)('%s of a node already so: nothing signalled, changed false', async (_name, command, os, word) => {
    await trackCluster(home, clusterState(home, 2));
    const signalled: string[] = [];
    const { ctx, printed, results } = fakeContext(home, {
      effects: osOf(new Map([nodeProcess(0), nodeProcess(1, os)]), signalled),
    });
    expect(await command(ctx, { positionals: ['1'], flags: {} })).toBe(0);
    expect(signalled).toEqual([]);
    expect(printed).toEqual([`info: Node 1 (pid 4001) is already ${word}; nothing to do.`]);
    expect(results).toEqual([
      { schemaVersion: 1, ok: true, node: 1, pid: 4001, process: word, changed: false } satisfies PauseResult,
    ]);
  });

  it('pause freezes the node, waits for the OS to say so, and names the partitions it led', async () => {
    await trackCluster(home, clusterState(home, 3));
    const signalled: string[] = [];
    const effects: Partial<Effects> = {
      ...osOf(new Map([nodeProcess(0), nodeProcess(1), nodeProcess(2)]), signalled),
      probe: {
        getJson: async (url) => ({
          kind: 'answers',
          status: 200,
          body: {
            partitions: [1, 2, 3].map((id) => ({ partition_id: id, leader: url.includes(':8081') ? 1 : 0 })),
          },
        }),
        close: async () => undefined,
      },
    };
    const { ctx, printed, results } = fakeContext(home, { effects });
    expect(await pauseCommand(ctx, { positionals: ['1'], flags: {} })).toBe(0);
    expect(signalled).toEqual(['4001:SIGSTOP']);
    expect(printed[0]).toBe(
      'success: Node 1 (pid 4001) is frozen (SIGSTOP): it keeps its PID and data but answers nothing. Resume it with "c8ctl nano resume 1".',
    );
    expect(results).toEqual([
      {
        schemaVersion: 1,
        ok: true,
        node: 1,
        pid: 4001,
        process: 'frozen',
        changed: true,
        ledPartitions: [1, 2, 3],
        replaced: false,
      } satisfies PauseResult,
    ]);
    expect(existsSync(layoutFor(home).lockFile)).toBe(false);
  });

  it('resume thaws a frozen node', async () => {
    await trackCluster(home, clusterState(home, 2));
    const signalled: string[] = [];
    const { ctx, results } = fakeContext(home, {
      effects: osOf(new Map([nodeProcess(0), nodeProcess(1, 'stopped')]), signalled),
    });
    expect(await resumeCommand(ctx, { positionals: ['1'], flags: {} })).toBe(0);
    expect(signalled).toEqual(['4001:SIGCONT']);
    expect(results).toEqual([{ schemaVersion: 1, ok: true, node: 1, pid: 4001, process: 'running', changed: true }]);
  });

  it('a node the signal does not reach in time: refused as signal-failed', async () => {
    await trackCluster(home, clusterState(home, 2));
    let clock = 0;
    const { ctx } = fakeContext(home, {
      effects: {
        ...osOf(new Map([nodeProcess(0), nodeProcess(1, 'stopped')]), []),
        signals: { signal: () => undefined } as unknown as Effects['signals'],
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      },
    });
    const error = await refusal(resumeCommand(ctx, { positionals: ['1'], flags: {} }));
    expect(error.code).toBe('signal-failed');
    expect(error.message).toBe('Node 1 (pid 4001) did not become running (it is frozen).');
  });
});
