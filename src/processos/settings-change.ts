// What `processos set <key> <value>` changes, key by key: each key checks its value, refusing it in
// words before anything is saved, and says in a sentence what it changed.
import path from 'node:path';
import { platformIdOf } from '../binary/executable-format.js';
import { cannotRunOnThisHost, fileKind } from '../binary/host.js';
import { fileProblem } from '../binary/resolve.js';
import { invalidArgument, UserError } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import { assertTrusted } from '../os/trusted-path.js';
import { ENV_NAME, type ProcessosSettings } from '../state/processos-settings.js';
import { parsePort } from '../values.js';
import { httpUrlProblem } from './download-manifest.js';
import { checkUrl } from './plan.js';

const KEYS = ['bin', 'port', 'nano-url', 'data-dir', 'download-url', 'env'] as const;
export type SettingKey = (typeof KEYS)[number];

/** A value for each key, for the message that asks for one. */
const EXAMPLE_VALUE: Record<SettingKey, string> = {
  bin: '<path>',
  port: '8090',
  'nano-url': 'http://localhost:8080',
  'data-dir': '<path>',
  'download-url': 'https://example.com/processos/manifest.json ("" unsets it)',
  env: 'PROCESSOS_LLM_MODEL=small',
};

const isKey = (text: string): text is SettingKey => (KEYS as readonly string[]).includes(text);

/** The key and value of `set`, both present and the key known; checked before the config is read. */
export function settingToSet(positionals: readonly string[], prog: string): { key: SettingKey; value: string } {
  const [key, value] = positionals;
  if (key === undefined) throw invalidArgument(`set needs a setting: ${KEYS.join(', ')}.`);
  if (!isKey(key)) throw invalidArgument(`Unknown setting "${key}". Settings: ${KEYS.join(', ')}.`);
  if (value === undefined)
    throw invalidArgument(`set ${key} needs a value. Example: ${prog} set ${key} ${EXAMPLE_VALUE[key]}`);
  return { key, value };
}

/** The settings after a `set`, and what changed in a sentence. */
export interface SettingChange {
  readonly next: ProcessosSettings;
  readonly said: string;
}

/** What a change may need of the command: where relative paths start, the fix lines' prog, the host. */
type Where = Pick<CommandContext, 'cwd' | 'prog' | 'platform'>;

type Change = (value: string, current: ProcessosSettings, where: Where) => SettingChange;

const CHANGES: Record<SettingKey, Change> = {
  bin: changeBin,
  port: (value, current) => {
    const port = parsePort('port', value);
    return { next: { ...current, port }, said: `ProcessOS port set to ${port}.` };
  },
  'nano-url': (value, current) => {
    const nanoUrl = checkUrl('nano-url', value);
    return { next: { ...current, nanoUrl }, said: `Target engine set to ${nanoUrl}.` };
  },
  'data-dir': (value, current, where) => {
    const dataDir = path.resolve(where.cwd, value);
    return { next: { ...current, dataDir }, said: `ProcessOS data dir set to ${dataDir}.` };
  },
  'download-url': changeDownloadUrl,
  env: changeEnv,
};

/** Checks `value` for `key` and returns the settings with it; throws, saving nothing, when it is refused. */
export const changeSetting = (
  key: SettingKey,
  value: string,
  current: ProcessosSettings,
  where: Where,
): SettingChange => CHANGES[key](value, current, where);

function changeBin(value: string, current: ProcessosSettings, where: Where): SettingChange {
  const file = path.resolve(where.cwd, value);
  const kind = fileKind(file);
  if (kind !== 'executable') throw invalidArgument(`set bin ${value}: ${fileProblem(kind)}.`);
  const wrong = cannotRunOnThisHost(file);
  if (wrong) {
    // The host's own architecture: the context knows the platform only.
    const host = platformIdOf({ platform: where.platform, arch: process.arch });
    throw new UserError(
      `${file} ${wrong}. Use the ${host} build of ProcessOS: "${where.prog} set bin <its path>"; nothing was saved.`,
      { code: 'binary-wrong-platform' },
    );
  }
  assertTrusted(file, 'program');
  return { next: { ...current, binary: file }, said: `ProcessOS binary set to ${file}.` };
}

function changeDownloadUrl(value: string, current: ProcessosSettings, where: Where): SettingChange {
  const { downloadUrl: _old, ...rest } = current;
  // An empty value unsets it, as "set env KEY=" does.
  if (value.trim() === '')
    return {
      next: rest,
      said: 'Download URL removed: ProcessOS is no longer downloaded (the installed copy is kept until you remove it).',
    };
  const problem = httpUrlProblem(value);
  if (problem)
    throw invalidArgument(
      `set download-url "${value}" ${problem}; nothing was saved. Example: ${where.prog} set download-url https://example.com/processos/manifest.json`,
    );
  const butBin =
    current.binary !== undefined ? `, but the binary saved with "set bin" (${current.binary}) still wins over it` : '';
  return {
    next: { ...rest, downloadUrl: value },
    said: `ProcessOS is downloaded from the manifest ${value}${butBin}.`,
  };
}

function changeEnv(value: string, current: ProcessosSettings): SettingChange {
  const eq = value.indexOf('=');
  const name = eq < 0 ? value : value.slice(0, eq);
  if (eq < 0 || !ENV_NAME.test(name))
    throw invalidArgument(
      `set env "${value}" must be KEY=VALUE with KEY made of letters, digits and _ (KEY= removes it).`,
    );
  const { [name]: _old, ...rest } = current.env ?? {};
  const val = value.slice(eq + 1);
  if (val === '') return { next: { ...current, env: rest }, said: `${name} removed from the ProcessOS environment.` };
  return { next: { ...current, env: { ...rest, [name]: val } }, said: `${name} is passed to ProcessOS from now on.` };
}
