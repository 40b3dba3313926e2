import { RANK_TIE_SHARE } from '../../src/core/suggest/types';
import type { ReportSite } from '../../src/protocol/webviewProtocol';
import { el, icon, ICONS } from '../common/dom';
import { formatSeconds, formatShare, siteLabel } from '../common/format';
import { kindName, suggestionView } from './suggestionView';
import type { SuggestionView } from './suggestionView';

function siteButton(site: ReportSite, open: (s: ReportSite) => void): HTMLButtonElement {
  const b = el('button', { class: 'site-link', type: 'button', title: `${site.file}:${site.line}`, 'aria-label': `Open ${siteLabel(site)} ${site.function}` }, `${siteLabel(site)} ${site.function}`);
  b.addEventListener('click', () => open(site));
  return b;
}

function card(s: SuggestionView, open: (site: ReportSite) => void, first: boolean): HTMLElement {
  const details = el(
    'details',
    { class: 'suggestion-more', open: first },
    el('summary', {}, 'How, and the evidence'),
    s.detail ? el('p', { class: 'suggestion-detail' }, s.detail) : null,
    s.evidence.length > 0
      ? el('dl', { class: 'evidence', 'aria-label': 'Evidence' }, ...s.evidence.map((e) => el('div', {}, el('dt', {}, e.name), el('dd', {}, e.value))))
      : null,
    s.model ? el('p', { class: 'model' }, el('span', { class: 'model-label' }, 'Model '), el('code', {}, s.model)) : null,
  );
  return el(
    'li',
    { class: `suggestion${first ? ' first' : ''}` },
    el(
      'div',
      { class: 'suggestion-head' },
      s.rank !== null ? el('span', { class: 'rank', 'aria-label': `Rank ${s.rank}` }, String(s.rank)) : icon(ICONS.lightbulb),
      el(
        'div',
        { class: 'suggestion-main' },
        el('div', { class: 'suggestion-kind' }, kindName(s.kind), s.workers !== null ? ` · ${s.workers} worker${s.workers === 1 ? '' : 's'}` : ''),
        el('div', { class: 'suggestion-title' }, s.title),
        s.target ? el('div', { class: 'suggestion-target' }, siteButton(s.target, open)) : null,
      ),
      s.speedup
        ? el(
            'div',
            { class: 'speedup', title: 'Predicted wall-time speedup over the recorded run' },
            el('span', { class: 'speedup-value' }, s.speedup),
            el('span', { class: 'speedup-range' }, s.interval ? `predicted ${s.interval}` : 'predicted'),
            s.measured ? el('span', { class: 'speedup-range' }, `measured ${s.measured}`) : null,
          )
        : null,
    ),
    s.detail || s.evidence.length > 0 || s.model ? details : null,
  );
}

/** Suggestions shown before "Show n more". */
const SHOWN = 3;

/** The suggestions, ranked, each with its predicted speedup and evidence; when there are none, says so. */
export class Suggestions {
  readonly element: HTMLElement;
  private readonly list = el('ol', { class: 'suggestion-list' });
  private readonly none = el('p', { class: 'empty-note' }, 'No suggestions for this recording.');
  private readonly more = el('button', { class: 'link-button', type: 'button', 'aria-expanded': 'false' });
  private expanded = false;
  private key = '';

  constructor(private readonly open: (site: ReportSite) => void) {
    this.element = el(
      'section',
      { class: 'suggestions', 'aria-labelledby': 'suggestions-heading' },
      el('h2', { id: 'suggestions-heading' }, 'Suggestions'),
      el('p', { class: 'section-description' }, `What would make this run faster, best first, with the speedup each is predicted to give from the measured figures. Predictions within ${Math.round(RANK_TIE_SHARE * 100)}% of each other are ranked by the cost of the change, the cheaper first.`),
      this.none,
      this.list,
      this.more,
    );
    this.more.addEventListener('click', () => {
      this.expanded = !this.expanded;
      this.showMore();
    });
  }

  private showMore(): void {
    const items = this.list.children;
    for (let i = SHOWN; i < items.length; i++) (items[i] as HTMLElement).hidden = !this.expanded;
    this.more.hidden = items.length <= SHOWN;
    this.more.setAttribute('aria-expanded', String(this.expanded));
    this.more.textContent = this.expanded ? 'Show fewer suggestions' : `Show ${items.length - SHOWN} more suggestion${items.length - SHOWN === 1 ? '' : 's'}`;
  }

  update(suggestions: readonly unknown[]): void {
    const key = JSON.stringify(suggestions);
    if (key === this.key) return;
    this.key = key;
    this.none.hidden = suggestions.length > 0;
    this.list.hidden = suggestions.length === 0;
    const views = suggestions.map((x) => suggestionView(x, { seconds: formatSeconds, share: formatShare }));
    this.list.replaceChildren(...views.map((s, i) => card(s, this.open, i === 0)));
    this.showMore();
  }
}
