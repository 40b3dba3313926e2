import { unhandledMessage } from '../../src/protocol/webviewProtocol';
import type { HostToReportPageMessage, Report, ReportPageToHostMessage, ReportShowMessage, ReportSite, ReportUpdateMessage } from '../../src/protocol/webviewProtocol';
import { el } from '../common/dom';
import { readTheme, watchTheme } from '../common/theme';
import type { Theme } from '../common/theme';
import type { HostConnection } from '../common/vscodeApi';
import { cellDescriber } from './describeCell';
import { metrics } from './metrics';
import { countNote, linesSection, locksSection, sectionRows, threadsSection, topLines, topLocks, topThreads } from './sections';
import { Suggestions } from './suggestions';
import { Summary } from './summary';
import { Timeline } from './timeline';
import { TimelineSection } from './timelineSection';
import type { TimeWindow } from './timeWindow';

/** What the page keeps through `vscode.setState` when VS Code hides and recreates it. */
export interface ReportPageState {
  readonly recordingId: string;
  /** The zoomed window; null for the whole recording. */
  readonly window: TimeWindow | null;
  readonly follow: boolean;
  /** Every lock has a heatmap row, not only the contended ones. */
  readonly allLocks: boolean;
  readonly scrollY: number;
}

/** The report page: shows a `report/show`, applies `report/update`s in place, answers nothing. */
export class ReportPage {
  private readonly main: HTMLElement;
  private readonly waiting = el('p', { class: 'waiting' }, 'Waiting for data from gilscope…');
  private readonly summary = new Summary();
  private readonly suggestions: Suggestions;
  private readonly timeline: Timeline;
  private readonly timelineSection: TimelineSection;
  private readonly threads;
  private readonly locks;
  private readonly lines;
  private theme: Theme = readTheme();
  private report: Report | undefined;
  private recordingId: string | undefined;
  private follow = true;
  private allLocks = false;
  /** From `report/show`: whether the host answers `heatmap/request`. */
  private requests = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The newest `report/update` not drawn yet: updates that come faster than frames are drawn once, the newest. */
  private pendingUpdate: ReportUpdateMessage | undefined;

  constructor(
    root: HTMLElement,
    private readonly host: HostConnection<ReportPageToHostMessage, ReportPageState>,
  ) {
    const open = (site: ReportSite): void => this.open(site);
    this.suggestions = new Suggestions(open);
    this.timeline = new Timeline({
      post: (m) => host.postMessage(m),
      open,
      describe: cellDescriber(
        () => this.report!,
        () => this.theme,
      ),
      windowChanged: (w, whole) => {
        this.timelineSection.showWindow(w, whole);
        this.saveSoon();
      },
    });
    this.timelineSection = new TimelineSection(
      this.timeline,
      (follow) => {
        this.follow = follow;
        this.timeline.setFollow(follow);
        this.saveSoon();
      },
      (all) => {
        this.allLocks = all;
        if (this.report) this.chooseLockRows(this.report);
        this.saveSoon();
      },
    );
    const multi = (): boolean => (this.report?.processes.length ?? 0) > 1;
    this.threads = threadsSection(open, multi);
    this.locks = locksSection(open, multi);
    this.lines = linesSection(open);
    this.main = el(
      'main',
      { class: 'report', hidden: true },
      this.summary.element,
      this.suggestions.element,
      this.timelineSection.element,
      el('div', { class: 'breakdowns' }, this.threads.element, this.locks.element, this.lines.element),
    );
    root.replaceChildren(this.waiting, this.main);
    this.applyTheme();
    watchTheme(() => this.applyTheme());
    window.addEventListener('scroll', () => this.saveSoon(), { passive: true });
  }

  handle(message: HostToReportPageMessage): void {
    metrics.messages[message.type] = (metrics.messages[message.type] ?? 0) + 1;
    switch (message.type) {
      case 'report/show':
        this.show(message);
        break;
      case 'report/update':
        this.update(message);
        break;
      case 'heatmap/data':
        this.timeline.accept(message);
        break;
      default:
        unhandledMessage(message);
    }
  }

