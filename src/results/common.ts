// What every `--json` document shares, and the documents any command can end with (an error, help,
// the version). Scripts read these: a field removed or changing meaning is a new schemaVersion, a
// field added is not. Types only, plus the version, so the writers and the tests share one contract.
import type { ErrorCode } from '../errors.js';

/** The version of every result document's shape; see the README's "JSON output" section. */
export const SCHEMA_VERSION = 1;

export interface Versioned {
  /** The version of this document's shape: a field removed or changing meaning raises it. */
  readonly schemaVersion: typeof SCHEMA_VERSION;
}

/** How any command fails: the exit code says the kind, `error.code` the reason. */
export interface ErrorResult extends Versioned {
  readonly ok: false;
  readonly error: {
    /** One of the README's error codes; `internal` is a bug of ours. */
    readonly code: ErrorCode | 'internal';
    /** The one line the terminal shows. */
    readonly message: string;
    /** Causes, a log tail, the fix: the lines the terminal shows under it. */
    readonly details?: readonly string[] | undefined;
  };
}

export interface HelpResult extends Versioned {
  readonly help: true;
}

export interface VersionResult extends Versioned {
  readonly version: string;
}
