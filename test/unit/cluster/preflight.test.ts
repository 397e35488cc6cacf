// Refusing to start on busy ports (src/cluster/preflight.ts): what answers on the first busy port is
// named (Camunda, an untracked Nano node, another program), the other busy ports are listed, and the
// fix names a free base port in the caller's own words.
import { describe, expect, it } from 'vitest';
import { checkPortsFree, type PreflightDeps, type RetryHint } from '../../../src/cluster/preflight.js';
import type { UserError } from '../../../src/errors.js';
import type { BindResult } from '../../../src/os/bind-test.js';
import type { ProbeResult } from '../../../src/os/http-probe.js';
import type { PortHolder } from '../../../src/os/port-holder.js';

interface World {
  readonly binds: Readonly<Record<number, BindResult>>;
  readonly answer?: ProbeResult;
  readonly holder?: PortHolder | null;
}

function depsFor(world: World, asked: string[] = []): PreflightDeps {
  return {
    tryBind: async (port) => world.binds[port] ?? 'free',
    probe: {
      getJson: async (url) => {
        asked.push(url);
        return world.answer ?? { kind: 'refused' };
      },
      close: async () => undefined,
    },
    findPortHolder: async () => world.holder ?? null,
  };
}

const refusal = (ports: number[], world: World, retry?: RetryHint): Promise<UserError> =>
  checkPortsFree(ports, depsFor(world), 'c8ctl nano', retry).then(
    () => {
      throw new Error('not refused');
    },
    (error: UserError) => error,
  );

const topology = (body: unknown): ProbeResult => ({ kind: 'answers', status: 200, body });

describe('checkPortsFree', () => {
  it('passes when every port binds, asking nothing else', async () => {
    const asked: string[] = [];
    await expect(checkPortsFree([8080, 8081], depsFor({ binds: {} }, asked), 'c8ctl nano')).resolves.toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('refuses a privileged port first, whatever else is busy', async () => {
    const error = await refusal([80, 81], { binds: { 80: 'in-use', 81: 'no-permission' } });
    expect(error.code).toBe('port-unavailable');
    expect(error.message).toBe(
      'Port 81 needs privileges this user does not have. Use a base port of 1024 or above, e.g. --port 8080.',
    );
  });

  it('names a Camunda gateway on the first busy port, its holder, and the other busy ports', async () => {
    const error = await refusal([8080, 8081, 8082], {
      binds: { 8080: 'in-use', 8082: 'in-use' },
      answer: topology({ gatewayVersion: '8.6.0', brokers: [] }),
      holder: { pid: 77, command: 'java -jar camunda.jar' },
    });
    expect(error.code).toBe('port-in-use');
    expect(error.message).toBe(
      'Port 8080 is already serving a Camunda gateway (Camunda 8.6.0), held by pid 77 (java -jar camunda.jar) (also busy: 8082).',
    );
    expect(error.details).toEqual([
      'Refusing to start Nano on top of a running Camunda instance.',
      'Start on a free base port instead, e.g. "c8ctl nano start 3 --port 8100".',
    ]);
  });

  it('names a Nano node this home does not track, and how to look at it', async () => {
    const error = await refusal([8080], {
      binds: { 8080: 'in-use' },
      answer: topology({ nano: { engine: 'nanobpmn', version: '0.0.22' }, brokers: [] }),
    });
    expect(error.message).toBe(
      'Port 8080 is already serving a Nano BPM node (Nano BPM 0.0.22) that this home does not track.',
    );
    expect(error.details).toEqual([
      'Check it with "c8ctl nano status --port 8080", stop it, or start on a free port instead, e.g. "c8ctl nano start 1 --port 8100".',
    ]);
  });

  it("words the fix with the caller's retry hint", async () => {
    const error = await refusal(
      [8080, 8081],
      { binds: { 8081: 'in-use' } },
      (base) => `c8ctl nano node start --port ${base}`,
    );
    expect(error.message).toBe('Port 8081 is in use by another program.');
    expect(error.details).toEqual(['Start on a free base port instead, e.g. "c8ctl nano node start --port 8100".']);
  });
});
