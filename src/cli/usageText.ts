import { HELP_OPTION } from './options';
import type { CommandSpec, OptionSpec } from './options';

/** The terminal width the help is written for. */
const WIDTH = 80;
/** A left column wider than this puts its description on the next line. */
const MAX_COLUMN = 26;

/**
 * `gilscope NAME --help`: the usage line(s), the command's own paragraphs, then the
 * arguments and options as the declaration has them, then the closing paragraphs.
 */
export function usageText(spec: CommandSpec): string {
  const forms = spec.forms ?? [synopsis(spec)];
  const parts = [forms.map((f, i) => `${i === 0 ? 'Usage:' : '      '} gilscope ${spec.name}${f ? ` ${f}` : ''}`).join('\n')];
  if (spec.about) parts.push(spec.about);
  const args: [string, string][] = (spec.positionals ?? []).map((p) => [p.name, p.description]);
  if (spec.passThrough) args.push([spec.passThrough.name, spec.passThrough.description]);
  const options = Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, o]): [string, string] => [optionName(name, o), optionDescription(o)]);
  // One column for both lists, so that their descriptions line up.
  const column = Math.min(MAX_COLUMN, Math.max(...[...args, ...options].map(([left]) => left.length))) + 4;
  if (args.length > 0) parts.push(['Arguments:', ...table(args, column)].join('\n'));
  parts.push(['Options:', ...table(options, column)].join('\n'));
  if (spec.epilogue) parts.push(spec.epilogue);
  return parts.join('\n\n');
}

function synopsis(spec: CommandSpec): string {
  const words = ['[options]'];
  for (const p of spec.positionals ?? []) words.push(p.optional ? `[${p.name}]` : p.name);
  if (spec.passThrough) words.push(`${spec.passThrough.atFirstWord ? '[--]' : '--'} ${spec.passThrough.name}`);
  return words.join(' ');
}

/** `-o, --output DIR`; long-only options are indented to line up with the short ones' long names. */
function optionName(name: string, o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
}

function optionDescription(o: OptionSpec): string {
  const shown = o.defaultText ?? o.default;
  return shown === undefined ? o.description : `${o.description} (default: ${shown})`;
}

/** Two columns, the second starting at `column`, wrapped to the width. */
function table(rows: readonly [string, string][], column: number): string[] {
  const lines: string[] = [];
  for (const [left, right] of rows) {
    const wrapped = wrap(right, WIDTH - column);
    if (left.length + 4 > column) lines.push(`  ${left}`);
    else lines.push(`  ${left.padEnd(column - 2)}${wrapped.shift() ?? ''}`);
    for (const more of wrapped) lines.push(`${' '.repeat(column)}${more}`);
  }
  return lines.map((l) => l.trimEnd());
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
