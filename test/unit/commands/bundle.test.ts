// bundle's refusals, each before anything is collected or written: a --out that is no .tar.gz, a
// --log-mb outside 1–1024, an existing file with nobody to ask and no --force. The default file name
// comes from the injected clock.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleCommand } from '../../../src/commands/bundle.js';
import { UserError } from '../../../src/errors.js';
import type { NanoArgs } from '../../../src/kit/args.js';
import { fakeContext } from '../../support/fake-context.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-bundle-'));
  await chmod(dir, 0o700);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FIXED = { now: () => new Date('2025-01-02T03:04:05.678Z') };

async function refusal(flags: NanoArgs<'bundle'>['flags']): Promise<UserError> {
  // No effects at all: a refusal must come before any is reached for.
  const { ctx, results } = fakeContext(path.join(dir, 'home'), { cwd: dir });
  const error = await bundleCommand(ctx, { positionals: [], flags }, FIXED).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect(results).toEqual([]);
  return error as UserError;
}

describe('bundle refuses', () => {
  it('an --out that does not end in .tar.gz or .tgz', async () => {
    const error = await refusal({ out: 'report.zip' });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe(`--out "report.zip" should end in .tar.gz (it is a gzip'd tar).`);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each(['0', '1025', '-1', '2.5', 'lots'])('--log-mb %s (a whole number of MB from 1 to 1024 only)', async (mb) => {
    const error = await refusal({ 'log-mb': mb, out: 'b.tar.gz' });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe(`--log-mb "${mb}" must be a whole number of megabytes from 1 to 1024.`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an existing --out without --force when nobody can answer; the file stays as it was', async () => {
    const file = path.join(dir, 'report.tgz');
    await writeFile(file, 'keep me');
    const error = await refusal({ out: file });
    expect(error.code).toBe('file-exists');
    expect(error.message).toContain(`--out ${file} already exists`);
    expect(error.message).toContain('Add --force');
    expect(await readFile(file, 'utf8')).toBe('keep me');
    expect(await readdir(dir)).toEqual(['report.tgz']);
  });

  it('a folder that does not exist, and a directory given as the file', async () => {
    const missing = await refusal({ out: path.join(dir, 'nope', 'b.tar.gz') });
    expect(missing.message).toContain(`the folder ${path.join(dir, 'nope')} does not exist`);
    await mkdir(path.join(dir, 'x.tar.gz'));
    const folder = await refusal({ out: 'x.tar.gz' });
    expect(folder.message).toContain(`--out ${path.join(dir, 'x.tar.gz')} is a directory`);
  });

  it('the default name, dated by the clock, when a file of that name exists', async () => {
    const named = path.join(dir, 'c8ctl-nano-bundle-2025-01-02T03-04-05-678Z.tar.gz');
    await writeFile(named, 'earlier');
    const error = await refusal({});
    expect(error.code).toBe('file-exists');
    expect(error.message).toContain(`--out ${named} already exists`);
    expect(await readFile(named, 'utf8')).toBe('earlier');
  });
});
