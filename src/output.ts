// Every byte the product shows goes through this interface, so the standalone bin and the c8ctl host
// differ only in which Output they pass in. Conventions follow c8ctl's logger: ✓ success, ⚠ warn,
// ✗ error. In JSON mode stdout carries exactly one JSON document; warnings and errors go to stderr as
// JSON lines, and the text rendering (info, success, progress) is left out.

export type OutputMode = 'text' | 'json';

export interface Output {
  readonly mode: OutputMode;
  /** Whether transient progress can be redrawn in place (an interactive terminal). */
  readonly interactive: boolean;
  info(line: string): void;
  success(line: string): void;
  warn(line: string): void;
  /** A failure: one line, then optional detail lines (causes, a log tail, the fix). */
  error(line: string, details?: readonly string[]): void;
  /** Transient progress; overwritten by the next progress line on a terminal, never on stdout in JSON mode. */
  progress(line: string): void;
  /** The command's result document. Printed only in JSON mode, once. */
  result(data: unknown): void;
}

export interface StreamOutputOptions {
  readonly mode: OutputMode;
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Output to plain streams: what the standalone `c8ctl-nano` bin uses. */
export function createStreamOutput(options: StreamOutputOptions): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const json = options.mode === 'json';
  const interactive = !json && Boolean(stderr.isTTY);
  let progressShown = false;

  const clearProgress = (): void => {
    if (progressShown) {
      stderr.write('\r\x1b[2K');
      progressShown = false;
    }
  };
  const textLine = (stream: NodeJS.WritableStream, line: string): void => {
    clearProgress();
    stream.write(`${line}\n`);
  };
  const jsonLine = (level: string, message: string): void => {
    stderr.write(`${JSON.stringify({ level, message })}\n`);
  };

  return {
    mode: options.mode,
    interactive,
    // In JSON mode the result document carries the facts; the text rendering is not repeated.
    info: (line) => {
      if (!json) textLine(stdout, line);
    },
    success: (line) => {
      if (!json) textLine(stdout, `✓ ${line}`);
    },
    warn: (line) => (json ? jsonLine('warn', line) : textLine(stderr, `⚠ ${line}`)),
    error: (line, details = []) => {
      if (json) return jsonLine('error', [line, ...details].join('\n'));
      textLine(stderr, `✗ ${line}`);
      for (const detail of details) stderr.write(`${detail}\n`);
    },
    progress: (line) => {
      if (json) return;
      if (interactive) {
        stderr.write(`\r\x1b[2K${line}`);
        progressShown = true;
      }
      // Non-interactive runs (CI logs, pipes) get no progress chatter; the final summary says it all.
    },
    result: (data) => {
      if (json) stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    },
  };
}
