// The real bin prints straight to its descriptors (os/stdio.ts), not through Node's stdio streams. What
// a user can do to those descriptors: close the reading end early (also of a command that follows
// forever), point stdout at a full disk, run at a terminal and answer a question there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, perTestSandboxes } from '../support/sandbox.js';
import { runProcess } from '../support/run-process.js';

const tests = perTestSandboxes();
const linux = process.platform === 'linux';
// util-linux `script` runs a command on a pseudo-terminal; without it there is no terminal to test.
const hasScript = linux && spawnSync('script', ['--version']).status === 0;

describe('output straight to the descriptors', () => {
  it('a reader that goes away early (`help | head -1`) ends nothing badly', async () => {
    const s = await tests.create();
    const running = runProcess(process.execPath, [BIN, 'help'], { env: s.env });
    // Closed before the bin has even started: every write of it meets a pipe nobody reads.
    running.stdout?.destroy();
    const result = await running;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('`logs -f` ends by itself once its reader has gone (`logs -f | grep -m1 …`)', async () => {
    const s = await tests.create();
    // A log to follow is all `logs` needs; no engine has to run for it.
    const log = path.join(s.home, 'logs', 'node-0.log');
    await mkdir(path.dirname(log), { recursive: true, mode: 0o700 });
    await writeFile(log, 'first line\n');
    const running = runProcess(process.execPath, [BIN, 'logs', '-f'], { env: s.env, timeoutMs: 20_000 });
    // The reader leaves after the tail; the next line written then meets a closed pipe.
    await new Promise<void>((resolve) => running.stdout?.once('data', () => resolve()));
    running.stdout?.destroy();
    await appendFile(log, 'a line nobody reads\n');
    const result = await running;
    expect(result.timedOut, 'logs -f was still following after its reader had gone').toBe(false);
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it.runIf(linux)(
    '`logs -f` with nothing more to write ends once its reader has gone, and not while it reads',
    async () => {
      const s = await tests.create();
      const log = path.join(s.home, 'logs', 'node-0.log');
      await mkdir(path.dirname(log), { recursive: true, mode: 0o700 });
      await writeFile(log, 'LISTENING_PORT=8080\nsecond line\n');
      // The README's own pattern: the match is already in the backlog, and nothing is written after.
      const began = performance.now();
      const piped = spawnSync('sh', ['-c', 'exec "$0" "$1" logs -f | grep -m1 LISTENING_PORT', process.execPath, BIN], {
        env: s.env,
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(piped.error, 'logs -f | grep -m1 was still following after grep had gone').toBeUndefined();
      expect(piped.stdout).toBe('LISTENING_PORT=8080\n');
      expect(performance.now() - began).toBeLessThan(15_000);
      // -n 0 into a reader that leaves at once: nothing is ever written.
      const none = spawnSync('sh', ['-c', 'exec "$0" "$1" logs -f -n 0 | true', process.execPath, BIN], {
        env: s.env,
        timeout: 20_000,
      });
      expect(none.error, 'logs -f -n 0 | true never ended').toBeUndefined();
      // A reader that stays keeps it following.
      const following = runProcess(process.execPath, [BIN, 'logs', '-f'], { env: s.env, timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, 3_000));
      expect(following.child.exitCode, 'logs -f ended while its reader still read').toBeNull();
      following.kill('SIGINT');
      expect((await following).timedOut).toBe(false);
    },
  );

  it.runIf(linux && existsSync('/dev/full'))(
    'stdout on a full disk: one line on stderr naming it, exit 1',
    async () => {
      const s = await tests.create();
      const run = spawnSync('sh', ['-c', 'exec "$0" "$1" help > /dev/full', process.execPath, BIN], {
        env: s.env,
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^✗ The output could not be written to standard output: no space left on device \(ENOSPC\)\. The command itself ran/,
      );
    },
  );

  it.runIf(hasScript)('at a terminal: the question is asked there, and "n" deletes nothing', async () => {
    const s = await tests.create();
    const model = path.join(s.home, 'workspace', 'models', 'kept.bpmn');
    await mkdir(path.dirname(model), { recursive: true });
    await writeFile(model, '<definitions/>');
    // stdin and stdout are the pseudo-terminal `script` makes; the answer is typed into it.
    const run = spawnSync('script', ['-qec', 'exec "$NANO_NODE" "$NANO_BIN" clean --workspace', '/dev/null'], {
      env: { ...s.env, NANO_NODE: process.execPath, NANO_BIN: BIN },
      input: 'n\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `Delete every model and worker in models/ and workers/ in ${path.join(s.home, 'workspace')}? [y/N]`,
    );
    expect(run.stdout).toContain('Nothing deleted.');
    expect(existsSync(model)).toBe(true);
  });
});
