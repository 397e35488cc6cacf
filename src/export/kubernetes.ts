// The Kubernetes objects of an exported cluster. Pure: the request, the image and the secret in;
// plain objects out, in a fixed order with fixed key order, so the same input gives the same output.
import { CLUSTER_SECRET } from '../cluster/plan.js';
import { CONTAINER_PORT, containerSharedEnv, DATA_ROOT, ENGINE_UID } from './container.js';
import type { ExportRequest } from './request.js';
import { PACKAGE_NAME } from '../package-name.js';

export interface KubernetesNames {
  readonly statefulSet: string;
  /** The headless Service that gives each pod a stable DNS name, used in NANOBPMN_NODES. */
  readonly peers: string;
  /** The Service clients use: REST API and console. */
  readonly client: string;
  readonly secret: string;
  readonly budget: string;
}

export function kubernetesNames(name: string): KubernetesNames {
  return { statefulSet: name, peers: `${name}-peers`, client: name, secret: `${name}-cluster-secret`, budget: name };
}

/** Pod i's DNS name through the headless Service, fully qualified so no resolver search list matters. */
export function podHost(request: Pick<ExportRequest, 'name' | 'namespace'>, ordinal: number): string {
  const names = kubernetesNames(request.name);
  return `${names.statefulSet}-${ordinal}.${names.peers}.${request.namespace}.svc.cluster.local`;
}

/**
 * Requests per node, from measurements of engine 0.0.22 (3 nodes, RF 3): ≈40 MB resident idle, and
 * ≈100 MB (peak 105 MB) holding ≈9,000 instances waiting on a job. No limit is set: a busy node's
 * memory grows with the instances it holds, and being killed at a limit would lose its leadership.
 */
const RESOURCE_REQUESTS = { cpu: '250m', memory: '128Mi' };

/** Whether the probe below can read leaders (RF above 1, and a console to read them from). */
function readinessReadsLeaders(shape: Pick<ExportRequest['shape'], 'rf' | 'console'>): boolean {
  return shape.rf > 1 && shape.console !== 'off';
}

/** What the readiness probe means, for the file's header: the engine has no ready endpoint to point at. */
export function readinessComment(shape: Pick<ExportRequest['shape'], 'rf' | 'console'>): string {
  return readinessReadsLeaders(shape)
    ? '# Ready = the pod answers and sees every partition led, none recovering (/console/api/topology, read by bash: the engine has no ready endpoint).\n'
    : '# Ready = the pod answers /v2/topology (with RF 1 or no console nothing tells leaders without taking every pod out of the Service).\n';
}

/**
 * Ready means what \`start\` means, as far as one pod can see it: the node answers and, from its own
 * view (/console/api/topology), every partition has a leader and none is recovering. The engine has
 * no endpoint whose status code says so (/v2/topology answers 200 from static config ~1.5 s before
 * any leader exists; there is no /ready), so the probe reads the body with bash's /dev/tcp, which the
 * image has (no curl). Without the console there is nothing that tells leaders: the probe can only
 * ask whether the node answers. With RF 1 a partition whose node is down has no leader until it is
 * back, and a cluster-wide check would then take every pod out of the Service; the probe is then
 * "this node answers" too, so the live partitions keep serving.
 */
export function readinessProbe(shape: Pick<ExportRequest['shape'], 'rf' | 'console'>): Record<string, unknown> {
  if (!readinessReadsLeaders(shape))
    return { httpGet: { path: '/v2/topology', port: 'http' }, periodSeconds: 2, failureThreshold: 3 };
  const check = [
    `exec 3<>/dev/tcp/127.0.0.1/${CONTAINER_PORT}`,
    `printf 'GET /console/api/topology HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3`,
    'body=$(timeout 2 cat <&3)',
    `[[ $body == *'"partitions":['* && $body != *'"leader":null'* && $body != *'"recovering":true'* ]]`,
  ].join(' && ');
  return { exec: { command: ['/bin/bash', '-c', check] }, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 2 };
}
const STORAGE_REQUEST = '1Gi';

export interface KubernetesInputs {
  readonly request: ExportRequest;
  readonly image: string;
  readonly userEnv: Readonly<Record<string, string | undefined>>;
  /** A fresh or kept cluster secret, or null to leave the Secret out (it is then created by hand). */
  readonly secret: string | null;
}

/** What every object of one export shares: its names, labels and namespace. */
interface Common {
  readonly names: KubernetesNames;
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  readonly metadata: (objectName: string) => Record<string, unknown>;
}

