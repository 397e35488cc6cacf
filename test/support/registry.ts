// A real, private npm registry for release tests: verdaccio (a devDependency) on a free local port with
// throwaway storage. Our own packages (@nanobpm/*, c8ctl-plugin-nano) are never proxied, so the
// registry holds only what a test publishes; everything else (tar, vitest…) comes through the uplink
// to registry.npmjs.org so a published root package can really be installed.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePortRange } from './ports.js';
import { runProcess, type RunningProcess } from './run-process.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const VERDACCIO = path.join(REPO, 'node_modules', 'verdaccio', 'bin', 'verdaccio');

export interface NpmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface Registry {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Temp folder holding the config, storage, npm cache and the .npmrc files. */
  readonly dir: string;
  /** A user config with the publish token for this registry. */
  readonly authNpmrc: string;
  /** A user config with nothing in it: an anonymous user. */
  readonly anonymousNpmrc: string;
  /**
   * Environment for npm (and scripts that run npm): this process's environment without npm_config_*
   * (npm sets those for `npm test`), a private npm cache, and the given user config.
   */
  npmEnv(userconfig?: string, extra?: Record<string, string>): Record<string, string>;
  /** Runs npm with npmEnv(); never throws on a non-zero exit. */
  npm(args: readonly string[], options?: { cwd?: string; userconfig?: string; timeoutMs?: number }): Promise<NpmResult>;
  /** What verdaccio printed, for failure messages. */
  log(): string;
  /** Kills verdaccio by PID and removes the temp folder. Safe to call twice. */
  stop(): Promise<void>;
}

function config(dir: string): string {
  return `# Throwaway registry for c8ctl-plugin-nano release tests.
storage: ${JSON.stringify(path.join(dir, 'storage'))}
auth:
  htpasswd:
    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}
    max_users: 100
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
packages:
  '@nanobpm/*':
    access: $all
    publish: $authenticated
  'c8ctl-plugin-nano':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
    proxy: npmjs
# The engine tarball is ~40 MB; verdaccio's default limit is 10 MB (npm publish then fails with E413).
max_body_size: 300mb
log: { type: stdout, format: pretty, level: warn }
`;
}

/** process.env minus everything that would steer npm or the CLI away from what a test sets. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^npm_/i.test(key) || key.startsWith('NANOBPMN_') || key === 'C8CTL_NANO_HOME' || key.startsWith('VITEST'))
      continue;
    env[key] = value;
  }
  return env;
}

async function waitForPing(url: string, child: RunningProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.finally(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`verdaccio exited before answering on ${url}:\n${output()}`);
    try {
      const response = await fetch(`${url}/-/ping`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`verdaccio did not answer ${url}/-/ping within ${timeoutMs} ms:\n${output()}`);
}

async function stopChild(child: RunningProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.child.exitCode !== null || child.child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => {
    void child.finally(() => resolve());
  });
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000));
  if ((await Promise.race([gone.then(() => 'gone' as const), timer])) === 'timeout') {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    await gone;
  }
}

/** Starts verdaccio, waits until it answers, and creates a user whose token can publish. */
export async function startRegistry(): Promise<Registry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nano-registry-'));
  await mkdir(path.join(dir, 'storage'), { recursive: true });
  const configFile = path.join(dir, 'config.yaml');
  await writeFile(configFile, config(dir));

  let output = '';
  let child: RunningProcess | undefined;
  let port = 0;
  let url = '';
  try {
    // A port picked free can be taken before verdaccio binds it; try a few.
    for (let attempt = 1; ; attempt += 1) {
      port = await freePortRange(1);
      url = `http://127.0.0.1:${port}`;
      output = '';
      const started = runProcess(
        process.execPath,
        [VERDACCIO, '--config', configFile, '--listen', `127.0.0.1:${port}`],
        { cwd: dir, env: cleanEnv(), buffer: false },
      );
      child = started;
      // Both streams into one rolling log, for the error message if verdaccio never answers.
      for (const stream of [started.stdout, started.stderr]) {
        stream?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.length > 200_000) output = output.slice(-100_000);
        });
      }
      try {
        await waitForPing(url, started, () => output, 60_000);
        break;
      } catch (error) {
        await stopChild(started);
        if (attempt >= 3 || !/EADDRINUSE/.test(output)) throw error;
      }
    }

    const password = `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    const response = await fetch(`${url}/-/user/org.couchdb.user:tester`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tester', password }),
    });
    const body = (await response.json()) as { token?: string };
    if (!response.ok || !body.token)
      throw new Error(`Could not create a registry user (HTTP ${response.status}): ${JSON.stringify(body)}`);
    const authNpmrc = path.join(dir, 'auth.npmrc');
    await writeFile(authNpmrc, `//127.0.0.1:${port}/:_authToken=${body.token}\n`, { mode: 0o600 });
    const anonymousNpmrc = path.join(dir, 'anonymous.npmrc');
    await writeFile(anonymousNpmrc, '');
    const cache = path.join(dir, 'npm-cache');

    const npmEnv = (userconfig = authNpmrc, extra: Record<string, string> = {}): Record<string, string> => ({
      ...cleanEnv(),
      NPM_CONFIG_USERCONFIG: userconfig,
      // A private cache: nothing published here (a 40 MB engine per run) lands in the user's ~/.npm.
      NPM_CONFIG_CACHE: cache,
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      NPM_CONFIG_FUND: 'false',
      NPM_CONFIG_AUDIT: 'false',
      ...extra,
    });

    const running = child!;
    let stopped = false;
    return {
      url,
      port,
      dir,
      authNpmrc,
      anonymousNpmrc,
      npmEnv,
      async npm(args, options = {}) {
        const began = performance.now();
        const result = await runProcess('npm', [...args], {
          cwd: options.cwd ?? REPO,
          env: npmEnv(options.userconfig),
          timeoutMs: options.timeoutMs ?? 240_000,
        });
        return {
          code: result.exitCode ?? -1,
          stdout: result.stdout,
          stderr: result.stderr,
          ms: performance.now() - began,
        };
      },
      log: () => output,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopChild(running);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child) await stopChild(child);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
