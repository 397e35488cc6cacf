// A failure the user can act on: printed as one line (plus optional detail lines), never a stack trace.

export const EXIT = {
  ok: 0,
  failure: 1,
  degraded: 2,
  stopped: 3,
  interrupted: 130,
} as const;

export interface UserErrorOptions {
  /** Process exit code; 1 unless stated. */
  readonly exitCode?: number;
  /** Extra lines printed after the message (e.g. the tail of a node's log). */
  readonly details?: readonly string[];
  /** Machine-readable reason for --json output, e.g. `invalid-argument`. */
  readonly code?: string;
}

export class UserError extends Error {
  readonly exitCode: number;
  readonly details: readonly string[];
  readonly code: string;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message);
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.details = options.details ?? [];
    this.code = options.code ?? 'error';
  }
}

export function invalidArgument(message: string): UserError {
  return new UserError(message, { code: 'invalid-argument' });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
