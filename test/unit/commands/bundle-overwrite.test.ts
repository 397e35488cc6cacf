// bundle onto an existing file on a terminal: it asks, and a "no" writes nothing.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleCommand } from '../../../src/commands/bundle.js';
import type { CommandContext } from '../../../src/kit/context.js';
import { fakeContext } from '../../support/fake-context.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-bundle-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(asked: string[], answer: boolean): CommandContext {
  const { ctx } = fakeContext(path.join(dir, 'home'), {
    cwd: dir,
    interactive: true,
    effects: {
      confirm: async (question: string) => {
        asked.push(question);
        return answer;
      },
    },
  });
  return ctx;
}

describe('bundle --out <existing file> on a terminal', () => {
  it('asks before replacing it; "no" leaves it as it was', async () => {
    const file = path.join(dir, 'report.tar.gz');
    await writeFile(file, 'keep me');
    const asked: string[] = [];
    const code = await bundleCommand(context(asked, false), { positionals: [], flags: { out: file } });
    expect(code).toBe(0);
    expect(asked).toEqual([`${file} already exists. Replace it?`]);
    expect(await readFile(file, 'utf8')).toBe('keep me');
    expect(await readdir(dir)).toEqual(['report.tar.gz']);
  });

  it('does not ask when nothing is there yet', async () => {
    const asked: string[] = [];
    // Gets past the question and fails later for want of real effects: enough to show it never asked.
    await bundleCommand(context(asked, false), { positionals: [], flags: { out: path.join(dir, 'new.tar.gz') } }).catch(
      () => undefined,
    );
    expect(asked).toEqual([]);
  });
});
