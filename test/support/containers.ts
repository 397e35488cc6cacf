// Real container engines for the export tests (issue 24): a private dockerd (its own socket, data and
// exec roots, containerd namespace) that leaves the host's firewall alone, podman with its own storage,
// and a Debian base image made locally with debootstrap (no image registry is reachable here), cached
// between runs. Everything started here is stopped by PID; nothing is left in the host's engines.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAlive, waitUntil } from './processes.js';
import { runProcess, type RunResult } from './run-process.js';

const TOOLS = [
  'dockerd',
  'docker-proxy',
  'docker-compose',
  'podman',
  'podman-compose',
  'buildah',
  'debootstrap',
] as const;

function onPath(tool: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')]) {
    const file = path.join(dir, tool);
    if (dir !== '' && existsSync(file)) return file;
  }
  return null;
}

/** Why the container tests cannot run here, or null when they can. */
export function containerSkipReason(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0)
    return 'needs root on Linux to run dockerd and rootful podman (CI runs as root)';
  const missing = TOOLS.filter((t) => onPath(t) === null);
  return missing.length > 0
    ? `needs ${missing.join(', ')} (Debian: docker.io docker-compose podman podman-compose buildah debootstrap; .ci/run installs them)`
    : null;
}

/** The Debian 12 client that talks to the daemon we start (a newer client elsewhere on PATH may not). */
export const DOCKER = '/usr/bin/docker';

export async function run(
  file: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  timeoutMs = 180_000,
): Promise<RunResult> {
  return runProcess(file, args, { env: { ...process.env, ...env }, timeoutMs });
}

export async function must(
  file: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  timeoutMs = 180_000,
): Promise<RunResult> {
  const result = await run(file, args, env, timeoutMs);
  if (result.exitCode !== 0)
    throw new Error(
      `${path.basename(file)} ${args.join(' ')} → exit ${result.exitCode ?? result.signal}${result.timedOut ? ' (timed out)' : ''}: ${`${result.stderr}\n${result.stdout}`.trim().slice(-1500)}`,
    );
  return result;
}

const cacheDir = (): string =>
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'c8ctl-nano-tests');

/**
 * A root file system of Debian 12 (minbase) as a tarball, made once with debootstrap (≈40 s, ≈200 MB)
 * and kept in the user's cache; both engines import it as debian:bookworm-slim.
 */
export async function debianRootfsTar(): Promise<string> {
  const tar = path.join(cacheDir(), 'debian-bookworm-minbase.tar');
  if (existsSync(tar)) return tar;
  mkdirSync(cacheDir(), { recursive: true });
  const root = await mkdtemp(path.join(os.tmpdir(), 'nano-debootstrap-'));
  try {
    await must(
      onPath('debootstrap')!,
      ['--variant=minbase', 'bookworm', root, 'http://deb.debian.org/debian'],
      {},
      600_000,
    );
    await must('/usr/bin/tar', ['-C', root, '-cf', `${tar}.partial`, '.'], {}, 300_000);
    await rename(`${tar}.partial`, tar);
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(`${tar}.partial`, { force: true });
  }
  return tar;
}

export interface PrivateDocker {
  /** DOCKER_HOST for the client and docker-compose. */
  readonly env: Record<string, string>;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * dockerd on its own socket under `dir`, with no iptables rules: the host's firewall (FORWARD policy,
 * chains) stays as it was, so the network-namespace tests of the same run still pass. Containers on
 * a network still reach each other through its bridge, and published ports work through
 * docker-proxy. Its default bridge (BuildKit and `docker run` need one) is docker0, which dockerd
 * leaves behind: firewallRestorer removes it.
 */
