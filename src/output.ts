// Every byte the product shows goes through this interface, so the standalone bin and the c8ctl host
// differ only in which Output they pass in. Conventions follow c8ctl's logger: ✓ success, ⚠ warn,
// ✗ error. In JSON mode stdout carries exactly one JSON document; warnings and errors go to stderr as
// JSON lines, and the text rendering (info, success, progress) is left out.

import type { ResultDocument } from './results/index.js';
import { safeJson, safeText } from './safe-text.js';

export type OutputMode = 'text' | 'json';

/** What output is written to: a stream of Node's, or a descriptor's sink (os/stdio.ts). */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

export interface Output {
  readonly mode: OutputMode;
  info(line: string): void;
  success(line: string): void;
  warn(line: string): void;
  /** A failure: one line, then optional detail lines (causes, a log tail, the fix). */
  error(line: string, details?: readonly string[]): void;
  /** Transient progress, redrawn in place on a terminal; nothing elsewhere or in JSON mode. */
  progress(line: string): void;
  /** The command's result document (src/results/: the contract with scripts). Printed only in JSON mode, once. */
  result(data: ResultDocument): void;
  /** A whole screen (status --watch): redrawn in place on a terminal, else printed after the last one. */
  frame(lines: readonly string[]): void;
  /** Aborted once what is printed can no longer be seen (the reader of stdout went away): following ends. */
  readonly gone?: AbortSignal | undefined;
}

/** A single redrawable status line on a terminal's stderr; `clear` before printing anything else. */
export function progressLine(stderr: TextSink, enabled: boolean): { show(line: string): void; clear(): void } {
  let shown = false;
  return {
    show(line) {
      if (!enabled || !stderr.isTTY) return;
      stderr.write(`\r\x1b[2K${line}`);
      shown = line !== '';
    },
    clear() {
      if (shown) stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export interface StreamOutputOptions {
  readonly mode: OutputMode;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly gone?: AbortSignal | undefined;
}

/** Output to plain streams or descriptors: what the standalone `c8ctl-nano` bin uses. */
export function createStreamOutput(options: StreamOutputOptions): Output {
  const { stdout, stderr } = options;
  const json = options.mode === 'json';
  const progress = progressLine(stderr, !json);
  const write = (stream: TextSink, line: string): void => {
    progress.clear();
    stream.write(`${line}\n`);
  };
  const jsonLine = (level: string, message: string): void => {
    stderr.write(`${JSON.stringify({ level, message })}\n`);
  };

  return {
    mode: options.mode,
    gone: options.gone,
    info: (line) => {
      if (!json) write(stdout, line);
    },
    success: (line) => {
      if (!json) write(stdout, `✓ ${line}`);
    },
    warn: (line) => (json ? jsonLine('warn', line) : write(stderr, `⚠ ${line}`)),
    error: (line, details = []) => {
      if (json) return jsonLine('error', [line, ...details].join('\n'));
      write(stderr, `✗ ${line}`);
      for (const detail of details) stderr.write(`${detail}\n`);
    },
    progress: (line) => progress.show(line),
    result: (data) => {
      if (json) stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    },
    frame: (lines) => {
      if (json) return;
      progress.clear();
      // On a terminal: home the cursor, draw, clear what is left of the screen. Elsewhere: one frame after another.
      if (stdout.isTTY) stdout.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\n')}\n\x1b[J`);
      else stdout.write(`${lines.join('\n')}\n\n`);
    },
  };
}

/**
 * The same Output, but every line and every string of the result passes through safeText first: text
 * from outside cannot drive the terminal, and no URL shows its credentials (safe-text.ts).
 */
export function safeOutput(out: Output): Output {
  return {
    mode: out.mode,
    gone: out.gone,
    info: (line) => out.info(safeText(line)),
    success: (line) => out.success(safeText(line)),
    warn: (line) => out.warn(safeText(line)),
    error: (line, details = []) => out.error(safeText(line), details.map(safeText)),
    progress: (line) => out.progress(safeText(line)),
    result: (data) => out.result(safeJson(data)),
    frame: (lines) => out.frame(lines.map(safeText)),
  };
}
