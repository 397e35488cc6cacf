// The same cluster description on three hosts (issue 15): the nodes of a Compose export run in three
// Linux network namespaces cabled to one bridge, find their peers by host name, serve real work,
// fail over when one host's cable is pulled and heal when it is plugged back. The real engine, a
// real network partition; the root namespace's network is never touched (see support/netns.ts).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsolePartition as Partition } from '../support/console-topology.js';
import { engineBinary } from '../support/engines.js';
import { createHostNetwork, hostRequest, ip, listNamespaces, resolveIn, type HostNetwork } from '../support/netns.js';
import { isAlive, processesWithMarker, waitUntil } from '../support/processes.js';
import { JOB_TYPE, PROCESS_ID } from '../support/rest.js';
import { createSandbox } from '../support/sandbox.js';

const asRoot = process.getuid?.() === 0 && process.platform === 'linux';
const ROOT_ONLY = 'needs root on Linux to create network namespaces (CI runs as root)';

const NODES = 3;
const RF = 3;
const PARTITIONS = 3;
const PORT = 8080;
/** The host whose cable is pulled in the partition check; 0 deploys and 2 creates, so they survive. */
const CUT = 1;
const AFTER_HEAL_ID = 'e2e-after-heal';

/** What a Compose export says, read the way a container runtime would read it. */
interface ComposeService {
  readonly hostname: string;
  readonly environment: Record<string, string>;
  readonly env_file?: readonly string[];
  readonly volumes?: readonly string[];
}

/** `KEY=VALUE` lines, as Compose reads an env_file. */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq > 0) env[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return env;
}

/**
 * A service's environment as its host's process gets it: env_file under `environment` (Compose's
 * precedence), each volume's container path moved to a directory of that host, plus PATH, HOME and
 * NO_COLOR, nothing from this process's environment.
 */
async function hostEnvironment(
  composeFile: string,
  service: ComposeService,
  hostDir: string,
): Promise<Record<string, string>> {
  const fromFiles: Record<string, string> = {};
  for (const envFile of service.env_file ?? [])
    Object.assign(fromFiles, parseEnvFile(await readFile(path.resolve(path.dirname(composeFile), envFile), 'utf8')));
  const mounts = (service.volumes ?? []).map((volume) => {
    const [source, target] = volume.split(':') as [string, string];
    return { target, local: path.join(hostDir, source) };
  });
  for (const { local } of mounts) await mkdir(local, { recursive: true });
  const env: Record<string, string> = { ...fromFiles, ...service.environment };
  for (const [key, value] of Object.entries(env)) {
    const mount = mounts.find(({ target }) => value === target || value.startsWith(`${target}/`));
    if (mount) env[key] = mount.local + value.slice(mount.target.length);
  }
  return { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: hostDir, NO_COLOR: '1' };
}

