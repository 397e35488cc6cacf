import { describe, expect, it } from 'vitest';
import { installMethodOf, nodeForWorkers } from '../../../src/binary/install-method.js';
import { planNodes } from '../../../src/cluster/plan.js';
import { layoutFor } from '../../../src/state/layout.js';
import { clusterShape } from '../../support/cluster-fixtures.js';

const shape = clusterShape({ nodes: 2, partitions: 2 });
const plan = (userEnv: Record<string, string> = {}, nodeBin: string | null = '/usr/bin/node22') =>
  planNodes({
    shape,
    layout: layoutFor('/h'),
    workspaceDir: '/ws',
    userEnv,
    clusterSecret: 's',
    launcher: { version: '1.2.3', installMethod: 'managed-npm', nodeBin },
  });

describe('telling the engine who launched it', () => {
  it('names us, our version, the install method, the npm channel and package, and the Node for workers', () => {
    for (const node of plan()) {
      expect(node.env).toMatchObject({
        NANOBPMN_LAUNCHER: 'c8ctl-plugin-nano',
        NANOBPMN_LAUNCHER_VERSION: '1.2.3',
        NANOBPMN_BINARY_SOURCE: 'managed-npm',
        NANOBPMN_UPDATE_CHANNEL: 'npm',
        NANOBPMN_UPDATE_PKG: 'c8ctl-plugin-nano',
        NANOBPMN_NODE_BIN: '/usr/bin/node22',
      });
    }
  });
  it('leaves NANOBPMN_NODE_BIN out for a Node too old for the engine', () => {
    expect(plan({}, null)[0]!.env.NANOBPMN_NODE_BIN).toBeUndefined();
  });
  it("lets the user's own values win, like the other overridable defaults", () => {
    const env = plan({ NANOBPMN_LAUNCHER: 'my-script', NANOBPMN_NODE_BIN: '/opt/node' })[0]!.env;
    expect(env.NANOBPMN_LAUNCHER).toBe('my-script');
    expect(env.NANOBPMN_NODE_BIN).toBe('/opt/node');
    expect(env.NANOBPMN_UPDATE_PKG).toBe('c8ctl-plugin-nano');
  });
  it.each([
    ['flag', 'flag'],
    ['config', 'configured'],
    ['env', 'configured'],
    ['platform-package', 'managed-npm'],
    ['repo-release', 'repo-release'],
    ['repo-debug', 'repo-debug'],
    ['something-else', 'unknown'],
  ])("names the source %s as the engine's install method %s", (source, method) => {
    expect(installMethodOf(source)).toBe(method);
  });
  it.each([
    ['v22.6.0', true],
    ['22.18.1', true],
    ['v23.0.0', true],
    ['v22.5.9', false],
    ['v20.20.2', false],
  ])('Node %s is used for workers: %s', (version, used) => {
    expect(nodeForWorkers(version, '/x/node')).toBe(used ? '/x/node' : null);
  });
});
