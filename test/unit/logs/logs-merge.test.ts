// Interleaving several nodes' logs by time (src/logs/merge.ts) and reading a log's last lines
// (src/logs/tail.ts), on real temp files.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { interleave, lineTime, prefixed, type SourcedLine } from '../../../src/logs/merge.js';
import { readLastLines } from '../../../src/logs/tail.js';

const BANNER = '--- c8ctl-nano: node 0 starting on port 8080 at 2026-11-22T17:59:43.812Z ---';

const texts = (lines: readonly SourcedLine[]): string[] => lines.map((l) => l.text);

describe('lineTime', () => {
  const seconds = Date.parse('2026-11-22T17:59:43Z') / 1000;

  it('reads a leading ISO timestamp of any fractional precision, or none, as seconds plus nanoseconds', () => {
    expect(lineTime('2026-11-22T17:59:43.834545Z  INFO nanobpm: started')).toEqual({ seconds, nanos: 834_545_000 });
    expect(lineTime('2026-11-22T17:59:43.8Z x')).toEqual({ seconds, nanos: 800_000_000 });
    expect(lineTime('2026-11-22T17:59:43Z x')).toEqual({ seconds, nanos: 0 });
    expect(lineTime('2026-11-22T17:59:43.123456789Z')).toEqual({ seconds, nanos: 123_456_789 });
  });

  it('reads the time at the end of our start banner', () => {
    expect(lineTime(BANNER)).toEqual({ seconds, nanos: 812_000_000 });
  });

  it('finds no time in lines without one at the start (or a banner end)', () => {
    expect(lineTime('LISTENING_PORT=8080')).toBeUndefined();
    expect(lineTime('')).toBeUndefined();
    expect(lineTime('  REST API       http://127.0.0.1:8080/v2')).toBeUndefined();
    expect(lineTime('panic at 2026-11-22T17:59:43.812Z in main')).toBeUndefined();
    expect(lineTime(' 2026-11-22T17:59:43.812Z indented')).toBeUndefined();
    // Local time (no Z) is not a time we can order by.
    expect(lineTime('2026-11-22T17:59:43.812 local')).toBeUndefined();
    // A banner-like line that does not end like ours.
    expect(lineTime(`${BANNER} trailing`)).toBeUndefined();
  });
});