/** Polls `probe` until `ok` holds; on timeout the error names the last answer (or failure) seen. */
async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (ok(value)) return value;
      last = JSON.stringify(value);
    } catch (error) {
      last = `error: ${(error as Error).message}`;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${last.slice(0, 1_500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!asRoot)(`one Compose cluster on three hosts (${ROOT_ONLY})`, () => {
  const marker = randomUUID();
  let dir = '';
  let network: HostNetwork | undefined;
  const timings: Record<string, number> = {};

  const socket = (host: number): string => network!.hosts[host]!.socketPath;

  async function call(host: number, method: string, urlPath: string, body?: unknown, timeoutMs = 5_000): Promise<any> {
    const json = body !== undefined;
    const response = await hostRequest(socket(host), method, urlPath, {
      ...(json ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      timeoutMs,
    });
    if (response.status < 200 || response.status > 299)
      throw new Error(`${method} ${urlPath} on nano-${host} → HTTP ${response.status}: ${response.text.slice(0, 300)}`);
    return response.text === '' ? null : response.json();
  }

  const partitions = async (host: number): Promise<Partition[]> =>
    (await call(host, 'GET', '/console/api/topology', undefined, 3_000)).partitions;
  const views = (hosts: readonly number[]): Promise<Partition[][]> => Promise.all(hosts.map(partitions));
  const everyLed = (view: Partition[]): boolean => view.length === PARTITIONS && view.every((p) => p.leader !== null);
  const leaders = (view: Partition[]): Array<number | null> => view.map((p) => p.leader);

  /** Successful dials this host made to each peer (the engine's Prometheus counter). */
  async function peerDials(host: number): Promise<Record<string, number>> {
    const response = await hostRequest(socket(host), 'GET', '/metrics', { timeoutMs: 3_000 });
    const dials: Record<string, number> = {};
    for (const match of response.text.matchAll(
      /^nanobpm_peer_connect_attempts_total\{outcome="ok",target="(\d+)"\} (\d+)/gm,
    ))
      dials[match[1]!] = Number(match[2]);
    return dials;
  }
  const reachesEveryPeer = (host: number, dials: Record<string, number>): boolean =>
    Array.from({ length: NODES }, (_, id) => id).every((id) => id === host || (dials[String(id)] ?? 0) >= 1);

  async function definitionIds(host: number): Promise<string[]> {
    const found = await call(host, 'POST', '/v2/process-definitions/search', {});
    return (found.items ?? []).map((d: any) => String(d.processDefinitionId));
  }

  async function deploy(host: number, processId: string): Promise<void> {
    const xml = (await readFile(path.resolve('test/fixtures/one-task.bpmn'), 'utf8')).replace(
      `id="${PROCESS_ID}"`,
      `id="${processId}"`,
    );
    const form = new FormData();
    form.append('resources', new Blob([xml], { type: 'application/xml' }), `${processId}.bpmn`);
    // Response encodes the multipart body and names its boundary; node:http sends the bytes.
    const encoded = new Response(form);
    const response = await hostRequest(socket(host), 'POST', '/v2/deployments', {
      body: Buffer.from(await encoded.arrayBuffer()),
      headers: { 'content-type': encoded.headers.get('content-type')! },
      timeoutMs: 10_000,
    });
    expect(response.status, response.text).toBe(200);
    expect(response.json().deployments.map((d: any) => d.processDefinition?.processDefinitionId)).toContain(processId);
  }

  async function completeJobOf(host: number, instanceKey: string): Promise<void> {
    await eventually(
      `a job of instance ${instanceKey} through nano-${host}`,
      15_000,
      async () => {
        const activated = await call(host, 'POST', '/v2/jobs/activation', {
          type: JOB_TYPE,
          timeout: 30_000,
          maxJobsToActivate: 10,
          worker: 'cross-host',
          requestTimeout: 1_000,
        });
        const job = activated.jobs?.find((j: any) => String(j.processInstanceKey) === instanceKey);
        if (job) await call(host, 'POST', `/v2/jobs/${job.jobKey}/completion`, { variables: { done: true } });
        return job !== undefined;
      },
      (done) => done,
    );
  }

  /**
   * Waits until the instance reads as completed, asked through its partition's owner: with engine 0.0.22,
   * once a partition's leader has moved, get-by-key through other nodes (even the leader) can say 404.
   */
  async function expectCompleted(instanceKey: string): Promise<void> {
    const partition = Number(BigInt(instanceKey) >> 51n) + 1;
    const owner = (await partitions(0)).find((p) => p.partition_id === partition)!.owner;
    await eventually(
      `instance ${instanceKey} completed, as nano-${owner} (owner of partition ${partition}) reads it`,
      10_000,
      () => call(owner, 'GET', `/v2/process-instances/${instanceKey}`),
      (instance) => instance?.state === 'COMPLETED',
    );
  }

  // The checks build on each other: once one fails, the later ones could only fail for the same reason
  // (and wait out their deadlines doing so), so they are skipped.
  let failedStep: string | undefined;
  function step(name: string, body: () => Promise<void>): void {
    it(name, async (context) => {
      context.skip(failedStep !== undefined, `an earlier check failed: ${failedStep}`);
      try {
        await body();
      } catch (error) {
        failedStep = name;
        throw error;
      }
    }, 120_000);
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nano-xhost-'));
    // The cluster description is what users get: the CLI's own Compose export (JSON, secret env file beside it).
    const composeFile = path.join(dir, 'compose.json');
    const cli = await createSandbox();
    try {
      const exported = await cli.runJson([
        'export',
        'compose',
        String(NODES),
        '--rf',
        String(RF),
        '--partitions',
        String(PARTITIONS),
        '--replication',
        'quorum',
        '--out',
        composeFile,
      ]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.json).toMatchObject({ ok: true, target: 'compose', services: ['nano-0', 'nano-1', 'nano-2'] });
    } finally {
      await cli.cleanup();
    }
    const compose = JSON.parse(await readFile(composeFile, 'utf8')) as { services: Record<string, ComposeService> };

    // Service nano-<i> runs on host i, under the host name the export gives it.
    const services = Array.from({ length: NODES }, (_, id) => {
      // The project name is not in the file (docker-compose v1 rejects a top-level name): services are <--name>-<i>, nano by default.
      const service = compose.services[`nano-${id}`];
      if (!service)
        throw new Error(`the export has no service nano-${id}: ${Object.keys(compose.services).join(', ')}`);
      return service;
    });
    // Peers by host name, quorum tier (asked for: a pulled cable is a hang, which only quorum fails over).
    for (const service of services) {
      expect(service.environment).toMatchObject({
        NANOBPMN_NODES: services.map((s) => `http://${s.hostname}:${PORT}`).join(','),
        NANOBPMN_RF: String(RF),
        NANOBPMN_REPLICATION: 'quorum',
      });
    }
    network = createHostNetwork({ hostnames: services.map((s) => s.hostname), dir, marker });

    const began = performance.now();
    const engine = engineBinary();
    for (const [id, service] of services.entries()) {
      const hostDir = path.join(dir, `host-${id}`);
      await mkdir(hostDir, { recursive: true });
      const env = await hostEnvironment(composeFile, service, hostDir);
      expect(env).toMatchObject({
        PORT: String(PORT),
        NANOBPMN_NODE_ID: String(id),
        NANOBPMN_CLUSTER_SECRET: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      // The volume's container path, moved onto this host's own disk.
      expect(env.NANOBPMN_DATA_DIR).toBe(path.join(hostDir, `${service.hostname}-data`, 'data'));
      const log = path.join(dir, `${service.hostname}.log`);
      const pid = network.spawnIn(id, engine, [], env, log);
      await network.forward(id, PORT);
      // A node that cannot start says why in its log: fail with that at once, not after every deadline.
      let answered = false;
      await waitUntil(
        async () =>
          (answered = await hostRequest(socket(id), 'GET', '/v2/topology', { timeoutMs: 2_000 }).then(
            (r) => r.status === 200,
            () => false,
          )) || !isAlive(pid),
        15_000,
        `${service.hostname} to answer`,
      );
      if (!answered)
        throw new Error(`${service.hostname} exited at start:\n${(await readFile(log, 'utf8')).slice(-2_000)}`);
    }
    timings.spawnMs = performance.now() - began;
  });

  afterAll(async () => {
    const ours = network?.namespaces ?? [];
    try {
      await network?.destroy();
    } finally {
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    }
    expect(listNamespaces().filter((ns) => ours.includes(ns))).toEqual([]);
    for (const ns of ours) expect(existsSync(path.join('/etc/netns', ns))).toBe(false);
    expect(processesWithMarker(marker)).toEqual([]);
    if (Object.keys(timings).length > 0)
      console.info(
        `cross-host: ${Object.entries(timings)
          .map(([k, v]) => `${k} ${Math.round(v)}`)
          .join(', ')} (ms)`,
      );
  });

  step(
    'each host has only its own /24 (no way to any DNS server), resolves the peers through its hosts file, and every partition gets a leader',
    async () => {
      for (const host of network!.hosts) {
        // Routes: the host's /24 only, so a peer name can resolve through nothing but /etc/netns/<ns>/hosts.
        expect(ip(['-4', 'route', 'show'], host.ns).trim().split('\n')).toEqual([
          expect.stringMatching(new RegExp(`^${network!.subnet.replaceAll('.', '\\.')} dev eth0 `)),
        ]);
        for (const peer of network!.hosts)
          expect(resolveIn(host.ns, peer.hostname), `${peer.hostname} in ${host.ns}`).toBe(peer.address);
      }
      const began = performance.now();
      // The engine dialled every peer by name: its own resolver went through the hosts file too.
      await eventually(
        'every host to have dialled every peer',
        30_000,
        () => Promise.all([0, 1, 2].map(peerDials)),
        (all) => all.every((dials, host) => reachesEveryPeer(host, dials)),
      );
      timings.peersMs = performance.now() - began;
      const settled = await eventually(
        'every partition led and not recovering, on every host',
        30_000,
        () => views([0, 1, 2]),
        (all) => all.every((view) => everyLed(view) && view.every((p) => !p.recovering)),
      );
      timings.leadersMs = performance.now() - began;
      // All three agree on who leads what.
      expect(new Set(settled.map((view) => JSON.stringify(leaders(view)))).size).toBe(1);
    },
  );

  step('a BPMN deployed through nano-0 is on every host', async () => {
    await deploy(0, PROCESS_ID);
    await eventually(
      `${PROCESS_ID} on every host`,
      10_000,
      () => Promise.all([0, 1, 2].map(definitionIds)),
      (all) => all.every((ids) => ids.includes(PROCESS_ID)),
    );
  });

  step('an instance created through nano-2 completes', async () => {
    const created = await call(2, 'POST', '/v2/process-instances', {
      processDefinitionId: PROCESS_ID,
      variables: { from: 'nano-2' },
    });
    const instanceKey = String(created.processInstanceKey);
    await completeJobOf(2, instanceKey);
    await expectCompleted(instanceKey);
  });

  step(`pulling nano-${CUT}'s cable makes the other hosts lead the partitions it led (quorum tier)`, async () => {
    const before = await partitions(0);
    const ledByCut = before.filter((p) => p.leader === CUT).map((p) => p.partition_id);
    expect(ledByCut.length, 'the cut host must lead something, or failover proves nothing').toBeGreaterThan(0);

    network!.cut(CUT);
    const began = performance.now();
    const survivors = [0, 1, 2].filter((host) => host !== CUT);
    const after = await eventually(
      `a live leader other than nano-${CUT} for every partition, as both survivors see it`,
      30_000,
      () => views(survivors),
      (all) =>
        all.every((view) => everyLed(view) && view.every((p) => p.leader !== CUT)) &&
        new Set(all.map((view) => JSON.stringify(leaders(view)))).size === 1,
    );
    timings.failoverMs = performance.now() - began;
    for (const id of ledByCut) expect(after[0]!.find((p) => p.partition_id === id)!.leader).not.toBe(CUT);
    // Leadership only: engine 0.0.22 keeps a failed-over partition `recovering` while its old leader is
    // away, and creates placed on it got no answer within 20 s while the cable was out.
  });

  step(
    `plugging it back heals: nano-${CUT} agrees on every leader again, a new deployment reaches it and it serves work`,
    async () => {
      network!.heal(CUT);
      const began = performance.now();
      await eventually(
        `nano-${CUT} and the survivors to agree on a leader for every partition`,
        30_000,
        () => views([0, 1, 2]),
        (all) => all.every(everyLed) && new Set(all.map((view) => JSON.stringify(leaders(view)))).size === 1,
      );
      timings.healMs = performance.now() - began;
      // Not `recovering`: engine 0.0.22 leaves a failed-over partition recovering after the heal too. Nor
      // the dial counter: the peer link is the same TCP connection, resumed, not re-dialled.

      await deploy(0, AFTER_HEAL_ID);
      await eventually(
        `${AFTER_HEAL_ID} on nano-${CUT}`,
        10_000,
        () => definitionIds(CUT),
        (ids) => ids.includes(AFTER_HEAL_ID),
      );

      // The healed host serves work again. Just after leaders move, any node may answer a create with
      // "this node leads no partition; retry" (HTTP 500), so it is retried.
      const created = await eventually(
        `an instance created through nano-${CUT}`,
        15_000,
        () =>
          call(CUT, 'POST', '/v2/process-instances', {
            processDefinitionId: AFTER_HEAL_ID,
            variables: { from: `nano-${CUT}` },
          }),
        (answer) => answer?.processInstanceKey !== undefined,
      );
      const instanceKey = String(created.processInstanceKey);
      await completeJobOf(CUT, instanceKey);
      await expectCompleted(instanceKey);
    },
  );
});
