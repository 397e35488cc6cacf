// clean's refusals (a tracked node alive, an untracked engine of the home, --workspace with nobody to
// confirm), each deleting nothing; and what it deletes when it may, with its --json document.
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanCommand } from '../../../src/commands/clean.js';
import { UserError } from '../../../src/errors.js';
import type { Effects } from '../../../src/kit/context.js';
import type { FoundEngine } from '../../../src/os/find-engines.js';
import type { ProcessFacts } from '../../../src/os/process-info.js';
import { writeClusterState, type ClusterState } from '../../../src/state/cluster-state.js';
import { fakeContext } from '../../support/fake-context.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-clean-'));
  await chmod(home, 0o700);
  await mkdir(path.join(home, 'data', 'node-0'), { recursive: true });
  await writeFile(path.join(home, 'data', 'node-0', 'journal.jsonl'), 'x');
  await mkdir(path.join(home, 'logs'));
  await writeFile(path.join(home, 'logs', 'node-0.log'), 'x');
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function tracked(pids: readonly number[]): ClusterState {
  return {
    schema: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    settings: {
      nodes: pids.length,
      basePort: 8080,
      partitions: 1,
      rf: 1,
      raft: false,
      capture: false,
      replication: 'leader-durable',
      storage: 'disk',
      historyMax: null,
      console: 'off',
    },
    binary: { path: '/bin/engine', source: 'flag', version: '0.0.22' },
    workspaceDir: path.join(home, 'workspace'),
    nodes: pids.map((pid, id) => ({
      id,
      port: 8080 + id,
      url: `http://127.0.0.1:${8080 + id}`,
      pid,
      startTime: `start-${pid}`,
      log: path.join(home, 'logs', `node-${id}.log`),
      dataDir: path.join(home, 'data', `node-${id}`),
      env: {},
    })),
  };
}

/** Processes by pid, as the OS would report them; any other pid has exited. */
function processes(alive: Record<number, ProcessFacts>, engines: FoundEngine[] = []): Partial<Effects> {
  return {
    readProcess: async (pid) => alive[pid] ?? null,
    findEngines: async () => engines,
  };
}

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

const untouched = async (): Promise<void> => {
  expect(await readdir(path.join(home, 'data', 'node-0'))).toEqual(['journal.jsonl']);
  expect(await readdir(path.join(home, 'logs'))).toEqual(['node-0.log']);
};

describe('clean refuses', () => {
  it('while a tracked node is alive (running or frozen), naming the nodes; nothing is deleted', async () => {
    await writeClusterState(path.join(home, 'cluster.json'), tracked([101, 102, 103]));
    const effects = processes({
      101: { state: 'running', startTime: 'start-101' },
      // Its pid reused by another process: not ours, not counted.
      102: { state: 'running', startTime: 'someone-else' },
      103: { state: 'stopped', startTime: 'start-103' },
    });
    const { ctx, results } = fakeContext(home, { effects });
    const error = await rejection(cleanCommand(ctx, { positionals: [], flags: {} }));
    expect(error.code).toBe('cluster-running');
    expect(error.message).toBe(
      'clean refuses while the cluster runs (node(s) 0, 2 alive). Stop it first with "c8ctl nano stop".',
    );
    expect(results).toEqual([]);
    await untouched();
    expect(await readdir(home)).toContain('cluster.json');
  });

  it('while an engine of this home runs untracked', async () => {
    const stray: FoundEngine = { pid: 555, startTime: 's', frozen: false, port: 8080, nodeId: 0 };
    const { ctx } = fakeContext(home, { effects: processes({}, [stray]) });
    const error = await rejection(cleanCommand(ctx, { positionals: [], flags: {} }));
    expect(error.code).toBe('untracked-engines');
    expect(error.message).toContain('pid 555 (node 0, port 8080)');
    await untouched();
  });

  it('--workspace without --yes when nobody can answer', async () => {
    const { ctx } = fakeContext(home, { effects: processes({}) });
    const error = await rejection(cleanCommand(ctx, { positionals: [], flags: { workspace: true } }));
    expect(error.code).toBe('confirmation-required');
    expect(error.message).toContain(`models/ and workers/ in ${path.join(home, 'workspace')}`);
    await untouched();
  });
});

describe('clean', () => {
  it('--workspace answered no on a terminal: nothing deleted, and the document says so', async () => {
    const asked: string[] = [];
    const { ctx, printed, results } = fakeContext(home, {
      interactive: true,
      effects: {
        ...processes({}),
        confirm: async (question) => {
          asked.push(question);
          return false;
        },
      },
    });
    expect(await cleanCommand(ctx, { positionals: [], flags: { workspace: true } })).toBe(0);
    expect(asked).toEqual([
      `Delete every model and worker in models/ and workers/ in ${path.join(home, 'workspace')}?`,
    ]);
    expect(printed).toEqual(['info: Nothing deleted.']);
    expect(results).toEqual([{ schemaVersion: 1, ok: true, deleted: [] }]);
    await untouched();
  });

  it('over a cluster whose nodes have all exited: deletes data and logs, forgets the state, keeps the workspace', async () => {
    await writeClusterState(path.join(home, 'cluster.json'), tracked([101]));
    const { ctx, results } = fakeContext(home, { effects: processes({}) });
    expect(await cleanCommand(ctx, { positionals: [], flags: {} })).toBe(0);
    expect(results).toEqual([
      {
        schemaVersion: 1,
        ok: true,
        deleted: [path.join(home, 'data'), path.join(home, 'logs')],
        workspace: path.join(home, 'workspace'),
        workspaceCleaned: false,
      },
    ]);
    expect(await readdir(home)).toEqual([]);
  });
});
