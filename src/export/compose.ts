// The Compose file of an exported cluster: one service per node, each with its own named volume, the
// same environment as the Kubernetes export, and the cluster secret read from an env file beside it.
// Pure and deterministic, like kubernetes.ts.
import { CONTAINER_PORT, containerSharedEnv, DATA_ROOT } from './container.js';
import type { ExportRequest } from './request.js';
import { PACKAGE_NAME } from '../package-name.js';

export function serviceName(name: string, id: number): string {
  return `${name}-${id}`;
}

/** The env file holding NANOBPMN_CLUSTER_SECRET, next to the Compose file (never inside it). */
export function secretEnvFile(name: string): string {
  return `${name}-cluster-secret.env`;
}

export interface ComposeInputs {
  readonly request: ExportRequest;
  readonly image: string;
  readonly userEnv: Readonly<Record<string, string | undefined>>;
  /** Publish on every host interface; by default only on loopback, as a local cluster listens. */
  readonly allInterfaces: boolean;
}

/** Time for a clean stop: the engine flushes and leaves its peers (≈1.3 s for 3 nodes, RF 3, measured). */
const STOP_GRACE = '30s';

export function composeDocument({ request, image, userEnv, allInterfaces }: ComposeInputs): Record<string, unknown> {
  const { shape, name } = request;
  const ids = Array.from({ length: shape.nodes }, (_, id) => id);
  // Services reach each other by name on the project's network.
  const shared = containerSharedEnv({ shape, hosts: ids.map((id) => serviceName(name, id)), userEnv });
  const disk = shape.storage === 'disk';
  const volume = (id: number) => `${serviceName(name, id)}-data`;

  const services = Object.fromEntries(
    ids.map((id) => [
      serviceName(name, id),
      {
        image,
        hostname: serviceName(name, id),
        environment: { NANOBPMN_NODE_ID: String(id), ...shared },
        env_file: [`./${secretEnvFile(name)}`],
        ...(disk ? { volumes: [`${volume(id)}:${DATA_ROOT}`] } : {}),
        // Node i on host port base+i, as with a local cluster, and like it on loopback unless asked.
        ports: [`${allInterfaces ? '' : '127.0.0.1:'}${shape.basePort + id}:${CONTAINER_PORT}`],
        restart: 'unless-stopped',
        stop_grace_period: STOP_GRACE,
      },
    ]),
  );
  // No top-level `name:`: docker-compose v1 (Debian 12's) rejects it and podman-compose ignores it.
  // The project name goes on the command line (-p), which every one of them takes.
  return {
    // Compose ignores x- fields; this one tells a later export the file is its own to replace.
    'x-generated-by': PACKAGE_NAME,
    services,
    ...(disk ? { volumes: Object.fromEntries(ids.map((id) => [volume(id), {}])) } : {}),
  };
}
