/** Human-readable numbers for the pages; the same units the CLI prints (src/cli/support/formatting.ts). */

/** 12.50 → 12.5, 500 → 500, 3.00 → 3 */
function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** 1.23 s, 45.6 ms, 789 µs, 12 ns, 0. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds === 0) return '0';
  // Rounded to the three digits shown before the unit is chosen: 999.6 µs is 1 ms, not 1.00e+3 µs.
  const s = Math.abs(seconds) < 1 ? Number(seconds.toPrecision(3)) : seconds;
  const a = Math.abs(s);
  if (a >= 100) return `${s.toFixed(0)} s`;
  if (a >= 10) return `${trimZeros(s.toFixed(1))} s`;
  if (a >= 1) return `${trimZeros(s.toFixed(2))} s`;
  if (a >= 1e-3) return `${trimZeros((s * 1e3).toPrecision(3))} ms`;
  if (a >= 1e-6) return `${trimZeros((s * 1e6).toPrecision(3))} µs`;
  return `${(s * 1e9).toFixed(0)} ns`;
}

/** A moment on the timeline, to `step`'s precision, in the unit its size needs: 1.25 s, 606.49 ms, 850 µs. */
export function formatTime(t: number, step: number): string {
  const digits = (unit: number): number => Math.min(6, Math.max(0, Math.ceil(-Math.log10(step / unit) - 1e-9)));
  const a = Math.abs(t);
  if (a >= 1 || step >= 0.1) return `${t.toFixed(digits(1))} s`;
  if (a >= 1e-3 || step >= 1e-4) return `${(t * 1e3).toFixed(digits(1e-3))} ms`;
  return `${(t * 1e6).toFixed(digits(1e-6))} µs`;
}

/** 24.9%, 0.4%, <0.1%. */
export function formatShare(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x > 0 && x < 0.001) return '<0.1%';
  return `${(x * 100).toFixed(1)}%`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

/** The last `parts` components of a path: /a/b/c/x.py → c/x.py. */
export function shortPath(file: string, parts = 2): string {
  const bits = file.split(/[\\/]/).filter(Boolean);
  return bits.length <= parts ? file : bits.slice(-parts).join('/');
}

/** x.py:12 */
export function siteLabel(site: { file: string; line: number }): string {
  return site.file ? `${shortPath(site.file, 1)}:${site.line}` : '<no Python frame>';
}

/** "just now", "3 min ago", "2 h ago", "4 days ago", then the date. */
export function formatAgo(epochMs: number, now: number): string {
  const s = Math.max(0, (now - epochMs) / 1e3);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 7 * 86400) return `${Math.round(s / 86400)} days ago`;
  return new Date(epochMs).toLocaleDateString();
}

/** 512 KiB, 21.5 MiB, 1.2 GiB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n >= 2 ** 30) return `${trimZeros((n / 2 ** 30).toFixed(1))} GiB`;
  if (n >= 2 ** 20) return `${trimZeros((n / 2 ** 20).toFixed(1))} MiB`;
  return `${trimZeros((n / 2 ** 10).toFixed(0))} KiB`;
}

/** A speedup: 1.95×, 12×. */
export function formatSpeedup(x: number): string {
  return Number.isFinite(x) ? `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×` : '–';
}
