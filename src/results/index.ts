// Every `--json` document, by command and subcommand: the one type the schema is generated from
// (scripts/result-schemas.ts), and the one `Output.result` accepts. A subcommand of the grammar without
// its documents here does not compile (the `satisfies` checks below).
import type { NanoSubcommand } from '../grammar/nano.js';
import type { ProcessosSubcommand } from '../grammar/processos.js';
import type { NodeResult, RestartResult, StartResult, StopResult } from './cluster.js';
import type { ErrorResult, HelpResult, VersionResult } from './common.js';
import type { DrillResult } from './drill.js';
import type { ComposeDocument, ExportResult, KubernetesListDocument } from './export.js';
import type { LinksResult, PauseResult } from './faults.js';
import type {
  ProcessosConfigResult,
  ProcessosLogsResult,
  ProcessosRestartResult,
  ProcessosSetResult,
  ProcessosStartResult,
  ProcessosStatusResult,
  ProcessosStopResult,
} from './processos.js';
import type { StatusResult } from './status.js';
import type {
  BundleResult,
  CleanResult,
  ConfigResult,
  DoctorResult,
  LogsResult,
  SetResult,
  UnsetResult,
  UpdateResult,
} from './tools.js';

/** What each nano subcommand prints with --json (besides the documents any subcommand may end with). */
export interface NanoResults {
  readonly start: StartResult;
  readonly status: StatusResult;
  readonly stop: StopResult;
  readonly restart: RestartResult;
  readonly pause: PauseResult;
  readonly resume: PauseResult;
  readonly isolate: LinksResult;
  readonly cut: LinksResult;
  readonly slow: LinksResult;
  readonly heal: LinksResult;
  readonly node: NodeResult;
  readonly drill: DrillResult;
  readonly logs: LogsResult;
  readonly clean: CleanResult;
  readonly set: SetResult;
  readonly unset: UnsetResult;
  readonly config: ConfigResult;
  readonly doctor: DoctorResult;
  /** Without --out, `export kubernetes` and `export compose` print the List or Compose file itself. */
  readonly export: ExportResult | KubernetesListDocument | ComposeDocument;
  readonly bundle: BundleResult;
  readonly update: UpdateResult;
}

/** What each processos subcommand prints with --json. */
export interface ProcessosResults {
  readonly start: ProcessosStartResult;
  readonly stop: ProcessosStopResult;
  readonly restart: ProcessosRestartResult;
  readonly status: ProcessosStatusResult;
  readonly logs: ProcessosLogsResult;
  readonly set: ProcessosSetResult;
  readonly config: ProcessosConfigResult;
}

export interface ResultDocuments {
  readonly nano: NanoResults;
  readonly processos: ProcessosResults;
  /** What any subcommand may end with instead of its own document. */
  readonly any: ErrorResult | HelpResult | VersionResult;
}

/** Any document a command may print: what `Output.result` takes. */
export type ResultDocument =
  | NanoResults[keyof NanoResults]
  | ProcessosResults[keyof ProcessosResults]
  | ResultDocuments['any'];

// Both tables name exactly the grammar's subcommands: one missing, or one the grammar lacks, fails here.
type SameKeys<A, B> = [Exclude<keyof A, B>, Exclude<B, keyof A>] extends [never, never] ? true : false;
export const NANO_RESULTS_COVER_THE_GRAMMAR: SameKeys<NanoResults, NanoSubcommand> = true;
export const PROCESSOS_RESULTS_COVER_THE_GRAMMAR: SameKeys<ProcessosResults, ProcessosSubcommand> = true;
