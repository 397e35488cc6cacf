// The drill's workload: creates paced on a virtual clock (steady, concurrent, round-robin, no burst
// after a stall), what each request's record says, workers that back off from a refusing node and
// drain, and the whole loop against a loopback stand-in for the engine over real HTTP.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { DRILL_DIRECT_PROCESS_ID, DRILL_JOB_TYPE, DRILL_PROCESS_ID } from '../../../src/drill/process.js';
import { createDrillHttp, type DrillAnswer, type DrillRequest } from '../../../src/ops/drill-http.js';
import { deployDrillProcess, startWorkload, type WorkloadDeps } from '../../../src/ops/drill-workload.js';
import { DrillEngine } from '../../support/drill-engine.js';

/** Time that moves only when the test drives it: each sleep is a timer, run in order. */
class VirtualClock {
  t = 5_000;
  private timers: Array<{ at: number; resolve: () => void }> = [];
  readonly now = (): number => this.t;
  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => this.timers.push({ at: this.t + ms, resolve }));

  async runUntil(limit: number): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve)); // let every resolved call run on
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (next === undefined || next.at > limit) break;
      this.timers.shift();
      this.t = next.at;
      next.resolve();
    }
    this.t = Math.max(this.t, limit);
  }
}

const URLS = ['http://n0', 'http://n1', 'http://n2'];
const OK = (body: unknown): DrillAnswer => ({ outcome: { kind: 'ok', status: 200 }, body });

function options(clock: VirtualClock, overrides: Partial<Parameters<typeof startWorkload>[1]> = {}) {
  return {
    urls: URLS,
    ratePerSecond: 10,
    deadlineMs: 1000,
    withTask: false,
    runId: 'run-a',
    t0: clock.t,
    ...overrides,
  };
}