function commonOf({ name, namespace }: ExportRequest): Common {
  const labels = {
    'app.kubernetes.io/name': 'nanobpmn',
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/managed-by': PACKAGE_NAME,
  };
  return {
    names: kubernetesNames(name),
    labels,
    selector: { 'app.kubernetes.io/name': 'nanobpmn', 'app.kubernetes.io/instance': name },
    metadata: (objectName) => ({ name: objectName, namespace, labels }),
  };
}

/** The engine's environment: the node id from the pod's ordinal, the shared settings, the secret by reference. */
function engineEnv(common: Common, { request, userEnv }: KubernetesInputs): Record<string, unknown>[] {
  const hosts = Array.from({ length: request.shape.nodes }, (_, ordinal) => podHost(request, ordinal));
  const shared = containerSharedEnv({ shape: request.shape, hosts, userEnv });
  return [
    // The pod's ordinal is the node id: the StatefulSet labels each pod with it (Kubernetes 1.28+).
    {
      name: 'NANOBPMN_NODE_ID',
      valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } },
    },
    ...Object.entries(shared).map(([envName, value]) => ({ name: envName, value })),
    { name: CLUSTER_SECRET, valueFrom: { secretKeyRef: { name: common.names.secret, key: CLUSTER_SECRET } } },
  ];
}

/** The headless Service that names each pod, and the one clients use. */
function services(common: Common): Record<string, unknown>[] {
  const ports = [{ name: 'http', port: CONTAINER_PORT, targetPort: 'http' }];
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: common.metadata(common.names.peers),
      spec: {
        clusterIP: 'None',
        // Peers must find each other while they boot, before any of them is ready.
        publishNotReadyAddresses: true,
        selector: common.selector,
        ports,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: common.metadata(common.names.client),
      spec: { type: 'ClusterIP', selector: common.selector, ports },
    },
  ];
}

/** The pod of one node: the engine container, and scratch space for its workspace when it keeps nothing. */
function podTemplate(common: Common, inputs: KubernetesInputs): Record<string, unknown> {
  const { shape } = inputs.request;
  return {
    metadata: { labels: common.labels },
    spec: {
      // No Docker-link variables: a cluster named "nanobpmn" would otherwise get NANOBPMN_PORT and
      // the like injected, in the namespace of the variables the engine reads.
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: ENGINE_UID, runAsGroup: ENGINE_UID, fsGroup: ENGINE_UID },
      containers: [
        {
          name: 'engine',
          image: inputs.image,
          ports: [{ name: 'http', containerPort: CONTAINER_PORT }],
          env: engineEnv(common, inputs),
          readinessProbe: readinessProbe(shape),
          resources: { requests: RESOURCE_REQUESTS },
          securityContext: { allowPrivilegeEscalation: false },
          volumeMounts: [{ name: 'data', mountPath: DATA_ROOT }],
        },
      ],
      // In memory the engine keeps nothing, so the pod gets scratch space for its workspace only.
      ...(shape.storage === 'disk' ? {} : { volumes: [{ name: 'data', emptyDir: {} }] }),
    },
  };
}

function statefulSet(common: Common, inputs: KubernetesInputs): Record<string, unknown> {
  const { shape } = inputs.request;
  const dataClaim = {
    metadata: { name: 'data', labels: common.labels },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: STORAGE_REQUEST } } },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: common.metadata(common.names.statefulSet),
    spec: {
      serviceName: common.names.peers,
      replicas: shape.nodes,
      // Every node must be up for the cluster to form: start them together, not one after another.
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: common.selector },
      template: podTemplate(common, inputs),
      ...(shape.storage === 'disk' ? { volumeClaimTemplates: [dataClaim] } : {}),
    },
  };
}

export function kubernetesObjects(inputs: KubernetesInputs): Record<string, unknown>[] {
  const { shape } = inputs.request;
  const common = commonOf(inputs.request);
  const objects: Record<string, unknown>[] = [];
  if (inputs.secret !== null) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: common.metadata(common.names.secret),
      type: 'Opaque',
      stringData: { [CLUSTER_SECRET]: inputs.secret },
    });
  }
  objects.push(...services(common), statefulSet(common, inputs));
  // With RF ≥ 3 each partition has a quorum to keep: a voluntary eviction may take at most as many
  // pods as a replica set can lose (RF 3: one).
  if (shape.rf >= 3) {
    objects.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: common.metadata(common.names.budget),
      spec: { maxUnavailable: Math.floor((shape.rf - 1) / 2), selector: { matchLabels: common.selector } },
    });
  }
  return objects;
}
