// The schema validators the export tests rely on must bite: each realistic sample passes, and each
// broken copy of it fails for the reason we broke it. A validator that passes everything would let
// every export test pass too.
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { describe, expect, it } from 'vitest';
import { parseYamlDocuments, validateComposeDocument, validateKubernetesObject } from '../../support/schemas.js';

const LABELS = { 'app.kubernetes.io/name': 'nano', 'app.kubernetes.io/instance': 'nano' };

// What the export is expected to write for a 3-node cluster, written out by hand.
function statefulSet() {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'nano', labels: LABELS },
    spec: {
      serviceName: 'nano-headless',
      replicas: 3,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: LABELS },
      template: {
        metadata: { labels: LABELS, annotations: { 'nanobpm.io/exported-by': 'c8ctl-nano 0.1.0' } },
        spec: {
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'nano',
              image: 'ghcr.io/nanobpm/nano:1.67.0',
              args: ['--cluster-size', '3', '--replication-factor', '3'],
              ports: [
                { name: 'http', containerPort: 8080 },
                { name: 'cluster', containerPort: 26502, protocol: 'TCP' },
              ],
              env: [
                {
                  name: 'NANO_NODE_ID',
                  valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } },
                },
                { name: 'NANO_CLUSTER_SIZE', value: '3' },
                { name: 'NANO_CLUSTER_SECRET', valueFrom: { secretKeyRef: { name: 'nano-cluster', key: 'secret' } } },
              ],
              readinessProbe: {
                httpGet: { path: '/v2/topology', port: 'http' },
                periodSeconds: 5,
                failureThreshold: 3,
              },
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  };
}

function headlessService() {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'nano-headless', labels: LABELS },
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: LABELS,
      ports: [
        { name: 'http', port: 8080, targetPort: 'http' },
        { name: 'cluster', port: 26502, targetPort: 26502 },
      ],
    },
  };
}

function disruptionBudget() {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'nano' },
    spec: { maxUnavailable: 1, selector: { matchLabels: LABELS } },
  };
}

function secret() {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'nano-cluster' },
    type: 'Opaque',
    stringData: { secret: 'generated-at-export' },
  };
}

// Runs `change` on a fresh sample and returns it, so each broken copy differs in one thing only.
function broken<T>(make: () => T, change: (sample: T) => void): T {
  const sample = make();
  change(sample);
  return sample;
}

function container(s: ReturnType<typeof statefulSet>) {
  return s.spec.template.spec.containers[0]! as Record<string, unknown>;
}

describe('validateKubernetesObject accepts', () => {
  it.each([
    ['a StatefulSet', statefulSet],
    ['a headless Service', headlessService],
    ['a PodDisruptionBudget', disruptionBudget],
    ['a Secret with stringData', secret],
  ])('%s as the export writes it', (_, make) => {
    expect(validateKubernetesObject(make())).toEqual([]);
  });

  // Unknown fields are found by watching which keys the schema validator reads; a richer object than
  // the export writes today shows that no field the schema knows is called unknown.
  it('a StatefulSet and Service using many more fields, none of them called unknown', () => {
    const s = statefulSet();
    Object.assign(s.spec, {
      minReadySeconds: 5,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: '50%' } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
      ordinals: { start: 0 },
      revisionHistoryLimit: 3,
    });
    Object.assign(s.spec.template.spec, {
      serviceAccountName: 'nano',
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        fsGroup: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                topologyKey: 'kubernetes.io/hostname',
                labelSelector: {
                  matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['nano'] }],
                },
              },
            },
          ],
        },
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: LABELS },
        },
      ],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'nano', effect: 'NoSchedule' }],
      volumes: [
        {
          name: 'config',
          configMap: { name: 'nano', defaultMode: 0o440, items: [{ key: 'nano.env', path: 'nano.env' }] },
        },
        { name: 'scratch', emptyDir: { sizeLimit: '100Mi' } },
      ],
    });
    Object.assign(container(s), {
      imagePullPolicy: 'IfNotPresent',
      command: ['/nano'],
      envFrom: [{ configMapRef: { name: 'nano' } }, { secretRef: { name: 'nano-cluster', optional: false } }],
      startupProbe: {
        httpGet: {
          path: '/v2/topology',
          port: 8080,
          scheme: 'HTTP',
          httpHeaders: [{ name: 'Accept', value: 'application/json' }],
        },
        failureThreshold: 30,
      },
      livenessProbe: { tcpSocket: { port: 'cluster' }, initialDelaySeconds: 10, timeoutSeconds: 2 },
      lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
    });
    const svc = headlessService();
    Object.assign(svc.spec, {
      type: 'ClusterIP',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    });
    Object.assign(svc.spec.ports[0]!, { protocol: 'TCP', appProtocol: 'http' });
    expect(validateKubernetesObject(s)).toEqual([]);
    expect(validateKubernetesObject(svc)).toEqual([]);
  });

  it('a Secret with base64 data and a ConfigMap', () => {
    expect(validateKubernetesObject({ ...secret(), stringData: undefined, data: { secret: 'c2VjcmV0' } })).toEqual([]);
    expect(
      validateKubernetesObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'nano' },
        data: { 'nano.env': 'A=1\n' },
      }),
    ).toEqual([]);
  });
});

