// followFiles, driven by a fake sleep so each poll is a step the test controls.
import { appendFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followFiles } from '../../../src/logs/tail.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-follow-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs followFiles; before poll n+1, steps[n] runs; after the last step it stops. */
async function follow(
  file: string,
  from: number,
  steps: Array<() => Promise<void>>,
): Promise<{ lines: string[]; notices: string[] }> {
  const lines: string[] = [];
  const notices: string[] = [];
  const stop = new AbortController();
  let poll = 0;
  const sleep = async (): Promise<void> => {
    const step = steps[poll];
    poll += 1;
    if (step) await step();
    else stop.abort();
  };
  await followFiles(
    [{ node: 0, file, from }],
    stop.signal,
    sleep,
    { line: (_n, t) => lines.push(t), notice: (_n, t) => notices.push(t) },
    0,
  );
  return { lines, notices };
}

describe('followFiles', () => {
  it('prints lines written after the snapshot offset, even before following began', async () => {
    const file = path.join(dir, 'node-0.log');
    await writeFile(file, 'shown in the tail\n');
    const from = (await stat(file)).size;
    await appendFile(file, 'written in between\n');
    const { lines } = await follow(file, from, [async () => appendFile(file, 'written later\n')]);
    expect(lines).toEqual(['written in between', 'written later']);
  });

  it('keeps a multi-byte character whose bytes arrive in two writes', async () => {
    const file = path.join(dir, 'node-0.log');
    await writeFile(file, Buffer.from('caf\xC3', 'latin1'));
    const { lines } = await follow(file, 0, [async () => appendFile(file, Buffer.from('\xA9 ok\n', 'latin1'))]);
    expect(lines).toEqual(['café ok']);
  });

  it('holds a line until its newline arrives', async () => {
    const file = path.join(dir, 'node-0.log');
    await writeFile(file, '');
    const { lines } = await follow(file, 0, [
      async () => appendFile(file, 'half'),
      async () => appendFile(file, ' and whole\n'),
    ]);
    expect(lines).toEqual(['half and whole']);
  });

  it('starts over from the top of a truncated or replaced file, saying so', async () => {
    const file = path.join(dir, 'node-0.log');
    await writeFile(file, 'a long first line that will be cut\n');
    const from = (await stat(file)).size;
    const { lines, notices } = await follow(file, from, [
      async () => writeFile(file, 'short\n'),
      async () => {
        await rm(file);
        await writeFile(file, 'recreated\n');
      },
    ]);
    expect(lines).toEqual(['short', 'recreated']);
    expect(notices).toHaveLength(2);
    expect(notices[0]).toContain('truncated');
    expect(notices[1]).toContain('replaced');
  });
});