/** `marker`: variables for dockerd's environment, which containerd and every shim inherit (support/processes.ts finds them by it). */
export async function startDocker(dir: string, marker: Record<string, string>): Promise<PrivateDocker> {
  mkdirSync(dir, { recursive: true });
  const socket = path.join(dir, 'docker.sock');
  const tag = path
    .basename(dir)
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase();
  const daemon = runProcess(
    onPath('dockerd')!,
    [
      `--data-root=${path.join(dir, 'data')}`,
      `--exec-root=${path.join(dir, 'exec')}`,
      `--pidfile=${path.join(dir, 'dockerd.pid')}`,
      `--host=unix://${socket}`,
      '--iptables=false',
      '--ip6tables=false',
      `--containerd-namespace=nano-${tag}`,
      `--containerd-plugins-namespace=nano-${tag}-plugins`,
      // Without iptables rules, published ports work through docker-proxy alone: named, so a PATH
      // without /usr/sbin cannot silently leave every port unpublished.
      `--userland-proxy-path=${onPath('docker-proxy')}`,
    ],
    {
      buffer: false,
      env: { ...process.env, ...marker, PATH: `/usr/sbin:/usr/bin:/sbin:/bin:${process.env.PATH ?? ''}` },
    },
  );
  // Its log, for a failure to quote.
  const log = createWriteStream(path.join(dir, 'dockerd.log'));
  daemon.stdout?.pipe(log);
  daemon.stderr?.pipe(log);
  const env = { DOCKER_HOST: `unix://${socket}` };
  const stop = async (): Promise<void> => {
    const ids = (await run(DOCKER, ['ps', '-aq'], env, 30_000)).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await run(DOCKER, ['rm', '-f', ...ids], env, 60_000);
    daemon.kill('SIGTERM');
    await Promise.race([daemon, new Promise((r) => setTimeout(r, 20_000))]);
    if (daemon.pid !== undefined && isAlive(daemon.pid)) daemon.kill('SIGKILL');
    await daemon;
  };
  try {
    await waitUntil(
      async () => (await run(DOCKER, ['info', '--format', '{{.ServerVersion}}'], env, 10_000)).exitCode === 0,
      30_000,
      'dockerd answers',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, pid: daemon.pid!, stop };
}

/**
 * Podman with its storage and network configs under `dir`: the host's images, containers and networks
 * are neither seen nor touched, so a `system reset` at the end removes only ours. The limits: on these
 * VMs runc may not raise a container's nofile/nproc to podman's defaults ("error setting rlimits …
 * operation not permitted"), so they are set within what the host allows.
 */
export function podmanEnv(dir: string): Record<string, string> {
  mkdirSync(path.join(dir, 'networks'), { recursive: true });
  const storage = path.join(dir, 'storage.conf');
  writeFileSync(
    storage,
    `[storage]\ndriver = "overlay"\ngraphroot = "${path.join(dir, 'graph')}"\nrunroot = "${path.join(dir, 'run')}"\n`,
  );
  const containers = path.join(dir, 'containers.conf');
  writeFileSync(
    containers,
    `[containers]\ndefault_ulimits = ["nofile=8192:8192", "nproc=8192:8192"]\n[network]\nnetwork_config_dir = "${path.join(dir, 'networks')}"\n`,
  );
  return { CONTAINERS_STORAGE_CONF: storage, CONTAINERS_CONF: containers };
}

export const PODMAN = (): string => onPath('podman')!;
export const DOCKER_COMPOSE = (): string => onPath('docker-compose')!;
export const PODMAN_COMPOSE = (): string => onPath('podman-compose')!;
export const BUILDAH = (): string => onPath('buildah')!;

const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
};

/** `iptables-save` output by table: "*nat\n…\nCOMMIT". */
function tablesOf(saved: string): Map<string, string> {
  const tables = new Map<string, string>();
  for (const block of saved.split(/^(?=\*)/m)) {
    const name = /^\*(\w+)/.exec(block)?.[1];
    if (name)
      tables.set(
        name,
        block
          .split('\n')
          .filter((l) => !l.startsWith('#'))
          .join('\n')
          .trim(),
      );
  }
  return tables;
}

/**
 * The host's IPv4 and IPv6 firewall now, and a function that puts back every table an engine changed
 * since (podman's netavark adds chains and jumps to the host's filter and nat tables). A table that
 * did not exist before is restored empty, with its chains accepting, as the kernel has it.
 */
export async function firewallRestorer(): Promise<() => Promise<void>> {
  const tools = [
    ['iptables-save', 'iptables-restore'],
    ['ip6tables-save', 'ip6tables-restore'],
  ].filter(([save]) => onPath(save!) !== null);
  const before = new Map<string, Map<string, string>>();
  for (const [save] of tools) before.set(save!, tablesOf((await must(onPath(save!)!, [], {}, 10_000)).stdout));
  const docker0 = existsSync('/sys/class/net/docker0');
  return async () => {
    for (const [save, restore] of tools) {
      const was = before.get(save!)!;
      const now = tablesOf((await must(onPath(save!)!, [], {}, 10_000)).stdout);
      const changed = [...now.keys()].filter((table) => now.get(table) !== was.get(table));
      if (changed.length === 0) continue;
      const text = changed
        .map(
          (table) =>
            was.get(table) ??
            [`*${table}`, ...(BUILTIN_CHAINS[table] ?? []).map((c) => `:${c} ACCEPT [0:0]`), 'COMMIT'].join('\n'),
        )
        .join('\n');
      const result = spawnSync(onPath(restore!)!, [], { input: `${text}\n`, encoding: 'utf8', timeout: 10_000 });
      if (result.status !== 0) throw new Error(`${restore} failed: ${result.stderr}`);
    }
    // dockerd makes docker0 for its default network and leaves it when it exits.
    if (!docker0 && existsSync('/sys/class/net/docker0'))
      await run('/usr/sbin/ip', ['link', 'delete', 'docker0'], {}, 10_000);
  };
}
