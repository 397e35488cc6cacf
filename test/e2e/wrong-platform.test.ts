// A binary for another CPU or OS is refused by its header before it is run: one line naming the file,
// what it is built for, this host, and the fix; exit 1; nothing spawned, not a byte of the home changed.
// No real arm64, macOS or Windows engine can be had (or run) on this linux-x64 host, so each is a file
// with a real header (the fakes the release scripts are tested with), marked executable. After the
// header comes a shell line that creates a witness file: Linux hands a foreign binary to /bin/sh, which
// would run that line, so a missing witness proves the file was never run.
import { access, chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { elf64, macho64, pe } from '../support/fake-binaries.js';
import { freePortRange } from '../support/ports.js';
import { processesWithMarker } from '../support/processes.js';
import { perTestSandboxes, type CliResult, type Sandbox } from '../support/sandbox.js';
import { snapshot } from '../support/snapshot.js';

const tests = perTestSandboxes();

const KINDS = [
  {
    label: 'an arm64 Linux ELF',
    bytes: elf64('arm64'),
    says: 'is built for arm64 Linux (ELF), but this host is x64 Linux',
  },
  {
    label: 'an x64 macOS Mach-O',
    bytes: macho64('x64'),
    says: 'is built for x64 macOS (Mach-O), but this host is x64 Linux',
  },
  { label: 'an x64 Windows PE', bytes: pe('x64'), says: 'is built for x64 Windows (PE), but this host is x64 Linux' },
] as const;

let dir: string;
let witness: string;
let s: Sandbox;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nano wrong-platform é-'));
  witness = path.join(dir, 'witness');
  tests.defer(() => rm(dir, { recursive: true, force: true }));
  s = await tests.create();
});

