// `processos set` (issue 25): what it refuses (an unknown setting, a bad port, an env entry that is not
// KEY=VALUE) is refused before anything is saved; what it accepts is saved and shown, secrets masked.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { processosSet } from '../../../src/processos/settings.js';
import { pe } from '../../support/fake-binaries.js';
import { fakeContext } from '../../support/fake-context.js';

let home: string;
let configFile: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-processos-set-'));
  await chmod(home, 0o700);
  configFile = path.join(home, 'config.json');
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const set = (...positionals: string[]) => {
  const fake = fakeContext(home);
  return { ...fake, done: processosSet(fake.ctx, { positionals, flags: {} }) };
};

async function refusal(...positionals: string[]): Promise<UserError> {
  const error = await set(...positionals).done.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).code).toBe('invalid-argument');
  return error as UserError;
}

describe('processos set refuses, saving nothing', () => {
  const before = JSON.stringify({ processos: { port: 8091 } });
  beforeEach(async () => {
    await writeFile(configFile, before, { mode: 0o600 });
  });
  afterEach(async () => {
    expect(await readFile(configFile, 'utf8')).toBe(before);
  });

  it('an unknown setting, naming the settings there are', async () => {
    expect((await refusal('colour', 'red')).message).toBe(
      'Unknown setting "colour". Settings: bin, port, nano-url, data-dir, download-url, env.',
    );
  });

  it('a setting without a value, with an example of one', async () => {
    expect((await refusal('port')).message).toBe('set port needs a value. Example: c8ctl nano set port 8090');
    expect((await refusal('env')).message).toContain('set env PROCESSOS_LLM_MODEL=small');
  });

  it.each(['70000', '0', 'eighty', '80.5'])('the port %s', async (port) => {
    expect((await refusal('port', port)).message).toContain(port);
  });

  it.each(['BAD-NAME=1', 'NO_EQUALS_SIGN', '=value', '1ST=x'])('the env entry %s', async (entry) => {
    expect((await refusal('env', entry)).message).toBe(
      `set env "${entry}" must be KEY=VALUE with KEY made of letters, digits and _ (KEY= removes it).`,
    );
  });
});

describe('processos set bin', () => {
  it.skipIf(process.platform === 'win32')(
    'refuses a build for another OS, naming the one this host needs',
    async () => {
      const file = path.join(home, 'processos.exe');
      await writeFile(file, pe('x64'), { mode: 0o700 });
      const error = await set('bin', file).done.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).code).toBe('binary-wrong-platform');
      // The fake context says linux: the advice follows the context's platform.
      expect((error as UserError).message).toContain(
        `Use the linux-${process.arch} build of ProcessOS: "c8ctl nano set bin <its path>"; nothing was saved.`,
      );
      await expect(readFile(configFile, 'utf8')).rejects.toThrow();
    },
  );
});

describe('processos set saves', () => {
  it('a port, says so, and shows every setting in its --json document', async () => {
    const { done, printed, results } = set('port', '8095');
    expect(await done).toBe(0);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({ processos: { port: 8095 } });
    expect(printed).toEqual(['success: ProcessOS port set to 8095. It applies from the next start.']);
    expect(results).toEqual([{ schemaVersion: 1, ok: true, setting: 'port', processos: { port: 8095, env: {} } }]);
  });

  it('env entries: a secret is saved as given but shown masked, and KEY= removes one', async () => {
    expect(await set('env', 'PROCESSOS_API_KEY=hush').done).toBe(0);
    const { done, results } = set('env', 'PROCESSOS_LLM_MODEL=small');
    expect(await done).toBe(0);
    expect(JSON.parse(await readFile(configFile, 'utf8')).processos.env).toEqual({
      PROCESSOS_API_KEY: 'hush',
      PROCESSOS_LLM_MODEL: 'small',
    });
    expect(results).toEqual([
      {
        schemaVersion: 1,
        ok: true,
        setting: 'env',
        processos: { env: { PROCESSOS_API_KEY: '‹set›', PROCESSOS_LLM_MODEL: 'small' } },
      },
    ]);
    const removed = set('env', 'PROCESSOS_LLM_MODEL=');
    expect(await removed.done).toBe(0);
    expect(removed.printed).toEqual([
      'success: PROCESSOS_LLM_MODEL removed from the ProcessOS environment. It applies from the next start.',
    ]);
    expect(JSON.parse(await readFile(configFile, 'utf8')).processos.env).toEqual({ PROCESSOS_API_KEY: 'hush' });
  });
});
