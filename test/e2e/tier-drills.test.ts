// The README's failover drills on the real engine, run to the end: after each fault heals, the
// cluster must be whole (every partition led by its owner, every instance readable and new creates
// succeeding through every node, a later start on the kept data ready at once). Under quorum the same
// drill must end with status naming the displacement, a start that says so within seconds, and a
// repair that keeps the data. These are also the measurements behind cluster/tiers.ts: if the engine
// starts giving quorum leadership back, the quorum test fails and that table is the line to change.
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { processesWithMarker, waitUntil } from '../support/processes.js';
import { deployOneTask, PROCESS_ID } from '../support/rest.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const tests = perTestSandboxes();
const NODES = [0, 1, 2];
const url = (port: number): string => `http://127.0.0.1:${port}`;

async function create(base: string): Promise<{ status: number; key?: string; body: string }> {
  const response = await fetch(`${base}/v2/process-instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ processDefinitionId: PROCESS_ID, variables: {} }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  return {
    status: response.status,
    body,
    ...(response.ok ? { key: String(JSON.parse(body).processInstanceKey) } : {}),
  };
}

/** Nine instances, created round-robin through every node. */
async function createNine(port: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < 9; i++) {
    const created = await create(url(port + (i % 3)));
    expect(created.status, created.body).toBeLessThan(300);
    keys.push(created.key!);
  }
  return keys;
}

/** What a client sees through each node: reads of every key, and three new creates. */
async function clientView(
  port: number,
  keys: readonly string[],
): Promise<{ unreadable: string[]; failedCreates: string[] }> {
  const unreadable: string[] = [];
  const failedCreates: string[] = [];
  for (const id of NODES) {
    for (const key of keys) {
      const response = await fetch(`${url(port + id)}/v2/process-instances/${key}`, {
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status !== 200) unreadable.push(`${key} via node ${id}: HTTP ${response.status}`);
    }
    for (let i = 0; i < 3; i++) {
      const created = await create(url(port + id));
      if (created.status >= 300)
        failedCreates.push(`via node ${id}: HTTP ${created.status} ${created.body.slice(0, 120)}`);
    }
  }
  return { unreadable, failedCreates };
}

async function expectWhole(s: Sandbox, port: number, keys: readonly string[]): Promise<void> {
  const status = await s.runJson(['status']);
  expect(status.code, (await s.run(['status'])).stdout).toBe(0);
  expect(status.json.partitions.map((p: any) => p.placement)).toEqual(['owner', 'owner', 'owner']);
  expect(await clientView(port, keys)).toEqual({ unreadable: [], failedCreates: [] });
}

/** A stop and a start on the kept data: ready at once, and whole. */
async function expectRestartsWhole(s: Sandbox, port: number, keys: readonly string[]): Promise<void> {
  expect((await s.run(['stop'])).code).toBe(0);
  const again = await s.runJson(['start', '3', '--rf', '3', '--port', String(port), '--timeout', '15']);
  expect(again.code, again.stderr).toBe(0);
  await expectWhole(s, port, keys);
}

async function startWithWork(s: Sandbox, extra: readonly string[] = []): Promise<{ port: number; keys: string[] }> {
  const port = await freePortRange(3);
  const started = await s.run(['start', '3', '--rf', '3', '--port', String(port), ...extra]);
  expect(started.code, started.stderr).toBe(0);
  await deployOneTask(url(port));
  return { port, keys: await createNine(port) };
}

const leaderOf = async (s: Sandbox, partition: number): Promise<number> =>
  (await s.runJson(['status'])).json.partitions.find((p: any) => p.partition === partition).leader;

describe('drills under the default tier leave the cluster whole', () => {
  it('pause the leader, wait, resume: healthy again within seconds, and a later start on the kept data is ready and whole', async () => {
    const s = await tests.create();
    const { port, keys } = await startWithWork(s);
    const leader = await leaderOf(s, 1);
    expect((await s.run(['pause', String(leader)])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 10_000)); // long enough for any takeover (one takes about 2 s where it happens)
    expect((await s.run(['resume', String(leader)])).code).toBe(0);
    await waitUntil(async () => (await s.run(['status'])).code === 0, 10_000, 'status to say healthy after resume');
    await expectWhole(s, port, keys);
    await expectRestartsWhole(s, port, keys);
    expect((await s.run(['stop'])).code).toBe(0);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('kill the leader: another node takes over, and once it is back its owner leads again; the kept data restarts whole', async () => {
    const s = await tests.create();
    const { port, keys } = await startWithWork(s);
    const leader = await leaderOf(s, 1);
    expect((await s.run(['node', String(leader), 'kill'])).code).toBe(0);
    await waitUntil(
      async () => {
        const p1 = (await s.runJson(['status'])).json.partitions?.find((p: any) => p.partition === 1);
        return p1?.live === true && p1.placement === 'failover';
      },
      20_000,
      'another node to lead partition 1, named a failover',
    );
    expect((await s.run(['node', String(leader), 'start'])).code).toBe(0);
    await waitUntil(async () => (await s.run(['status'])).code === 0, 15_000, 'the owner to lead its partition again');
    await expectWhole(s, port, keys);
    await expectRestartsWhole(s, port, keys);
    expect((await s.run(['stop'])).code).toBe(0);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });
});

describe('network drills through the link proxy', () => {
  it('isolate the leader (silent), wait, heal: heal reports the leaders settled, the cluster is whole, and restarts whole', async () => {
    const s = await tests.create();
    const { port, keys } = await startWithWork(s, ['--network-faults']);
    const leader = await leaderOf(s, 1);
    const isolated = await s.run(['isolate', String(leader)]);
    expect(isolated.code, isolated.stderr).toBe(0);
    expect(isolated.stderr).toContain('is waited for');
    await new Promise((r) => setTimeout(r, 5_000));
    const during = await s.runJson(['status']);
    expect(during.code).toBe(2);
    expect(during.json.partitions.find((p: any) => p.partition === 1)).toMatchObject({
      live: false,
      leaderProblem: `node ${leader} is cut off from its peers`,
    });
    const healed = await s.runJson(['heal']);
    expect(healed.code, healed.stderr).toBe(0);
    expect(healed.json.settled).toBe('whole');
    await expectWhole(s, port, keys);
    await expectRestartsWhole(s, port, keys);
    expect((await s.run(['stop'])).code).toBe(0);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('under quorum, isolating the leader moves it and heal says the displacement is lasting, naming the repair', async () => {
    const s = await tests.create();
    await startWithWork(s, ['--network-faults', '--replication', 'quorum']);
    const leader = await leaderOf(s, 1);
    expect((await s.run(['isolate', String(leader)])).stderr).toContain('never returns');
    await waitUntil(
      async () =>
        (await s.runJson(['status'])).json.partitions.find((p: any) => p.partition === 1)?.placement === 'failover',
      15_000,
      'another node to lead partition 1',
    );
    const healed = await s.run(['heal', '--json']);
    expect(healed.code, healed.stderr).toBe(0);
    expect(JSON.parse(healed.stdout).settled).toBe('displaced');
    expect(healed.stderr).toContain('restart --replication leader-durable');
    const status = await s.runJson(['status']);
    expect(status.code).toBe(2);
    expect(status.json.displaced.length).toBeGreaterThan(0);
    expect((await s.run(['stop'])).code).toBe(0);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });
});

describe('the same drill under --replication quorum', () => {
  it('ends displaced: status exit 2 names each partition and owner; start says so in seconds; the repair keeps every instance', async () => {
    const s = await tests.create();
    const { port, keys } = await startWithWork(s, ['--replication', 'quorum']);
    const leader = await leaderOf(s, 1);
    const paused = await s.run(['pause', String(leader)]);
    expect(paused.stderr).toContain('leadership never returns');
    await waitUntil(async () => (await leaderOf(s, 1)) !== leader, 20_000, 'another node to lead partition 1');
    expect((await s.run(['resume', String(leader)])).code).toBe(0);

    // Leaders settle within a couple of seconds of the resume; then the displacement is lasting.
    let status: Awaited<ReturnType<Sandbox['runJson']>> | undefined;
    await waitUntil(
      async () => {
        status = await s.runJson(['status']);
        return (
          status.json.nodes.every((n: any) => n.http === 'answers') &&
          status.json.displaced?.length > 0 &&
          status.json.partitions.every((p: any) => p.live)
        );
      },
      15_000,
      'status to name the displaced partitions',
    );
    expect(status!.code).toBe(2);
    expect(status!.json.cluster).toBe('degraded');
    for (const d of status!.json.displaced) {
      expect(d.leader).not.toBe(d.owner);
      expect(d.owner).toBe(d.partition - 1);
    }
    const text = await s.run(['status']);
    for (const d of status!.json.displaced) {
      expect(text.stdout).toContain(`partition ${d.partition}: node ${d.leader}`);
      expect(text.stdout).toContain(
        `partition ${d.partition} is led by node ${d.leader}, its owner is node ${d.owner}`,
      );
    }
    expect(text.stdout).toContain('restart --replication leader-durable');
    // What a client sees is what status warned of.
    const view = await clientView(port, keys);
    expect(view.unreadable.length).toBeGreaterThan(0);

    // A start on the kept data does not wait out its timeout for leaders that never return.
    expect((await s.run(['stop'])).code).toBe(0);
    const again = await s.runJson(['start', '3', '--rf', '3', '--replication', 'quorum', '--port', String(port)]);
    expect(again.code).toBe(1);
    expect(again.ms).toBeLessThan(20_000);
    expect(again.json.error.code).toBe('displaced');
    expect(again.json.error.message).toContain('its owner is node');
    expect(processesWithMarker(s.marker)).toEqual([]);

    // The repair the messages offer keeps the data and brings every partition home.
    const repaired = await s.runJson(['restart', '--replication', 'leader-durable']);
    expect(repaired.code, repaired.stderr).toBe(0);
    await expectWhole(s, port, keys);
    expect((await s.run(['stop'])).code).toBe(0);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });
});
