// `logs`: reading, interleaving and following the real engine's log files through the standalone CLI.
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { processesWithMarker, waitUntil } from '../support/processes.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const tests = perTestSandboxes();
let sandbox: Sandbox | undefined;

const PREFIX = /^node-(\d+) │ (.*)$/;

function logFile(s: Sandbox, id: number): string {
  return path.join(s.home, 'logs', `node-${id}.log`);
}

/** A file's lines as `logs` counts them: a trailing newline does not make an empty last line. */
async function fileLines(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The lines a finished run printed (runProcess strips the final newline of its stdout). */
function printed(stdout: string): string[] {
  return stdout === '' ? [] : stdout.split('\n');
}

/** The lines a still-running process has printed so far (raw stream data). */
function streamed(stdout: string): string[] {
  const lines = stdout.split('\n');
  lines.pop();
  return lines;
}

/** A leading engine timestamp in microseconds since the epoch (exact, unlike a double of nanoseconds). */
function micros(text: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z/.exec(text);
  if (!m) return undefined;
  return BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}

/**
 * Waits until the nodes' logs stop growing: the engine still logs for a moment after it is ready
 * (e.g. "peer circuit-breaker closed" about 0.5 s in), and comparisons with the files need them still.
 */
async function settledLogs(s: Sandbox, ids: readonly number[]): Promise<void> {
  const sizes = async () => (await Promise.all(ids.map((id) => stat(logFile(s, id))))).map((st) => st.size).join(',');
  let last = await sizes();
  let stableSince = Date.now();
  const deadline = Date.now() + 20_000;
  while (Date.now() - stableSince < 1_500) {
    if (Date.now() > deadline) throw new Error('the node logs kept growing for 20 s');
    await new Promise((r) => setTimeout(r, 100));
    const now = await sizes();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
  }
}

async function startTwo(s: Sandbox): Promise<number> {
  const port = await freePortRange(2);
  const started = await s.run(['start', '2', '--port', String(port)]);
  expect(started.code, started.stderr).toBe(0);
  await settledLogs(s, [0, 1]);
  return port;
}

async function stop(s: Sandbox): Promise<void> {
  const stopped = await s.run(['stop']);
  expect(stopped.code, stopped.stderr).toBe(0);
  expect(processesWithMarker(s.marker)).toEqual([]);
}

describe('logs of a running cluster', () => {
  it("prints one node's last lines unprefixed, exactly as in its file", async () => {
    sandbox = await tests.create();
    await startTwo(sandbox);
    const file = logFile(sandbox, 0);

    // The engine is idle after start; should it log while we read, read again.
    let attempt = 0;
    for (;;) {
      const before = await readFile(file, 'utf8');
      const result = await sandbox.run(['logs', '0', '-n', '5']);
      const after = await readFile(file, 'utf8');
      if (before !== after && (attempt += 1) < 3) continue;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      const expected = after.split('\n').slice(0, -1).slice(-5);
      expect(expected).toHaveLength(5);
      expect(printed(result.stdout)).toEqual(expected);
      expect(result.stdout).not.toContain('node-0 │');
      break;
    }
    await stop(sandbox);
  });

  it('interleaves all nodes with a node prefix, 50 lines by default, -n to choose', async () => {
    sandbox = await tests.create();
    await startTwo(sandbox);
    const files = [await fileLines(logFile(sandbox, 0)), await fileLines(logFile(sandbox, 1))];
    // Two fresh engine logs hold more than 50 lines together, fewer apart: the default cuts.
    expect(files[0]!.length + files[1]!.length).toBeGreaterThan(50);

    const all = await sandbox.run(['logs']);
    expect(all.code, all.stderr).toBe(0);
    const lines = printed(all.stdout);
    expect(lines).toHaveLength(50);
    const parsed = lines.map((line) => {
      const m = PREFIX.exec(line);
      expect(m, `unprefixed line: ${line}`).not.toBeNull();
      return { node: Number(m![1]), text: m![2]! };
    });
    expect(new Set(parsed.map((l) => l.node))).toEqual(new Set([0, 1]));
    // Each line comes from the file of the node its prefix names.
    for (const { node, text } of parsed) expect(files[node], `node-${node}: ${text}`).toContain(text);
    // The fifty are each node's newest lines, none skipped (compared as sets: the engine's threads
    // may write lines a few microseconds out of order, which the merge then puts in time order).
    for (const node of [0, 1]) {
      const own = parsed.filter((l) => l.node === node).map((l) => l.text);
      expect([...own].sort()).toEqual(files[node]!.slice(-own.length).sort());
    }
    // And the timed lines are in time order (to 1 ms: the merge is known to lose sub-ms precision).
    const times = parsed.map((l) => micros(l.text)).filter((t): t is bigint => t !== undefined);
    expect(times.length).toBeGreaterThan(10);
    for (let i = 1; i < times.length; i += 1)
      expect(times[i]! + 1000n >= times[i - 1]!, `line ${i} out of order`).toBe(true);

    const three = await sandbox.run(['logs', '-n', '3']);
    expect(three.code, three.stderr).toBe(0);
    expect(printed(three.stdout)).toHaveLength(3);
    for (const line of printed(three.stdout)) expect(line).toMatch(PREFIX);

    const json = await sandbox.runJson(['logs']);
    expect(json.code, json.stderr).toBe(0);
    expect(json.json.nodes).toEqual([0, 1]);
    expect(json.json.lines).toHaveLength(50);
    expect(json.json.lines).toEqual(parsed);
    for (const line of json.json.lines) expect(Object.keys(line).sort()).toEqual(['node', 'text']);

    const jsonOne = await sandbox.runJson(['logs', '1', '-n', '2']);
    expect(jsonOne.code).toBe(0);
    expect(jsonOne.json).toEqual({
      schemaVersion: 1,
      nodes: [1],
      lines: (await fileLines(logFile(sandbox, 1))).slice(-2).map((text) => ({ node: 1, text })),
    });

    await stop(sandbox);
  });

  it('rejects an unknown node, a bad count, and --follow with --json, each in one line', async () => {
    sandbox = await tests.create();
    await startTwo(sandbox);

    const unknown = await sandbox.run(['logs', '7']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('"7"');
    expect(unknown.stderr).toContain('0, 1');

    const badCount = await sandbox.run(['logs', '-n', 'abc']);
    expect(badCount.code).toBe(1);
    expect(badCount.stdout).toBe('');
    expect(badCount.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(badCount.stderr).toContain('"abc"');

    for (const n of ['-3', '1.5', '']) {
      const bad = await sandbox.run(['logs', `--lines=${n}`]);
      expect(bad.code, `--lines=${n}`).toBe(1);
      expect(bad.stdout).toBe('');
    }

    const followJson = await sandbox.runJson(['logs', '-f']);
    expect(followJson.code).toBe(1);
    expect(followJson.json).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(followJson.json.error.message).toContain('--follow');
    expect(followJson.json.error.message).toContain('--json');
    const followJson0 = await sandbox.run(['logs', '0', '--follow', '--json']);
    expect(followJson0.code).toBe(1);

    await stop(sandbox);
  });

  it('-f prints the tail, then new lines, survives truncation, and exits 0 on Ctrl-C', async () => {
    sandbox = await tests.create();
    await startTwo(sandbox);
    const file = logFile(sandbox, 0);
    const tail = (await fileLines(file)).slice(-50);

    const f = await follow(sandbox, ['logs', '0', '-f'], tail.length);
    expect(streamed(f.stdout())).toEqual(tail);

    const grown = `appended by the test ${randomUUID()}`;
    await appendFile(file, `${grown}\n`);
    await waitUntil(() => f.stdout().includes(`${grown}\n`), 10_000, 'the appended line');

    // Truncated (as by log rotation with copytruncate), then written again: read from the start.
    await truncate(file, 0);
    const afterTruncate = `after truncation ${randomUUID()}`;
    await appendFile(file, `${afterTruncate}\n`);
    await waitUntil(() => f.stdout().includes(`${afterTruncate}\n`), 10_000, 'the line written after truncation');
    expect(f.stderr()).toContain('node-0: log file was truncated; reading from its start');
    // Each new line printed once, unprefixed, after the tail.
    expect(streamed(f.stdout())).toEqual([...tail, grown, afterTruncate]);

    const result = await f.interrupt();
    expect(result.exitCode).toBe(0);
    expect(String(result.stderr)).not.toContain('✗');
    await stop(sandbox);
  });

  it('-f without an id follows every node with prefixes', async () => {
    sandbox = await tests.create();
    await startTwo(sandbox);
    const f = await follow(sandbox, ['logs', '-f', '-n', '1'], 1);
    expect(streamed(f.stdout())[0]).toMatch(PREFIX);

    const one = `to node 1 ${randomUUID()}`;
    const zero = `to node 0 ${randomUUID()}`;
    await appendFile(logFile(sandbox, 1), `${one}\n`);
    await waitUntil(() => f.stdout().includes(`node-1 │ ${one}\n`), 10_000, "node 1's line");
    await appendFile(logFile(sandbox, 0), `${zero}\n`);
    await waitUntil(() => f.stdout().includes(`node-0 │ ${zero}\n`), 10_000, "node 0's line");
    expect(streamed(f.stdout()).slice(1)).toEqual([`node-1 │ ${one}`, `node-0 │ ${zero}`]);

    expect((await f.interrupt()).exitCode).toBe(0);
    await stop(sandbox);
  });
});

/** Starts a follower and waits until it has printed its initial tail of `tailLines` lines. */
async function follow(s: Sandbox, args: string[], tailLines: number) {
  const cli = s.spawn(args);
  let stdout = '';
  let stderr = '';
  cli.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  cli.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await waitUntil(() => streamed(stdout).length >= tailLines, 10_000, 'the initial tail');
  // The follower takes each file's size just after printing the tail; a line written before that
  // moment would count as part of the tail without being printed (a known gap), so give it the moment.
  await new Promise((r) => setTimeout(r, 500));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    /** Ctrl-C, and the result once it exits (an error if that takes over 10 s). */
    async interrupt() {
      cli.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          cli,
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`"${args.join(' ')}" did not exit within 10 s of SIGINT`)),
              10_000,
            );
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

describe('logs without a running cluster', () => {
  it('still reads the kept logs after stop, finding the nodes in the logs dir', async () => {
    sandbox = await tests.create();
    await startTwo(sandbox);
    await stop(sandbox);
    expect(await sandbox.state()).toBeNull();
    // Not node logs: ignored when finding ids.
    await writeFile(path.join(sandbox.home, 'logs', 'node-x.log'), 'nope\n');
    await writeFile(path.join(sandbox.home, 'logs', 'notes.txt'), 'nope\n');

    const two = await sandbox.run(['logs', '0', '-n', '2']);
    expect(two.code, two.stderr).toBe(0);
    expect(printed(two.stdout)).toEqual((await fileLines(logFile(sandbox, 0))).slice(-2));

    const json = await sandbox.runJson(['logs', '-n', '4']);
    expect(json.code).toBe(0);
    expect(json.json.nodes).toEqual([0, 1]);
    expect(json.json.lines).toHaveLength(4);

    const unknown = await sandbox.run(['logs', '2']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"2"');
    expect(unknown.stderr).toContain('0, 1');
  });

  it('-f on kept logs: holds back a partial line until its newline, and rereads a replaced file', async () => {
    sandbox = await tests.create();
    await startTwo(sandbox);
    await stop(sandbox);
    const file = logFile(sandbox, 1);
    const tail = (await fileLines(file)).slice(-3);
    const f = await follow(sandbox, ['logs', '1', '-f', '-n', '3'], 3);
    expect(streamed(f.stdout())).toEqual(tail);

    const partial = `partial ${randomUUID()}`;
    await appendFile(file, partial);
    // Several polls go by with the line unfinished: nothing is printed for it yet.
    await new Promise((r) => setTimeout(r, 800));
    expect(f.stdout()).not.toContain(partial);
    await appendFile(file, ' completed\nand one more\n');
    await waitUntil(() => f.stdout().includes('and one more\n'), 10_000, 'the completed lines');

    // Replaced by a new file (a node's log recreated): read the new one from its start.
    const replacement = `${file}.new`;
    await writeFile(replacement, 'fresh 1\nfresh 2\n');
    await rename(replacement, file);
    await waitUntil(() => f.stdout().includes('fresh 2\n'), 10_000, 'the replaced file');
    expect(f.stderr()).toContain('node-1: log file was replaced; reading the new one from its start');
    expect(streamed(f.stdout())).toEqual([...tail, `${partial} completed`, 'and one more', 'fresh 1', 'fresh 2']);

    expect((await f.interrupt()).exitCode).toBe(0);
  });

  it('with no logs at all says so, naming the logs dir', async () => {
    sandbox = await tests.create();
    for (const args of [['logs'], ['logs', '0'], ['logs', '-f']]) {
      const result = await sandbox.run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(path.join(sandbox.home, 'logs'));
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    const json = await sandbox.runJson(['logs']);
    expect(json.json).toMatchObject({ ok: false, error: { code: 'no-logs' } });
  });

  // KNOWN BUG (src/commands/logs.ts + src/logs/merge.ts): each node's last N lines are merged, and a
  // node whose last N lines carry no timestamp (the engine's multi-line "Nano BPM is up" block, a
  // panic) gets time -Infinity for them, so they sort first and `.slice(-count)` drops them, although
  // they were written last. Remove `.fails` when fixed.
  it('-n 1 across nodes shows the line written last, even an untimed one', async () => {
    sandbox = await tests.create();
    const logs = path.join(sandbox.home, 'logs');
    await mkdir(logs);
    await writeFile(
      path.join(logs, 'node-0.log'),
      '2026-11-22T17:59:43.100Z node 0 early\n2026-11-22T17:59:43.200Z node 0 later\n',
    );
    await writeFile(
      path.join(logs, 'node-1.log'),
      '2026-11-22T17:59:43.300Z node 1 last timed\n  REST API  http://127.0.0.1:8081/v2\n',
    );
    const result = await sandbox.run(['logs', '-n', '1']);
    expect(result.code).toBe(0);
    expect(printed(result.stdout)).toEqual(['node-1 │   REST API  http://127.0.0.1:8081/v2']);
  });
});
