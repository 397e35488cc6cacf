// Which npm registry to ask: the one the user's npm would use, found without spawning npm (which
// costs about half a second). Order, as npm's own: C8CTL_NANO_REGISTRY (our override, for tests and
// mirrors), then npm_config_registry in the environment, then `registry=` in the nearest project
// .npmrc, then the user's .npmrc (NPM_CONFIG_USERCONFIG or ~/.npmrc), then the public registry.
// The global npmrc and auth tokens are not read: a registry that needs a login answers 401, said so.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PUBLIC_REGISTRY = 'https://registry.npmjs.org/';

export interface RegistryChoice {
  readonly url: string;
  /** Where it came from, for messages: "C8CTL_NANO_REGISTRY", "/home/me/.npmrc", "default". */
  readonly from: string;
}

/** The `registry=` value of an .npmrc text, with ${VAR} expanded as npm does. Pure. */
export function registryFromNpmrc(text: string, env: NodeJS.ProcessEnv): string | undefined {
  let found: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#') || line.startsWith(';')) continue;
    const match = /^registry\s*=\s*(.+)$/.exec(line);
    if (match)
      found = match[1]!
        .trim()
        .replace(/^["']|["']$/g, '')
        .replace(/\$\{([^}]+)\}/g, (_, name: string) => env[name] ?? '');
  }
  return found || undefined;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  for (const [key, value] of Object.entries(env)) if (key.toLowerCase() === name && value?.trim()) return value.trim();
  return undefined;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The nearest folder from cwd upwards holding a package.json, if any. */
function projectRoot(cwd: string, read: (file: string) => string | undefined): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (read(path.join(dir, 'package.json')) !== undefined) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function chooseRegistry(
  env: NodeJS.ProcessEnv,
  cwd: string,
  read: (file: string) => string | undefined = readText,
): RegistryChoice {
  const override = env.C8CTL_NANO_REGISTRY?.trim();
  if (override) return { url: override, from: 'C8CTL_NANO_REGISTRY' };
  const fromEnv = envValue(env, 'npm_config_registry');
  if (fromEnv) return { url: fromEnv, from: 'npm_config_registry' };
  const project = projectRoot(cwd, read);
  const userconfig = envValue(env, 'npm_config_userconfig') ?? path.join(env.HOME || os.homedir(), '.npmrc');
  for (const file of [project && path.join(project, '.npmrc'), userconfig]) {
    if (!file) continue;
    const text = read(file);
    const url = text === undefined ? undefined : registryFromNpmrc(text, env);
    if (url) return { url, from: file };
  }
  return { url: PUBLIC_REGISTRY, from: 'default' };
}

/** Why `choice` cannot be a registry address, in one line naming the value, where it came from and the fix; or null. */
export function registryProblem(choice: RegistryChoice): string | null {
  let url: URL | undefined;
  try {
    url = new URL(choice.url);
  } catch {
    url = undefined;
  }
  if (url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return null;
  const where = choice.from === 'default' ? 'the default' : `from ${choice.from}`;
  return `The registry "${choice.url}" (${where}) is not an http or https address, such as https://registry.npmjs.org/. Fix or unset it; nothing changed.`;
}

/** `<registry>/<name>`, the packument's address (a scoped name's slash encoded). */
export function packumentUrl(registry: string, name: string): string {
  return `${registry.replace(/\/+$/, '')}/${name.replace('/', '%2f')}`;
}
