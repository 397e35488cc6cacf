// What `export` writes, run on real container tools as the README says to (issue 24): the Dockerfile
// built unchanged by Docker's classic builder, BuildKit and podman, offline; the Compose file run
// unchanged by docker-compose v1 (Debian 12's) and podman-compose; the image run as an arbitrary user
// of group 0 on a read-only root. The real engine, copied into the image by `export dockerfile`.
// Needs root, dockerd, docker-compose, podman, podman-compose and debootstrap (.ci/run installs them):
// skipped elsewhere with that reason. The base image is made here with debootstrap (no image
// registry is reachable) and cached; dockerd is our own, on its own socket, with no iptables rules,
// and whatever podman's network adds to the host's firewall is put back as it was.
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILDAH,
  containerSkipReason,
  debianRootfsTar,
  DOCKER,
  DOCKER_COMPOSE,
  firewallRestorer,
  must,
  PODMAN,
  PODMAN_COMPOSE,
  podmanEnv,
  run,
  startDocker,
  type PrivateDocker,
} from '../support/containers.js';
import { readinessProbe } from '../../src/export/kubernetes.js';
import { partitionsOrNull } from '../support/console-topology.js';
import { freePortRange } from '../support/ports.js';
import { killMarked, MARKER, waitUntil } from '../support/processes.js';
import { completeJobOf, createInstance, deployOneTask, getDefinition } from '../support/rest.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const SKIP = containerSkipReason();
const NODES = 3;

/** Every node answers and names, for every partition, its owner as the leader, none recovering. */
async function waitWhole(urls: readonly string[], timeoutMs: number): Promise<void> {
  await waitUntil(
    async () => {
      const views = await Promise.all(urls.map(partitionsOrNull));
      return views.every((v) => v !== null && v.length > 0 && v.every((p) => p.leader === p.owner && !p.recovering));
    },
    timeoutMs,
    `every partition led by its owner, as ${urls.join(', ')} see it`,
  );
}

async function instanceState(url: string, key: string): Promise<string | undefined> {
  const response = await fetch(`${url}/v2/process-instances/${key}`, { signal: AbortSignal.timeout(5_000) });
  return response.ok ? ((await response.json()) as { state?: string }).state : undefined;
}

/** The work the issue asks of a cluster: a deployment reaching every node, an instance through another node completing. */
async function realWork(urls: readonly string[]): Promise<void> {
  const { processDefinitionKey } = await deployOneTask(urls[0]!);
  for (const url of urls)
    await waitUntil(
      async () => (await getDefinition(url, processDefinitionKey).catch(() => null)) !== null,
      15_000,
      `the deployment on ${url}`,
    );
  const last = urls[urls.length - 1]!;
  const key = await createInstance(last);
  await completeJobOf(last, key);
  await waitUntil(
    async () => (await instanceState(urls[0]!, key)) === 'COMPLETED',
    15_000,
    `instance ${key} completed`,
  );
}

