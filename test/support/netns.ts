// Hosts for cross-host tests, made of Linux network namespaces (root only): each host is a namespace
// with its own IPv4 address on one /24, cabled to a bridge that lives in a fourth "switch" namespace,
// so the root namespace's interfaces, addresses and routes are never touched. Names resolve through
// per-namespace hosts files (`ip netns exec` bind-mounts /etc/netns/<ns>/hosts over /etc/hosts), and
// the test reaches each host through a UNIX socket forwarder running inside it.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, killMarked, MARKER, waitUntil } from './processes.js';

const IP = existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : 'ip';
const ETC_NETNS = '/etc/netns';
const FORWARDER = fileURLToPath(new URL('./netns-forwarder.mjs', import.meta.url));

/** Runs `ip` (in namespace `ns` when given) and returns its stdout. */
export function ip(args: readonly string[], ns?: string): string {
  const full = ns === undefined ? [...args] : ['-n', ns, ...args];
  try {
    return execFileSync(IP, full, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`ip ${full.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

/** The namespaces `ip netns list` shows (names only). */
export function listNamespaces(): string[] {
  return ip(['netns', 'list'])
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

export interface NetnsHost {
  readonly index: number;
  readonly hostname: string;
  readonly ns: string;
  readonly address: string;
  /** This host's end of the cable is `eth0` in its namespace; this is the other end, in the switch. */
  readonly switchPort: string;
  /** Where the forwarder started by `forward` listens. */
  readonly socketPath: string;
}

export interface HostNetwork {
  /** `<pid>-<random>`: in every name this network uses, so parallel runs never collide. */
  readonly tag: string;
  readonly subnet: string;
  readonly switchNs: string;
  readonly bridge: string;
  readonly hosts: readonly NetnsHost[];
  /** Every namespace this network makes (the switch, then the hosts). */
  readonly namespaces: readonly string[];
  /** Pulls host i's cable at the switch: a real network partition, nothing else changes. */
  cut(index: number): void;
  heal(index: number): void;
  /**
   * Starts `file args` inside host i's namespace with exactly `env` (plus the owner marker), detached,
   * stdout and stderr to `log`. `ip netns exec` execs in place, so the PID is the program's own.
   */
  spawnIn(
    index: number,
    file: string,
    args: readonly string[],
    env: Readonly<Record<string, string>>,
    log: string,
  ): number;
  /** Starts the UNIX socket forwarder to 127.0.0.1:`port` inside host i and waits until it listens. */
  forward(index: number, port: number): Promise<void>;
  /** Every PID spawned so far. */
  readonly pids: readonly number[];
  /** Kills every process (by marker), deletes the namespaces and the hosts files. Idempotent. */
  destroy(): Promise<void>;
}

export interface HostNetworkOptions {
  readonly hostnames: readonly string[];
  /** A private directory of the test: forwarder sockets go here. */
  readonly dir: string;
  /** Value of the owner marker every spawned process gets, for `killMarked`. */
  readonly marker: string;
}

const randomInt = (below: number): number => randomBytes(4).readUInt32BE() % below;

export function createHostNetwork({ hostnames, dir, marker }: HostNetworkOptions): HostNetwork {
  const tag = `${process.pid}-${randomBytes(2).toString('hex')}`;
  // A random /24 in 10/8 per run; nothing outside the namespaces ever sees it.
  const prefix = `10.${1 + randomInt(254)}.${randomInt(256)}`;
  const switchNs = `xhost-${tag}-switch`;
  // Interface names are limited to 15 characters; these live in our own switch namespace anyway.
  const bridge = `br${tag}`;
  const hosts: NetnsHost[] = hostnames.map((hostname, index) => ({
    index,
    hostname,
    ns: `xhost-${tag}-h${index}`,
    address: `${prefix}.${index + 10}`,
    switchPort: `p${index}-${tag}`,
    socketPath: path.join(dir, `h${index}.sock`),
  }));

  for (const name of [bridge, ...hosts.map((h) => h.switchPort)])
    if (name.length > 15) throw new Error(`interface name ${name} is longer than Linux allows (15)`);

  const created: string[] = [];
  const hostsDirs: string[] = [];
  const etcNetnsWasThere = existsSync(ETC_NETNS);
  const pids: number[] = [];
  let destroyed = false;

  const network: HostNetwork = {
    tag,
    subnet: `${prefix}.0/24`,
    switchNs,
    bridge,
    hosts,
    namespaces: [switchNs, ...hosts.map((h) => h.ns)],
    pids,
    cut: (index) => void ip(['link', 'set', host(index).switchPort, 'down'], switchNs),
    heal: (index) => void ip(['link', 'set', host(index).switchPort, 'up'], switchNs),
    spawnIn(index, file, args, env, log) {
      const fd = openSync(log, 'a');
      try {
        const child = spawn(IP, ['netns', 'exec', host(index).ns, file, ...args], {
          env: { ...env, [MARKER]: marker },
          detached: true,
          stdio: ['ignore', fd, fd],
        });
        if (child.pid === undefined) throw new Error(`could not start ${file} in ${host(index).ns}`);
        child.on('error', () => {}); // reported by the checks that need the process
        child.unref();
        pids.push(child.pid);
        return child.pid;
      } finally {
        closeSync(fd);
      }
    },
    async forward(index, port) {
      const { socketPath } = host(index);
      const pid = network.spawnIn(
        index,
        process.execPath,
        [FORWARDER, socketPath, String(port)],
        { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' },
        path.join(dir, `h${index}-forwarder.log`),
      );
      await waitUntil(
        () => existsSync(socketPath) || !isAlive(pid),
        10_000,
        `the forwarder of ${host(index).hostname} to listen`,
      );
      if (!isAlive(pid))
        throw new Error(`the forwarder of ${host(index).hostname} exited; see ${dir}/h${index}-forwarder.log`);
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      const problems: string[] = [];
      // Every process spawnIn started carries the marker (and so do their children): the sweep finds
      // them all, and a PID of ours freed and reused since is left alone.
      killMarked(marker);
      try {
        await waitUntil(
          () => pids.every((pid) => !isAlive(pid)),
          10_000,
          'every process of the cross-host network to exit',
        );
      } catch (error) {
        problems.push((error as Error).message);
      }
      problems.push(...unmake());
      if (problems.length > 0) throw new Error(`cross-host teardown: ${problems.join('; ')}`);
    },
  };

  function host(index: number): NetnsHost {
    const found = hosts[index];
    if (!found) throw new Error(`no host ${index} (there are ${hosts.length})`);
    return found;
  }

  /** Deletes the namespaces (their veths and the bridge go with them) and the hosts files. */
  function unmake(): string[] {
    const problems: string[] = [];
    for (const ns of created.splice(0).reverse()) {
      try {
        ip(['netns', 'del', ns]);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    for (const hostsDir of hostsDirs.splice(0)) rmSync(hostsDir, { recursive: true, force: true });
    // /etc/netns itself only if this run made it and nobody else has put anything there since.
    if (!etcNetnsWasThere) {
      try {
        if (readdirSync(ETC_NETNS).length === 0) rmdirSync(ETC_NETNS);
      } catch {
        // gone already, or someone else's now
      }
    }
    return problems;
  }

  function addNamespace(ns: string): void {
    ip(['netns', 'add', ns]);
    created.push(ns);
    // Without lo a host cannot reach its own 127.0.0.1 (where the forwarder connects).
    ip(['link', 'set', 'lo', 'up'], ns);
  }

  const hostsFile = [
    '127.0.0.1 localhost',
    '::1 localhost',
    ...hosts.map((h) => `${h.address} ${h.hostname}`),
    '',
  ].join('\n');
  try {
    addNamespace(switchNs);
    ip(['link', 'add', bridge, 'type', 'bridge'], switchNs);
    ip(['link', 'set', bridge, 'up'], switchNs);
    for (const h of hosts) {
      addNamespace(h.ns);
      // One veth pair per host: eth0 inside the host, the other end a port of the bridge.
      ip(['link', 'add', h.switchPort, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns], switchNs);
      ip(['link', 'set', h.switchPort, 'master', bridge, 'up'], switchNs);
      ip(['addr', 'add', `${h.address}/24`, 'dev', 'eth0'], h.ns);
      ip(['link', 'set', 'eth0', 'up'], h.ns);
      const hostsDir = path.join(ETC_NETNS, h.ns);
      mkdirSync(hostsDir, { recursive: true });
      hostsDirs.push(hostsDir);
      writeFileSync(path.join(hostsDir, 'hosts'), hostsFile);
    }
  } catch (error) {
    // Leave nothing half-made behind: the caller never gets a network to destroy. No process runs yet.
    const problems = unmake();
    if (problems.length > 0) (error as Error).message += ` (and cleaning up: ${problems.join('; ')})`;
    throw error;
  }
  return network;
}

/** What `name` resolves to inside `ns`, by the C library (so through the namespace's /etc/hosts). */
export function resolveIn(ns: string, name: string): string | null {
  try {
    return (
      execFileSync(IP, ['netns', 'exec', ns, 'getent', 'ahostsv4', name], { encoding: 'utf8' }).split(/\s+/)[0] ?? null
    );
  } catch {
    return null;
  }
}

export interface HostResponse {
  readonly status: number;
  readonly text: string;
  json(): any;
}

/** One HTTP request through a host's forwarder socket; no connection is kept. */
export function hostRequest(
  socketPath: string,
  method: string,
  urlPath: string,
  options: { body?: Buffer | string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HostResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const request = http.request(
      {
        socketPath,
        method,
        path: urlPath,
        agent: false,
        headers: { host: 'localhost', ...(body ? { 'content-length': String(body.length) } : {}), ...options.headers },
        timeout: options.timeoutMs ?? 5_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, text, json: () => JSON.parse(text) });
        });
      },
    );
    request.on('timeout', () =>
      request.destroy(
        new Error(`${method} ${urlPath} via ${socketPath}: no answer within ${options.timeoutMs ?? 5_000} ms`),
      ),
    );
    request.on('error', reject);
    request.end(body);
  });
}
