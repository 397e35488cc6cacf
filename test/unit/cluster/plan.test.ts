import { describe, expect, it } from 'vitest';
import { planNodes, processEnv, type ClusterShape, type PlanInputs } from '../../../src/cluster/plan.js';
import { layoutFor } from '../../../src/state/layout.js';
import { clusterShape } from '../../support/cluster-fixtures.js';

const layout = layoutFor('/h');
const WORKSPACE = '/ws';

const SECRET = 'cluster-secret-for-tests';

function plan(s: Partial<ClusterShape>, userEnv: PlanInputs['userEnv'] = {}) {
  return planNodes({ shape: clusterShape(s), layout, workspaceDir: WORKSPACE, userEnv, clusterSecret: SECRET });
}

describe('planNodes: the cluster secret and our marker', () => {
  it('gives every node the same secret and names the home in the marker variable', () => {
    const nodes = plan({ nodes: 3, partitions: 3 });
    for (const node of nodes) {
      expect(node.env.NANOBPMN_CLUSTER_SECRET).toBe(SECRET);
      expect(node.env.C8CTL_NANO_MANAGED_BY).toBe('/h');
    }
  });
});

describe('planNodes with one node', () => {
  const [node, ...rest] = plan({ nodes: 1, basePort: 9100, partitions: 2 });

  it('plans exactly one node', () => {
    expect(node).toBeDefined();
    expect(rest).toHaveLength(0);
  });

  it('gives the node id 0, the base port, its URL, data dir and log', () => {
    expect(node!.id).toBe(0);
    expect(node!.port).toBe(9100);
    expect(node!.url).toBe('http://127.0.0.1:9100');
    expect(node!.dataDir).toBe(layout.nodeDataDir(0));
    expect(node!.log).toBe(layout.nodeLog(0));
  });

  it('sets the shape variables', () => {
    expect(node!.env).toMatchObject({
      PORT: '9100',
      NANOBPMN_NODE_ID: '0',
      NANOBPMN_NODES: 'http://127.0.0.1:9100',
      NANOBPMN_PARTITIONS: '2',
      NANOBPMN_RF: '1',
      NANOBPMN_DATA_DIR: layout.nodeDataDir(0),
      NANOBPMN_WORKSPACE_DIR: WORKSPACE,
    });
  });

  it('leaves Raft and trace capture off', () => {
    expect(node!.env).not.toHaveProperty('NANOBPMN_RAFT');
    expect(node!.env).not.toHaveProperty('NANOBPMN_TRACE_STIMULI');
  });
});

describe('planNodes with three nodes', () => {
  const nodes = plan({ nodes: 3, basePort: 8080, partitions: 6, rf: 3 });
  const peers = 'http://127.0.0.1:8080,http://127.0.0.1:8081,http://127.0.0.1:8082';

  it('plans one node per id with port base+i', () => {
    expect(nodes.map((n) => n.id)).toEqual([0, 1, 2]);
    expect(nodes.map((n) => n.port)).toEqual([8080, 8081, 8082]);
    expect(nodes.map((n) => n.env.PORT)).toEqual(['8080', '8081', '8082']);
    expect(nodes.map((n) => n.env.NANOBPMN_NODE_ID)).toEqual(['0', '1', '2']);
    expect(nodes.map((n) => n.url)).toEqual(peers.split(','));
  });

  it('gives every node the same peer list of all nodes', () => {
    for (const n of nodes) expect(n.env.NANOBPMN_NODES).toBe(peers);
  });

  it('gives each node its own data dir and log, and a shared workspace', () => {
    nodes.forEach((n, i) => {
      expect(n.env.NANOBPMN_DATA_DIR).toBe(layout.nodeDataDir(i));
      expect(n.dataDir).toBe(layout.nodeDataDir(i));
      expect(n.log).toBe(layout.nodeLog(i));
      expect(n.env.NANOBPMN_WORKSPACE_DIR).toBe(WORKSPACE);
    });
    expect(new Set(nodes.map((n) => n.env.NANOBPMN_DATA_DIR)).size).toBe(3);
  });

  it('passes partitions and rf, and turns Raft on because rf > 1', () => {
    for (const n of nodes) {
      expect(n.env.NANOBPMN_PARTITIONS).toBe('6');
      expect(n.env.NANOBPMN_RF).toBe('3');
      expect(n.env.NANOBPMN_RAFT).toBe('1');
    }
  });
});

describe('planNodes Raft switch', () => {
  it('is absent with rf 1 and no --raft', () => {
    for (const n of plan({ nodes: 3, partitions: 3, rf: 1 })) expect(n.env).not.toHaveProperty('NANOBPMN_RAFT');
  });

  it('is on with --raft and rf 1', () => {
    for (const n of plan({ nodes: 3, partitions: 3, rf: 1, raft: true })) expect(n.env.NANOBPMN_RAFT).toBe('1');
  });

  it('is on with rf 2 without --raft', () => {
    for (const n of plan({ nodes: 2, partitions: 2, rf: 2 })) expect(n.env.NANOBPMN_RAFT).toBe('1');
  });
});

