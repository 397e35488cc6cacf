// Lost deployments right after start: the instant `start 3` returns, deploy through node 0; 1.5 s later
// every node must hold the definition (its own, node-local process-definitions/search) and an instance
// must be creatable through the last node. A deployment made while a peer's boot breaker is open never
// reaches that peer (docs/engine-behaviour.md, "Boot"), so this is what "ready" has to guarantee.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CORRECTNESS_CHECK_AFTER_MS, CORRECTNESS_REPS, ROOT } from './config.js';
import { withCliCluster } from './cli-cluster.js';
import { describeRun } from './run-cli.js';

const PROCESS_ID = 'e2e-one-task';
const TIMEOUT_MS = 5_000;

export interface CorrectnessRun {
  readonly rep: number;
  /** Nodes that did not hold the definition, and whether the create through the last node failed. */
  readonly missingOn: readonly number[];
  readonly createFailed: string | null;
  readonly error: string | null;
}

/** Pure: a run lost the deployment when any node lacks it or the create through the last node failed. */
export function lost(run: CorrectnessRun): boolean {
  return run.error !== null || run.missingOn.length > 0 || run.createFailed !== null;
}

async function deploy(url: string): Promise<void> {
  const form = new FormData();
  form.append(
    'resources',
    new Blob([readFileSync(path.join(ROOT, 'test', 'fixtures', 'one-task.bpmn'))], { type: 'application/xml' }),
    'one-task.bpmn',
  );
  const response = await fetch(`${url}/v2/deployments`, {
    method: 'POST',
    body: form,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok)
    throw new Error(`deploy through ${url}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
}

async function holds(url: string): Promise<boolean> {
  const response = await fetch(`${url}/v2/process-definitions/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ filter: { processDefinitionId: PROCESS_ID } }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) return false;
  const body = (await response.json()) as { items?: Array<{ processDefinitionId?: string }> };
  return (body.items ?? []).some((d) => d.processDefinitionId === PROCESS_ID);
}

async function create(url: string): Promise<string | null> {
  const response = await fetch(`${url}/v2/process-instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ processDefinitionId: PROCESS_ID }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  return response.ok ? null : `HTTP ${response.status} ${(await response.text()).slice(0, 120)}`;
}

async function once(rep: number): Promise<CorrectnessRun> {
  return withCliCluster('correctness start 3', 3, {}, async ({ base, start }) => {
    if (start.code !== 0)
      return { rep, missingOn: [], createFailed: null, error: `start failed: ${describeRun(start)}` };
    try {
      const urls = [0, 1, 2].map((i) => `http://127.0.0.1:${base + i}`);
      await deploy(urls[0]!);
      await sleep(CORRECTNESS_CHECK_AFTER_MS);
      const held = await Promise.all(urls.map(holds));
      const missingOn = held.flatMap((h, i) => (h ? [] : [i]));
      return { rep, missingOn, createFailed: await create(urls[2]!), error: null };
    } catch (error) {
      return { rep, missingOn: [], createFailed: null, error: error instanceof Error ? error.message : String(error) };
    }
  });
}

export const correctnessRuns: CorrectnessRun[] = [];

export async function benchCorrectness(reps = CORRECTNESS_REPS): Promise<void> {
  process.stderr.write(
    `lost deployments: ${reps} × (start 3, deploy through node 0 at once, check every node after ${CORRECTNESS_CHECK_AFTER_MS} ms)\n`,
  );
  for (let rep = 0; rep < reps; rep += 1) correctnessRuns.push(await once(rep));
}
