// A failure the user can act on: printed as one line (plus optional detail lines), never a stack trace.

export const EXIT = {
  ok: 0,
  failure: 1,
  degraded: 2,
  stopped: 3,
  /** drill: the cluster converged, but something acknowledged was lost or a key handed out twice. */
  drillLost: 4,
  /** drill: the cluster did not converge within the bound (or settled displaced). */
  drillNotConverged: 5,
  interrupted: 130,
} as const;

/**
 * Every machine-readable reason an error can carry in --json output (`{ "error": { "code" } }`), so
 * scripts can match on them: one list, and a typo in a `code:` is a compile error. `fs-<errno>` (from
 * errors-fs.ts) names the system call's error, e.g. `fs-eacces`.
 */
export const ERROR_CODES = [
  'already-running',
  'bad-registry',
  'binary-cannot-run',
  'binary-not-found',
  'binary-wrong-platform',
  'checksum-mismatch',
  'cluster-running',
  'confirmation-required',
  'corrupt-config',
  'corrupt-state',
  'data-shape-mismatch',
  'disk-full',
  'displaced',
  'download-failed',
  'error',
  'file-exists',
  'internal',
  'interrupted',
  'invalid-argument',
  'link-proxy-down',
  'link-proxy-failed',
  'link-proxy-missing',
  'link-proxy-unresponsive',
  'locked',
  'no-cluster',
  'no-link-proxy',
  'no-logs',
  'node-exited',
  'node-not-running',
  'port-in-use',
  'port-unavailable',
  'server-exited',
  'signal-failed',
  'spawn-failed',
  'start-timeout',
  'stop-failed',
  'unsafe-permissions',
  'unsupported',
  'untracked-engines',
  'update-failed',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number] | `fs-${string}`;

export interface UserErrorOptions {
  /** Process exit code; 1 unless stated. */
  readonly exitCode?: number;
  /** Extra lines printed after the message (e.g. the tail of a node's log). */
  readonly details?: readonly string[];
  /** Machine-readable reason for --json output, e.g. `invalid-argument`. */
  readonly code?: ErrorCode;
}

/** Marks a UserError however it was made: `drill` runs from a bundle of its own, with its own copy of this class. */
const USER_ERROR = Symbol.for('c8ctl-plugin-nano.UserError');

export class UserError extends Error {
  readonly exitCode: number;
  readonly details: readonly string[];
  readonly code: ErrorCode;

  /** `instanceof UserError` holds for a UserError of any bundle of this program, not only this copy's. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses (ChecksumError, …) keep the ordinary prototype check.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof asks about, a subclass or this one
    if (this !== UserError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[USER_ERROR] === true;
  }

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message);
    Object.defineProperty(this, USER_ERROR, { value: true });
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
