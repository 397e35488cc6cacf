// `stop` over a corrupt state file (issue 25: stop had no unit test): refused without --force, the
// file as it was; with --force and nothing of the home running, the file is set aside and it says so.
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopCommand } from '../../../src/commands/stop.js';
import { UserError } from '../../../src/errors.js';
import { fakeContext } from '../../support/fake-context.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-stop-'));
  await chmod(home, 0o700);
  await writeFile(path.join(home, 'cluster.json'), '{"schema": 3, "nodes": [', { mode: 0o600 });
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const nothingRuns = { findEngines: async () => [], findProcesses: async () => [] };

describe('stop over a corrupt cluster.json', () => {
  it('without --force: refused naming the file, which stays as it was', async () => {
    const { ctx } = fakeContext(home, { effects: nothingRuns });
    const error = await stopCommand(ctx, { positionals: [], flags: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('corrupt-state');
    expect((error as UserError).message).toContain(path.join(home, 'cluster.json'));
    expect(await readFile(path.join(home, 'cluster.json'), 'utf8')).toBe('{"schema": 3, "nodes": [');
  });

  it('with --force and nothing of this home running: the file is set aside, and it says where', async () => {
    const { ctx, printed, results } = fakeContext(home, { effects: nothingRuns });
    expect(await stopCommand(ctx, { positionals: [], flags: { force: true } })).toBe(0);
    const files = await readdir(home);
    expect(files).not.toContain('cluster.json');
    const aside = files.find((f) => f.startsWith('cluster.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(path.join(home, aside!), 'utf8')).toBe('{"schema": 3, "nodes": [');
    expect(printed).toContain(`warn: The unreadable state file was moved to ${path.join(home, aside!)}.`);
    expect(results).toEqual([expect.objectContaining({ ok: true, stopped: [] })]);
  });
});
