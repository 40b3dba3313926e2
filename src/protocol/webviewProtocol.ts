/**
 * Messages between the extension host and the webview pages (the report page,
 * webview/report.ts, the profiling panel, webview/panel.ts, and the comparison
 * page, webview/compare.ts). Both sides import
 * this file and nothing else of each other; every message is one member of a union
 * below, told apart by `type`, named `scope/verb` (GitLens style). Both sides
 * `switch` on `type` and end with `unhandledMessage(message)`, so adding a member
 * fails to compile until every receiver handles it.
 *
 * The handshake: a page posts `ready` once its listeners are attached (again every
 * time VS Code recreates it, e.g. when a hidden view shows again); the host answers
 * with the page's whole state (`report/show`, `recordings/list` or `compare/show`), and only then
 * sends updates. A page keeps its own view state (zoom window, selection) with
 * `vscode.setState`, so the host never needs to know it.
 *
 * Heatmap cells travel as base64 of little-endian Uint16 arrays (see
 * `HeatmapData.cells`): a 64-thread × 2,048-column matrix is ~1.4 MB of base64
 * against ~4 MB of JSON numbers, and decodes without a JSON number parse.
 * src/core/report/heatmapMessage.ts writes them; webview/heatmap/heatmapGrid.ts reads them.
 */
import type { CompareResult } from '../core/compare/types';
import type { Report, ReportSite } from '../core/report/schema';

/** The report's and the comparison's types, re-exported so that pages import nothing from src/ but this file. */
export type { Report, ReportFunction, ReportLine, ReportLock, ReportProcess, ReportSite, ReportSuggestion, ReportThread } from '../core/report/schema';
export type { ComparePoint, CompareResult, CompareRun, CompareSeries } from '../core/compare/types';

// ---------------------------------------------------------------- constants

/** Columns of the whole-recording heatmaps in `report/show` and `report/update` (the page's overview). */
export const OVERVIEW_COLUMNS = 2048;
/** The most columns a page asks for in `heatmap/request` (a 4K screen at 1×). */
export const MAX_HEATMAP_COLUMNS = 4096;
/** Cells are quantised to 0..CELL_SCALE (Uint16); see `HeatmapData.cells`. */
export const CELL_SCALE = 65535;

/**
 * The planes of a threads heatmap, in the order they appear in `cells`. Exclusive states: they add up to the
 * thread's alive share of the cell. The last three are a free-threaded build's (0 elsewhere): running
 * (attached, no GIL held), stopped by the world, blocked on an event; its `released` is then detached time.
 * `unknown` is a sampled thread's time whose GIL state the sampler could not read (0 elsewhere): neither held nor released.
 */
export const THREAD_STATES = ['held', 'wait', 'lockWait', 'released', 'running', 'stw', 'blocked', 'unknown'] as const;
/** The planes of a locks heatmap, in the order they appear in `cells`. */
export const LOCK_STATES = ['hold', 'wait'] as const;

export type ThreadCellState = (typeof THREAD_STATES)[number];
export type LockCellState = (typeof LOCK_STATES)[number];
export type HeatmapKind = 'threads' | 'locks';

// ---------------------------------------------------------------- data

/** One row of a heatmap. */
export interface HeatmapRowInfo {
  /** The analysis's row key (`KEY/slot` for a thread, `KEY/lock/id` for a lock, KEY the process's key: its pid, or `MACHINE:PID` in a recording of several machines): stable across windows and live updates, so the page keeps its selection on it. */
  readonly key: string;
  /** Shown before the row: the thread's name, or the lock's name (else kind, id and creation line). */
  readonly label: string;
  /** The process: rows of several processes are told apart by it. */
  readonly pid: number;
  /** Threads: the Linux thread id (report `Thread.tid`); locks: the lock id (report `Lock.id`). Joins the row to the report, for tooltips and for locks' lines. */
  readonly id: number;
}

interface HeatmapDataBase {
  /** The window, seconds from the recording's start: the page may have moved on since it asked, and uses these, not its request. */
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** Cells across; every cell is `(endSeconds - startSeconds) / columns` seconds. */
  readonly columns: number;
  readonly rows: readonly HeatmapRowInfo[];
  /**
   * Base64 of a little-endian Uint16Array laid out [row][state][column] (states in the
   * order of THREAD_STATES / LOCK_STATES). A cell's value v stands for
   * `v / CELL_SCALE * scales[state]` cell-lengths: seconds in that state divided by the
   * cell's seconds. For a thread that is its share of the cell; for a lock it is the
   * mean number of threads holding or waiting, which can exceed 1.
   */
  readonly cells: string;
  /** Per state, the value that CELL_SCALE stands for (the matrix's maximum of that state, at least 1): exact to 1/65535 of it. */
  readonly scales: readonly number[];
}

