import { unhandledMessage } from '../../src/protocol/webviewProtocol';
import type { ComparePageToHostMessage, CompareResult, CompareShowMessage, HostToComparePageMessage, ReportSite } from '../../src/protocol/webviewProtocol';
import { el, setText } from '../common/dom';
import { formatSeconds, shortPath } from '../common/format';
import { readTheme, watchTheme } from '../common/theme';
import type { HostConnection } from '../common/vscodeApi';
import { chartLines } from './chartLines';
import { PredictedVsMeasured } from './predictedVsMeasured';
import { runsTable } from './runsTable';
import { SpeedupChart } from './speedupChart';

/** `work over 8 inputs (kernel.py)`, or the script's name. */
function targetText(r: CompareResult): string {
  const f = r.target.function;
  if (r.form === 'function' && f) return `${f.name} over ${r.target.calls ?? '?'} inputs (${shortPath(f.path, 1)})`;
  return shortPath(r.target.script?.path ?? '?', 1);
}

function section(id: string, title: string, description: string, ...content: HTMLElement[]): HTMLElement {
  return el('section', { 'aria-labelledby': id }, el('h2', { id }, title), el('p', { class: 'section-description' }, description), ...content);
}

/** The comparison page: shows a `compare/show` whole; asks the host to open lines and recordings. */
export class ComparePage {
  private readonly waiting = el('p', { class: 'waiting' }, 'Waiting for the comparison from gilscope…');
  private readonly title = el('h1', { class: 'report-title' });
  private readonly meta = el('p', { class: 'report-meta' });
  private readonly notes = el('ul', { class: 'compare-notes' });
  private readonly chart = new SpeedupChart();
  private readonly runs;
  private readonly predictions;
  private readonly main: HTMLElement;
  private shown: CompareShowMessage | undefined;

  constructor(root: HTMLElement, private readonly host: HostConnection<ComparePageToHostMessage, undefined>) {
    this.runs = runsTable((recording) => {
      if (this.shown) host.postMessage({ type: 'compare/openRecording', comparisonId: this.shown.comparisonId, recording });
    });
    this.predictions = new PredictedVsMeasured((site: ReportSite) => host.postMessage({ type: 'source/open', file: site.file, line: site.line }));
    this.main = el(
      'main',
      { class: 'report compare', hidden: true },
      el('header', {}, this.title, this.meta, this.notes),
      section('speedup-heading', 'Speedup against workers', 'Each mode\'s measured speedup over the serial run (solid), what the serial run\'s profile predicted (dashed, its interval shaded), and the ideal: N, and min(N, cores).', this.chart.element),
      section('runs-heading', 'Runs', 'Every run, recorded; a run that did not work says why.', this.runs.element),
      this.predictions.element,
    );
    root.replaceChildren(this.waiting, this.main);
    watchTheme(() => {
      if (this.shown) this.chart.setTheme(readTheme());
    });
  }

  handle(message: HostToComparePageMessage): void {
    switch (message.type) {
      case 'compare/show':
        this.show(message);
        break;
      default:
        unhandledMessage(message.type);
    }
  }

  private show(m: CompareShowMessage): void {
    this.shown = m;
    const r = m.result;
    this.waiting.hidden = true;
    this.main.hidden = false;
    setText(this.title, `Threads vs processes: ${targetText(r)}`);
    const baseline = r.baseline.wallSeconds === null ? 'the serial run failed' : `serial ${formatSeconds(r.baseline.wallSeconds)}`;
    setText(this.meta, `Python ${r.python.version} · ${r.cores} cores · N in ${r.workerCounts.join(', ')} · ${baseline}`);
    this.notes.replaceChildren(...r.notes.map((n) => el('li', { class: 'warning' }, n)));
    this.chart.update(r.workerCounts, chartLines(r), readTheme());
    this.runs.update(r.runs, 'No runs');
    this.predictions.update(r.suggestions);
  }
}
