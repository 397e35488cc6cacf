// `export`: the cluster `start` would run, written for Kubernetes and Compose by the real CLI. What
// could break: the nodes' environment drifting from the local planner's, a secret reaching the
// terminal, a re-export splitting a running cluster with a new secret, output that is not stable
// enough to diff, bad input getting another message than `start` gives, and a failed write leaving
// files behind. Schema validation of the same output is in export-schemas.test.ts.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IS_ROOT, tmpfsMount, type TestMount } from '../support/mounts.js';
import { perTestSandboxes } from '../support/sandbox.js';
import { snapshot } from '../support/snapshot.js';

const sandboxes = perTestSandboxes();
const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nano export é-'));
  temps.push(dir);
  return dir;
}

const HEX_SECRET = /[0-9a-f]{64}/;

describe('export kubernetes', () => {
  it('gives every pod the environment of a local cluster of that shape, with peers by stable DNS name', async () => {
    const s = await sandboxes.create();
    const result = await s.runJson([
      'export',
      'kubernetes',
      '3',
      '--rf',
      '3',
      '--name',
      'orders',
      '--namespace',
      'team-a',
    ]);
    expect(result.code).toBe(0);
    const items = result.json.items as any[];
    expect(items.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/orders-peers',
      'Service/orders',
      'StatefulSet/orders',
      'PodDisruptionBudget/orders',
    ]);
    for (const item of items) expect(item.metadata.namespace).toBe('team-a');

    const set = items.find((o) => o.kind === 'StatefulSet');
    expect(set.spec.replicas).toBe(3);
    expect(set.spec.podManagementPolicy).toBe('Parallel');
    expect(set.spec.serviceName).toBe('orders-peers');
    const container = set.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.NANOBPMN_NODES).toBe(
      [0, 1, 2].map((i) => `http://orders-${i}.orders-peers.team-a.svc.cluster.local:8080`).join(','),
    );
    expect(env).toMatchObject({
      PORT: '8080',
      NANOBPMN_PARTITIONS: '3',
      NANOBPMN_RF: '3',
      NANOBPMN_RAFT: '1',
      NANOBPMN_REPLICATION: 'leader-durable',
      NANOBPMN_DATA_DIR: '/var/lib/nanobpmn/data',
    });
    expect(env.NANOBPMN_NODE_ID).toEqual({
      fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" },
    });
    expect(env.NANOBPMN_CLUSTER_SECRET).toEqual({
      secretKeyRef: { name: 'orders-cluster-secret', key: 'NANOBPMN_CLUSTER_SECRET' },
    });
    // The local-only boot grace stays local; the correctness defaults travel.
    expect(env.NANOBPMN_RAFT_SETTLE_GRACE_MS).toBeUndefined();
    expect(env.NANOBPMN_DURABILITY).toBe('async');
    // RF 3 with a console: ready means the node sees every partition led (unit: export-image.test.ts).
    expect(container.readinessProbe.exec.command[2]).toContain('GET /console/api/topology');
    expect(set.spec.template.spec.enableServiceLinks).toBe(false);
    expect(set.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBeDefined();

    const peers = items.find((o) => o.metadata.name === 'orders-peers');
    expect(peers.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    // RF 3: a voluntary disruption may take one pod, never a partition's quorum.
    expect(items.find((o) => o.kind === 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  it('honours the same exports and flags as start: your NANOBPMN_DURABILITY, --in-memory, --console, no PDB below RF 3', async () => {
    const s = await sandboxes.create();
    const result = await s.runJson(['export', 'kubernetes', '2', '--in-memory', '--console', 'observe'], {
      NANOBPMN_DURABILITY: 'sync',
    });
    expect(result.code).toBe(0);
    const items = result.json.items as any[];
    expect(items.map((o) => o.kind)).toEqual(['Service', 'Service', 'StatefulSet']);
    const set = items.find((o) => o.kind === 'StatefulSet');
    const env = Object.fromEntries(set.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ NANOBPMN_DURABILITY: 'sync', NANOBPMN_CONSOLE: 'observe', NANOBPMN_RF: '1' });
    expect(env.NANOBPMN_RAFT).toBeUndefined();
    expect(env.NANOBPMN_DATA_DIR).toBeUndefined();
    expect(set.spec.volumeClaimTemplates).toBeUndefined();
    expect(set.spec.template.spec.volumes).toEqual([{ name: 'data', emptyDir: {} }]);
  });

  it('never prints the secret; writes it only into the --out file (owner-only), and keeps it on a re-export', async () => {
    const s = await sandboxes.create();
    const printed = await s.run(['export', 'kubernetes', '3', '--rf', '3']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).not.toContain('kind: Secret');
    expect(printed.stdout + printed.stderr).not.toMatch(HEX_SECRET);
    expect(printed.stderr).toContain('kubectl -n default create secret generic nano-cluster-secret');

    const dir = await tempDir();
    const file = path.join(dir, 'nano.yaml');
    const first = await s.run(['export', 'kubernetes', '3', '--rf', '3', '--out', file]);
    expect(first.code).toBe(0);
    expect(first.stdout + first.stderr).not.toMatch(HEX_SECRET);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const written = await readFile(file, 'utf8');
    expect(written).toContain('kind: Secret');
    const secret = HEX_SECRET.exec(written)?.[0];
    expect(secret).toBeDefined();

    const again = await s.run(['export', 'kubernetes', '3', '--rf', '3', '--out', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Kept the cluster secret');
    // Same input, same file: the secret kept, everything else byte for byte.
    expect(await readFile(file, 'utf8')).toBe(written);

    const elsewhere = path.join(dir, 'other.yaml');
    await s.run(['export', 'kubernetes', '3', '--rf', '3', '--out', elsewhere]);
    const other = await readFile(elsewhere, 'utf8');
    expect(HEX_SECRET.exec(other)?.[0]).not.toBe(secret);
    expect(other.replace(HEX_SECRET, 'SECRET')).toBe(written.replace(HEX_SECRET, 'SECRET'));
  });

  it('is stable: the same command prints the same bytes', async () => {
    const s = await sandboxes.create();
    const a = await s.run(['export', 'kubernetes', '5', '--rf', '3', '--partitions', '10']);
    const b = await s.run(['export', 'kubernetes', '5', '--rf', '3', '--partitions', '10']);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('export compose', () => {
  it('gives each service its node id, the peers by service name, a volume and host port base+i; the secret goes to an env file beside it', async () => {
    const s = await sandboxes.create();
    const dir = await tempDir();
    const file = path.join(dir, 'compose.json');
    const result = await s.runJson(['export', 'compose', '3', '--rf', '3', '--port', '9000', '--out', file]);
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({
      ok: true,
      target: 'compose',
      secret: 'fresh',
      services: ['nano-0', 'nano-1', 'nano-2'],
    });
    const document = JSON.parse(await readFile(file, 'utf8'));
    // No top-level name: docker-compose v1 rejects it; the printed commands pass -p instead.
    expect(document.name).toBeUndefined();
    expect(Object.keys(document.services)).toEqual(['nano-0', 'nano-1', 'nano-2']);
    for (const id of [0, 1, 2]) {
      const service = document.services[`nano-${id}`];
      expect(service.hostname).toBe(`nano-${id}`);
      expect(service.environment).toMatchObject({
        NANOBPMN_NODE_ID: String(id),
        NANOBPMN_NODES: 'http://nano-0:8080,http://nano-1:8080,http://nano-2:8080',
        NANOBPMN_RF: '3',
        NANOBPMN_REPLICATION: 'leader-durable',
      });
      expect(service.environment.NANOBPMN_CLUSTER_SECRET).toBeUndefined();
      expect(service.env_file).toEqual(['./nano-cluster-secret.env']);
      expect(service.ports).toEqual([`127.0.0.1:${9000 + id}:8080`]);
      expect(service.stop_grace_period).toBe('30s');
      expect(service.volumes).toEqual([`nano-${id}-data:/var/lib/nanobpmn`]);
    }
    expect(Object.keys(document.volumes)).toEqual(['nano-0-data', 'nano-1-data', 'nano-2-data']);

    const envFile = path.join(dir, 'nano-cluster-secret.env');
    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
    const env = await readFile(envFile, 'utf8');
    expect(env).toMatch(/^NANOBPMN_CLUSTER_SECRET=[0-9a-f]{64}\n$/);

    const again = await s.runJson(['export', 'compose', '3', '--rf', '3', '--port', '9000', '--out', file]);
    expect(again.json.secret).toBe('kept');
    const told = await s.run(['export', 'compose', '3', '--rf', '3', '--port', '9000', '--out', file]);
    expect(told.stdout).toContain(`docker-compose -p nano -f '${file}' up -d`);
    expect(told.stdout).toContain(`podman-compose -p nano -f '${file}' up -d`);
    expect(await readFile(envFile, 'utf8')).toBe(env);
  });

  it('refuses a secret env file that holds no cluster secret (it stays as it was); --force replaces it with a fresh one', async () => {
    const s = await sandboxes.create();
    const dir = await tempDir();
    const file = path.join(dir, 'c.yaml');
    const envFile = path.join(dir, 'nano-cluster-secret.env');
    await writeFile(envFile, 'MYVAR=1\n');
    const refused = await s.run(['export', 'compose', '2', '--out', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`${envFile} exists but holds no NANOBPMN_CLUSTER_SECRET`);
    expect(await readFile(envFile, 'utf8')).toBe('MYVAR=1\n');
    expect(existsSync(file)).toBe(false);
    const forced = await s.runJson(['export', 'compose', '2', '--out', file, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json.secret).toBe('fresh');
    expect(await readFile(envFile, 'utf8')).toMatch(/^NANOBPMN_CLUSTER_SECRET=[0-9a-f]{64}\n$/);
  });

  it('without --out prints the file and says how to make the secret, writing nothing', async () => {
    const s = await sandboxes.create();
    const dir = await tempDir();
    const before = await snapshot(dir);
    const result = await s.run(['export', 'compose', '2'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('services:');
    expect(result.stderr).toContain('nano-cluster-secret.env');
    expect(result.stdout + result.stderr).not.toMatch(HEX_SECRET);
    expect(await snapshot(dir)).toEqual(before);
  });

  it.skipIf(!IS_ROOT)(
    'a Compose file that cannot be written (full disk) takes back the secret file it had just made (needs root to mount a tmpfs)',
    async () => {
      let mount: TestMount | undefined;
      try {
        mount = await tmpfsMount(64);
        await mount.fill(4096); // room for the small env file, not for the Compose file
        const before = await snapshot(mount.dir);
        const s = await sandboxes.create();
        const result = await s.run(['export', 'compose', '16', '--out', path.join(mount.dir, 'compose.yaml')]);
        expect(result.code).toBe(1);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).toContain('compose.yaml');
        expect(result.stderr).not.toContain('Unexpected failure');
        expect(await snapshot(mount.dir)).toEqual(before);
      } finally {
        await mount?.cleanup();
      }
    },
  );
});

describe('export: bad input', () => {
  it('gets the very message start gives for a bad shape, and touches nothing', async () => {
    const s = await sandboxes.create();
    for (const args of [
      ['3', '--rf', '4'],
      ['0'],
      ['3', '--partitions', '2'],
      ['3', '--replication', 'fast'],
      ['3', '--console', 'full'],
      ['3', '--history-max', '0'],
    ]) {
      const started = await s.run(['start', ...args]);
      const exported = await s.run(['export', 'compose', ...args]);
      expect(exported.code, args.join(' ')).toBe(1);
      expect(exported.stderr).toBe(started.stderr);
    }
    expect((await s.run(['export', 'kubernetes', '3'], { NANOBPMN_REPLICATION: 'fastest' })).stderr).toContain(
      'NANOBPMN_REPLICATION="fastest" in your environment',
    );
  });

  it('names the wrong target, a flag the target has no use for, a bad name, namespace, image or --out', async () => {
    const s = await sandboxes.create();
    const dir = await tempDir();
    await writeFile(path.join(dir, 'file'), 'x');
    const cases: Array<[string[], string]> = [
      [['export'], 'Say what to export: kubernetes, compose, dockerfile'],
      [['export', 'kubernets', '3'], 'did you mean kubernetes?'],
      [['export', 'kubernetes', '3', '--port', '9000'], '--port does not apply to "export kubernetes"'],
      [['export', 'compose', '3', '--namespace', 'x'], '--namespace does not apply to "export compose"'],
      [['export', 'dockerfile', '--rf', '3'], '--rf does not apply to "export dockerfile"'],
      [['export', 'dockerfile', '3'], '"export dockerfile" takes no node count'],
      [['export', 'kubernetes', '--name', 'Orders'], '--name "Orders" must be 1 to 40 lowercase letters'],
      [['export', 'kubernetes', '--namespace', '-x'], '--namespace "-x" is not a Kubernetes namespace name'],
      [['export', 'compose', '--image', 'Nano Engine'], '--image "Nano Engine" is not an image reference'],
      [['export', 'compose', '--out', dir], `--out ${dir} is a folder`],
      [['export', 'compose', '--out', path.join(dir, 'missing', 'c.yaml')], 'does not exist'],
      [
        ['export', 'compose', '--out', path.join(dir, 'file', 'c.yaml')],
        'a part of its path is a file, not a directory',
      ],
    ];
    const before = await snapshot(dir);
    for (const [args, message] of cases) {
      const result = await s.run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(message);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('export --out over an existing file', () => {
  it('refuses another node or partition count over a file it wrote (YAML or JSON), which stays as it was; --force replaces it', async () => {
    const s = await sandboxes.create();
    const dir = await tempDir();
    for (const file of ['k.yaml', 'k.json']) {
      const out = path.join(dir, file);
      expect((await s.run(['export', 'kubernetes', '3', '--rf', '3', '--out', out])).code).toBe(0);
      const before = await readFile(out, 'utf8');
      const refused = await s.run(['export', 'kubernetes', '5', '--out', out]);
      expect(refused.code, file).toBe(1);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toContain(
        `--out ${out} holds a cluster of 3 node(s) and 3 partition(s); this export has 5 and 5.`,
      );
      expect(await readFile(out, 'utf8')).toBe(before);
      // The same count with another shape flag is fine.
      expect((await s.run(['export', 'kubernetes', '3', '--rf', '1', '--out', out])).code).toBe(0);
      expect((await s.run(['export', 'kubernetes', '5', '--out', out, '--force'])).code).toBe(0);
      expect(await readFile(out, 'utf8')).toContain(file.endsWith('.json') ? '"replicas": 5' : 'replicas: 5');
    }
  });

  it('writes the format its --out name says, whatever --json asks of stdout', async () => {
    const s = await sandboxes.create();
    const dir = await tempDir();
    const yaml = path.join(dir, 'c.yaml');
    const result = await s.runJson(['export', 'compose', '2', '--out', yaml]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ ok: true, written: expect.arrayContaining([yaml]) });
    expect((await readFile(yaml, 'utf8')).startsWith('# Written by c8ctl-plugin-nano: export compose 2')).toBe(true);
  });

  it('replaces a file an export wrote, refuses any other (it stays as it was) unless --force', async () => {
    const s = await sandboxes.create();
    const dir = await tempDir();
    const notes = path.join(dir, 'README.md');
    await writeFile(notes, '# my notes\n');
    const refused = await s.run(['export', 'kubernetes', '3', '--out', notes]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`--out ${notes} already exists and was not written by export`);
    expect(await readFile(notes, 'utf8')).toBe('# my notes\n');
    const forced = await s.run(['export', 'kubernetes', '3', '--out', notes, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    const written = await readFile(notes, 'utf8');
    expect(written.split('\n')[0]).toBe(
      '# Written by c8ctl-plugin-nano: export kubernetes 3 --partitions 3 --rf 1 --console studio --name nano --namespace default',
    );

    // Its own files, YAML or JSON, it replaces without asking.
    for (const [target, file, json] of [
      ['kubernetes', 'k.json', true],
      ['compose', 'c.yaml', false],
      ['compose', 'c.json', true],
      ['dockerfile', 'Dockerfile', false],
    ] as const) {
      const out = path.join(dir, file);
      const args = ['export', target, '--out', out, ...(json ? ['--json'] : [])];
      expect((await s.run(args)).code, `${target} ${file}`).toBe(0);
      const again = await s.run(args);
      expect(again.code, `${target} ${file} again: ${again.stderr}`).toBe(0);
    }
  });
});

describe('export dockerfile', () => {
  it('by default copies the engine this plugin runs beside it (byte for byte, executable) and tags the image with its version', async () => {
    const s = await sandboxes.create();
    const dir = await tempDir();
    const file = path.join(dir, 'Dockerfile');
    const result = await s.runJson(['export', 'dockerfile', '--out', file]);
    expect(result.code, result.stderr).toBe(0);
    const engine = path.join(dir, 'nanobpmn-linux-amd64');
    expect(result.json).toMatchObject({ ok: true, target: 'dockerfile', engine: 'local', written: [engine, file] });
    const version = /^nanobpmn:(\d+\.\d+\.\d+)/.exec(result.json.image)?.[1];
    expect(version).toBeDefined();
    const status = await s.runJson(['config']);
    const running = status.json.binary.path as string;
    // Compared by digest: a failing toEqual on two 90 MB buffers would diff them to exhaustion.
    const digest = async (f: string) =>
      createHash('sha256')
        .update(await readFile(f))
        .digest('hex');
    expect(await digest(engine)).toBe(await digest(running));
    expect((await stat(engine)).mode & 0o777).toBe(0o755);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^COPY nanobpmn-linux-amd64 \/usr\/local\/bin\/nanobpmn$/m);
    expect(text).toContain(`(nanobpmn) ${version} for linux/amd64`);
    // Again over its own files: replaced without --force.
    expect((await s.run(['export', 'dockerfile', '--out', file])).code).toBe(0);
  });

  it('refuses to replace an engine file it did not write (left as it was); --force replaces it', async () => {
    const s = await sandboxes.create();
    const dir = await tempDir();
    const file = path.join(dir, 'Dockerfile');
    const engine = path.join(dir, 'nanobpmn-linux-amd64');
    await writeFile(engine, 'mine');
    const refused = await s.run(['export', 'dockerfile', '--out', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`${engine} exists and was not written by export`);
    expect(await readFile(engine, 'utf8')).toBe('mine');
    expect(existsSync(file)).toBe(false);
    expect((await s.run(['export', 'dockerfile', '--out', file, '--force'])).code).toBe(0);
    expect((await stat(engine)).size).toBeGreaterThan(1_000_000);
  });

  it('--engine npm packages our own platform package version, fetched in the build, and says how to build it', async () => {
    const s = await sandboxes.create();
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    const version = pkg.optionalDependencies['@nanobpm/c8ctl-plugin-nano-linux-x64'];
    const dir = await tempDir();
    const file = path.join(dir, 'Dockerfile');
    const result = await s.run(['export', 'dockerfile', '--engine', 'npm', '--out', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`docker build -t nanobpmn:${version} '${dir}'`);
    expect(existsSync(path.join(dir, 'nanobpmn-linux-amd64'))).toBe(false);
    const text = await readFile(file, 'utf8');
    expect(text).toContain(`"$package@${version}"`);
    expect(text).toContain('package="@nanobpm/c8ctl-plugin-nano-linux-x64"');
    expect(text).toContain('package="@nanobpm/c8ctl-plugin-nano-linux-arm64"');
    expect(text).toMatch(/^FROM debian:bookworm-slim$/m);
    expect(text).toMatch(/^USER 10001:0$/m);
    expect(text).toMatch(/^EXPOSE 8080$/m);
    // The manifests' default image is the one this Dockerfile is built as.
    const compose = await s.runJson(['export', 'compose']);
    expect(compose.json.services['nano-0'].image).toBe(`nanobpmn:${version}`);
  });

  it('names a bad --engine, and --engine or --all-interfaces on a target that has no use for it', async () => {
    const s = await sandboxes.create();
    for (const [args, words] of [
      [['export', 'dockerfile', '--engine', 'docker'], '--engine docker is not a choice'],
      [['export', 'compose', '--engine', 'npm'], '--engine goes with export dockerfile'],
      [['export', 'kubernetes', '--all-interfaces'], '--all-interfaces goes with export compose'],
    ] as const) {
      const result = await s.run([...args]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(words);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
