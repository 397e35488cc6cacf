// `status --watch` (issue 25): frames on the injected clocks, a frame while no cluster is tracked, a
// change marked against the previous frame, the end on interrupt; and its refusal in JSON mode.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statusCommand } from '../../../src/commands/status.js';
import { renderFrame } from '../../../src/commands/status-render.js';
import { frameStamp, watchStatus } from '../../../src/commands/status-watch.js';
import { UserError } from '../../../src/errors.js';
import type { CommandContext } from '../../../src/kit/context.js';
import type { ProcessFacts } from '../../../src/os/process-info.js';
import { fakeContext } from '../../support/fake-context.js';
import { clusterState, makeHome, nodeProcess, processTable, removeHome, trackCluster } from './cluster-home.js';

let home: string;
beforeEach(async () => {
  home = await makeHome('watch');
});
afterEach(async () => {
  await removeHome(home);
});

const leaders = {
  kind: 'answers',
  status: 200,
  body: { partitions: [{ partition_id: 1, leader: 0, raft_term: 1, recovering: false, replicas: [0], owner: 0 }] },
} as const;

it('the stamp is the UTC time of day', () => {
  expect(frameStamp(Date.UTC(2026, 11, 3, 9, 5, 7, 900))).toBe('09:05:07');
});

describe('status --watch', () => {
  it('draws a frame per interval until interrupted, marking what changed', async () => {
    const processes = new Map<number, ProcessFacts>([nodeProcess(0)]);
    const interrupt = new AbortController();
    const frames: string[][] = [];
    const slept: number[] = [];
    const onSleep = [
      () => trackCluster(home, clusterState(home, 1)), // the cluster starts after the first frame
      async () => {
        processes.set(4000, { state: 'stopped', startTime: 'start-0' }); // then its node is paused
      },
      async () => interrupt.abort(),
    ];
    const fake = fakeContext(home, {
      interrupt: interrupt.signal,
      effects: {
        readProcess: processTable(processes),
        probe: { getJson: async () => leaders, close: async () => undefined },
        sleep: async (ms) => {
          slept.push(ms);
          await onSleep[slept.length - 1]!();
        },
      },
    });
    // JSON mode: no stdout pipe watched (untilStopped), and frames recorded here.
    const ctx: CommandContext = {
      ...fake.ctx,
      out: { ...fake.ctx.out, mode: 'json', frame: (lines) => frames.push([...lines]) },
    };
    const clock = [Date.UTC(2026, 0, 1, 10, 0, 0), Date.UTC(2026, 0, 1, 10, 0, 2), Date.UTC(2026, 0, 1, 10, 0, 4)];
    expect(await watchStatus(ctx, 2000, renderFrame, () => clock.shift()!)).toBe(0);
    expect(slept).toEqual([2000, 2000, 2000]);
    expect(frames).toHaveLength(3);
    expect(frames[0]).toEqual([`10:00:00  No cluster is tracked in ${home}. Waiting for one… (Ctrl-C to stop)`]);
    expect(frames[1]![0]).toBe('10:00:02  every 2 s · Ctrl-C to stop');
    expect(frames[1]!.join('\n')).not.toContain('← was');
    expect(frames[2]![1]).toBe('Nano cluster (managed): degraded — 0 of 1 node(s) healthy  ← was running');
    expect(frames[2]!.join('\n')).toContain('  0     8080  4000  frozen   -  ← was running/answers');
  });

  it('is refused with --json: a watch never ends as one document', async () => {
    const fake = fakeContext(home);
    const ctx: CommandContext = { ...fake.ctx, out: { ...fake.ctx.out, mode: 'json' } };
    const error = await statusCommand(ctx, { positionals: [], flags: { watch: true } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain('--watch cannot be combined with --json');
  });
});
