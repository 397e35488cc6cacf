// The checks after the heal against a loopback stand-in for the engine: reads by key through every
// node, this run's instances from every node's own search (paged, other runs left out) with the seq
// each carries, the nodes without the definition, and answers that fail once or for good.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DRILL_DIRECT_PROCESS_ID, DRILL_PROCESS_ID } from '../../../src/drill/process.js';
import { checkAfterHeal, definitionMissingOn, mapBounded } from '../../../src/ops/drill-checks.js';
import { createDrillHttp } from '../../../src/ops/drill-http.js';
import type { WorkloadDeps } from '../../../src/ops/drill-workload.js';
import { DrillEngine, send } from '../../support/drill-engine.js';

let engine: DrillEngine;
let http: ReturnType<typeof createDrillHttp> | undefined;
afterEach(async () => {
  http?.close();
  await engine?.close();
});

async function setUp(): Promise<WorkloadDeps> {
  engine = await new DrillEngine(3).start();
  http = createDrillHttp();
  return { call: http.call, now: () => performance.now(), sleep: (ms) => sleep(ms) };
}

const input = (ackedKeys: string[], withTask = true, deadlineMs = 1000) => ({
  urls: engine.urls,
  ackedKeys,
  withTask,
  deadlineMs,
  runId: 'run-a',
});

describe('checkAfterHeal', () => {
  it('reads every acknowledged key through every node: found, and completed or not', async () => {
    const deps = await setUp();
    const done = engine.addInstance(0, DRILL_PROCESS_ID, { drillRun: 'run-a', drillSeq: 0 }, 'COMPLETED');
    const waiting = engine.addInstance(2, DRILL_PROCESS_ID, { drillRun: 'run-a', drillSeq: 1 }, 'ACTIVE');
    const findings = await checkAfterHeal(deps, input([done, waiting, '12345']));
    expect(findings.reads).toEqual([
      ...[0, 1, 2].map((node) => ({ key: done, node, found: true, completed: true })),
      ...[0, 1, 2].map((node) => ({ key: waiting, node, found: true, completed: false })),
      ...[0, 1, 2].map((node) => ({ key: '12345', node, found: false, completed: null })),
    ]);
    const reads = engine.seen.filter((s) => s.method === 'GET').map((s) => `${s.node} ${s.path}`);
    expect(reads).toHaveLength(9);
    expect(reads).toContain(`1 /v2/process-instances/${waiting}`);
  });

  it("finds this run's instances on every node, the unacknowledged ones too, and no one else's", async () => {
    const deps = await setUp();
    const ours = [0, 1, 2].map((owner, seq) =>
      engine.addInstance(owner, DRILL_PROCESS_ID, { drillRun: 'run-a', drillSeq: seq }, 'ACTIVE'),
    );
    engine.addInstance(1, DRILL_PROCESS_ID, { drillRun: 'run-b', drillSeq: 3 }, 'ACTIVE');
    engine.addInstance(1, 'their-process', { drillRun: 'run-a' }, 'ACTIVE');
    engine.addInstance(2, DRILL_DIRECT_PROCESS_ID, { drillRun: 'run-a', drillSeq: 4 }, 'COMPLETED');
    const findings = await checkAfterHeal(deps, input([ours[0]!]));
    expect(findings.foundKeys).toEqual(ours);
    expect(findings.instances).toEqual(ours.map((key, seq) => ({ key, seq })));
    expect(findings.deploymentsMissingOn).toEqual([0, 1, 2]); // nothing was deployed
    const direct = await checkAfterHeal(deps, input([], false));
    expect(direct.foundKeys).toHaveLength(1);
  });

  it('pages through a node with more instances than a page holds, in key order', async () => {
    const deps = await setUp();
    const keys = Array.from({ length: 2_345 }, (_, seq) =>
      engine.addInstance(1, DRILL_PROCESS_ID, { drillRun: 'run-a', drillSeq: seq }, 'COMPLETED'),
    );
    const findings = await checkAfterHeal(deps, input([]));
    expect(findings.foundKeys).toEqual(keys);
    expect(findings.instances.every((i, seq) => i.seq === seq)).toBe(true);
    const pages = engine.seen.filter((s) => s.node === 1 && s.path === '/v2/process-instances/search');
    expect(pages.map((p) => JSON.parse(p.body).page)).toEqual([
      { limit: 1000 },
      { limit: 1000, after: '1000' },
      { limit: 1000, after: '2000' },
    ]);
  });

  it('shows the seq a key holds now, so a key handed out again can be told from the create it acknowledged', async () => {
    const deps = await setUp();
    const key = engine.addInstance(2, DRILL_PROCESS_ID, { drillRun: 'run-a', drillSeq: 9 }, 'ACTIVE');
    const findings = await checkAfterHeal(deps, input([key]));
    expect(findings.instances).toEqual([{ key, seq: 9 }]);
  });

  it('names the nodes a deployment did not reach', async () => {
    const deps = await setUp();
    engine.deployTo = [0, 2];
    engine.definitions[0]!.add(DRILL_PROCESS_ID);
    engine.definitions[2]!.add(DRILL_PROCESS_ID);
    expect((await checkAfterHeal(deps, input([]))).deploymentsMissingOn).toEqual([1]);
    expect(await definitionMissingOn(deps, engine.urls, true, 1000)).toEqual([1]);
    expect(await definitionMissingOn(deps, engine.urls, false, 1000)).toEqual([0, 1, 2]);
  });

  it('asks again after a 500 or a timeout, and names a node that never answers', async () => {
    const deps = await setUp();
    for (const node of [0, 1, 2]) engine.definitions[node]!.add(DRILL_PROCESS_ID);
    const key = engine.addInstance(0, DRILL_PROCESS_ID, { drillRun: 'run-a', drillSeq: 0 }, 'COMPLETED');
    let failedOnce = false;
    engine.misbehave = (node, req, res) => {
      if (node === 2) return true; // frozen: never answers
      if (node === 0 && req.method === 'GET' && !failedOnce) {
        failedOnce = true;
        send(res, 500, { title: 'Peer error', detail: 'peer link closed' });
        return true;
      }
      return false;
    };
    const findings = await checkAfterHeal(deps, input([key], true, 150));
    expect(findings.reads.filter((r) => r.node !== 2).every((r) => r.found && r.completed)).toBe(true);
    expect(findings.reads.find((r) => r.node === 2)).toEqual({ key, node: 2, found: false, completed: null });
    expect(findings.foundKeys).toEqual([key]);
    expect(findings.unanswered).toEqual([2]);
    expect(findings.deploymentsMissingOn).toEqual([2]);
    const frozenReads = engine.seen.filter((s) => s.node === 2 && s.method === 'GET');
    expect(frozenReads).toHaveLength(3);
  });

  it('takes a 404 as the answer: no second read', async () => {
    const deps = await setUp();
    await checkAfterHeal(deps, input(['77']));
    expect(engine.seen.filter((s) => s.method === 'GET')).toHaveLength(3);
  });
});

describe('mapBounded', () => {
  it('runs at most `limit` at a time and keeps the order', async () => {
    let running = 0;
    let most = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await sleep(n * 3);
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });
});
