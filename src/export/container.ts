// What every exported node runs with, wherever the orchestrator puts it: the engine image's paths and
// port, and each node's environment from the same planner `start` uses, given the nodes' host names.
import { CLUSTER_DEFAULTS, sharedNodeEnv, type NodeAddress } from '../cluster/plan.js';
import type { ClusterShape } from '../shape.js';

/** Every node listens here inside its pod or container; a local cluster uses one port per node. */
export const CONTAINER_PORT = 8080;
/** The engine binary inside the image `export dockerfile` builds. */
export const ENGINE_PATH = '/usr/local/bin/nanobpmn';
/** The one volume a node needs: its engine data and its workspace (models, workers). */
export const DATA_ROOT = '/var/lib/nanobpmn';
/** The image's unprivileged user; the volume is made writable for it. */
export const ENGINE_UID = 10001;

export interface ContainerEnvInputs {
  readonly shape: ClusterShape;
  /** Node i's host name, as its peers resolve it. */
  readonly hosts: readonly string[];
  readonly userEnv: Readonly<Record<string, string | undefined>>;
}

/**
 * The variables every node shares (not its id, not the secret: the orchestrator supplies those). The
 * user's exports of the overridable defaults win, as with `start`; a local-only boot grace is left out.
 */
export function containerSharedEnv({ shape, hosts, userEnv }: ContainerEnvInputs): Record<string, string> {
  const addresses: NodeAddress[] = hosts.map((host) => ({ host, port: CONTAINER_PORT }));
  return {
    PORT: String(CONTAINER_PORT),
    ...sharedNodeEnv({ shape, addresses, userEnv, defaults: CLUSTER_DEFAULTS }),
    ...(shape.storage === 'disk' ? { NANOBPMN_DATA_DIR: `${DATA_ROOT}/data` } : {}),
    NANOBPMN_WORKSPACE_DIR: `${DATA_ROOT}/workspace`,
    // Container logs are read as plain text (kubectl logs, docker compose logs).
    NO_COLOR: '1',
  };
}
