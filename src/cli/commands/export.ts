import { version } from '../../../package.json';
import { EXPORT_FORMATS as FORMATS, timelineExport } from '../../core/export/exportFormats';
import type { ExportFormat as Format } from '../../core/export/exportFormats';
import { TextOut } from '../../core/export/textOut';
import { defineCommand } from '../command';
import type { Command } from '../command';
import type { CommandSpec, ParsedCommandLine } from '../options';
import { UsageError } from '../support/cliFailure';

const spec = {
  name: 'export',
  summary: 'Write the timeline for Perfetto (Chrome trace) or speedscope.',
  about: `Writes the recording's timeline for another viewer: per thread, when it held
the GIL, waited for it, and waited on a lock, a queue, a Condition, an Event,
a future or a join, each span with its Python line. A free-threaded build's
threads also have spans running without a GIL and stopped by the world, and
their waits on an object's own lock (a dict, a list…) are named by its type.`,
  options: {
    format: { type: 'string', value: 'FORMAT', description: `${FORMATS.join(' or ')} (below)` },
    output: { type: 'string', short: 'o', value: 'OUT', description: "the file to write ('-' for standard output)" },
  },
  positionals: [{ name: 'DIR', description: 'the recording directory' }],
  epilogue: `Formats:
  chrome      Chrome trace-event JSON: open it in https://ui.perfetto.dev
              (or chrome://tracing); one track per thread
  speedscope  speedscope JSON: open it in https://www.speedscope.app;
              one profile per thread

Exit status: 0 on success, 2 for a bad command line, a bad recording or an
output that cannot be written.`,
} as const satisfies CommandSpec;

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

function exportTimeline({ values, positionals }: ParsedCommandLine<typeof spec.options>): number {
  const format = formatOf(values.format);
  const dir = positionals[0]!;
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
}

export const exportCommand: Command = defineCommand(spec, exportTimeline);