describe.skipIf(SKIP !== null)(`export on real container engines${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  const id = randomUUID().slice(0, 8);
  const image = `nanobpmn:e2e-${id}`;
  const processMark = `containers-${id}`;
  let work: string;
  let docker: PrivateDocker | undefined;
  let podman: Record<string, string>;
  let restoreFirewall: (() => Promise<void>) | undefined;
  let s: Sandbox;
  let context: string;
  let composeFile: string;
  let basePort: number;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'nano-containers-'));
    restoreFirewall = await firewallRestorer();
    const tar = await debianRootfsTar();
    docker = await startDocker(path.join(work, 'docker'), { [MARKER]: processMark });
    podman = { ...podmanEnv(path.join(work, 'podman')), [MARKER]: processMark };
    await must(DOCKER, ['import', tar, 'debian:bookworm-slim'], docker.env);
    await must(PODMAN(), ['import', tar, 'debian:bookworm-slim'], podman);
    s = await createSandbox();
    // As the README says: the Dockerfile in a folder of its own, the engine copied beside it.
    context = path.join(work, 'image');
    await mkdir(context);
    const exported = await s.run(['export', 'dockerfile', '--out', path.join(context, 'Dockerfile')]);
    expect(exported.code, exported.stderr).toBe(0);
    basePort = await freePortRange(NODES);
    composeFile = path.join(work, 'compose', 'compose.yaml');
    await mkdir(path.dirname(composeFile));
    // The image every later test runs: Docker's classic builder, and podman (its own image store).
    await must(DOCKER, ['build', '-t', image, context], { ...docker.env, DOCKER_BUILDKIT: '0' });
    await must(PODMAN(), ['build', '-t', image, context], podman);
    const compose = await s.run([
      'export',
      'compose',
      String(NODES),
      '--rf',
      '3',
      '--port',
      String(basePort),
      '--image',
      image,
      '--out',
      composeFile,
    ]);
    expect(compose.code, compose.stderr).toBe(0);
  }, 900_000);

  afterAll(async () => {
    // Each step runs whatever the one before did: the firewall and the daemon must come back regardless.
    try {
      // Storage and network configs are ours alone (podmanEnv), so a reset touches nothing of the host's podman.
      if (podman) await run(PODMAN(), ['system', 'reset', '-f'], podman, 120_000);
    } finally {
      try {
        await docker?.stop();
      } finally {
        try {
          await restoreFirewall?.();
        } finally {
          await s?.cleanup();
          if (work) await rm(work, { recursive: true, force: true });
        }
      }
    }
    // dockerd, its containerd, every shim and podman's conmons carry the marker: none may outlive the
    // suite (any that did is killed here, and fails it).
    expect(killMarked(processMark)).toEqual([]);
  }, 300_000);

  it('the Dockerfile builds unchanged with the classic builder, BuildKit, podman and buildah, with no network at all', async () => {
    // --network none: the build reaches nothing, so nothing it needs may come from a network.
    const offline = `${image}-offline`;
    await must(DOCKER, ['build', '--network', 'none', '--no-cache', '-t', offline, context], {
      ...docker!.env,
      DOCKER_BUILDKIT: '0',
    });
    await must(DOCKER, ['build', '--network', 'none', '--no-cache', '-t', `${offline}-buildkit`, context], {
      ...docker!.env,
      DOCKER_BUILDKIT: '1',
    });
    await must(PODMAN(), ['build', '--network', 'none', '--no-cache', '-t', offline, context], podman);
    await must(BUILDAH(), ['bud', '--network', 'none', '--no-cache', '-t', `${offline}-buildah`, context], podman);
    const user = await must(DOCKER, ['image', 'inspect', '--format', '{{.Config.User}}', offline], docker!.env);
    expect(user.stdout.trim()).toBe('10001:0');
  }, 300_000);

  it("(--engine npm) without network, the build stops at once with npm's own error and the way out", async () => {
    // The npm variant's first stage is node:22-bookworm-slim, which no registry here can give. A
    // stand-in is made from this machine's own node and npm on the Debian base: the stage only needs
    // npm to try, and fail, to fetch.
    const stand = path.join(work, 'node-image');
    await mkdir(stand);
    await cp(process.execPath, path.join(stand, 'node'));
    await cp(
      path.join(path.dirname(path.dirname(process.execPath)), 'lib', 'node_modules', 'npm'),
      path.join(stand, 'npm'),
      { recursive: true },
    );
    await writeFile(
      path.join(stand, 'Dockerfile'),
      'FROM debian:bookworm-slim\nCOPY node /usr/local/bin/node\nCOPY npm /usr/local/lib/node_modules/npm\nRUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm\n',
    );
    await must(DOCKER, ['build', '-t', 'node:22-bookworm-slim', stand], { ...docker!.env, DOCKER_BUILDKIT: '0' });
    const npmContext = path.join(work, 'npm-image');
    await mkdir(npmContext);
    const exported = await s.run([
      'export',
      'dockerfile',
      '--engine',
      'npm',
      '--out',
      path.join(npmContext, 'Dockerfile'),
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const began = Date.now();
    const offline = await run(
      DOCKER,
      ['build', '--network', 'none', '-t', `${image}-npm`, npmContext],
      { ...docker!.env, DOCKER_BUILDKIT: '0' },
      300_000,
    );
    expect(offline.exitCode).not.toBe(0);
    const said = `${offline.stdout}\n${offline.stderr}`;
    // npm's own words for a network it cannot reach (not some other failure of the stage).
    expect(said).toMatch(/npm (ERR!|error) .*(EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ENETUNREACH)/);
    expect(said).toContain('npm could not fetch @nanobpm/c8ctl-plugin-nano-linux-x64@');
    expect(said).toContain('export dockerfile --engine local builds from the engine this plugin has installed');
    // Not the ~70 s of npm's default retries.
    expect(Date.now() - began).toBeLessThan(60_000);
  }, 300_000);

  it('docker-compose v1 runs the Compose file unchanged: leaders, real work, a killed owner waits and comes back whole, down -v leaves nothing', async () => {
    const env = docker!.env;
    const project = `nano${id}`;
    const compose = (...args: string[]) =>
      must(DOCKER_COMPOSE(), ['-p', project, '-f', composeFile, ...args], env, 300_000);
    const urls = Array.from({ length: NODES }, (_, i) => `http://127.0.0.1:${basePort + i}`);
    try {
      await compose('config', '--quiet');
      await compose('up', '-d');
      await waitWhole(urls, 60_000);
      await realWork(urls);
      // The Kubernetes readiness probe, run as the kubelet would, inside a node's container of this image.
      const probe = (readinessProbe({ rf: 3, console: 'studio' }) as { exec: { command: string[] } }).exec.command;
      await must(DOCKER, ['exec', `${project}_nano-1_1`, ...probe], env);

      // A node's container killed and started again: the cluster comes back whole (its owner leads
      // its partition again) and serves. Whether its peers promoted someone meanwhile varies: a
      // vanished container is a timeout to them, like a frozen node, unless its connections were
      // reset as it died (see the README).
      const owner0 = `${project}_nano-0_1`;
      await must(DOCKER, ['kill', owner0], env);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await must(DOCKER, ['start', owner0], env);
      await waitWhole(urls, 60_000);
      const key = await createInstance(urls[1]!);
      await completeJobOf(urls[1]!, key);
    } finally {
      await compose('down', '-v');
    }
    const left = await Promise.all([
      must(DOCKER, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], env),
      must(DOCKER, ['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`], env),
      must(DOCKER, ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`], env),
    ]);
    expect(left.map((r) => r.stdout.trim())).toEqual(['', '', '']);
  }, 600_000);

  it('podman-compose runs the same file unchanged: leaders and real work; down -v leaves no container, network or volume', async () => {
    const project = `nanop${id}`;
    const env = podman;
    const urls = Array.from({ length: NODES }, (_, i) => `http://127.0.0.1:${basePort + i}`);
    try {
      // podman-compose's `up` exits 0 even when every container failed: the cluster's answers are the check.
      await must(PODMAN_COMPOSE(), ['-p', project, '-f', composeFile, 'up', '-d'], env, 300_000);
      await waitWhole(urls, 60_000);
      await realWork(urls);
    } finally {
      // podman-compose 1.0.3's down leaves the project's network: the README's second command removes it.
      await run(PODMAN_COMPOSE(), ['-p', project, '-f', composeFile, 'down', '-v'], env, 300_000);
      await run(PODMAN(), ['network', 'rm', '-f', `${project}_default`], env, 60_000);
    }
    const names = (await must(PODMAN(), ['ps', '-a', '--format', '{{.Names}}'], env)).stdout.trim();
    const networks = (await must(PODMAN(), ['network', 'ls', '--format', '{{.Name}}'], env)).stdout
      .split('\n')
      .filter((n) => n.startsWith(project));
    const volumes = (await must(PODMAN(), ['volume', 'ls', '--format', '{{.Name}}'], env)).stdout
      .split('\n')
      .filter((n) => n.startsWith(project));
    expect([names, networks, volumes]).toEqual(['', [], []]);
  }, 600_000);

  it('runs as an arbitrary user of group 0 on a read-only root, writes only its volume, which holds no skeleton files', async () => {
    const env = docker!.env;
    const [port] = [await freePortRange(1)];
    const volume = `nano-uid-${id}`;
    const name = `nano-uid-${id}`;
    try {
      await must(
        DOCKER,
        [
          'run',
          '-d',
          '--name',
          name,
          '--user',
          '123456:0',
          '--read-only',
          '-v',
          `${volume}:/var/lib/nanobpmn`,
          '-e',
          'NANOBPMN_DATA_DIR=/var/lib/nanobpmn/data',
          '-e',
          'NANOBPMN_WORKSPACE_DIR=/var/lib/nanobpmn/workspace',
          '-p',
          `127.0.0.1:${port}:8080`,
          image,
        ],
        env,
      );
      const url = `http://127.0.0.1:${port}`;
      try {
        await waitWhole([url], 60_000);
      } catch (error) {
        const ps = await run(DOCKER, ['ps', '-a', '--format', '{{.Names}} {{.Status}} {{.Ports}}'], env);
        const inspect = await run(
          DOCKER,
          [
            'inspect',
            '--format',
            '{{json .HostConfig.PortBindings}} {{json .NetworkSettings.Ports}} {{.HostConfig.NetworkMode}}',
            name,
          ],
          env,
        );
        throw new Error(`${String(error)}\n${ps.stdout}\n${inspect.stdout}${inspect.stderr}`);
      }
      const { processDefinitionKey } = await deployOneTask(url);
      expect(await getDefinition(url, processDefinitionKey)).toBeTruthy();
      await must(DOCKER, ['restart', name], env, 120_000);
      await waitWhole([url], 60_000);
      // The deployment was written to the volume, so it survives the restart.
      expect(await getDefinition(url, processDefinitionKey)).toBeTruthy();
      const listing = await must(
        DOCKER,
        ['run', '--rm', '-v', `${volume}:/d`, '--entrypoint', 'ls', image, '-A', '/d'],
        env,
      );
      const entries = listing.stdout.split('\n').filter(Boolean);
      expect(entries).toContain('data');
      expect(entries.filter((e) => e.startsWith('.'))).toEqual([]);
    } finally {
      await run(DOCKER, ['rm', '-f', name], env, 60_000);
      await run(DOCKER, ['volume', 'rm', '-f', volume], env, 60_000);
    }
  }, 300_000);
});