describe('interleave', () => {
  it('orders two nodes by time across different fractional precisions (not as strings)', () => {
    const merged = interleave([
      { node: 0, lines: ['2026-11-22T17:59:43.81Z a', '2026-11-22T17:59:43.9Z c', '2026-11-22T17:59:44Z e'] },
      // As strings, "43.812345Z" sorts before "43.81Z" and "43Z" after "43.9Z"; as times they do not.
      {
        node: 1,
        lines: ['2026-11-22T17:59:43.812345Z b', '2026-11-22T17:59:43.95Z d', '2026-11-22T17:59:44.000001Z f'],
      },
    ]);
    expect(texts(merged).map((t) => t.slice(-1))).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(merged.map((l) => l.node)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('orders whole seconds before later fractions of the same second and after earlier seconds', () => {
    const merged = interleave([
      { node: 0, lines: ['2026-11-22T17:59:43Z whole'] },
      { node: 1, lines: ['2026-11-22T17:59:42.999999Z before', '2026-11-22T17:59:43.001Z after'] },
    ]);
    expect(texts(merged)).toEqual([
      '2026-11-22T17:59:42.999999Z before',
      '2026-11-22T17:59:43Z whole',
      '2026-11-22T17:59:43.001Z after',
    ]);
  });

  it('keeps a line without a timestamp right after the line before it', () => {
    const merged = interleave([
      {
        node: 0,
        lines: [
          '2026-11-22T17:59:43.100Z first',
          'LISTENING_PORT=8080',
          '',
          '  REST API  http://127.0.0.1:8080/v2',
          '2026-11-22T17:59:43.400Z last',
        ],
      },
      { node: 1, lines: ['2026-11-22T17:59:43.200Z other', '2026-11-22T17:59:43.300Z other again'] },
    ]);
    expect(merged).toEqual([
      { node: 0, text: '2026-11-22T17:59:43.100Z first' },
      { node: 0, text: 'LISTENING_PORT=8080' },
      { node: 0, text: '' },
      { node: 0, text: '  REST API  http://127.0.0.1:8080/v2' },
      { node: 1, text: '2026-11-22T17:59:43.200Z other' },
      { node: 1, text: '2026-11-22T17:59:43.300Z other again' },
      { node: 0, text: '2026-11-22T17:59:43.400Z last' },
    ]);
  });

  it('orders our start banner by the time it names', () => {
    const merged = interleave([
      { node: 0, lines: [BANNER, '2026-11-22T17:59:43.813Z node 0 engine'] },
      { node: 1, lines: ['2026-11-22T17:59:43.8115Z node 1 before', '2026-11-22T17:59:43.8125Z node 1 between'] },
    ]);
    expect(texts(merged)).toEqual([
      '2026-11-22T17:59:43.8115Z node 1 before',
      BANNER,
      '2026-11-22T17:59:43.8125Z node 1 between',
      '2026-11-22T17:59:43.813Z node 0 engine',
    ]);
  });

  it("breaks ties by node id, then keeps each node's own order", () => {
    const t = '2026-11-22T17:59:43.500Z';
    const merged = interleave([
      { node: 2, lines: [`${t} c1`, `${t} c2`] },
      { node: 0, lines: [`${t} a1`, `${t} a2`] },
    ]);
    expect(texts(merged)).toEqual([`${t} a1`, `${t} a2`, `${t} c1`, `${t} c2`]);
  });

  it("keeps untimed lines attached to their predecessor even when a node's clock goes backwards", () => {
    const perNode = [
      {
        node: 0,
        lines: ['2026-11-22T17:59:43.500Z a', 'untimed a', '2026-11-22T17:59:43.100Z clock went back', 'untimed b'],
      },
      { node: 1, lines: ['2026-11-22T17:59:43.300Z x', '2026-11-22T17:59:43.700Z y'] },
    ];
    expect(texts(interleave(perNode))).toEqual([
      '2026-11-22T17:59:43.100Z clock went back',
      'untimed b',
      '2026-11-22T17:59:43.300Z x',
      '2026-11-22T17:59:43.500Z a',
      'untimed a',
      '2026-11-22T17:59:43.700Z y',
    ]);
  });

  it("puts a node's leading untimed lines before its first timed line", () => {
    const merged = interleave([{ node: 0, lines: ['untimed 1', 'untimed 2', '2026-11-22T17:59:43.100Z t'] }]);
    expect(texts(merged)).toEqual(['untimed 1', 'untimed 2', '2026-11-22T17:59:43.100Z t']);
  });

  it('returns nothing for no nodes or empty logs, and does not touch its input', () => {
    expect(interleave([])).toEqual([]);
    expect(
      interleave([
        { node: 0, lines: [] },
        { node: 1, lines: [] },
      ]),
    ).toEqual([]);
    const lines = ['2026-11-22T17:59:43.200Z b', '2026-11-22T17:59:43.100Z a'];
    interleave([{ node: 0, lines }]);
    expect(lines).toEqual(['2026-11-22T17:59:43.200Z b', '2026-11-22T17:59:43.100Z a']);
  });

  // KNOWN BUG (src/logs/merge.ts timeKey): the key is ms*1e6 + µs, about 1.8e18, beyond 2^53, so
  // doubles there are spaced 256 apart and times less than ~256 µs apart compare equal; the node-id
  // tie-break then decides. The engine writes microsecond timestamps, so real lines are misordered.
  // Remove `.fails` when fixed.
  it('orders lines a few microseconds apart correctly', () => {
    const merged = interleave([
      { node: 0, lines: ['2026-11-22T17:59:43.000300Z later'] },
      { node: 1, lines: ['2026-11-22T17:59:43.000200Z earlier'] },
    ]);
    expect(texts(merged)).toEqual(['2026-11-22T17:59:43.000200Z earlier', '2026-11-22T17:59:43.000300Z later']);
  });
});

describe('prefixed', () => {
  it('prefixes with the node when several nodes are shown, and not otherwise', () => {
    expect(prefixed({ node: 3, text: 'hello' }, true)).toBe('node-3 │ hello');
    expect(prefixed({ node: 3, text: 'hello' }, false)).toBe('hello');
    expect(prefixed({ node: 0, text: '' }, true)).toBe('node-0 │ ');
    expect(prefixed({ node: 12, text: 'x' }, true)).toBe('node-12 │ x');
  });
});

describe('readLastLines', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-tail-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, contents: string | Buffer): Promise<string> {
    const full = path.join(dir, name);
    await writeFile(full, contents);
    return full;
  }

  it('returns every line when the file has fewer than asked', async () => {
    expect(await readLastLines(await file('a.log', 'one\ntwo\n'), 5)).toEqual(['one', 'two']);
  });

  it('a trailing newline does not make an empty last line', async () => {
    expect(await readLastLines(await file('a.log', 'one\ntwo\nthree\n'), 2)).toEqual(['two', 'three']);
  });

  it('without a trailing newline the unfinished last line counts', async () => {
    expect(await readLastLines(await file('a.log', 'one\ntwo\nthree'), 2)).toEqual(['two', 'three']);
  });

  it('keeps blank lines that are in the file', async () => {
    expect(await readLastLines(await file('a.log', 'one\n\ntwo\n\n'), 3)).toEqual(['', 'two', '']);
    expect(await readLastLines(await file('b.log', 'one\n\ntwo\n'), 2)).toEqual(['', 'two']);
  });

  it('returns exactly the count asked for, and nothing for 0 or an empty file', async () => {
    const f = await file('a.log', 'a\nb\nc\nd\n');
    expect(await readLastLines(f, 1)).toEqual(['d']);
    expect(await readLastLines(f, 4)).toEqual(['a', 'b', 'c', 'd']);
    expect(await readLastLines(f, 0)).toEqual([]);
    expect(await readLastLines(await file('empty.log', ''), 3)).toEqual([]);
  });

  it('reads a file larger than 64 KiB over several chunks', async () => {
    // 3000 lines of 100 bytes: about 300 KB, five chunks.
    const all = Array.from({ length: 3000 }, (_, i) => `line ${String(i).padStart(5, '0')} ${'x'.repeat(88)}`);
    const f = await file('big.log', `${all.join('\n')}\n`);
    expect(await readLastLines(f, 3)).toEqual(all.slice(-3));
    // 1500 lines span three chunks, and the chunk boundaries fall mid-line.
    expect(await readLastLines(f, 1500)).toEqual(all.slice(-1500));
    expect(await readLastLines(f, 5000)).toEqual(all);
  });

  it('returns a single last line longer than a chunk whole', async () => {
    const long = 'y'.repeat(150_000);
    const f = await file('long.log', `before\n${long}\n`);
    expect(await readLastLines(f, 1)).toEqual([long]);
    expect(await readLastLines(f, 2)).toEqual(['before', long]);
  });

  it('returns [] for a missing file', async () => {
    expect(await readLastLines(path.join(dir, 'no-such.log'), 10)).toEqual([]);
  });

  // KNOWN BUG (src/logs/tail.ts readLastLines): each 64 KiB chunk is decoded on its own, so a
  // multi-byte UTF-8 character split by a chunk boundary becomes two U+FFFD. Engine lines carry paths
  // (data dirs under the home), which may well hold non-ASCII letters. Remove `.fails` when fixed.
  it('keeps a multi-byte character that straddles a chunk boundary', async () => {
    // "é" is 2 bytes; 65535 bytes follow it, so its second byte is the first of the last chunk.
    const line = `aé${'z'.repeat(65_534)}`;
    const f = await file('utf8.log', `first\n${line}\n`);
    expect(await readLastLines(f, 2)).toEqual(['first', line]);
  });
});
