// set / unset refusals (an unknown setting, a missing one or value), each leaving config.json as it
// was; and the --json documents of set model-dir and of unset with nothing set.
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setCommand, unsetCommand } from '../../../src/commands/settings.js';
import { UserError } from '../../../src/errors.js';
import { fakeContext } from '../../support/fake-context.js';

let home: string;
const CONFIG = '{\n  "workspaceDir": "/kept"\n}\n';
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-settings-'));
  await chmod(home, 0o700);
  await writeFile(path.join(home, 'config.json'), CONFIG, { mode: 0o600 });
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).code).toBe('invalid-argument');
  return error as UserError;
}

const configUnchanged = async (): Promise<void> => {
  expect(await readFile(path.join(home, 'config.json'), 'utf8')).toBe(CONFIG);
};

describe('set and unset refuse', () => {
  // Object.hasOwn, not `in`: inherited names must not pass as settings.
  it.each(['colour', 'binary', '__proto__', 'constructor'])('an unknown setting: %s', async (key) => {
    const { ctx, results } = fakeContext(home);
    const set = await rejection(setCommand(ctx, { positionals: [key, '/x'], flags: {} }));
    expect(set.message).toBe(`Unknown setting "${key}". Settings: bin, model-dir.`);
    const unset = await rejection(unsetCommand(ctx, { positionals: [key], flags: {} }));
    expect(unset.message).toBe(`Unknown setting "${key}". Settings: bin, model-dir.`);
    expect(results).toEqual([]);
    await configUnchanged();
  });

  it('no setting named, or set without a value', async () => {
    const { ctx } = fakeContext(home);
    expect((await rejection(setCommand(ctx, { positionals: [], flags: {} }))).message).toBe(
      'set needs a setting: bin or model-dir.',
    );
    expect((await rejection(unsetCommand(ctx, { positionals: [], flags: {} }))).message).toBe(
      'unset needs a setting: bin or model-dir.',
    );
    expect((await rejection(setCommand(ctx, { positionals: ['model-dir', ''], flags: {} }))).message).toContain(
      'set model-dir needs a path. Example: c8ctl nano set model-dir ~/bpmn-workspace',
    );
    await configUnchanged();
  });

  it('set model-dir onto a file, and set bin onto something that is not an executable', async () => {
    await writeFile(path.join(home, 'plain'), 'x');
    const { ctx } = fakeContext(home, { cwd: home });
    expect((await rejection(setCommand(ctx, { positionals: ['model-dir', 'plain'], flags: {} }))).message).toBe(
      'set model-dir plain: it exists and is not a directory.',
    );
    expect((await rejection(setCommand(ctx, { positionals: ['bin', 'plain'], flags: {} }))).message).toContain(
      'set bin plain: ',
    );
    await configUnchanged();
  });
});

describe('set and unset', () => {
  it('set model-dir: saved, models/ and workers/ made, and the document in its fixed key order', async () => {
    const { ctx, results } = fakeContext(home, { cwd: home });
    expect(await setCommand(ctx, { positionals: ['model-dir', 'ws'], flags: {} })).toBe(0);
    const ws = path.join(home, 'ws');
    expect(JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8'))).toEqual({ workspaceDir: ws });
    expect((await readdir(ws)).sort()).toEqual(['models', 'workers']);
    expect((await stat(path.join(ws, 'models'))).isDirectory()).toBe(true);
    expect(results).toEqual([{ schemaVersion: 1, ok: true, setting: 'model-dir', value: ws, restartNeeded: false }]);
    expect(Object.keys(results[0] as object)).toEqual(['schemaVersion', 'ok', 'setting', 'value', 'restartNeeded']);
  });

  it('unset of a setting that is not set: nothing written, changed false', async () => {
    const { ctx, printed, results } = fakeContext(home);
    expect(await unsetCommand(ctx, { positionals: ['bin'], flags: {} })).toBe(0);
    expect(printed).toEqual(['info: bin is not set; nothing to do.']);
    expect(results).toEqual([{ schemaVersion: 1, ok: true, setting: 'bin', changed: false }]);
    await configUnchanged();
  });
});
