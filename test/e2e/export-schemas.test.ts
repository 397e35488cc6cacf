// What `export kubernetes` and `export compose` really write, run through the published schemas
// (test/support/schemas.ts): every object must be one kubectl and docker compose accept, in each
// output form (YAML file, JSON file, stdout) and for shapes that add or drop objects.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';
import { parseYamlDocuments, validateComposeDocument, validateKubernetesObject } from '../support/schemas.js';

const tests = perTestSandboxes();

async function exported(s: Sandbox, args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await s.run(['export', ...args], env);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

function kinds(objects: unknown[]): string[] {
  return objects.map((o) => `${(o as { kind: string }).kind} ${(o as { metadata: { name: string } }).metadata.name}`);
}

function expectValidKubernetes(objects: unknown[]): void {
  const problems = objects.flatMap((o, i) =>
    validateKubernetesObject(o).map((p) => `object ${i + 1} (${kinds([o])[0]}): ${p}`),
  );
  expect(problems).toEqual([]);
}

describe('export kubernetes output passes the Kubernetes schemas', () => {
  it('3 nodes, RF 3, to a YAML file: Secret, both Services, StatefulSet and PodDisruptionBudget', async () => {
    const s = await tests.create();
    const out = path.join(s.home, 'k8s.yaml');
    await exported(s, ['kubernetes', '3', '--rf', '3', '--out', out]);
    const objects = parseYamlDocuments(await readFile(out, 'utf8'));
    expect(kinds(objects)).toEqual([
      'Secret nano-cluster-secret',
      'Service nano-peers',
      'Service nano',
      'StatefulSet nano',
      'PodDisruptionBudget nano',
    ]);
    expectValidKubernetes(objects);
  });

  it('the same as a JSON file: a v1 List whose every item passes', async () => {
    const s = await tests.create();
    const out = path.join(s.home, 'k8s.json');
    await exported(s, ['kubernetes', '3', '--rf', '3', '--json', '--out', out]);
    const [list] = parseYamlDocuments(await readFile(out, 'utf8')) as [
      { apiVersion: string; kind: string; items: unknown[] },
    ];
    expect({ apiVersion: list.apiVersion, kind: list.kind }).toEqual({ apiVersion: 'v1', kind: 'List' });
    expect(list.items).toHaveLength(5);
    expectValidKubernetes(list.items);
  });

  it('1 node in memory, another name and namespace, on stdout: no Secret, no budget, an emptyDir', async () => {
    const s = await tests.create();
    const objects = parseYamlDocuments(
      await exported(s, ['kubernetes', '1', '--in-memory', '--name', 'my-nano', '--namespace', 'team-a']),
    );
    expect(kinds(objects)).toEqual(['Service my-nano-peers', 'Service my-nano', 'StatefulSet my-nano']);
    expectValidKubernetes(objects);
  });

  // The writer quotes what YAML could read as something else; values the user exports reach the
  // manifests verbatim (only NANOBPMN_DURABILITY is checked), so `yes` and `0777` must arrive as
  // those strings, in both outputs.
  it('keeps exported values that YAML would misread as exactly those strings', async () => {
    const s = await tests.create();
    const tricky = { NANOBPMN_REPLICATE_ACTIVATION: 'yes', NANOBPMN_PEER_BREAKER_COOLDOWN_MS: '0777' };
    const objects = parseYamlDocuments(await exported(s, ['kubernetes', '3'], tricky));
    expectValidKubernetes(objects);
    const statefulSet = objects.find((o) => (o as { kind: string }).kind === 'StatefulSet') as {
      spec: { template: { spec: { containers: { env: { name: string; value?: unknown }[] }[] } } };
    };
    expect(
      Object.fromEntries(statefulSet.spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value])),
    ).toMatchObject(tricky);

    const [compose] = parseYamlDocuments(await exported(s, ['compose', '3'], tricky)) as [
      { services: Record<string, { environment: object }> },
    ];
    expect(validateComposeDocument(compose)).toEqual([]);
    for (const service of Object.values(compose.services)) expect(service.environment).toMatchObject(tricky);
  });
});

describe('export compose output passes the Compose Specification schema', () => {
  it('3 nodes, RF 3, to a file, with the env file it names beside it', async () => {
    const s = await tests.create();
    const out = path.join(s.home, 'compose.yaml');
    await exported(s, ['compose', '3', '--rf', '3', '--out', out]);
    const docs = parseYamlDocuments(await readFile(out, 'utf8'));
    expect(docs).toHaveLength(1);
    const [doc] = docs as [{ services: Record<string, { env_file: string[] }> }];
    expect(validateComposeDocument(doc)).toEqual([]);
    expect(Object.keys(doc.services)).toEqual(['nano-0', 'nano-1', 'nano-2']);
    // docker compose refuses to start a service whose env_file is missing; paths are relative to the file.
    for (const service of Object.values(doc.services))
      for (const file of service.env_file) expect(existsSync(path.resolve(s.home, file)), file).toBe(true);
  });

  it('1 node in memory on stdout, and the JSON form', async () => {
    const s = await tests.create();
    const [yamlDoc] = parseYamlDocuments(await exported(s, ['compose', '1', '--in-memory']));
    expect(validateComposeDocument(yamlDoc)).toEqual([]);
    const [jsonDoc] = parseYamlDocuments(await exported(s, ['compose', '1', '--in-memory', '--json']));
    expect(jsonDoc).toEqual(yamlDoc);
  });
});
