/**
 * gilscope's extensions to the Language Server Protocol, declared once and
 * imported by both sides: the server (src/server/) and the extension's
 * client (src/extension/languageClient.ts).
 *
 * They mirror the recordings the extension knows of: the server reads
 * recording directories (runtime/FORMAT.md) itself, through the same
 * analysis as `gilscope report` (src/core/analysis/, the report of
 * docs/report-schema.md). Everything else the server does is standard LSP:
 * code lenses, diagnostics (source "gilscope"), hovers and code actions.
 */
import { NotificationType } from 'vscode-languageserver-protocol';

/** The recordings the server reads, newest last or in any order: the server orders them by start time. */
export interface RecordingsParams {
  /** Recording directories (`gilscope record -o DIR`), absolute paths. */
  readonly recordings: readonly string[];
}

/** `initializationOptions` of the `initialize` request. */
export interface GilscopeInitializationOptions extends RecordingsParams {}

/**
 * Client → server: the set of recordings changed (one was made, opened or
 * removed). Replaces the whole list given at `initialize`.
 */
export const DidChangeRecordingsNotification = new NotificationType<RecordingsParams>('gilscope/didChangeRecordings');

/** How one recording fared when the server read it. */
export interface RecordingStatus {
  readonly path: string;
  readonly state: 'loaded' | 'failed';
  /** Why it could not be read (state `failed`). */
  readonly error?: string;
  /** The run's length in seconds (state `loaded`). */
  readonly wallSeconds?: number;
  /** Source files with figures in it (state `loaded`): resolved absolute paths. */
  readonly files?: readonly string[];
}

export interface RecordingsLoadedParams {
  readonly recordings: readonly RecordingStatus[];
}

/**
 * Server → client: the recordings were (re)read after `initialize` or a
 * `gilscope/didChangeRecordings`, so the client can report the ones that
 * failed. Lenses and diagnostics reflect them from then on.
 */
export const DidLoadRecordingsNotification = new NotificationType<RecordingsLoadedParams>('gilscope/didLoadRecordings');

/**
 * Settings the server pulls with `workspace/configuration`, section
 * `gilscope.diagnostics` (declared in package.json `contributes.configuration`).
 * The client sends `workspace/didChangeConfiguration` when they change.
 */
export const DIAGNOSTICS_SECTION = 'gilscope.diagnostics';

export interface DiagnosticsSettings {
  /** `gilscope.diagnostics.enabled`: publish diagnostics at all. */
  readonly enabled: boolean;
  /** `gilscope.diagnostics.lockWaitShare`: a lock is reported when its waiters lost more than this share of the run's wall time. */
  readonly lockWaitShare: number;
}

export const DEFAULT_DIAGNOSTICS_SETTINGS: DiagnosticsSettings = { enabled: true, lockWaitShare: 0.1 };

/**
 * The command of every code lens the server sends (no arguments): the
 * extension registers it (src/extension/commands/) to show the report.
 */
export const LENS_COMMAND = 'gilscope.showReport';

/** `Diagnostic.code` of each kind, also in `Diagnostic.data.kind` for the code actions. */
export const DiagnosticCode = {
  /** Measured: a thread target held the GIL for most of the run while threads waited for it. */
  cpuBoundTarget: 'cpu-bound-target',
  /** Measured: a lock's waiters lost more than the set share of the wall time. */
  lockContention: 'lock-contention',
  /** Measured: GIL waits after giving it up for I/O (the convoy effect). */
  convoy: 'convoy',
  /** Measured, free-threaded: threads waited for one object's own lock (a dict, a list… shared by them) more than the set share of the run. */
  objectContention: 'object-contention',
  /** Measured, free-threaded: threads were stopped by stop-the-world pauses at this line a share of the run. */
  stopTheWorld: 'stop-the-world',
  /** Static (no recording yet): a thread target runs a pure-Python loop. */
  staticCpuTarget: 'static-cpu-target',
  /** Static: time.sleep while holding a lock. */
  staticSleepUnderLock: 'static-sleep-under-lock',
  /** Static: blocking I/O while holding a lock. */
  staticIoUnderLock: 'static-io-under-lock',
} as const;

export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];
