// Persistent user settings (`config.json`), shared with other commands (ProcessOS keeps its own key).
import { UserError } from '../errors.js';
import { readTrustedJsonFile, writeFileAtomic } from './files.js';

export interface NanoConfig {
  /** Engine binary chosen with `nano set bin`. */
  readonly binary?: string;
  /** Shared workspace chosen with `nano set model-dir`. */
  readonly workspaceDir?: string;
  /** Other commands keep their own keys here; they are preserved untouched. */
  readonly [key: string]: unknown;
}

export async function readConfig(file: string): Promise<NanoConfig> {
  const read = await readTrustedJsonFile(file);
  if (read.kind === 'missing') return {};
  const fix = `Fix the JSON by hand or move it aside: mv '${file}' '${file}.bad'`;
  if (read.kind === 'corrupt') {
    throw new UserError(`The config file ${file} cannot be read: it is ${read.reason}. ${fix}`, {
      code: 'corrupt-config',
    });
  }
  const value = read.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`The config file ${file} must hold a JSON object. ${fix}`, { code: 'corrupt-config' });
  }
  const config = value as Record<string, unknown>;
  for (const key of ['binary', 'workspaceDir'] as const) {
    if (config[key] !== undefined && (typeof config[key] !== 'string' || config[key] === '')) {
      throw new UserError(
        `The config file ${file} has a bad "${key}" (${JSON.stringify(config[key])}); it must be a path. ${fix}`,
        { code: 'corrupt-config' },
      );
    }
  }
  return config as NanoConfig;
}

/** Writes the config atomically; keys other commands own pass through unchanged. */
export async function writeConfig(file: string, config: NanoConfig): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
}
