// Real work through a started cluster's Camunda-compatible REST API: proof it is a working engine.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const PROCESS_ID = 'e2e-one-task';
export const JOB_TYPE = 'e2e-work';

async function call(url: string, init: RequestInit = {}): Promise<any> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} → HTTP ${response.status}: ${text.slice(0, 300)}`);
  return text === '' ? null : JSON.parse(text);
}

const jsonPost = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export async function deployOneTask(baseUrl: string): Promise<{ processDefinitionKey: string }> {
  const xml = await readFile(path.resolve('test/fixtures/one-task.bpmn'));
  const form = new FormData();
  form.append('resources', new Blob([xml], { type: 'application/xml' }), 'one-task.bpmn');
  const deployment = await call(`${baseUrl}/v2/deployments`, { method: 'POST', body: form });
  const definition = deployment.deployments?.find(
    (d: any) => d.processDefinition?.processDefinitionId === PROCESS_ID,
  )?.processDefinition;
  if (!definition) throw new Error(`deployment did not return ${PROCESS_ID}: ${JSON.stringify(deployment)}`);
  return { processDefinitionKey: String(definition.processDefinitionKey) };
}

export async function createInstance(baseUrl: string, variables: Record<string, unknown> = {}): Promise<string> {
  const created = await call(
    `${baseUrl}/v2/process-instances`,
    jsonPost({ processDefinitionId: PROCESS_ID, variables }),
  );
  return String(created.processInstanceKey);
}

/** Activates jobs (retrying until one for `instanceKey` arrives) and completes it. */
export async function completeJobOf(baseUrl: string, instanceKey: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const activated = await call(
      `${baseUrl}/v2/jobs/activation`,
      jsonPost({ type: JOB_TYPE, timeout: 30_000, maxJobsToActivate: 10, worker: 'e2e', requestTimeout: 1_000 }),
    );
    const job = activated.jobs?.find((j: any) => String(j.processInstanceKey) === instanceKey);
    if (job) {
      await call(`${baseUrl}/v2/jobs/${job.jobKey}/completion`, jsonPost({ variables: { done: true } }));
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no job of type ${JOB_TYPE} for instance ${instanceKey} within 15 s`);
}

export async function getDefinition(baseUrl: string, key: string): Promise<any> {
  return call(`${baseUrl}/v2/process-definitions/${key}`);
}
