// The CLI's side of network faults, purely: each node's peer list through the proxy, what status says
// of the links, the note a fault prints before the user waits, and the state record's checks.
import { describe, expect, it } from 'vitest';
import { linkFaultNote } from '../../../src/cluster/link-fault-notes.js';
import { partitionStatuses, partitionText } from '../../../src/cluster/partition-status.js';
import { peerList } from '../../../src/cluster/plan.js';
import { cut, isolate, NO_FAULTS, slow } from '../../../src/links/faults.js';
import { linkLines, linksDegrade, linkView } from '../../../src/links/link-status.js';
import { linkPlan } from '../../../src/links/supervise.js';
import { stateProblem } from '../../../src/state/cluster-state.js';

const links = [
  { from: 0, to: 1, port: 40001 },
  { from: 0, to: 2, port: 40002 },
  { from: 1, to: 0, port: 40010 },
  { from: 1, to: 2, port: 40012 },
  { from: 2, to: 0, port: 40020 },
  { from: 2, to: 1, port: 40021 },
];
const record = { pid: 4242, startTime: 'linux:1', controlDir: '/h/links', log: '/h/logs/link-proxy.log', links };
const addresses = [8080, 8081, 8082].map((port) => ({ host: '127.0.0.1', port }));

describe('peer lists through the link proxy', () => {
  it('gives each node its own address and a proxy port per peer', () => {
    expect(peerList(0, addresses, links)).toBe('http://127.0.0.1:8080,http://127.0.0.1:40001,http://127.0.0.1:40002');
    expect(peerList(2, addresses, links)).toBe('http://127.0.0.1:40020,http://127.0.0.1:40021,http://127.0.0.1:8082');
  });
  it('plans one link per ordered pair, binding again the ports a running cluster dials', () => {
    const fresh = linkPlan([8080, 8081, 8082], undefined);
    expect(fresh.links).toHaveLength(6);
    expect(fresh.links.every((l) => l.port === 0)).toBe(true);
    expect(fresh.links.find((l) => l.from === 2 && l.to === 0)).toEqual({ from: 2, to: 0, targetPort: 8080, port: 0 });
    expect(linkPlan([8080, 8081, 8082], links).links.find((l) => l.from === 1 && l.to === 2)).toEqual({
      from: 1,
      to: 2,
      targetPort: 8082,
      port: 40012,
    });
  });
});

describe('what status says of the links', () => {
  it('maps every proxy port the engine reports back to its link, and lists the faults', () => {
    const view = linkView(record, 'running', isolate(NO_FAULTS, 0, 3, 'stall'), 3);
    expect(view.isolated).toEqual([0]);
    expect(linksDegrade(view)).toBe(true);
    const lines = linkLines(view, 3, 'nano');
    expect(lines[0]).toBe(
      'Peer links through the link proxy (pid 4242, running): node 0 → 1 at :40001, 2 at :40002; node 1 → 0 at :40010, 2 at :40012; node 2 → 0 at :40020, 1 at :40021',
    );
    expect(lines[1]).toContain('node 0 isolated');
  });
  it('a one-way cut degrades but isolates nobody; slowing alone does not degrade', () => {
    const oneWay = linkView(record, 'running', cut(NO_FAULTS, 1, 0, 'stall'), 3);
    expect([oneWay.isolated, linksDegrade(oneWay)]).toEqual([[], true]);
    const slowed = linkView(
      record,
      'running',
      slow(NO_FAULTS, 2, 3, { delayMs: 200, jitterMs: 0, rateBytesPerSec: null }),
      3,
    );
    expect(linksDegrade(slowed)).toBe(false);
  });
  it('a dead proxy degrades and says how to bring it back', () => {
    const view = linkView(record, 'exited', NO_FAULTS, 3);
    expect(linksDegrade(view)).toBe(true);
    expect(linkLines(view, 3, 'nano').join('\n')).toContain('"nano heal" brings it back on the same ports');
  });
  it("an isolated node is nobody's live leader, and its partitions are a failover, not a hand-back", () => {
    const p = {
      partition: 1,
      leader: 0,
      term: 1,
      recovering: false,
      replicas: [0, 1, 2],
      owner: 0,
      seenBy: [0, 1, 2],
      dissent: [],
    };
    const nodes = [0, 1, 2].map((id) => ({ id, process: 'running' as const, http: 'answers' as const }));
    const [stuck] = partitionStatuses([p], nodes, 'leader-durable', [0]);
    expect(stuck).toMatchObject({ live: false, leaderProblem: 'node 0 is cut off from its peers' });
    const [moved] = partitionStatuses([{ ...p, leader: 1, term: 2 }], nodes, 'leader-durable', [0]);
    expect(partitionText(moved!)).toBe('node 1, term 2 — failover: its owner node 0 is down or cut off');
  });
});

describe('the note a fault prints first', () => {
  const tier = (replication: 'quorum' | 'leader-durable') => ({ rf: 3, raft: true, replication });
  it('says a silent isolation under leader-durable is waited for, and a refused one fails over but often does not heal', () => {
    expect(linkFaultNote('nano', { kind: 'isolate', node: 0, mode: 'stall' }, tier('leader-durable'))).toContain(
      'is waited for',
    );
    expect(linkFaultNote('nano', { kind: 'isolate', node: 0, mode: 'reset' }, tier('leader-durable'))).toContain(
      'often does not heal',
    );
  });
  it('warns of the lasting displacement under quorum, and says nothing for slow or RF 1', () => {
    expect(linkFaultNote('nano', { kind: 'cut', node: 0, mode: 'stall' }, tier('quorum'))).toContain('never returns');
    expect(linkFaultNote('nano', { kind: 'slow', node: 0, mode: 'stall' }, tier('quorum'))).toBeNull();
    expect(
      linkFaultNote(
        'nano',
        { kind: 'isolate', node: 0, mode: 'stall' },
        { rf: 1, raft: false, replication: 'leader-durable' },
      ),
    ).toBeNull();
  });
});

describe('the link proxy in cluster.json', () => {
  const state = (linkProxy: unknown) => ({
    schema: 1,
    createdAt: 'now',
    settings: { nodes: 3, basePort: 8080, partitions: 3, rf: 3, raft: true, capture: false },
    binary: { path: '/b', source: 'flag', version: null },
    workspaceDir: '/w',
    nodes: [{ id: 0, port: 8080, pid: 1, startTime: 's', url: 'u', log: 'l', dataDir: 'd', env: {} }],
    ...(linkProxy === undefined ? {} : { linkProxy }),
  });
  it('is optional, and checked when present', () => {
    expect(stateProblem(state(undefined))).toBeNull();
    expect(stateProblem(state(record))).toBeNull();
    expect(stateProblem(state({ ...record, pid: 'x' }))).toBe('"linkProxy" is malformed');
    expect(stateProblem(state({ ...record, links: [{ from: 0, to: 1, port: 70000 }] }))).toBe(
      '"linkProxy" is malformed',
    );
  });
  it('records the console the nodes serve, checked when present', () => {
    expect(stateProblem({ ...state(undefined), consoleServed: 'observe' })).toBeNull();
    expect(stateProblem({ ...state(undefined), consoleServed: null })).toBeNull();
    expect(stateProblem({ ...state(undefined), consoleServed: 'full' })).toBe('"consoleServed" is malformed');
  });
});
