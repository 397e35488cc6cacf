// What a hostile user found (issue 12, items 1, 3, 4, 5), on real engine clusters: kept data of
// another shape, a frozen leader shown as live, failover that never came with our defaults, and
// untracked engines reported as "stopped".
import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchPartition } from '../support/console-topology.js';
import { freePortRange } from '../support/ports.js';
import { isAlive, processesWithMarker, waitUntil } from '../support/processes.js';
import { createInstance, deployOneTask } from '../support/rest.js';
import { perTestSandboxes } from '../support/sandbox.js';

const tests = perTestSandboxes();
const url = (port: number): string => `http://127.0.0.1:${port}`;

async function instanceStatus(port: number, key: string): Promise<number> {
  return (await fetch(`${url(port)}/v2/process-instances/${key}`, { signal: AbortSignal.timeout(5_000) })).status;
}

/** The leader of partition 1 as the cluster reports it right after start. */
async function leaderOfPartition1(port: number): Promise<number> {
  return (await fetchPartition(url(port), 1)).leader as number;
}

describe('kept data of another shape', () => {
  it('refuses a start with another node count (the silent split), names both ways out, and the kept shape still starts', async () => {
    const s = await tests.create();
    const port = await freePortRange(3);
    expect((await s.run(['start', '3', '--port', String(port)])).code).toBe(0);
    await deployOneTask(url(port));
    const keys = await Promise.all(Array.from({ length: 6 }, () => createInstance(url(port))));
    expect((await s.run(['stop'])).code).toBe(0);
    const shapeBefore = await readFile(path.join(s.home, 'data', '.shape.json'), 'utf8');
    expect(JSON.parse(shapeBefore)).toMatchObject({ nodes: 3, partitions: 3, rf: 1 });

    // The reported case: one node serving all three partitions from node 0's data alone.
    for (const args of [
      ['start', '1', '--partitions', '3'],
      ['start', '2', '--partitions', '3'],
      ['restart', '1', '--partitions', '3'],
    ]) {
      const refused = await s.run([...args, '--port', String(port)]);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr).toContain('was written by a 3-node cluster');
      expect(refused.stderr).toContain('c8ctl-nano start 3');
      expect(refused.stderr).toContain('c8ctl-nano clean');
      expect(processesWithMarker(s.marker)).toEqual([]);
    }
    expect(await readFile(path.join(s.home, 'data', '.shape.json'), 'utf8')).toBe(shapeBefore);

    // Measured safe: RF, Raft and the tier may change; every earlier instance is still served.
    const raft = await s.run(['start', '3', '--rf', '3', '--port', String(port)]);
    expect(raft.code, raft.stderr).toBe(0);
    for (const key of keys) expect(await instanceStatus(port, key), key).toBe(200);
    expect((await s.run(['stop'])).code).toBe(0);
  });

  it("refuses a running cluster's replacement of another shape before stopping it (restart, start --force)", async () => {
    const s = await tests.create();
    const port = await freePortRange(2);
    expect((await s.run(['start', '2', '--port', String(port)])).code).toBe(0);
    const pids = (await s.state()).nodes.map((n: any) => n.pid as number);
    for (const args of [
      ['restart', '3'],
      ['start', '3', '--force', '--port', String(port)],
    ]) {
      const refused = await s.run(args);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr).toContain('was written by a 2-node cluster');
      expect(pids.every(isAlive)).toBe(true);
    }
    expect((await s.run(['stop'])).code).toBe(0);
  });

  it('with no shape record (an older version, or a start that never got ready), the node directories decide', async () => {
    const s = await tests.create();
    const port = await freePortRange(3);
    for (const id of [0, 1, 2]) {
      await mkdir(path.join(s.home, 'data', `node-${id}`), { recursive: true, mode: 0o700 });
      await writeFile(path.join(s.home, 'data', `node-${id}`, 'journal'), 'old data');
    }
    const refused = await s.run(['start', '1', '--port', String(port)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'holds data of node(s) 0, 1, 2, so it comes from a 3-node cluster; a 1-node cluster would split',
    );
    expect(processesWithMarker(s.marker)).toEqual([]);
    // Empty directories are no data: a start that made them and failed blocks nothing.
    await rm(path.join(s.home, 'data'), { recursive: true });
    await mkdir(path.join(s.home, 'data', 'node-2'), { recursive: true, mode: 0o700 });
    const plain = await s.run(['start', '1', '--port', String(port)]);
    expect(plain.code, plain.stderr).toBe(0);
    expect((await s.run(['stop'])).code).toBe(0);
  });
});

