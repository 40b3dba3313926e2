import type { HeatmapRow, ThreadStateName } from '../analysis/heatmap';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import type { Site } from '../format/definitions';
import { WaitKind } from '../format/layout';
import { SpanKind } from '../export/spanList';
import { buildTimeline } from '../export/timeline';
import type { ExportThread, Timeline } from '../export/timeline';
import { THREAD_STATES } from '../../protocol/webviewProtocol';
import type { ReportSite } from './schema';

/** Recordings with more records than this get heatmaps without lines (the span timeline would take too much memory). */
export const CELL_SITES_MAX_RECORDS = 5_000_000;

/** Points sampled in a cell to find a span of its dominant state. */
const SAMPLES = 5;

/** The heatmap's states by index, as in THREAD_STATES. */
const HELD = 0;
const WAIT = 1;
const LOCK_WAIT = 2;
const RELEASED = 3;
const RUNNING = 4;
const STOPPED = 5;
const BLOCKED = 6;
const UNKNOWN = 7;

/** One thread's spans sorted by start, in seconds, with their state as the heatmap counts it. */
class ThreadSpans {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly states: Uint8Array;
  private readonly order: Int32Array;
  private readonly sites: (Site | undefined)[];

  constructor(private readonly thread: ExportThread) {
    const s = thread.spans;
    const n = s.length;
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => s.start(a) - s.start(b) || s.end(b) - s.end(a));
    this.order = order;
    this.starts = new Float64Array(n);
    this.ends = new Float64Array(n);
    this.states = new Uint8Array(n);
    this.sites = new Array<Site | undefined>(n);
    order.forEach((i, k) => {
      this.starts[k] = thread.time.seconds(s.start(i));
      this.ends[k] = thread.time.seconds(s.end(i));
      const kind = s.kind(i);
      // Only contended lock acquires count as lock wait; event waits are released time (a free-threaded build's: blocked).
      this.states[k] = kind === SpanKind.held ? HELD : kind === SpanKind.gilWait ? WAIT : kind === SpanKind.running ? RUNNING : kind === SpanKind.stopped ? STOPPED
        : s.aux(i) === WaitKind.acquire ? LOCK_WAIT : thread.freeThreaded ? BLOCKED : RELEASED;
    });
  }

  site(k: number): Site {
    let site = this.sites[k];
    if (!site) {
      site = this.thread.describe(this.order[k]!).site;
      this.sites[k] = site;
    }
    return site;
  }

  /** The last span starting at or before `t`, searching from `from`; −1 if none. */
  lastStartingBy(t: number, from: number): number {
    let lo = Math.max(0, from);
    let hi = this.starts.length;
    if (lo > 0 && this.starts[lo - 1]! > t) lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** What the thread did at `t`: the innermost span covering it, or for released time the GIL span after it (its acquire names the time before it). */
  at(t: number, last: number): { state: number; span: number } {
    for (let k = last; k >= 0 && k > last - 16; k--) {
      if (this.ends[k]! > t) return { state: this.states[k]!, span: k };
    }
    for (let k = last + 1; k < this.starts.length && k < last + 9; k++) {
      if (this.states[k] === HELD || this.states[k] === WAIT || this.states[k] === RUNNING) return { state: RELEASED, span: k };
    }
    return { state: RELEASED, span: -1 };
  }
}

/**
 * The Python line behind each cell of a threads heatmap, for the page's tooltips and
 * clicks: in each cell, the line that a span of the cell's dominant state (by the
 * heatmap's own shares) is attributed to, found by sampling a few points of the cell.
 * Built once per finished recording from the span timeline the exports use.
 */
export class CellSites {
  private readonly threads = new Map<string, ThreadSpans>();

  constructor(timeline: Timeline, analysis: RecordingAnalysis) {
    for (const p of analysis.processes) {
      const mine = timeline.processes.find((x) => x.key === p.key)?.threads ?? [];
      for (const t of p.threads) {
        const match = mine.find((x) => x.tid === t.tid || x.tid === p.pid * 1000 + t.slot);
        if (match) this.threads.set(`${p.key}/${t.slot}`, new ThreadSpans(match));
      }
    }
  }

  /** Lines for `analysis` (a finished recording in `dir`); undefined when the recording is too big to keep its spans. */
  static forRecording(dir: string, analysis: RecordingAnalysis): CellSites | undefined {
    if (analysis.records > CELL_SITES_MAX_RECORDS) return undefined;
    return new CellSites(buildTimeline(dir), analysis);
  }

  /** Per row and column: 0 for no line, else k for `table[k - 1]`. */
  query(rows: readonly HeatmapRow<ThreadStateName>[], startSeconds: number, endSeconds: number, columns: number): { cells: Uint16Array; table: ReportSite[] } {
    const cells = new Uint16Array(rows.length * columns);
    const table: ReportSite[] = [];
    const index = new Map<Site, number>();
    const cell = (endSeconds - startSeconds) / columns;
    rows.forEach((row, r) => {
      const spans = this.threads.get(row.key);
      if (!spans) return;
      let cursor = 0;
      for (let c = 0; c < columns; c++) {
        let dominant = -1;
        let best = 0;
        THREAD_STATES.forEach((s, i) => {
          const v = row.cells[s][c]!;
          if (v > best) {
            best = v;
            dominant = i;
          }
        });
        // Time the sampler could not tell has no line.
        if (dominant < 0 || dominant === UNKNOWN) continue;
        let chosen = -1;
        let fallback = -1;
        for (let k = 0; k < SAMPLES; k++) {
          const t = startSeconds + (c + (k + 0.5) / SAMPLES) * cell;
          cursor = Math.max(0, spans.lastStartingBy(t, cursor));
          const hit = spans.at(t, spans.starts[cursor]! <= t ? cursor : cursor - 1);
          if (hit.span < 0) continue;
          if (hit.state === dominant) {
            chosen = hit.span;
            break;
          }
          if (fallback < 0) fallback = hit.span;
        }
        const span = chosen >= 0 ? chosen : fallback;
        if (span < 0) continue;
        const site = spans.site(span);
        if (!site.file) continue;
        let k = index.get(site);
        if (k === undefined) {
          if (table.length >= 65535) continue;
          table.push({ file: site.file, line: site.line, function: site.function });
          k = table.length;
          index.set(site, k);
        }
        cells[r * columns + c] = k;
      }
    });
    return { cells, table };
  }
}
