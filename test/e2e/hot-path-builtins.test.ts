// The commands users run dozens of times an hour load only the Node built-ins they use (issue 13):
// crypto costs about 4 ms to load, tls/https more, child_process about 3 ms, Node's stdio streams
// (stream, net) 4-6 ms. Each is loaded on first use, so a new static import of one on these paths
// would quietly cost every run. Real engine, real bin; a preloaded script lists what each run loaded
// after Node's own start-up.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { runProcess } from '../support/run-process.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const RECORDER = path.resolve('test/fixtures/record-builtins.cjs');
const tests = perTestSandboxes();

const recording = (file: string): Record<string, string> => ({
  NODE_OPTIONS: `--require ${JSON.stringify(RECORDER)}`,
  NANO_TEST_BUILTINS_FILE: file,
});

async function builtinsOf(s: Sandbox, args: readonly string[], expectedCode = 0): Promise<Set<string>> {
  const file = path.join(s.home, `builtins-${args[0]}.txt`);
  const run = await s.run(args, recording(file));
  expect(run.code, run.stderr).toBe(expectedCode);
  return new Set((await readFile(file, 'utf8')).split('\n').filter(Boolean));
}

const threadsOf = (loaded: Set<string>): string | undefined => [...loaded].find((l) => l.startsWith('threads='));

const missing = (loaded: Set<string>, names: readonly string[]): string[] => names.filter((n) => !loaded.has(n));
const present = (loaded: Set<string>, names: readonly string[]): string[] => names.filter((n) => loaded.has(n));

describe('hot paths load only what they use', () => {
  it('start, status and stop of a real cluster', async () => {
    const s = await tests.create();
    const port = await freePortRange(3);
    const start = await builtinsOf(s, ['start', '3', '--port', String(port)]);
    // The recorder sees what the command really used: a recorder that saw nothing would pass the rest.
    expect(missing(start, ['child_process', 'net'])).toEqual([]);
    // Output goes straight to the descriptors: no terminal check loads node:tty for a pipe (os/stdio.ts).
    // The probes speak HTTP on a plain socket (os/http-probe.ts): node:http's client cost 6-7 ms.
    expect(present(start, ['crypto', 'tls', 'https', 'http', '_http_client', 'zlib', 'readline', 'tty'])).toEqual([]);

    const status = await builtinsOf(s, ['status']);
    expect(missing(status, ['net'])).toEqual([]);
    // fs/promises brings readline and the fs watchers (about 1.5 ms): status reads with node:fs only.
    expect(
      present(status, [
        'crypto',
        'tls',
        'https',
        'http',
        '_http_client',
        'fs/promises',
        'zlib',
        'child_process',
        'readline',
        'tty',
      ]),
    ).toEqual([]);

    const stop = await builtinsOf(s, ['stop']);
    // Nor Node's stdio streams, which would bring the stream and net stacks with them.
    expect(
      present(stop, ['crypto', 'tls', 'https', 'zlib', 'child_process', 'http', 'readline', 'tty', 'net', 'stream']),
    ).toEqual([]);
    if (process.platform === 'linux') {
      // No asynchronous fs call on stop: starting libuv's thread pool cost more than the work.
      const bareFile = path.join(s.home, 'builtins-bare.txt');
      const bare = await runProcess(process.execPath, ['-e', ''], { env: { ...s.env, ...recording(bareFile) } });
      expect(bare.exitCode, bare.stderr).toBe(0);
      const bareThreads = threadsOf(new Set((await readFile(bareFile, 'utf8')).split('\n')));
      expect(bareThreads).toMatch(/^threads=\d+$/);
      expect(threadsOf(stop)).toBe(bareThreads);
    }
    expect(await s.state()).toBeNull();
  }, 60_000);
});