describe('validateKubernetesObject rejects', () => {
  it('a wrong type: replicas "3"', () => {
    const problems = validateKubernetesObject(broken(statefulSet, (s) => Object.assign(s.spec, { replicas: '3' })));
    expect(problems).toEqual(['/spec/replicas must be integer']);
  });

  it('a value outside an enum: podManagementPolicy "parallel"', () => {
    const problems = validateKubernetesObject(
      broken(statefulSet, (s) => Object.assign(s.spec, { podManagementPolicy: 'parallel' })),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\/spec\/podManagementPolicy must be equal to one of the allowed values/);
  });

  it('a missing required field: a pod template without containers', () => {
    const problems = validateKubernetesObject(
      broken(statefulSet, (s) => Reflect.deleteProperty(s.spec.template.spec, 'containers')),
    );
    expect(problems).toEqual(['/spec/template/spec must have required property containers']);
  });

  it('a missing required field: a Service port without its port', () => {
    const problems = validateKubernetesObject(
      broken(headlessService, (s) => Reflect.deleteProperty(s.spec.ports[1]!, 'port')),
    );
    expect(problems).toEqual(['/spec/ports/1 must have required property port']);
  });

  it('wrong types in a Service, a PodDisruptionBudget and a Secret', () => {
    expect(
      validateKubernetesObject(
        broken(headlessService, (s) => Object.assign(s.spec, { publishNotReadyAddresses: 'true' })),
      ),
    ).toEqual(['/spec/publishNotReadyAddresses must be boolean']);
    expect(
      validateKubernetesObject(
        broken(disruptionBudget, (s) => Object.assign(s.spec.selector, { matchLabels: ['app=nano'] })),
      ),
    ).toEqual(['/spec/selector/matchLabels must be object']);
    expect(validateKubernetesObject(broken(secret, (s) => Object.assign(s.stringData, { port: 8080 })))).toEqual([
      '/stringData/port must be string',
    ]);
  });

  it('Secret data that is not base64', () => {
    const problems = validateKubernetesObject({ ...secret(), stringData: undefined, data: { secret: 'not base64!' } });
    expect(problems).toEqual(['/data/secret must match format "byte"']);
  });

  // The library's schemas, like the Kubernetes OpenAPI they come from, allow any extra key; kubectl
  // refuses one (strict field validation). This pins why validateKubernetesObject watches reads.
  it('an unknown field, which the library model alone would let through', () => {
    const misspelt = broken(statefulSet, (s) => Object.assign(s.spec, { podManagmentPolicy: 'Parallel' }));
    expect(() => new StatefulSet(misspelt as never).validate()).not.toThrow();
    expect(validateKubernetesObject(misspelt)).toEqual([
      '/spec/podManagmentPolicy is not a field of apps/v1 StatefulSet',
    ]);
  });

  it('unknown fields at every depth: top level, container, probe, env source, claim template', () => {
    const s = statefulSet();
    Object.assign(s, { replicas: 3 });
    Object.assign(container(s), { readinesProbe: {} });
    Object.assign(s.spec.template.spec.containers[0]!.readinessProbe.httpGet, { url: '/v2/topology' });
    Object.assign(s.spec.template.spec.containers[0]!.env[0]!.valueFrom!, { podIndex: true });
    Object.assign(s.spec.volumeClaimTemplates[0]!.spec, { size: '1Gi' });
    expect(validateKubernetesObject(s).sort()).toEqual(
      [
        '/replicas is not a field of apps/v1 StatefulSet',
        '/spec/template/spec/containers/0/readinesProbe is not a field of apps/v1 StatefulSet',
        '/spec/template/spec/containers/0/readinessProbe/httpGet/url is not a field of apps/v1 StatefulSet',
        '/spec/template/spec/containers/0/env/0/valueFrom/podIndex is not a field of apps/v1 StatefulSet',
        '/spec/volumeClaimTemplates/0/spec/size is not a field of apps/v1 StatefulSet',
      ].sort(),
    );
  });

  it('an unknown field next to a schema error in the same object', () => {
    const s = broken(statefulSet, (s) => Object.assign(s.spec, { replicas: '3', podManagmentPolicy: 'Parallel' }));
    expect(validateKubernetesObject(s).sort()).toEqual([
      '/spec/podManagmentPolicy is not a field of apps/v1 StatefulSet',
      '/spec/replicas must be integer',
    ]);
  });

  it('an object without metadata.name', () => {
    expect(validateKubernetesObject(broken(secret, (s) => Reflect.deleteProperty(s.metadata, 'name')))).toEqual([
      '/metadata/name is required',
    ]);
  });

  it('a kind it does not know, and an apiVersion that does not go with the kind', () => {
    const [unknownKind] = validateKubernetesObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nano' },
    });
    expect(unknownKind).toMatch(/^apps\/v1 Deployment: not a kind these tests know/);
    const [oldPdb] = validateKubernetesObject({ ...disruptionBudget(), apiVersion: 'policy/v1beta1' });
    expect(oldPdb).toMatch(/^policy\/v1beta1 PodDisruptionBudget: not a kind/);
  });

  it('something that is not an object, and an empty document', () => {
    expect(validateKubernetesObject('kind: Secret')).toEqual(['a string, not a Kubernetes object']);
    expect(validateKubernetesObject([secret()])).toEqual(['an array, not a Kubernetes object']);
    expect(validateKubernetesObject(null)).toEqual([expect.stringMatching(/^an empty YAML document/)]);
  });
});

