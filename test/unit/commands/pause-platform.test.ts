// pause/resume on a platform without SIGSTOP: a clear refusal, and nothing signalled or written.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandContext, Effects } from '../../../src/kit/context.js';
import { pauseCommand, resumeCommand } from '../../../src/commands/pause.js';
import { UserError } from '../../../src/errors.js';
import { fakeContext } from '../../support/fake-context.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-pause-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function context(platform: NodeJS.Platform, signalled: string[]): CommandContext {
  return fakeContext(home, {
    platform,
    effects: {
      readProcess: async () => ({ state: 'running', startTime: 's' }),
      signals: {
        signal: (pid: number, signal: string) => {
          signalled.push(`${pid}:${signal}`);
        },
        signalTree: async () => undefined,
      } as unknown as Effects['signals'],
    },
  }).ctx;
}

describe('pause and resume where signals do not exist', () => {
  it.each([
    ['pause', pauseCommand],
    ['resume', resumeCommand],
  ] as const)('%s on win32 is refused with a pointer to node stop/start', async (name, command) => {
    const signalled: string[] = [];
    const error = await command(context('win32', signalled), { positionals: ['0'], flags: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(`${name} is not supported on Windows`);
    expect((error as UserError).message).toContain('node <id> stop');
    expect((error as UserError).exitCode).toBe(1);
    expect(signalled).toEqual([]);
    expect(await readdir(home)).toEqual([]);
  });

  it('on linux the same call gets past the platform check (and fails only for want of a cluster)', async () => {
    const error = await pauseCommand(context('linux', []), { positionals: ['0'], flags: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as UserError).code).toBe('no-cluster');
  });
});
