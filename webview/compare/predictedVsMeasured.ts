import type { ReportSite, ReportSuggestion } from '../../src/protocol/webviewProtocol';
import { el } from '../common/dom';
import { formatSeconds, formatShare, formatSpeedup, siteLabel } from '../common/format';
import { kindName, suggestionView } from '../report/suggestionView';

/** Where the measurement fell against the predicted interval, said in words. */
export function verdict(s: ReportSuggestion): string {
  const m = s.measuredSpeedup;
  if (m === null) return 'not measured: no run of this remedy';
  const [lo, hi] = s.predictedInterval;
  if (m < lo) return 'below the prediction';
  if (m > hi) return 'above the prediction';
  return 'within the prediction';
}

function figure(name: string, value: string, note: string): HTMLElement {
  return el('div', { class: 'figure' }, el('span', { class: 'figure-name' }, name), el('span', { class: 'figure-value' }, value), el('span', { class: 'figure-note' }, note));
}

function item(s: ReportSuggestion, open: (site: ReportSite) => void): HTMLElement {
  const v = suggestionView(s, { seconds: formatSeconds, share: formatShare });
  const target = v.target;
  const button = target ? el('button', { class: 'site-link', type: 'button', title: `${target.file}:${target.line}` }, `${siteLabel(target)} ${target.function}`) : null;
  button?.addEventListener('click', () => open(target!));
  return el(
    'li',
    { class: 'compared', 'data-kind': s.kind },
    el('div', { class: 'compared-main' },
      el('div', { class: 'suggestion-kind' }, `${s.rank}. ${kindName(s.kind)} · ${s.workers} workers`),
      el('div', { class: 'suggestion-title' }, s.title),
      button),
    el('div', { class: 'compared-figures' },
      figure('predicted', formatSpeedup(s.predictedSpeedup), v.interval ?? ''),
      figure('measured', s.measuredSpeedup === null ? '–' : formatSpeedup(s.measuredSpeedup), verdict(s))),
  );
}

/** The suggestions of the comparison, each with the speedup the serial run predicted beside the one a what-if run measured. */
export class PredictedVsMeasured {
  readonly element: HTMLElement;
  private readonly list = el('ol', { class: 'compared-list' });
  private readonly none = el('p', { class: 'empty-note' }, 'No suggestions: the serial run did not work, so nothing was predicted.');

  constructor(private readonly open: (site: ReportSite) => void) {
    this.element = el(
      'section',
      { class: 'predictions', 'aria-labelledby': 'predictions-heading' },
      el('h2', { id: 'predictions-heading' }, 'Predicted and measured'),
      el('p', { class: 'section-description' }, 'Each remedy as the serial run\'s profile predicted it, beside what its what-if run measured, best first.'),
      this.none,
      this.list,
    );
  }

  update(suggestions: readonly ReportSuggestion[]): void {
    this.none.hidden = suggestions.length > 0;
    this.list.replaceChildren(...suggestions.map((s) => item(s, this.open)));
  }
}
