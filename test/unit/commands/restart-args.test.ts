// What `restart` asks `start` for (src/commands/restart.ts restartArgs): flags win, otherwise the
// previous cluster's shape, with partitions following a changed node count unless they were chosen.
import { describe, expect, it } from 'vitest';
import type { NanoArgs } from '../../../src/kit/args.js';
import { validateStart } from '../../../src/cluster/start-options.js';
import { equivalentStart, restartArgs } from '../../../src/commands/restart.js';
import type { ClusterSettings } from '../../../src/state/cluster-state.js';
import { clusterShape } from '../../support/cluster-fixtures.js';

type Previous = NonNullable<Parameters<typeof restartArgs>[1]>;

function args(positionals: string[] = [], flags: NanoArgs<'restart'>['flags'] = {}): NanoArgs<'restart'> {
  return { positionals, flags };
}

function previous(settings: Partial<ClusterSettings> = {}, binary: Partial<Previous['binary']> = {}): Previous {
  return {
    settings: { ...clusterShape({ nodes: 3, basePort: 9000, partitions: 3 }), ...settings },
    binary: { path: '/opt/nano/engine', source: 'platform-package', ...binary },
  };
}

describe('restartArgs with no previous cluster', () => {
  it('passes only what the flags say', () => {
    expect(restartArgs(args(), null)).toEqual({
      count: undefined,
      port: undefined,
      partitions: undefined,
      rf: undefined,
      raft: false,
      capture: false,
      binary: undefined,
      timeout: undefined,
      replication: undefined,
      inMemory: false,
      networkFaults: false,
      historyMax: undefined,
      console: undefined,
    });
  });

  it('passes every flag given', () => {
    const raw = restartArgs(
      args(['4'], {
        port: '9100',
        partitions: '8',
        rf: '2',
        raft: true,
        capture: true,
        binary: '/x/engine',
        timeout: '5',
        purge: true,
        replication: 'quorum',
        'in-memory': true,
        'history-max': '9',
        console: 'off',
      }),
      null,
    );
    expect(raw).toEqual({
      count: '4',
      port: '9100',
      partitions: '8',
      rf: '2',
      raft: true,
      capture: true,
      binary: '/x/engine',
      timeout: '5',
      replication: 'quorum',
      inMemory: true,
      historyMax: '9',
      console: 'off',
      networkFaults: false,
    });
  });
});

