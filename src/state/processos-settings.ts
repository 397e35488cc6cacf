// ProcessOS settings live under the "processos" key of the shared config.json; nano's keys are never
// touched by them. Pure: reading and replacing that key.
import { UserError } from '../errors.js';
import type { NanoConfig } from '../state/config.js';

export interface ProcessosSettings {
  readonly binary?: string;
  readonly port?: number;
  readonly nanoUrl?: string;
  readonly dataDir?: string;
  /** Release manifest to download the binary from (`set download-url`); see download-manifest.ts. */
  readonly downloadUrl?: string;
  /** Passthrough variables for the server (`set env KEY=VALUE`). */
  readonly env?: Readonly<Record<string, string>>;
}

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function processosSettings(config: NanoConfig, file: string): ProcessosSettings {
  const value = config.processos;
  if (value === undefined) return {};
  const bad = (what: string): UserError =>
    new UserError(
      `The config file ${file} has a bad "processos" entry (${what}). Fix it by hand, or remove the "processos" key to start over.`,
      { code: 'corrupt-config' },
    );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('not an object');
  const s = value as Record<string, unknown>;
  for (const key of ['binary', 'nanoUrl', 'dataDir', 'downloadUrl'] as const)
    if (s[key] !== undefined && typeof s[key] !== 'string') throw bad(`${key} must be a string`);
  if (s.port !== undefined && (typeof s.port !== 'number' || !Number.isInteger(s.port) || s.port < 1 || s.port > 65535))
    throw bad('port must be a port number');
  if (s.env !== undefined) {
    if (typeof s.env !== 'object' || s.env === null || Array.isArray(s.env)) throw bad('env must be an object');
    for (const [k, v] of Object.entries(s.env))
      if (!ENV_NAME.test(k) || typeof v !== 'string') throw bad(`env entry ${JSON.stringify(k)}`);
  }
  return s as ProcessosSettings;
}

export function withProcessosSettings(config: NanoConfig, settings: ProcessosSettings): NanoConfig {
  return { ...config, processos: settings };
}

/** Values that look like credentials are shown masked. */
export function maskedEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i.test(k) ? '‹set›' : v]),
  );
}