function compose() {
  const node = (id: number) => ({
    image: 'ghcr.io/nanobpm/nano:1.67.0',
    hostname: `nano-${id}`,
    environment: { NANO_NODE_ID: `${id}`, NANO_CLUSTER_SIZE: '3', NANO_PARTITIONS: 3 },
    env_file: ['nano.env'],
    volumes: [`nano-${id}-data:/data`, './config:/config:ro'],
    ports: [`${8080 + id}:8080`],
    restart: 'unless-stopped',
  });
  return {
    name: 'nano',
    services: { 'nano-0': node(0), 'nano-1': node(1), 'nano-2': { ...node(2), depends_on: ['nano-0'] } },
    volumes: { 'nano-0-data': {}, 'nano-1-data': {}, 'nano-2-data': {} },
  };
}

describe('validateComposeDocument', () => {
  it('accepts the Compose file as the export writes it', () => {
    expect(validateComposeDocument(compose())).toEqual([]);
  });

  it('accepts the long forms: env_file entries, port and volume objects, depends_on conditions', () => {
    const doc = compose();
    Object.assign(doc.services['nano-1'], {
      env_file: [{ path: 'nano.env', required: false }],
      ports: [{ target: 8080, published: '8081', protocol: 'tcp' }],
      volumes: [{ type: 'volume', source: 'nano-1-data', target: '/data' }],
      depends_on: { 'nano-0': { condition: 'service_started' } },
    });
    expect(validateComposeDocument(doc)).toEqual([]);
  });

  it('rejects a service with an unknown key', () => {
    const doc = broken(compose, (d) => Object.assign(d.services['nano-0'], { enviroment: {} }));
    expect(validateComposeDocument(doc)).toEqual([
      '/services/nano-0 must NOT have additional properties ("enviroment")',
    ]);
  });

  it('rejects ports of the wrong type', () => {
    const asString = broken(compose, (d) => Object.assign(d.services['nano-1'], { ports: '8081:8080' }));
    expect(validateComposeDocument(asString)).toEqual(['/services/nano-1/ports must be array']);
    const asBoolean = broken(compose, (d) => Object.assign(d.services['nano-1'], { ports: [true] }));
    expect(validateComposeDocument(asBoolean)).toContain(
      '/services/nano-1/ports/0 must match exactly one schema in oneOf',
    );
  });

  it('rejects an environment value that is a mapping, and an unknown top-level key', () => {
    const nested = broken(compose, (d) =>
      Object.assign(d.services['nano-0'].environment, { NANO_NODE_ID: { value: '0' } }),
    );
    expect(validateComposeDocument(nested)).toContain(
      '/services/nano-0/environment must match exactly one schema in oneOf',
    );
    expect(validateComposeDocument({ ...compose(), volume: {} })).toEqual([
      '/ must NOT have additional properties ("volume")',
    ]);
  });

  it('rejects what docker compose refuses after the schema: no image, undefined volume or service, a bad restart policy', () => {
    const doc = compose();
    Reflect.deleteProperty(doc.services['nano-0'], 'image');
    Reflect.deleteProperty(doc.volumes, 'nano-1-data');
    Object.assign(doc.services['nano-2'], { depends_on: ['nano-3'], restart: 'sometimes' });
    expect(validateComposeDocument(doc)).toEqual([
      '/services/nano-0 has neither an image nor a build context',
      '/services/nano-1/volumes/0 refers to undefined volume "nano-1-data"',
      '/services/nano-2/restart "sometimes" is not a restart policy',
      '/services/nano-2/depends_on names undefined service "nano-3"',
    ]);
  });

  it('rejects an empty document and a non-mapping', () => {
    expect(validateComposeDocument(null)).toEqual(['an empty YAML document, not a Compose file']);
    expect(validateComposeDocument(['services'])).toEqual(['/ must be object']);
  });
});