describe('restartArgs with a previous cluster', () => {
  it('carries the previous shape when no flag is given', () => {
    expect(restartArgs(args(), previous())).toEqual({
      count: '3',
      port: '9000',
      partitions: '3',
      rf: '1',
      raft: false,
      capture: false,
      binary: undefined,
      timeout: undefined,
      replication: undefined,
      previousReplication: undefined,
      inMemory: false,
      networkFaults: false,
      historyMax: undefined,
      console: undefined,
      previousConsole: 'studio',
    });
    expect(validateStart(restartArgs(args(), previous()))).toMatchObject({
      nodes: 3,
      basePort: 9000,
      partitions: 3,
      rf: 1,
      raft: false,
      capture: false,
    });
  });

  it('lets every flag win over the previous value', () => {
    const raw = restartArgs(
      args(['3'], {
        port: '9500',
        partitions: '6',
        rf: '3',
        raft: true,
        capture: true,
        binary: '/flag/engine',
        timeout: '7',
      }),
      previous({ rf: 2, partitions: 4, capture: false }, { source: 'flag', path: '/old/engine' }),
    );
    expect(raw).toEqual({
      count: '3',
      port: '9500',
      partitions: '6',
      rf: '3',
      raft: true,
      capture: true,
      binary: '/flag/engine',
      timeout: '7',
      replication: undefined,
      previousReplication: undefined,
      inMemory: false,
      historyMax: undefined,
      console: undefined,
      previousConsole: 'studio',
      networkFaults: false,
    });
  });

  it('carries the tier of a Raft cluster, in-memory storage and the history cap', () => {
    const raw = restartArgs(
      args(),
      previous({ rf: 3, raft: true, replication: 'leader-durable', storage: 'memory', historyMax: 50 }),
    );
    expect(raw).toMatchObject({ previousReplication: 'leader-durable', inMemory: true, historyMax: '50' });
    expect(validateStart(raw)).toMatchObject({ replication: 'leader-durable', storage: 'memory', historyMax: 50 });
    expect(restartArgs(args([], { 'history-max': '7' }), previous({ historyMax: 50 })).historyMax).toBe('7');
    // Peer links through the proxy come back with the cluster, or are asked for anew.
    expect(restartArgs(args(), previous({ networkFaults: true })).networkFaults).toBe(true);
    expect(restartArgs(args([], { 'network-faults': true }), previous()).networkFaults).toBe(true);
  });

  it('never carries the previous timeout', () => {
    expect(restartArgs(args(), previous()).timeout).toBeUndefined();
    expect(restartArgs(args([], { timeout: '12' }), previous()).timeout).toBe('12');
  });

  it('lets the partitions follow a changed node count when they were the default (one per node)', () => {
    const raw = restartArgs(args(['5']), previous({ nodes: 3, partitions: 3 }));
    expect(raw.count).toBe('5');
    expect(raw.partitions).toBeUndefined();
    expect(validateStart(raw)).toMatchObject({ nodes: 5, partitions: 5 });

    const fewer = restartArgs(args(['2']), previous({ nodes: 3, partitions: 3 }));
    expect(validateStart(fewer)).toMatchObject({ nodes: 2, partitions: 2 });
  });

  it('keeps customised partitions across a changed node count', () => {
    const raw = restartArgs(args(['4']), previous({ nodes: 2, partitions: 8 }));
    expect(raw.partitions).toBe('8');
    expect(validateStart(raw)).toMatchObject({ nodes: 4, partitions: 8 });
  });

  it('lets customised partitions follow the count when they no longer give every node one', () => {
    const raw = restartArgs(args(['5']), previous({ nodes: 2, partitions: 4 }));
    expect(raw.partitions).toBeUndefined();
    expect(validateStart(raw)).toMatchObject({ nodes: 5, partitions: 5 });
  });

  it('keeps the partitions when the count given is the same as before', () => {
    expect(restartArgs(args(['3']), previous({ nodes: 3, partitions: 3 })).partitions).toBe('3');
    expect(restartArgs(args(['3']), previous({ nodes: 3, partitions: 6 })).partitions).toBe('6');
  });

  it('carries Raft only when it was turned on with rf 1 (with rf > 1 it follows from rf)', () => {
    expect(restartArgs(args(), previous({ rf: 1, raft: true })).raft).toBe(true);
    expect(restartArgs(args(), previous({ rf: 3, raft: true })).raft).toBe(false);
    expect(restartArgs(args(), previous({ rf: 1, raft: false })).raft).toBe(false);
    // Lowering rf to 1 on a replicated cluster therefore turns Raft off...
    expect(validateStart(restartArgs(args([], { rf: '1' }), previous({ rf: 3, raft: true })))).toMatchObject({
      rf: 1,
      raft: false,
    });
    // ...while the rf > 1 cluster restarted as it was is still replicated.
    expect(validateStart(restartArgs(args(), previous({ rf: 3, raft: true })))).toMatchObject({ rf: 3, raft: false });
    expect(restartArgs(args([], { raft: true }), previous({ rf: 1, raft: false })).raft).toBe(true);
  });

  it('carries trace capture', () => {
    expect(restartArgs(args(), previous({ capture: true })).capture).toBe(true);
    expect(restartArgs(args([], { capture: true }), previous({ capture: false })).capture).toBe(true);
  });

  it('carries the binary only when it was chosen with --binary last time', () => {
    expect(restartArgs(args(), previous({}, { source: 'flag', path: '/chosen/engine' })).binary).toBe('/chosen/engine');
    for (const source of ['config', 'env', 'platform-package', 'repo-release', 'repo-debug']) {
      expect(restartArgs(args(), previous({}, { source, path: '/found/engine' })).binary, source).toBeUndefined();
    }
    expect(restartArgs(args([], { binary: '/new/engine' }), previous({}, { source: 'config' })).binary).toBe(
      '/new/engine',
    );
  });
});

describe('equivalentStart (what a restart with nothing to restart suggests instead)', () => {
  it('is start with the same count and shape flags, quoted for a shell where needed', () => {
    expect(equivalentStart('c8ctl nano', args())).toBe('c8ctl nano start');
    expect(
      equivalentStart('c8ctl-nano', args(['3'], { port: '9000', rf: '3', raft: true, capture: true, purge: true })),
    ).toBe('c8ctl-nano start 3 --port 9000 --rf 3 --raft --capture');
    expect(equivalentStart('c8ctl-nano', args([], { binary: "/my engines/it's" }))).toBe(
      `c8ctl-nano start --binary '/my engines/it'\\''s'`,
    );
  });
});
