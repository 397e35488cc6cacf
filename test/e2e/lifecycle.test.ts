// Start, use, stop and restart real engine clusters through the standalone CLI.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { isAlive, processesWithMarker } from '../support/processes.js';
import { completeJobOf, createInstance, deployOneTask, getDefinition } from '../support/rest.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const tests = perTestSandboxes();
let sandbox: Sandbox | undefined;

describe('a real cluster', () => {
  it('starts one node, reports it healthy, and stops without leaving a process', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(1);
    const started = await sandbox.runJson(['start', '--port', String(port)]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.json).toMatchObject({
      ok: true,
      cluster: 'running',
      settings: { nodes: 1, basePort: port, partitions: 1, rf: 1, raft: false },
    });
    const pid = started.json.nodes[0].pid as number;
    expect(isAlive(pid)).toBe(true);

    const status = await sandbox.runJson(['status']);
    expect(status.code).toBe(0);
    expect(status.json).toMatchObject({
      managed: true,
      cluster: 'running',
      nodes: [{ id: 0, port, pid, process: 'running', http: 'answers' }],
    });

    const stopped = await sandbox.runJson(['stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.json.stopped).toEqual([expect.objectContaining({ id: 0, pid, outcome: 'graceful' })]);
    expect(isAlive(pid)).toBe(false);
    expect(await sandbox.state()).toBeNull();
    expect(processesWithMarker(sandbox.marker)).toEqual([]);

    const after = await sandbox.run(['status']);
    expect(after.code).toBe(3);
  });

  it('runs real work on three nodes, keeps the data across stop, and finds it again on restart', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(3);
    const started = await sandbox.runJson(['start', '3', '--port', String(port)]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.json.nodes.map((n: any) => n.port)).toEqual([port, port + 1, port + 2]);

    const status = await sandbox.runJson(['status']);
    expect(status.code).toBe(0);
    expect(status.json.nodes.map((n: any) => [n.process, n.http])).toEqual(Array(3).fill(['running', 'answers']));
    expect(status.json.partitions.map((p: any) => p.leader)).toEqual([0, 1, 2]);

    // Deploy through node 1, start and finish an instance through node 2: the nodes form one cluster.
    const { processDefinitionKey } = await deployOneTask(`http://127.0.0.1:${port + 1}`);
    const instanceKey = await createInstance(`http://127.0.0.1:${port + 2}`, { from: 'e2e' });
    await completeJobOf(`http://127.0.0.1:${port}`, instanceKey);

    const stopped = await sandbox.runJson(['stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
    for (const id of [0, 1, 2]) expect(existsSync(path.join(sandbox.home, 'data', `node-${id}`))).toBe(true);
    for (const id of [0, 1, 2]) expect(existsSync(path.join(sandbox.home, 'logs', `node-${id}.log`))).toBe(true);

    const again = await sandbox.runJson(['start', '3', '--port', String(port)]);
    expect(again.code, again.stderr).toBe(0);
    const definition = await getDefinition(`http://127.0.0.1:${port}`, processDefinitionKey);
    expect(definition.processDefinitionId).toBe('e2e-one-task');
    // And it still runs: the replayed journal kept a usable definition.
    const second = await createInstance(`http://127.0.0.1:${port + 1}`);
    await completeJobOf(`http://127.0.0.1:${port + 1}`, second);

    expect((await sandbox.runJson(['stop', '--purge'])).code).toBe(0);
    expect(existsSync(path.join(sandbox.home, 'data'))).toBe(false);
    expect(existsSync(path.join(sandbox.home, 'logs', 'node-0.log'))).toBe(true);
  });

  it('with --rf 3 waits until every partition has a leader, and status shows the leaders', async () => {
    sandbox = await tests.create();
    const port = await freePortRange(3);
    const started = await sandbox.runJson(['start', '3', '--rf', '3', '--port', String(port)]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.json.settings).toMatchObject({ rf: 3, raft: true });
    // Ready means settled: no partition may still be electing when start returns.
    expect(started.json.partitions).toHaveLength(3);
    for (const p of started.json.partitions) {
      expect(p.leader).not.toBeNull();
      expect(p.recovering).toBe(false);
    }

    const status = await sandbox.runJson(['status']);
    expect(status.code).toBe(0);
    expect(status.json.partitions.every((p: any) => typeof p.leader === 'number' && p.term >= 1)).toBe(true);
    const text = await sandbox.run(['status']);
    expect(text.stdout).toMatch(/partition 1: node \d, term \d+/);

    // A real instance on the replicated cluster, once leaders are settled.
    await deployOneTask(`http://127.0.0.1:${port}`);
    const instanceKey = await createInstance(`http://127.0.0.1:${port + 2}`);
    await completeJobOf(`http://127.0.0.1:${port + 1}`, instanceKey);

    expect((await sandbox.run(['stop'])).code).toBe(0);
    expect(processesWithMarker(sandbox.marker)).toEqual([]);
  });
});
