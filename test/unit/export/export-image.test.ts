// What export renders for real container tools (issue 24): a Dockerfile every builder takes, the
// engine chosen from what this plugin runs, Compose that v1, v2 and podman-compose read, and a
// Kubernetes readiness that means leaders. The builds and runs themselves are in
// test/e2e/containers.test.ts; these pin the rendering rules that make them work.
import { describe, expect, it } from 'vitest';
import { inspectExecutable } from '../../../src/binary/executable-format.js';
import { composeDocument } from '../../../src/export/compose.js';
import { dockerfile } from '../../../src/export/dockerfile.js';
import { chooseEngine } from '../../../src/export/engine-choice.js';
import { readinessProbe } from '../../../src/export/kubernetes.js';
import { validateExport } from '../../../src/export/request.js';

const elf = (machine: number): Buffer => {
  const head = Buffer.alloc(64);
  head.writeUInt32BE(0x7f454c46, 0);
  head[5] = 1;
  head.writeUInt16LE(machine, 18);
  return head;
};
const macho = (): Buffer => {
  const head = Buffer.alloc(64);
  head.writeUInt32LE(0xfeedfacf, 0);
  head.writeUInt32LE(0x0100000c, 4);
  return head;
};

const npm = {
  kind: 'npm',
  packages: { amd64: '@nanobpm/c8ctl-plugin-nano-linux-x64', arm64: '@nanobpm/c8ctl-plugin-nano-linux-arm64' },
  binaryName: 'nanobpm-gateway-rest-server',
} as const;

describe('the Dockerfile', () => {
  for (const engine of [
    npm,
    { kind: 'local', file: 'nanobpmn-linux-amd64', arch: 'amd64', origin: 'the platform package' } as const,
  ]) {
    it(`(${engine.kind}) pulls nothing it does not name, falls back when TARGETARCH is unset, and gives group 0 the data folder`, () => {
      const text = dockerfile({ engine, version: '0.0.22', generator: 'test' });
      // A syntax line makes BuildKit pull a frontend image before the first step.
      expect(text).not.toMatch(/^# syntax=/m);
      expect(text).toContain('arch="${TARGETARCH:-$(dpkg --print-architecture)}"');
      expect(text).not.toContain('--create-home');
      expect(text).toContain('install -d -o 10001 -g 0 -m 2775 /var/lib/nanobpmn');
      expect(text).toMatch(/^USER 10001:0$/m);
      expect(text).toMatch(/^FROM debian:bookworm-slim$/m);
      expect(text).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/nanobpmn"\]$/m);
    });
  }

  it('(npm) lets npm speak, bounds its retries, takes a mirror, and says what to do offline', () => {
    const text = dockerfile({ engine: npm, version: '0.0.22', generator: 'test' });
    expect(text).not.toContain('--silent');
    expect(text).toContain('npm pack --loglevel=error --fetch-retries=1');
    expect(text).toContain('ARG NPM_CONFIG_REGISTRY');
    expect(text).toContain('export dockerfile --engine local builds from the engine this plugin has installed');
    expect(text).toMatch(/^FROM node:22-bookworm-slim AS engine$/m);
  });

  it('(local) copies the engine from the context and refuses, in one line, a platform it does not hold', () => {
    const text = dockerfile({
      engine: { kind: 'local', file: 'nanobpmn-linux-arm64', arch: 'arm64', origin: '/opt/nano' },
      version: '1.2.3',
      generator: 'test',
    });
    expect(text).toMatch(/^COPY nanobpmn-linux-arm64 \/usr\/local\/bin\/nanobpmn$/m);
    expect(text).not.toContain('node:22');
    expect(text).toContain(
      '[ "$arch" = "arm64" ] || { echo "This Dockerfile packages the linux/arm64 engine beside it and cannot build for linux/$arch;',
    );
  });
});

describe('which engine goes into the image', () => {
  const at = (head: Buffer) => ({ path: '/e/nano', info: inspectExecutable(head) });
  it('the engine this plugin runs when it is a Linux amd64 or arm64 one', () => {
    expect(chooseEngine(undefined, at(elf(0x3e)))).toEqual({ kind: 'local', arch: 'amd64' });
    expect(chooseEngine('local', at(elf(0xb7)))).toEqual({ kind: 'local', arch: 'arm64' });
  });
  it('npm when asked, or (saying why) when the engine here is a Mac one or missing; --engine local then refuses', () => {
    expect(chooseEngine('npm', at(elf(0x3e)))).toEqual({ kind: 'npm', why: null });
    const fallback = chooseEngine(undefined, at(macho()));
    expect(fallback).toEqual({
      kind: 'npm',
      why: expect.stringContaining('is built for darwin arm64, and an image needs a Linux amd64 or arm64 engine'),
    });
    expect(chooseEngine('local', at(macho()))).toEqual({
      kind: 'refused',
      message: expect.stringMatching(/^--engine local: .*built for darwin arm64.*Use --engine npm/),
    });
    expect(chooseEngine('local', at(elf(0x28)))).toMatchObject({ kind: 'refused' }); // armv7: no image platform of ours
    expect(chooseEngine(undefined, { problem: 'no engine to copy (missing)' })).toEqual({
      kind: 'npm',
      why: 'no engine to copy (missing), so the build fetches it from npm',
    });
    expect(chooseEngine('docker', at(elf(0x3e)))).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('--engine docker is not a choice'),
    });
  });
});

const request = (target: 'compose' | 'kubernetes', extra: Record<string, string> = {}) =>
  validateExport(
    { target, count: '3', rf: '3', env: {}, given: ['rf', ...Object.keys(extra)], ...extra },
    'c8ctl-nano',
  );

describe('Compose for v1, v2 and podman-compose', () => {
  it('has no top-level name (v1 rejects it), binds loopback unless asked, and gives a clean stop time', () => {
    const local = composeDocument({ request: request('compose'), image: 'i', userEnv: {}, allInterfaces: false }) as {
      services: Record<string, { ports: string[]; stop_grace_period: string }>;
    };
    expect(Object.keys(local)).not.toContain('name');
    expect(
      Object.keys(local)
        .filter((k) => k !== 'services' && k !== 'volumes')
        .every((k) => k.startsWith('x-')),
    ).toBe(true);
    expect(local.services['nano-1']!.ports).toEqual(['127.0.0.1:8081:8080']);
    expect(local.services['nano-1']!.stop_grace_period).toBe('30s');
    const open = composeDocument({
      request: request('compose'),
      image: 'i',
      userEnv: {},
      allInterfaces: true,
    }) as typeof local;
    expect(open.services['nano-2']!.ports).toEqual(['8082:8080']);
  });
});

describe('Kubernetes readiness', () => {
  it('with RF ≥ 2 and a console, reads leaders from the node itself; otherwise asks only that it answers', () => {
    const probe = readinessProbe({ rf: 3, console: 'studio' }) as { exec: { command: string[] } };
    const script = probe.exec.command[2]!;
    expect(probe.exec.command.slice(0, 2)).toEqual(['/bin/bash', '-c']);
    expect(script).toContain('/dev/tcp/127.0.0.1/8080');
    expect(script).toContain('GET /console/api/topology');
    expect(script).toContain(`$body != *'"leader":null'*`);
    expect(script).toContain(`$body != *'"recovering":true'*`);
    expect(readinessProbe({ rf: 1, console: 'studio' })).toMatchObject({ httpGet: { path: '/v2/topology' } });
    expect(readinessProbe({ rf: 3, console: 'off' })).toMatchObject({ httpGet: { path: '/v2/topology' } });
  });
});