describe('planNodes overridable defaults', () => {
  const defaults = {
    NANOBPMN_DURABILITY: 'async',
    NANOBPMN_REPLICATE_ACTIVATION: 'digest',
    NANOBPMN_PEER_BREAKER_COOLDOWN_MS: '10',
    NANOBPMN_RAFT_SETTLE_GRACE_MS: '200',
  };

  it('uses the engine defaults when the user exported nothing', () => {
    for (const n of plan({ nodes: 2, partitions: 2 })) expect(n.env).toMatchObject(defaults);
  });

  it.each([
    ['NANOBPMN_DURABILITY', 'sync'],
    ['NANOBPMN_REPLICATE_ACTIVATION', 'full'],
    ['NANOBPMN_PEER_BREAKER_COOLDOWN_MS', '500'],
  ])('keeps the user value of %s', (name, value) => {
    for (const n of plan({ nodes: 2, partitions: 2 }, { [name]: value })) {
      expect(n.env[name]).toBe(value);
      // The other defaults are unaffected.
      for (const [other, fallback] of Object.entries(defaults)) if (other !== name) expect(n.env[other]).toBe(fallback);
    }
  });
});

describe('planNodes replication tier', () => {
  it('gives every node the tier of the shape, never an exported value the shape did not choose', () => {
    for (const n of plan(
      { nodes: 3, partitions: 3, rf: 3, replication: 'quorum' },
      { NANOBPMN_REPLICATION: 'leader-durable' },
    ))
      expect(n.env.NANOBPMN_REPLICATION).toBe('quorum');
    const env = processEnv(
      { NANOBPMN_REPLICATION: 'leader-durable' },
      plan({ nodes: 1, partitions: 1, replication: 'quorum' })[0]!.env,
    );
    expect(env.NANOBPMN_REPLICATION).toBe('quorum');
  });
});

describe('planNodes storage and history', () => {
  it('gives in-memory nodes no data dir (the engine then keeps no journal) and our in-memory mark', () => {
    for (const n of plan({ nodes: 2, partitions: 2, storage: 'memory' })) {
      expect(n.env.NANOBPMN_DATA_DIR).toBeUndefined();
      expect(n.env.C8CTL_NANO_IN_MEMORY).toBe('1');
    }
    // An exported data dir must not sneak back in.
    expect(
      processEnv({ NANOBPMN_DATA_DIR: '/elsewhere' }, plan({ storage: 'memory' })[0]!.env).NANOBPMN_DATA_DIR,
    ).toBeUndefined();
    for (const n of plan({ nodes: 2, partitions: 2 })) expect(n.env.C8CTL_NANO_IN_MEMORY).toBeUndefined();
  });
  it('passes the history cap only when asked', () => {
    expect(plan({ historyMax: 500 })[0]!.env.NANOBPMN_HISTORY_MAX_INSTANCES).toBe('500');
    expect(plan({})[0]!.env.NANOBPMN_HISTORY_MAX_INSTANCES).toBeUndefined();
  });
});

describe('planNodes trace capture', () => {
  it('sets NANOBPMN_TRACE_STIMULI=1 on every node only with capture', () => {
    for (const n of plan({ nodes: 2, partitions: 2, capture: true })) expect(n.env.NANOBPMN_TRACE_STIMULI).toBe('1');
    for (const n of plan({ nodes: 2, partitions: 2, capture: false }))
      expect(n.env).not.toHaveProperty('NANOBPMN_TRACE_STIMULI');
  });
});

describe('planNodes NO_COLOR', () => {
  it('sets NO_COLOR=1 when the user did not', () => {
    expect(plan({})[0]!.env.NO_COLOR).toBe('1');
  });

  it('keeps the user value', () => {
    expect(plan({}, { NO_COLOR: 'yes' })[0]!.env.NO_COLOR).toBe('yes');
  });

  it('keeps a user value that is an empty string', () => {
    expect(plan({}, { NO_COLOR: '' })[0]!.env.NO_COLOR).toBe('');
  });
});

describe('processEnv', () => {
  const [node] = plan({ nodes: 1, basePort: 8080 });

  it('passes the user environment through', () => {
    const env = processEnv({ HOME: '/home/u', PATH: '/usr/bin', RUST_LOG: 'debug' }, node!.env);
    expect(env).toMatchObject({ HOME: '/home/u', PATH: '/usr/bin', RUST_LOG: 'debug' });
  });

  it('includes every planned variable', () => {
    const env = processEnv({ HOME: '/home/u' }, node!.env);
    expect(env).toMatchObject(node!.env);
  });

  it('replaces shape variables the user exported with ours', () => {
    const env = processEnv({ PORT: '1', NANOBPMN_NODE_ID: '7', NANOBPMN_PARTITIONS: '99' }, node!.env);
    expect(env.PORT).toBe('8080');
    expect(env.NANOBPMN_NODE_ID).toBe('0');
    expect(env.NANOBPMN_PARTITIONS).toBe('1');
  });

  it('drops shape variables the plan does not set', () => {
    const env = processEnv({ NANOBPMN_RAFT: '1', NANOBPMN_TRACE_STIMULI: '1' }, node!.env);
    expect(env).not.toHaveProperty('NANOBPMN_RAFT');
    expect(env).not.toHaveProperty('NANOBPMN_TRACE_STIMULI');
  });

  it('drops undefined values', () => {
    const env = processEnv({ GONE: undefined, KEPT: 'x' }, node!.env);
    expect(Object.hasOwn(env, 'GONE')).toBe(false);
    expect(env.KEPT).toBe('x');
  });

  it('keeps user values of the overridable defaults (via the plan)', () => {
    const userEnv = { NANOBPMN_DURABILITY: 'sync' };
    const [n] = plan({}, userEnv);
    expect(processEnv(userEnv, n!.env).NANOBPMN_DURABILITY).toBe('sync');
  });
});
