import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CellSites } from '../../core/report/cellSites';
import { overviewHeatmaps } from '../../core/report/heatmapMessage';
import { htmlReport } from '../../core/report/htmlReport';
import type { HtmlReportAssets } from '../../core/report/htmlReport';
import { PAGE_ASSETS, STANDALONE_STYLE } from '../../core/report/webviewHtml';
import { MAX_HEATMAP_COLUMNS } from '../../protocol/webviewProtocol';
import { defineCommand } from '../command';
import type { Command } from '../command';
import type { CommandSpec, ParsedCommandLine } from '../options';
import { CORES_OPTION, parseCores } from '../support/coresOption';
import { loadReport } from '../support/loadReport';
import { renderTerminalReport } from '../support/terminalReport';
import { styleFor } from '../support/terminalStyle';

const spec = {
  name: 'report',
  summary: 'Summarise a recording: what would make it faster, then the threads, lines and locks that wait.',
  about: `Summarises a recording. First who did the work (the worker threads or
processes; helper processes such as resource trackers are named, not
counted) and the suggestions, best first, each with its predicted speedup
and interval, the line it is about and the figures behind it; then, per
process, the most contended threads with their GIL held / waiting / released
shares, the top lines by GIL wait and by lock wait, and the most contended
locks.`,
  options: {
    json: { type: 'boolean', description: 'print the JSON report (docs/report-schema.md) instead' },
    html: { type: 'string', value: 'OUT.html', description: 'write a self-contained HTML report to OUT.html instead' },
    cores: CORES_OPTION,
  },
  positionals: [{ name: 'DIR', description: 'the recording directory' }],
  epilogue: 'Exit status: 0 on success, 2 for a bad command line or a bad recording.',
} as const satisfies CommandSpec;

/** The report page's code and styles next to the CLI bundle (dist/cli.js → dist/webview/, media/), if built. */
function webviewAssets(): HtmlReportAssets | undefined {
  const files = [
    join(__dirname, 'webview', PAGE_ASSETS.report.script),
    join(__dirname, 'webview', 'reportFile.js'),
    ...[STANDALONE_STYLE, ...PAGE_ASSETS.report.styles].map((name) => join(__dirname, '..', 'media', name)),
  ];
  if (!files.every((f) => existsSync(f))) return undefined;
  const [pageScript, hostScript, ...styles] = files.map((f) => readFileSync(f, 'utf8'));
  return { pageScript: pageScript!, hostScript: hostScript!, styles };
}

function report({ values, positionals }: ParsedCommandLine<typeof spec.options>): number {
  const dir = positionals[0]!; // declared, so the parser saw it given
  const { analysis, report } = loadReport(dir, parseCores(values.cores));
  for (const w of report.warnings) if (values.json || values.html) process.stderr.write(`gilscope: warning: ${w}\n`);
  if (values.html) {
    // The file cannot ask for a zoomed window, so it carries the whole recording at the most columns a page asks for.
    const heatmaps = overviewHeatmaps(analysis, CellSites.forRecording(dir, analysis), MAX_HEATMAP_COLUMNS);
    writeFileSync(values.html, htmlReport(report, { assets: webviewAssets(), heatmaps, recordingId: dir }), { mode: 0o600 });
    process.stdout.write(`gilscope: wrote ${values.html}\n`);
  } else if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(renderTerminalReport(report, styleFor(process.stdout)));
  }
  return 0;
}

export const reportCommand: Command = defineCommand(spec, report);
