import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { htmlReport } from '../../core/report/htmlReport';
import type { Command } from '../command';
import { withFailures } from '../support/cliFailure';
import { loadReport, recordingPath } from '../support/loadReport';
import { renderTerminalReport } from '../support/terminalReport';
import { styleFor } from '../support/terminalStyle';

const usage = `Usage: gilscope report DIR [--json | --html OUT.html]

Summarises a recording: per process, the most contended threads with their
GIL held / waiting / released shares, the top lines by GIL wait and by lock
wait, and the most contended locks.

  --json           print the JSON report (docs/report-schema.md) instead
  --html OUT.html  write a self-contained HTML report to OUT.html

Exit status: 0 on success, 2 for a bad command line or a bad recording.`;

/** The webview bundle next to the CLI bundle (dist/cli.js → dist/webview/report.js), if built. */
function webviewBundle(): string | undefined {
  const path = join(__dirname, 'webview', 'report.js');
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'Summarise a recording: threads, lines and locks that wait.',
  usage,
  run: (argv) =>
    withFailures('report', () => {
      const { values, positionals } = parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: { json: { type: 'boolean' }, html: { type: 'string' } },
      });
      const { report } = loadReport(recordingPath(positionals));
      for (const w of report.warnings) if (values.json || values.html) process.stderr.write(`gilscope: warning: ${w}\n`);
      if (values.html) {
        writeFileSync(values.html, htmlReport(report, webviewBundle()), { mode: 0o600 });
        process.stdout.write(`gilscope: wrote ${values.html}\n`);
      } else if (values.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        process.stdout.write(renderTerminalReport(report, styleFor(process.stdout)));
      }
      return 0;
    }),
};
