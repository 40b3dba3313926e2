/** Seconds for a person: 812 µs, 12.3 ms, 4.21 s, 3 m 05 s. */
export function formatSeconds(s: number): string {
  const a = Math.abs(s);
  if (a === 0) return '0';
  if (a < 1e-3) return `${(s * 1e6).toFixed(0)} µs`;
  if (a < 1) return `${(s * 1e3).toFixed(a < 0.01 ? 2 : 1)} ms`;
  if (a < 120) return `${s.toFixed(2)} s`;
  const m = Math.floor(a / 60);
  return `${m} m ${String(Math.round(a - m * 60)).padStart(2, '0')} s`;
}

export function formatShare(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Left-aligns the first column, right-aligns the others. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => visible(r[i] ?? '').length)));
  return rows
    .map((r) => indent + r.map((c, i) => (i === 0 ? pad(c, widths[i]!, false) : pad(c, widths[i]!, true))).join('  ').trimEnd())
    .join('\n');
}

function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

function pad(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - visible(s).length));
  return right ? fill + s : s + fill;
}

/** `file:line` shortened to its last two path parts. */
export function siteLabel(file: string, line: number, fn: string): string {
  const short = file.split(/[\\/]/).slice(-2).join('/');
  return file ? `${short}:${line} ${fn}` : fn;
}