describe('parseYamlDocuments', () => {
  it('returns every document of a --- separated stream, with a leading --- and JSON documents too', () => {
    const text =
      '---\napiVersion: v1\nkind: Secret\n---\n# a comment\nkind: Service\n---\n{"kind": "ConfigMap", "data": {"a": "1"}}\n';
    expect(parseYamlDocuments(text)).toEqual([
      { apiVersion: 'v1', kind: 'Secret' },
      { kind: 'Service' },
      { kind: 'ConfigMap', data: { a: '1' } },
    ]);
  });

  it('keeps an empty document as null, and reads a stream of comments only as no documents', () => {
    expect(parseYamlDocuments('a: 1\n---\n')).toEqual([{ a: 1 }, null]);
    expect(parseYamlDocuments('# nothing\n')).toEqual([]);
  });

  it('throws on a syntax error and on a duplicate key, naming the document', () => {
    expect(() => parseYamlDocuments('a: 1\n---\nb: [1, 2\n')).toThrow(/^YAML document 2 of 2: /);
    expect(() => parseYamlDocuments('kind: Secret\nkind: Service\n')).toThrow(
      /^YAML document 1 of 1: Map keys must be unique/,
    );
  });

  it('throws on a scalar that YAML 1.1 (kubectl) reads differently, and accepts it quoted', () => {
    expect(() => parseYamlDocuments('env:\n  FOLLOW: yes\n')).toThrow(
      'YAML document 1 of 1: /env/FOLLOW reads as "yes" in YAML 1.2 but true in YAML 1.1',
    );
    expect(() => parseYamlDocuments('mode: 0640\n')).toThrow('/mode reads as 640 in YAML 1.2 but 416 in YAML 1.1');
    expect(() => parseYamlDocuments('ports:\n  - 22:22\n')).toThrow(
      '/ports/0 reads as "22:22" in YAML 1.2 but 1342 in YAML 1.1',
    );
    expect(parseYamlDocuments('env:\n  FOLLOW: "yes"\nmode: "0640"\nports: ["22:22"]\n')).toEqual([
      { env: { FOLLOW: 'yes' }, mode: '0640', ports: ['22:22'] },
    ]);
  });

  it('feeds the validators: a whole Kubernetes stream passes object by object', () => {
    const stream = [statefulSet(), headlessService(), disruptionBudget(), secret()]
      .map((o) => JSON.stringify(o))
      .join('\n---\n');
    const docs = parseYamlDocuments(stream);
    expect(docs).toHaveLength(4);
    expect(docs.flatMap(validateKubernetesObject)).toEqual([]);
  });
});
