// Every `--json` document, by command and subcommand: the one type the schema is generated from
// (scripts/result-schemas.ts) and the one `Output.result` accepts.
import type { ErrorResult, HelpResult, VersionResult } from './common.js';

export interface ResultDocuments {
  /** What any subcommand may end with instead of its own document. */
  readonly any: ErrorResult | HelpResult | VersionResult;
}