async function foreignBinary(bytes: Buffer): Promise<string> {
  const file = path.join(dir, 'nanobpm-gateway-rest-server');
  await writeFile(file, Buffer.concat([bytes, Buffer.from(`\ntouch '${witness}'\n`)]));
  await chmod(file, 0o755);
  return file;
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/** One ✗ line naming the file, what it is, the host and the fix; nothing run, the home as it was. */
async function expectRefused(
  result: CliResult,
  file: string,
  says: string,
  fix: string,
  homeBefore: unknown,
): Promise<void> {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toBe(`✗ ${file} ${says}. Use the linux-x64 engine: ${fix}`);
  expect(await exists(witness), 'the binary was run').toBe(false);
  expect(await snapshot(s.home), 'the home changed').toEqual(homeBefore);
  expect(processesWithMarker(s.marker)).toEqual([]);
}

describe.each(KINDS)('$label', ({ bytes, says }) => {
  it('given with --binary: start refuses it', async () => {
    const file = await foreignBinary(bytes);
    const before = await snapshot(s.home);
    const result = await s.run(['start', '--binary', file, '--port', String(await freePortRange(1))]);
    await expectRefused(
      result,
      file,
      says,
      'pass its path with --binary, or leave --binary out to use the one installed with this plugin.',
      before,
    );
  });

  it('given with NANOBPMN_BINARY: start refuses it', async () => {
    const file = await foreignBinary(bytes);
    const before = await snapshot(s.home);
    const result = await s.run(['start', '--port', String(await freePortRange(1))], { NANOBPMN_BINARY: file });
    await expectRefused(result, file, says, 'point NANOBPMN_BINARY at it, or unset NANOBPMN_BINARY.', before);
  });

  it('given to set bin: refused and not saved; one saved earlier is refused by start', async () => {
    const file = await foreignBinary(bytes);
    await writeFile(path.join(s.home, 'config.json'), `${JSON.stringify({ workspaceDir: path.join(dir, 'ws') })}\n`, {
      mode: 0o600,
    });
    const before = await snapshot(s.home);
    await expectRefused(
      await s.run(['set', 'bin', file]),
      file,
      says,
      '"c8ctl-nano set bin <its path>"; nothing was saved.',
      before,
    );

    // Saved by hand or on another machine sharing the home.
    await writeFile(path.join(s.home, 'config.json'), `${JSON.stringify({ binary: file })}\n`, { mode: 0o600 });
    const saved = await snapshot(s.home);
    const result = await s.run(['start', '--port', String(await freePortRange(1))]);
    await expectRefused(
      result,
      file,
      says,
      'save it with "c8ctl nano set bin <path>", or drop the saved one with "c8ctl nano unset bin".',
      saved,
    );
  });
});

describe('where else the header is read', () => {
  it('doctor and config name the problem and its fix; nothing is run', async () => {
    const file = await foreignBinary(elf64('arm64'));
    const doctor = await s.run(['doctor'], { NANOBPMN_BINARY: file });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(
      `✗ ${file} is built for arm64 Linux (ELF), but this host is x64 Linux\n    fix: Use the linux-x64 engine: point NANOBPMN_BINARY at it`,
    );
    const config = await s.run(['config'], { NANOBPMN_BINARY: file });
    expect(config.code).toBe(0);
    expect(config.stdout).toContain(`Engine        none usable: ${file} is built for arm64 Linux (ELF)`);
    expect(await exists(witness), 'the binary was run').toBe(false);
  });

  it('a file with no header and no #! line is refused as not an executable', async () => {
    const file = path.join(dir, 'download.html');
    await writeFile(file, `<html>404</html>\ntouch '${witness}'\n`);
    await chmod(file, 0o755);
    const result = await s.run(['start', '--binary', file, '--port', String(await freePortRange(1))]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `✗ ${file} is not an executable: it has no ELF, Mach-O or PE header and no #! line (a broken download?). Use the linux-x64 engine: pass its path with --binary, or leave --binary out to use the one installed with this plugin.`,
    );
    expect(await exists(witness)).toBe(false);
  });

  it('processos start refuses a ProcessOS binary for another CPU', async () => {
    const file = await foreignBinary(elf64('arm64'));
    const before = await snapshot(s.home);
    const result = await s.runProcessos([
      'start',
      '--binary',
      file,
      '--no-spawn-nano',
      '--port',
      String(await freePortRange(1)),
    ]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr.trim()).toBe(
      `✗ ${file} is built for arm64 Linux (ELF), but this host is x64 Linux. Use the linux-x64 build of ProcessOS: c8ctl-processos set bin <its path> (this came from --binary).`,
    );
    expect(await exists(witness)).toBe(false);
    expect(await snapshot(s.home)).toEqual(before);
  });

  it('node start refuses when the recorded binary has since been replaced by one for another CPU', async () => {
    const file = await foreignBinary(elf64('arm64'));
    const port = await freePortRange(1);
    // A tracked cluster whose node 0 is down (its pid is not ours: a recorded start time that never matches).
    const state = {
      schema: 1,
      createdAt: new Date().toISOString(),
      settings: { nodes: 1, basePort: port, partitions: 1, rf: 1, raft: false, capture: false },
      binary: { path: file, source: 'flag', version: null },
      workspaceDir: path.join(s.home, 'workspace'),
      nodes: [
        {
          id: 0,
          port,
          url: `http://127.0.0.1:${port}`,
          pid: 1,
          startTime: 'never',
          log: path.join(s.home, 'logs', 'node-0.log'),
          dataDir: path.join(s.home, 'data', 'node-0'),
          env: {},
        },
      ],
    };
    await writeFile(path.join(s.home, 'cluster.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    const before = await snapshot(s.home);
    const result = await s.run(['node', '0', 'start']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr.trim()).toBe(
      `✗ ${file} is built for arm64 Linux (ELF), but this host is x64 Linux. Use the linux-x64 engine: restart the cluster with it ("c8ctl-nano restart --binary <path>").`,
    );
    expect(await exists(witness)).toBe(false);
    expect(await snapshot(s.home)).toEqual(before);
  });
});