describe('a frozen leader', () => {
  it('is replaced under --replication quorum, which warns of the lasting displacement, and status never shows it as the live leader', async () => {
    const s = await tests.create();
    const port = await freePortRange(3);
    const started = await s.runJson(['start', '3', '--rf', '3', '--replication', 'quorum', '--port', String(port)]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toContain(
      '"level":"warn","message":"Under --replication quorum another node takes over a frozen leader, but with this engine leadership never returns',
    );
    expect(started.json.settings.replication).toBe('quorum');
    expect((await s.state()).nodes[0].env.NANOBPMN_REPLICATION).toBe('quorum');
    const leader = await leaderOfPartition1(port);

    const paused = await s.runJson(['pause', String(leader)]);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.json).toMatchObject({ ledPartitions: expect.arrayContaining([1]), replaced: true });

    // Right after the freeze the survivors still name it; status must not call that a live leader.
    const early = await s.runJson(['status']);
    const p1 = early.json.partitions.find((p: any) => p.partition === 1);
    if (p1.leader === leader) expect(p1).toMatchObject({ live: false, leaderProblem: `node ${leader} is frozen` });
    const text = await s.run(['status']);
    expect(text.stdout).toContain('replication quorum');
    expect(text.stdout).not.toMatch(new RegExp(`partition 1: node ${leader},`));

    // Another node takes over (measured: within about 3 s).
    await waitUntil(
      async () => {
        const view = (await s.runJson(['status'])).json;
        const p = view.partitions?.find((q: any) => q.partition === 1);
        return p !== undefined && p.live === true && p.leader !== leader;
      },
      20_000,
      'another node to lead partition 1',
    );
    expect((await s.run(['resume', String(leader)])).code).toBe(0);
    expect((await s.run(['stop'])).code).toBe(0);
  });

  it('under leader-durable (the default), pause says no one takes over and suggests node kill; status says "no live leader"', async () => {
    const s = await tests.create();
    const port = await freePortRange(3);
    const started = await s.run(['start', '3', '--rf', '3', '--port', String(port)]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).not.toContain('⚠');
    expect(started.stdout).toContain('replication leader-durable');
    const leader = await leaderOfPartition1(port);

    const paused = await s.run(['pause', String(leader)]);
    expect(paused.code).toBe(0);
    expect(paused.stderr).toContain('⚠');
    expect(paused.stderr).toContain('under the leader-durable tier its replicas wait for a frozen leader');
    expect(paused.stderr).toContain(`c8ctl-nano node ${leader} kill`);

    // The reported case: for as long as it stays frozen, survivors keep naming it.
    const status = await s.runJson(['status']);
    expect(status.code).toBe(2);
    const p1 = status.json.partitions.find((p: any) => p.partition === 1);
    expect(p1).toMatchObject({ leader, live: false, leaderProblem: `node ${leader} is frozen` });
    expect((await s.run(['status'])).stdout).toContain(`partition 1: no live leader (node ${leader} is frozen`);

    const config = await s.runJson(['config']);
    expect(config.json.replication).toMatchObject({ default: 'leader-durable', cluster: 'leader-durable' });
    expect((await s.run(['stop'])).code).toBe(0);
  });

  it('an exported NANOBPMN_REPLICATION still chooses the tier, and a value the engine does not know is refused', async () => {
    const s = await tests.create();
    const port = await freePortRange(2);
    const bad = await s.run(['start', '2', '--rf', '2', '--port', String(port)], { NANOBPMN_REPLICATION: 'quorom' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('NANOBPMN_REPLICATION="quorom"');
    const badFlag = await s.run(['start', '2', '--rf', '2', '--replication', 'fast', '--port', String(port)]);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toContain('--replication "fast" must be leader-durable');
    const badDurability = await s.run(['start', '--port', String(port)], { NANOBPMN_DURABILITY: 'fsync' });
    expect(badDurability.code).toBe(1);
    expect(badDurability.stderr).toContain('NANOBPMN_DURABILITY="fsync"');
    expect(processesWithMarker(s.marker)).toEqual([]);

    const exported = await s.runJson(['start', '2', '--rf', '2', '--port', String(port)], {
      NANOBPMN_REPLICATION: 'quorum',
    });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.json.settings.replication).toBe('quorum');
    // restart keeps the tier it had.
    const restarted = await s.runJson(['restart']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.json.settings.replication).toBe('quorum');
    expect((await s.run(['stop'])).code).toBe(0);
  });
});

describe('engines running without state', () => {
  it('are reported with PIDs and ports, exit 2, and the fix — not "stopped"', async () => {
    const s = await tests.create();
    const port = await freePortRange(2);
    expect((await s.run(['start', '2', '--port', String(port)])).code).toBe(0);
    const pids = (await s.state()).nodes.map((n: any) => n.pid as number);
    await unlink(path.join(s.home, 'cluster.json'));

    const text = await s.run(['status']);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('untracked');
    for (const pid of pids) expect(text.stdout).toContain(String(pid));
    expect(text.stdout).toContain(String(port + 1));
    expect(text.stdout).toContain('stop --force');
    const json = await s.runJson(['status']);
    expect(json.code).toBe(2);
    expect(json.json).toMatchObject({ managed: false, cluster: 'degraded' });
    expect(json.json.untracked.map((e: any) => e.pid).sort()).toEqual([...pids].sort());

    expect((await s.run(['stop', '--force'])).code).toBe(0);
    expect((await s.run(['status', '--port', String(port)])).code).toBe(3);
  });
});
