import { parseArgs } from 'node:util';
import { version } from '../../../package.json';
import { EXPORT_FORMATS as FORMATS, timelineExport } from '../../core/export/exportFormats';
import type { ExportFormat as Format } from '../../core/export/exportFormats';
import { TextOut } from '../../core/export/textOut';
import type { Command } from '../command';
import { UsageError, withFailures } from '../support/cliFailure';
import { recordingPath } from '../support/loadReport';

const usage = `Usage: gilscope export DIR --format chrome|speedscope -o OUT

Writes the recording's timeline for another viewer: per thread, when it held
the GIL, waited for it, and waited on a lock, a queue, a Condition, an Event,
a future or a join, each span with its Python line.

  --format chrome      Chrome trace-event JSON: open it in https://ui.perfetto.dev
                       (or chrome://tracing); one track per thread
  --format speedscope  speedscope JSON: open it in https://www.speedscope.app;
                       one profile per thread
  -o, --output OUT     the file to write ('-' for standard output)

Exit status: 0 on success, 2 for a bad command line, a bad recording or an
output that cannot be written.`;

function formatOf(text: string | undefined): Format {
  if (text === undefined) throw new UsageError(`give --format ${FORMATS.join(' or ')}`);
  const f = FORMATS.find((x) => x === text);
  if (!f) throw new UsageError(`unknown format '${text}': choose ${FORMATS.join(' or ')}`);
  return f;
}

function openOutput(path: string): TextOut {
  try {
    return new TextOut(path);
  } catch (e) {
    throw new UsageError(`cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write the timeline for Perfetto (Chrome trace) or speedscope.',
  usage,
  run: (argv) =>
    withFailures('export', () => {
      const { values, positionals } = parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: { format: { type: 'string' }, output: { type: 'string', short: 'o' } },
      });
      const format = formatOf(values.format);
      const dir = recordingPath(positionals);
      if (!values.output) throw new UsageError('give the output file with -o OUT');
      const write = timelineExport(dir, format, `gilscope ${version}`);
      const out = openOutput(values.output);
      try {
        write(out);
      } finally {
        out.close();
      }
      if (values.output !== '-') process.stdout.write(`gilscope: wrote ${values.output}\n`);
      return 0;
    }),
};