  private show(m: ReportShowMessage): void {
    const received = performance.now();
    this.pendingUpdate = undefined;
    const saved = this.host.getState();
    const same = saved?.recordingId === m.recordingId;
    this.recordingId = m.recordingId;
    this.follow = same ? saved.follow : true;
    this.allLocks = same ? saved.allLocks === true : false;
    this.timeline.setFollow(this.follow);
    this.waiting.hidden = true;
    this.main.hidden = false;
    this.requests = m.heatmapRequests;
    this.timeline.forgetDetail();
    this.render(m.report, m.live, m.readShare);
    this.timeline.setData(m.heatmaps, m.report.wallSeconds, m.heatmapRequests, same ? (saved.window ?? undefined) : undefined);
    if (same && saved.scrollY > 0) window.scrollTo(0, saved.scrollY);
    this.saveSoon();
    requestAnimationFrame(() => {
      if (metrics.firstPaintMs >= 0) return;
      metrics.firstPaintAt = performance.now();
      metrics.firstPaintMs = metrics.firstPaintAt - received;
      performance.measure('gilscope:first-paint', { start: received, end: metrics.firstPaintAt });
    });
  }

  /**
   * Drawn at the next frame. A page that draws slower than a live run
   * updates (on a busy machine) skips the snapshots it could not show
   * instead of queueing them.
   */
  private update(m: ReportUpdateMessage): void {
    if (m.recordingId !== this.recordingId) return;
    const scheduled = this.pendingUpdate !== undefined;
    this.pendingUpdate = m;
    if (!scheduled) requestAnimationFrame(() => this.applyUpdate());
  }

  private applyUpdate(): void {
    const m = this.pendingUpdate;
    this.pendingUpdate = undefined;
    if (!m || m.recordingId !== this.recordingId) return;
    metrics.updatesDrawn++;
    this.render(m.report, m.live, m.readShare);
    this.timeline.setData(m.heatmaps, m.report.wallSeconds, this.requests, this.timeline.currentWindow);
  }

  private render(report: Report, live: boolean, readShare: number | undefined): void {
    this.report = report;
    this.summary.update(report, live, readShare);
    this.suggestions.update(report.suggestions);
    this.timelineSection.setLive(live);
    this.timelineSection.setStates(
      report.processes.some((p) => p.threads.some((t) => t.states !== null && t.states !== undefined)),
      report.processes.some((p) => p.threads.some((t) => (t.gil.unknownSeconds ?? 0) > 0)),
    );
    this.chooseLockRows(report);
    const rows = sectionRows(report);
    const threads = topThreads(rows.threads);
    this.threads.update(threads, sortByWait(rows.threads), this.theme, countNote(threads.length, rows.threads.length, 'threads'));
    const locks = topLocks(rows.locks);
    this.locks.update(locks, rows.locks, this.theme, countNote(locks.length, rows.locks.length, 'locks'));
    const lines = topLines(rows.lines);
    this.lines.update(lines, rows.lines, this.theme, countNote(lines.length, rows.lines.length, 'lines'));
  }

  /** The locks heatmap shows the contended locks (else the few held longest) unless the user asks for all. */
  private chooseLockRows(report: Report): void {
    const { locks } = sectionRows(report);
    const contended = locks.filter((l) => l.waitSeconds > 0);
    const chosen = new Set((contended.length > 0 ? contended : topLocks(locks)).map((l) => `${l.processKey}/lock/${l.id}`));
    const total = locks.filter((l) => l.waitSeconds + l.holdSeconds > 0).length;
    this.timeline.showLocks(this.allLocks ? undefined : chosen);
    this.timelineSection.setLockRows(Math.min(chosen.size, total), total, this.allLocks);
  }

  private applyTheme(): void {
    this.theme = readTheme();
    this.timelineSection.setTheme(this.theme);
    this.timeline.setTheme(this.theme);
    this.threads.setTheme(this.theme);
    this.locks.setTheme(this.theme);
    this.lines.setTheme(this.theme);
  }

  private open(site: ReportSite): void {
    if (site.file) this.host.postMessage({ type: 'source/open', file: site.file, line: site.line });
  }

  private saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      if (!this.recordingId) return;
      this.host.setState({
        recordingId: this.recordingId,
        window: this.timeline.whole ? null : this.timeline.currentWindow,
        follow: this.follow,
        allLocks: this.allLocks,
        scrollY: window.scrollY,
      });
    }, 100);
  }
}

function sortByWait<T extends { gil: { waitSeconds: number; heldSeconds: number }; lockWaitSeconds: number }>(threads: readonly T[]): T[] {
  const waited = (t: T): number => t.gil.waitSeconds + t.lockWaitSeconds;
  return [...threads].sort((a, b) => waited(b) - waited(a) || b.gil.heldSeconds - a.gil.heldSeconds);
}
