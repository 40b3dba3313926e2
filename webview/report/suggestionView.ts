import type { ReportSite, ReportSuggestion } from '../../src/protocol/webviewProtocol';

/**
 * A suggestion as the page shows it. The report's `suggestions[]` are
 * ReportSuggestion objects (docs/report-schema.md, "Suggestion"), typed `unknown[]`
 * so that readers check them: anything else is shown by its title and text alone.
 */
export interface SuggestionView {
  readonly rank: number | null;
  readonly kind: string;
  readonly title: string;
  readonly detail: string;
  readonly target: ReportSite | null;
  /** "1.99×", or null when the suggestion predicts none. */
  readonly speedup: string | null;
  /** "1.03×–2.07×" */
  readonly interval: string | null;
  readonly measured: string | null;
  readonly workers: number | null;
  /** Named measured figures, formatted. */
  readonly evidence: readonly { readonly name: string; readonly value: string }[];
  readonly model: string;
}

const times = (x: number): string => `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;

function isSuggestion(x: unknown): x is ReportSuggestion {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o['title'] === 'string' && typeof o['kind'] === 'string' && typeof o['predictedSpeedup'] === 'number';
}

/** `lockHoldSeconds` → "lock hold"; `wallSeconds` → "wall". */
function evidenceName(key: string): string {
  const words = key.replace(/(Seconds|Share)$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words || key;
}

function evidenceValue(key: string, value: number, format: { seconds: (x: number) => string; share: (x: number) => string }): string {
  if (key.endsWith('Seconds')) return format.seconds(value);
  if (key.endsWith('Share') || key.endsWith('Fraction')) return format.share(value);
  if (/speedup|bound/i.test(key)) return times(value);
  return Number.isInteger(value) ? value.toLocaleString('en') : value.toPrecision(3);
}

const KIND_NAMES: Readonly<Record<string, string>> = {
  useProcesses: 'Processes',
  keepThreads: 'Keep threads',
  releaseGil: 'Release the GIL',
  subInterpreters: 'Sub-interpreters',
  freeThreaded: 'Free-threaded Python',
  narrowLock: 'Narrow a lock',
  batchWork: 'Batch work',
  switchInterval: 'Switch interval',
  scaleOut: 'Scale out',
  shareNothing: 'An object per thread',
  fewerCollections: 'Fewer collections',
  gilModule: 'Keep the GIL off',
  threadScaling: 'Threads side by side',
};

export function kindName(kind: string): string {
  return KIND_NAMES[kind] ?? kind;
}

export function suggestionView(x: unknown, format: { seconds: (x: number) => string; share: (x: number) => string }): SuggestionView {
  if (isSuggestion(x)) {
    const evidence = Object.entries(x.evidence ?? {})
      .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
      .map(([k, v]) => ({ name: evidenceName(k), value: evidenceValue(k, v, format) }));
    const [lo, hi] = x.predictedInterval ?? [x.predictedSpeedup, x.predictedSpeedup];
    return {
      rank: x.rank,
      kind: x.kind,
      title: x.title,
      detail: x.detail,
      target: x.target && x.target.file ? { file: x.target.file, line: x.target.line, function: x.target.function } : null,
      speedup: times(x.predictedSpeedup),
      interval: lo !== hi ? `${times(lo)}–${times(hi)}` : null,
      measured: x.measuredSpeedup === null ? null : times(x.measuredSpeedup),
      workers: x.workers,
      evidence,
      model: x.model ?? '',
    };
  }
  const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
  const text = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');
  return {
    rank: null,
    kind: text('kind'),
    title: text('title') || (typeof x === 'string' ? x : 'Suggestion'),
    detail: text('detail'),
    target: null,
    speedup: null,
    interval: null,
    measured: null,
    workers: null,
    evidence: [],
    model: '',
  };
}