/** Threads × time: what each thread did with the GIL in each cell. */
export interface ThreadHeatmapData extends HeatmapDataBase {
  readonly kind: 'threads';
  /**
   * Base64 of a little-endian Uint16Array laid out [row][column]: 0 when the line is not
   * known, else k for `siteTable[k - 1]`, the Python line that the thread's dominant state
   * in that cell is attributed to. null when the host has no line data (e.g. while live):
   * tooltips then show no line and a click opens nothing.
   */
  readonly sites: string | null;
  /** The lines `sites` points into; empty when `sites` is null. */
  readonly siteTable: readonly ReportSite[];
}

/** Locks × time: how busy and how contended each lock was in each cell. */
export interface LockHeatmapData extends HeatmapDataBase {
  readonly kind: 'locks';
}

export type HeatmapData = ThreadHeatmapData | LockHeatmapData;

/** Both heatmaps of one window. */
export interface HeatmapPair {
  readonly threads: ThreadHeatmapData;
  readonly locks: LockHeatmapData;
}

/** What the panel lists for one recording of the workspace. */
export interface RecordingSummary {
  /** The host's key for the recording (e.g. its directory): sent back in `recordings/select`. */
  readonly id: string;
  /** The short name to show first, e.g. the script's file name (`lock_convoy.py`). */
  readonly label: string;
  /** The command as it was launched (session.json), null when unknown: shown as the item's detail. */
  readonly command: readonly string[] | null;
  /** When the recording started, ms since the epoch (session.json `startedAt`), null when unknown: shown as "3 min ago". */
  readonly startedAtMs: number | null;
  /** Wall time of the recording (report `wallSeconds`). */
  readonly wallSeconds: number;
  /** `recording` while the program still runs (the item shows a live badge), `failed` when it could not be read. */
  readonly state: 'recording' | 'finished' | 'failed';
  /** The interpreter that ran it: from the report's `python`, and the first process's executable. */
  readonly python: { readonly implementation: string; readonly version: string; readonly executable: string | null };
  /** The thread that waited most (GIL wait + lock wait), so the list shows who suffered; null without threads. */
  readonly topThread: { readonly name: string; readonly gilWaitSeconds: number; readonly lockWaitSeconds: number; readonly lifetimeSeconds: number } | null;
  /** The lock with the most contention wait, so the list shows what to look at; null when no lock was contended. */
  readonly topLock: { readonly name: string; readonly waitSeconds: number; readonly contended: number; readonly acquisitions: number } | null;
  /** Counts shown in the item's detail line. */
  readonly processes: number;
  readonly threads: number;
  /** The report's warnings (lost records, killed processes…): the item shows a warning marker when any. */
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------- page → host

/** The page's script has loaded and its listeners are attached: the host sends the page's whole state now. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** The user chose a Python line (a heatmap cell, a table row, a suggestion): the host opens `file` at `line` (1-based) in an editor. */
export interface SourceOpenMessage {
  readonly type: 'source/open';
  /** As recorded: an absolute path, or relative to the recording's working directory. */
  readonly file: string;
  readonly line: number;
}

/** The report page shows a new window (zoom, pan, resize): the host answers with `heatmap/data` for it. Only sent when `report/show` said `heatmapRequests: true`. */
export interface HeatmapRequestMessage {
  readonly type: 'heatmap/request';
  /** Echoed in the answer; the page drops answers to requests it has superseded. */
  readonly requestId: number;
  readonly kind: HeatmapKind;
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** The canvas's width in device pixels, at most MAX_HEATMAP_COLUMNS. */
  readonly columns: number;
}

/** Panel: the user chose a recording: the host opens (or reveals) its report. */
export interface RecordingSelectMessage {
  readonly type: 'recordings/select';
  readonly id: string;
}

/** Panel: the user pressed "Record…" in the empty list: the host runs its record command. */
export interface RecordingRecordMessage {
  readonly type: 'recordings/record';
}

/**
 * Comparison page: the user chose a run's recording (the runs table): the host opens its
 * report. The host opens only recordings of the comparison it shows.
 */
export interface CompareOpenRecordingMessage {
  readonly type: 'compare/openRecording';
  /** The comparison the page shows (`compare/show`): a page left behind by another comparison is ignored. */
  readonly comparisonId: string;
  /** A run's `recording` directory. */
  readonly recording: string;
}

export type ReportPageToHostMessage = ReadyMessage | SourceOpenMessage | HeatmapRequestMessage;
export type PanelToHostMessage = ReadyMessage | RecordingSelectMessage | RecordingRecordMessage;
/** Suggestion targets open as `source/open` (absolute paths: a comparison names its files so). */
export type ComparePageToHostMessage = ReadyMessage | SourceOpenMessage | CompareOpenRecordingMessage;
/** Messages a page posts to the extension host. */
export type PageToHostMessage = ReportPageToHostMessage | PanelToHostMessage | ComparePageToHostMessage;

// ---------------------------------------------------------------- host → page

/** The report page's whole state: sent after `ready`, and when the page is to show another recording. */
export interface ReportShowMessage {
  readonly type: 'report/show';
  /** The recording shown: the page keeps its zoom window across `ready`s of the same recording and resets it for another. */
  readonly recordingId: string;
  readonly report: Report;
  /** Both heatmaps over the whole recording (0 … wallSeconds) at OVERVIEW_COLUMNS: drawn at once, and while a zoomed window's `heatmap/data` is on its way. */
  readonly heatmaps: HeatmapPair;
  /** The recording is still being written: `report/update`s follow, and the page offers to follow the end. */
  readonly live: boolean;
  /**
   * Set (below 1) when the report is of part of a finished recording: the share of its bytes read
   * while the editor opens it a slice at a time (`report/update`s follow, the last without it), or
   * when that reading was cancelled.
   */
  readonly readShare?: number;
  /** The host answers `heatmap/request`; false (the CLI's self-contained file) makes the page zoom into `heatmaps` alone. */
  readonly heatmapRequests: boolean;
}

/** Live: the same recording, newer (send at 4 Hz or more while recording; the last one with `live: false`). The page keeps its view and redraws in place. */
export interface ReportUpdateMessage {
  readonly type: 'report/update';
  /** Must equal the shown one; an update for another recording is ignored. */
  readonly recordingId: string;
  readonly report: Report;
  readonly heatmaps: HeatmapPair;
  readonly live: boolean;
  readonly readShare?: number;
}

/** The answer to one `heatmap/request`. */
export interface HeatmapDataMessage {
  readonly type: 'heatmap/data';
  readonly requestId: number;
  readonly data: HeatmapData;
}

/** Panel: the workspace's recordings, newest first; sent after `ready` and whenever the list or a summary changes. */
export interface RecordingsListMessage {
  readonly type: 'recordings/list';
  readonly recordings: readonly RecordingSummary[];
  /** The recording whose report is open, highlighted in the list; null when none. */
  readonly selectedId: string | null;
}

/** The comparison page's whole state: sent after `ready`, and when the page is to show another comparison. */
export interface CompareShowMessage {
  readonly type: 'compare/show';
  /** The comparison shown (its directory): echoed in `compare/openRecording`. */
  readonly comparisonId: string;
  /** `gilscope compare --json` (docs/compare.md): the chart is drawn from `series`, the table from `runs`. */
  readonly result: CompareResult;
}

export type HostToReportPageMessage = ReportShowMessage | ReportUpdateMessage | HeatmapDataMessage;
export type HostToPanelMessage = RecordingsListMessage;
export type HostToComparePageMessage = CompareShowMessage;
/**
 * Messages the extension host posts to a page. No theme message: VS Code changes the
 * body class (vscode-light, vscode-dark, vscode-high-contrast[-light]) and the
 * --vscode-* variables itself, and the pages watch for that.
 */
export type HostToPageMessage = HostToReportPageMessage | HostToPanelMessage | HostToComparePageMessage;

// ---------------------------------------------------------------- the CLI's self-contained file

/**
 * The CLI's --html file has no host: it carries the `report/show` message in two
 * `<script type="application/json">` blocks, the report apart (so tools can read it),
 * and its bootstrap (webview/reportFile.ts) posts them to the page as one message.
 */
export const REPORT_FILE_BLOCKS = {
  /** The Report (docs/report-schema.md). */
  report: 'gilscope-report',
  /** The rest of the ReportShowMessage: `Omit<ReportShowMessage, 'report'>`. */
  message: 'gilscope-message',
} as const;

// ---------------------------------------------------------------- helpers

const HOST_TO_PAGE_TYPES: ReadonlySet<string> = new Set<HostToPageMessage['type']>(['report/show', 'report/update', 'heatmap/data', 'recordings/list', 'compare/show']);
const PAGE_TO_HOST_TYPES: ReadonlySet<string> = new Set<PageToHostMessage['type']>(['ready', 'source/open', 'heatmap/request', 'recordings/select', 'recordings/record', 'compare/openRecording']);

/** A page's check of a `message` event's data: an object whose `type` is one of ours. */
export function isHostToPageMessage(data: unknown): data is HostToPageMessage {
  return typeof data === 'object' && data !== null && HOST_TO_PAGE_TYPES.has((data as { type?: unknown }).type as string);
}

/** The host's check of what a page posted (`onDidReceiveMessage` gives `any`). */
export function isPageToHostMessage(data: unknown): data is PageToHostMessage {
  return typeof data === 'object' && data !== null && PAGE_TO_HOST_TYPES.has((data as { type?: unknown }).type as string);
}

/** The exhaustiveness check at the end of every `switch (message.type)`. */
export function unhandledMessage(message: never): never {
  throw new Error(`unhandled message ${JSON.stringify(message)}`);
}
