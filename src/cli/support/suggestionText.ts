import type { Report, ReportSuggestion } from '../../core/report/schema';
import { formatSeconds, formatShare, siteLabel } from './formatting';
import type { Style } from './terminalStyle';
import { plural } from '../../core/report/plural';
import { RANK_TIE_SHARE } from '../../core/suggest/types';

/**
 * The suggestions for a person at a terminal: what `gilscope report` leads
 * with and what `gilscope record` ends on. Each one: its title, the
 * predicted speedup with its interval, the line it is about, and one line
 * of the measured figures behind it.
 */

/** Figures of the evidence shown on its one line; the JSON has them all. */
const EVIDENCE_SHOWN = 6;

const times = (x: number): string => `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;

/** `lockHoldSeconds` → "lock hold", `gilWaitShare` → "gil wait". */
function evidenceName(key: string): string {
  const words = key.replace(/(Seconds|Share|Fraction)$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.replace(/\bgil\b/g, 'GIL') || key;
}

function evidenceValue(key: string, value: number): string {
  if (key.endsWith('Seconds')) return formatSeconds(value);
  if (key.endsWith('Share') || key.endsWith('Fraction')) return formatShare(value);
  if (/speedup|bound/i.test(key)) return times(value);
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}

/** `1.93× (1.71×–1.98×)`, or `1.93×` when the interval is that one value. */
export function predictedSpeedupText(s: ReportSuggestion): string {
  const [lo, hi] = s.predictedInterval;
  const measured = s.measuredSpeedup === null ? '' : `, measured ${times(s.measuredSpeedup)}`;
  return `${times(s.predictedSpeedup)}${lo === hi && lo === s.predictedSpeedup ? '' : ` (${times(lo)}–${times(hi)})`}${measured}`;
}

export function evidenceLine(s: ReportSuggestion): string {
  const figures = Object.entries(s.evidence).slice(0, EVIDENCE_SHOWN).map(([k, v]) => `${evidenceName(k)} ${evidenceValue(k, v)}`);
  const more = Object.keys(s.evidence).length - EVIDENCE_SHOWN;
  return figures.length === 0 ? 'no figures' : `${figures.join(', ')}${more > 0 ? ` (+${more} more in --json)` : ''}`;
}

function targetText(s: ReportSuggestion): string {
  return s.target ? siteLabel(s.target.file, s.target.line, s.target.function) : 'no one line';
}

/** One suggestion: its title on the first line, then the prediction, the line it is about and the evidence, indented. */
export function suggestionLines(s: ReportSuggestion, st: Style, indent = '  '): string[] {
  const head = `${indent}${s.rank}. `;
  const pad = ' '.repeat(head.length);
  return [
    `${head}${st.bold(s.title)}`,
    `${pad}${st.green(`predicted ${predictedSpeedupText(s)}`)} ${st.dim(`for ${plural(s.workers, 'worker')}`)}, at ${targetText(s)}`,
    `${pad}${st.dim(`evidence: ${evidenceLine(s)}`)}`,
  ];
}

/** The ranked suggestions, best first; `limit` keeps the first few. */
export function suggestionsSection(r: Report, st: Style, limit = Infinity): string {
  if (r.suggestions.length === 0) return `${st.bold('Suggestions')}: none (the recording has no work to speak of)`;
  const shown = r.suggestions.slice(0, limit);
  const lines = [`${st.bold('Suggestions')} ${st.dim(`(best first: the predicted wall-time speedup over this run, with its interval; within ${Math.round(RANK_TIE_SHARE * 100)}% of each other, the cheaper change first)`)}`];
  for (const s of shown) lines.push(...suggestionLines(s, st));
  const more = r.suggestions.length - shown.length;
  if (more > 0) lines.push(`  ${st.dim(`… and ${more} more (gilscope report DIR lists them all)`)}`);
  return lines.join('\n');
}

/** What `gilscope record` ends on: the first suggestion, or that there is none. */
export function firstSuggestionText(r: Report, st: Style): string {
  const s = r.suggestions[0];
  if (!s) return `${st.bold('Try first')}: nothing (the recording has no work to speak of)\n`;
  return [`${st.bold('Try first:')}`, ...suggestionLines(s, st)].join('\n') + '\n';
}
