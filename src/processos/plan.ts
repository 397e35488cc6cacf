// What the ProcessOS server gets: its port, target engine, data dir, pilot engine, environment. Pure.
//
// Precedence, highest first: flags → typed settings (set port / nano-url / data-dir) → passthrough
// variables (set env) → the user's environment → defaults. Typed settings always beat passthrough.
import { invalidArgument } from '../errors.js';
import { MANAGED_BY } from '../cluster/plan.js';
import { parsePort } from '../values.js';
import type { ProcessosSettings } from '../state/processos-settings.js';

export const DEFAULT_PROCESSOS_PORT = 8090;
export const DEFAULT_NANO_URL = 'http://localhost:8080';

export interface ProcessosFlags {
  readonly port?: string | undefined;
  readonly nanoUrl?: string | undefined;
  /** true: --spawn-nano, false: --no-spawn-nano, undefined: neither. */
  readonly spawnNano?: boolean | undefined;
}

export interface ProcessosPlanInputs {
  readonly flags: ProcessosFlags;
  readonly settings: ProcessosSettings;
  readonly userEnv: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  readonly defaultDataDir: string;
  /** The engine binary nano would use, for the pilot; undefined when none is found. */
  readonly nanoBinary: string | undefined;
}

export interface ProcessosPlan {
  readonly port: number;
  readonly url: string;
  readonly nanoUrl: string;
  readonly dataDir: string;
  readonly spawnNano: boolean;
  readonly nanoBinary: string | undefined;
  /** The variables we set, over the user's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
}

export function checkUrl(label: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidArgument(`${label} "${text}" is not a URL. Example: http://localhost:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidArgument(`${label} "${text}" must be an http:// or https:// URL.`);
  return text.replace(/\/+$/, '');
}

function parseBool(label: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw invalidArgument(`${label}="${text}" is not true or false.`);
}

export function planProcessos(inputs: ProcessosPlanInputs): ProcessosPlan {
  const { flags, settings, userEnv } = inputs;
  const passthrough = settings.env ?? {};
  const pick = (name: string): [string, string] | undefined => {
    if (passthrough[name] !== undefined && passthrough[name] !== '') return [`set env ${name}`, passthrough[name]!];
    if (userEnv[name] !== undefined && userEnv[name] !== '') return [name, userEnv[name]!];
    return undefined;
  };

  const portFrom =
    flags.port !== undefined
      ? (['--port', flags.port] as const)
      : settings.port !== undefined
        ? (['set port', String(settings.port)] as const)
        : pick('PROCESSOS_PORT');
  const port = portFrom ? parsePort(portFrom[0], portFrom[1]) : DEFAULT_PROCESSOS_PORT;

  const urlFrom =
    flags.nanoUrl !== undefined
      ? (['--nano-url', flags.nanoUrl] as const)
      : settings.nanoUrl !== undefined
        ? (['set nano-url', settings.nanoUrl] as const)
        : pick('NANO_BASE_URL');
  const nanoUrl = urlFrom ? checkUrl(urlFrom[0], urlFrom[1]) : DEFAULT_NANO_URL;

  const dataDir = settings.dataDir ?? pick('PROCESSOS_DATA_DIR')?.[1] ?? inputs.defaultDataDir;
  const nanoBinary = pick('PROCESSOS_NANO_BIN')?.[1] ?? inputs.nanoBinary;

  const warnings: string[] = [];
  let spawnNano: boolean;
  const spawnFrom = pick('PROCESSOS_SPAWN_NANO');
  if (flags.spawnNano !== undefined) spawnNano = flags.spawnNano;
  else if (spawnFrom) spawnNano = parseBool(spawnFrom[0], spawnFrom[1]);
  else spawnNano = nanoBinary !== undefined;
  if (spawnNano && nanoBinary === undefined) {
    if (flags.spawnNano === true)
      throw invalidArgument(
        '--spawn-nano needs a nano engine binary, and none was found. Point at one with "c8ctl nano set bin <path>" or "c8ctl processos set env PROCESSOS_NANO_BIN=<path>", or use --no-spawn-nano.',
      );
    spawnNano = false;
  }
  if (!spawnNano && flags.spawnNano === undefined && !spawnFrom && nanoBinary === undefined) {
    warnings.push(
      `No nano engine binary was found, so ProcessOS runs without a pilot engine and uses the target engine (${nanoUrl}) for experiments. Point at one with "c8ctl nano set bin <path>".`,
    );
  }

  const env: Record<string, string> = {
    ...passthrough,
    PROCESSOS_PORT: String(port),
    NANO_BASE_URL: nanoUrl,
    PROCESSOS_DATA_DIR: dataDir,
    PROCESSOS_SPAWN_NANO: spawnNano ? 'true' : 'false',
    ...(nanoBinary !== undefined ? { PROCESSOS_NANO_BIN: nanoBinary } : {}),
    NO_COLOR: userEnv.NO_COLOR ?? passthrough.NO_COLOR ?? '1',
    [MANAGED_BY]: inputs.home,
  };
  return { port, url: `http://127.0.0.1:${port}`, nanoUrl, dataDir, spawnNano, nanoBinary, env, warnings };
}
