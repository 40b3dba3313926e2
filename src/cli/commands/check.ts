import type { Report } from '../../core/report/schema';
import { defineCommand } from '../command';
import type { Command } from '../command';
import type { CommandSpec, ParsedCommandLine } from '../options';
import { UsageError } from '../support/cliFailure';
import { formatShare } from '../support/formatting';
import { loadReport } from '../support/loadReport';

const spec = {
  name: 'check',
  summary: 'Fail (exit 1) when GIL or lock waits pass a limit: for CI.',
  about: `For CI: fails when a thread spent more than SHARE of its lifetime waiting
for the GIL (--max-gil-wait) or blocked on a contended lock (--max-lock-wait).
SHARE is a fraction (0.25) or a percentage (25%). The worst thread counts.
Give one limit or both.`,
  options: {
    'max-gil-wait': { type: 'string', value: 'SHARE', description: 'the most of its lifetime a thread may wait for the GIL' },
    'max-lock-wait': { type: 'string', value: 'SHARE', description: 'the most of its lifetime a thread may be blocked on a contended lock' },
  },
  positionals: [{ name: 'DIR', description: 'the recording directory' }],
  epilogue: `Exit status: 0 within the limits, 1 when a limit is passed (each named on
stderr with by how much), 2 for a bad command line or a bad recording.`,
} as const satisfies CommandSpec;

function parseShare(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const percent = text.endsWith('%');
  const value = Number(percent ? text.slice(0, -1) : text) / (percent ? 100 : 1);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`${flag} wants a share between 0 and 1 (or 0% and 100%), not '${text}'`);
  return value;
}

interface Worst {
  share: number;
  label: string;
}

function worst(report: Report, pick: (t: Report['processes'][number]['threads'][number]) => number): Worst {
  let best: Worst = { share: 0, label: 'no thread' };
  for (const p of report.processes) {
    for (const t of p.threads) {
      const life = t.endSeconds - t.startSeconds;
      const share = life > 0 ? pick(t) / life : 0;
      if (share > best.share) best = { share, label: `thread ${t.name} (pid ${p.pid})` };
    }
  }
  return best;
}

function check({ values, positionals }: ParsedCommandLine<typeof spec.options>): number {
  const maxGil = parseShare('--max-gil-wait', values['max-gil-wait']);
  const maxLock = parseShare('--max-lock-wait', values['max-lock-wait']);
  if (maxGil === undefined && maxLock === undefined) throw new UsageError('give --max-gil-wait or --max-lock-wait');
  const { report } = loadReport(positionals[0]!);
  for (const w of report.warnings) process.stderr.write(`gilscope: warning: ${w}\n`);
  const failures: string[] = [];
  const limits: [string, number | undefined, Worst][] = [
    ['--max-gil-wait', maxGil, worst(report, (t) => t.gil.waitSeconds)],
    ['--max-lock-wait', maxLock, worst(report, (t) => t.lockWaitSeconds)],
  ];
  for (const [flag, limit, w] of limits) {
    if (limit === undefined) continue;
    const what = flag === '--max-gil-wait' ? 'GIL wait' : 'lock wait';
    if (w.share > limit) {
      failures.push(`${what} share ${formatShare(w.share)} of ${w.label} exceeds ${flag} ${formatShare(limit)} by ${((w.share - limit) * 100).toFixed(1)} points`);
    } else {
      process.stdout.write(`gilscope check: ${what} ${formatShare(w.share)} (worst: ${w.label}) within ${formatShare(limit)}\n`);
    }
  }
  for (const f of failures) process.stderr.write(`gilscope check: ${f}\n`);
  return failures.length > 0 ? 1 : 0;
}

export const checkCommand: Command = defineCommand(spec, check);