describe('creates', () => {
  it('go out at the rate, round-robin, each without waiting for the ones before', async () => {
    const clock = new VirtualClock();
    const sent: Array<{ at: number; request: DrillRequest }> = [];
    const call = (request: DrillRequest) => {
      sent.push({ at: clock.t, request });
      return new Promise<DrillAnswer>(() => undefined); // no answer comes: the engine hangs
    };
    const workload = startWorkload({ call, now: clock.now, sleep: clock.sleep }, options(clock));
    await clock.runUntil(clock.t + 950);
    workload.stopCreating();
    expect(sent.map((s) => s.at - 5_000)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(sent.map((s) => s.request.url)).toEqual(
      [0, 1, 2, 0, 1, 2, 0, 1, 2, 0].map((n) => `http://n${n}/v2/process-instances`),
    );
    expect(sent[4]!.request).toMatchObject({
      method: 'POST',
      deadlineMs: 1000,
      json: { processDefinitionId: DRILL_DIRECT_PROCESS_ID, variables: { drillRun: 'run-a', drillSeq: 4 } },
    });
    expect(workload.requests).toEqual([]); // none has ended
  });

  it('after a stall go on at the rate from the late one, without a burst to catch up', async () => {
    const clock = new VirtualClock();
    const sent: number[] = [];
    const call = async () => {
      sent.push(clock.t - 5_000);
      if (sent.length === 3) clock.t += 1_000; // the event loop was busy for a second
      return OK({ processInstanceKey: String(sent.length) });
    };
    const workload = startWorkload({ call, now: clock.now, sleep: clock.sleep }, options(clock));
    await clock.runUntil(clock.t + 1_650);
    workload.stopCreating();
    expect(sent).toEqual([0, 100, 200, 1_200, 1_300, 1_400, 1_500, 1_600]);
  });

  it('are recorded when they end: the key of an acknowledged one, the outcome of the others', async () => {
    const clock = new VirtualClock();
    const answers: DrillAnswer[] = [
      OK({ processInstanceKey: '2251799813685249' }),
      { outcome: { kind: 'error', status: 500, message: 'Peer error' }, body: { title: 'Peer error' } },
      { outcome: { kind: 'timeout' }, body: null },
    ];
    let n = 0;
    const call = async () => {
      const answer = answers[n++ % 3]!;
      await clock.sleep(answer.outcome.kind === 'timeout' ? 1_000 : 7);
      return answer;
    };
    const workload = startWorkload({ call, now: clock.now, sleep: clock.sleep }, options(clock));
    await clock.runUntil(clock.t + 250);
    workload.stopCreating();
    const stopping = workload.stop();
    await clock.runUntil(clock.t + 2_000);
    await stopping;
    expect(workload.requests).toEqual([
      { op: 'create', node: 0, sentMs: 0, doneMs: 7, outcome: answers[0]!.outcome, seq: 0, key: '2251799813685249' },
      { op: 'create', node: 1, sentMs: 100, doneMs: 107, outcome: answers[1]!.outcome, seq: 1 },
      { op: 'create', node: 2, sentMs: 200, doneMs: 1_200, outcome: { kind: 'timeout' }, seq: 2 },
    ]);
  });
});

describe('workers', () => {
  it('back off from a node that refuses instead of spinning, and keep asking the others', async () => {
    const clock = new VirtualClock();
    const call = async (request: DrillRequest): Promise<DrillAnswer> => {
      if (request.url.startsWith('http://n1'))
        return { outcome: { kind: 'error', status: null, message: 'refused' }, body: null };
      if (request.url.endsWith('/activation')) await clock.sleep(200); // the long poll, no jobs
      return OK(request.url.endsWith('/activation') ? { jobs: [] } : { processInstanceKey: '1' });
    };
    const workload = startWorkload(
      { call, now: clock.now, sleep: clock.sleep },
      options(clock, { withTask: true, ratePerSecond: 1 }),
    );
    await clock.runUntil(clock.t + 1_000);
    const stopping = workload.stop();
    await clock.runUntil(clock.t + 2_000);
    await stopping;
    const activations = (node: number) => workload.requests.filter((r) => r.op === 'activate' && r.node === node);
    expect(activations(1).length).toBeGreaterThanOrEqual(9);
    expect(activations(1).length).toBeLessThanOrEqual(12); // one per 100 ms back-off
    expect(activations(0).length).toBeGreaterThanOrEqual(4); // one per 200 ms poll
    expect(activations(1).every((r) => r.outcome.kind === 'error')).toBe(true);
  });

  it('drain gives up after its time when a job is never done', async () => {
    const clock = new VirtualClock();
    const call = async (request: DrillRequest): Promise<DrillAnswer> => {
      if (request.url.endsWith('/activation')) await clock.sleep(200);
      return OK(request.url.endsWith('/activation') ? { jobs: [] } : { processInstanceKey: '77' });
    };
    const workload = startWorkload({ call, now: clock.now, sleep: clock.sleep }, options(clock, { withTask: true }));
    await clock.runUntil(clock.t + 50);
    const began = clock.t;
    let drained = false;
    void workload.drain(3_000).then(() => (drained = true));
    await clock.runUntil(began + 2_900);
    expect(drained).toBe(false);
    await clock.runUntil(began + 3_100);
    expect(drained).toBe(true);
    expect(workload.jobsCompleted()).toBe(0);
    const stopping = workload.stop();
    await clock.runUntil(clock.t + 2_000);
    await stopping;
  });
});

describe('against a stand-in engine over HTTP', () => {
  let engine: DrillEngine | undefined;
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

  it('deploys, creates through every node, and completes every acknowledged instance’s job, and only ours', async () => {
    const deps = await setUp();
    await deployDrillProcess(deps, engine!.urls, true, 2000);
    expect(engine!.definitions.every((d) => d.has(DRILL_PROCESS_ID))).toBe(true);
    const older = engine!.addInstance(0, DRILL_PROCESS_ID, { drillRun: 'run-before', drillSeq: 0 }, 'ACTIVE');
    const theirs = engine!.addInstance(1, 'their-process', {}, 'ACTIVE');
    engine!.jobs.set('999', { key: '999', instanceKey: theirs, type: 'their-job', lockedUntil: 0, done: false });
    const workload = startWorkload(deps, {
      urls: engine!.urls,
      ratePerSecond: 50,
      deadlineMs: 2000,
      withTask: true,
      runId: 'run-now',
      t0: deps.now(),
    });
    await sleep(400);
    await workload.drain(5_000);
    await workload.stop();
    const creates = workload.requests.filter((r) => r.op === 'create');
    const acked = creates.filter((r) => r.outcome.kind === 'ok').map((r) => r.key);
    expect(acked.length).toBeGreaterThanOrEqual(10);
    expect(new Set(creates.map((r) => r.node))).toEqual(new Set([0, 1, 2]));
    expect(workload.jobsCompleted()).toBe(acked.length); // the older run's job is done, not counted
    expect([...workload.completedKeys].sort()).toEqual([...acked].sort());
    for (const key of acked) expect(engine!.instances.get(key!)!.state).toBe('COMPLETED');
    expect(engine!.instances.get(older)!.state).toBe('COMPLETED');
    expect(engine!.jobs.get('999')!.done).toBe(false);
    const activations = engine!.seen.filter((s) => s.path === '/v2/jobs/activation').map((s) => JSON.parse(s.body));
    expect(new Set(activations.map((a) => a.type))).toEqual(new Set([DRILL_JOB_TYPE]));
    const completes = workload.requests.filter((r) => r.op === 'complete' && r.outcome.kind === 'ok');
    expect(completes.map((r) => r.key).sort()).toEqual([...acked, older].sort());
  });

  it('a failed deployment names node 0 and what the engine said', async () => {
    const deps = await setUp();
    engine!.misbehave = (_node, _req, res) => {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"title":"Deployment failed","detail":"disk full"}');
      return true;
    };
    const failure = await deployDrillProcess(deps, engine!.urls, false, 2000).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).message).toBe(
      `Could not deploy the drill's process ${DRILL_DIRECT_PROCESS_ID} through node 0 (${engine!.urls[0]}): HTTP 500 Deployment failed: disk full.`,
    );
  });

  it('a deployment whose answer does not name the process is a failure too', async () => {
    const deps = await setUp();
    engine!.misbehave = (_node, _req, res) => (res.writeHead(200).end('{"deployments":[]}'), true);
    await expect(deployDrillProcess(deps, engine!.urls, true, 2000)).rejects.toThrow(
      `the answer does not name process ${DRILL_PROCESS_ID}`,
    );
  });
});
