// The descriptor sinks the standalone bins print through (os/stdio.ts), on real descriptors: a file,
// /dev/full, and a FIFO opened non-blocking, which gives a real EAGAIN once its buffer is full.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { fdSink, isTerminal } from '../../../src/os/stdio.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nano stdio-'));
const opened: number[] = [];
afterAll(() => {
  for (const fd of opened) closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});
const open = (file: string, flags: number | string): number => {
  const fd = openSync(file, flags);
  opened.push(fd);
  return fd;
};

/** A stand-in for Node's stream, recording what was handed over to it. */
function recordingStream(): { stream: () => NodeJS.WriteStream; made: () => number; text: () => string } {
  const chunks: Buffer[] = [];
  let made = 0;
  return {
    stream: () => {
      made += 1;
      return new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(Buffer.from(chunk));
          done();
        },
      }) as unknown as NodeJS.WriteStream;
    },
    made: () => made,
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

const posix = process.platform !== 'win32';
/** Above any descriptor limit, so never open: a closed number could be reused by the test runner meanwhile. */
const NOT_OPEN = 2 ** 30;

describe.runIf(posix)('fdSink', () => {
  it('writes the text to the descriptor as UTF-8, without building a stream', () => {
    const file = path.join(dir, 'out.txt');
    const fd = open(file, 'w');
    const recorder = recordingStream();
    const sink = fdSink(fd, recorder.stream);
    sink.write('✓ node 0 stopped\n');
    sink.write('⚠ two\n');
    expect(readFileSync(file, 'utf8')).toBe('✓ node 0 stopped\n⚠ two\n');
    expect(sink.isTTY).toBe(false);
    expect(sink.failure).toBeUndefined();
    expect(sink.closed.aborted).toBe(false);
    expect(recorder.made()).toBe(0);
  });

  it('keeps why a descriptor refused the output (a full disk) and drops the rest', async () => {
    if (!existsSync('/dev/full')) return; // Linux only
    const recorder = recordingStream();
    const sink = fdSink(open('/dev/full', 'w'), recorder.stream);
    sink.write('first\n');
    sink.write('second\n');
    await sink.flushed();
    expect(sink.failure?.code).toBe('ENOSPC');
    expect(sink.closed.aborted).toBe(true);
    expect(recorder.made()).toBe(0);
  });

  it('drops output to a closed descriptor quietly', () => {
    const recorder = recordingStream();
    const sink = fdSink(NOT_OPEN, recorder.stream);
    sink.write('nobody reads this\n');
    expect(sink.failure).toBeUndefined();
    expect(sink.closed.aborted).toBe(true);
    expect(recorder.made()).toBe(0);
  });

  it('hands the rest to the stream when a non-blocking pipe is full (EAGAIN), losing nothing', async () => {
    const fifo = path.join(dir, 'fifo');
    const made = spawnSync('mkfifo', [fifo]);
    expect(made.status, String(made.stderr)).toBe(0);
    // The reader first: a non-blocking writer cannot open a FIFO nobody reads.
    const reader = open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    const recorder = recordingStream();
    const sink = fdSink(writer, recorder.stream);
    // More than any pipe buffer holds (64 KiB on Linux): the kernel takes part, then says EAGAIN.
    const text = `${'x'.repeat(99)}\n`.repeat(2000);
    sink.write(text);
    sink.write('after\n');
    await sink.flushed();
    expect(recorder.made()).toBe(1);
    const inPipe = Buffer.alloc(text.length + 100);
    const read = readSync(reader, inPipe);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(text.length);
    expect(inPipe.subarray(0, read).toString('utf8') + recorder.text()).toBe(`${text}after\n`);
    expect(sink.failure).toBeUndefined();
  });
});

describe.runIf(posix)('isTerminal', () => {
  it('says no for a file, /dev/null and a descriptor that is not open', () => {
    expect(isTerminal(open(path.join(dir, 'plain.txt'), 'w'))).toBe(false);
    expect(isTerminal(open('/dev/null', 'r'))).toBe(false);
    expect(isTerminal(NOT_OPEN)).toBe(false);
  });
});
