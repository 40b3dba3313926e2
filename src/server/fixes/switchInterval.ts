import type { SyntaxNode } from '../python/parser';
import { named } from '../python/syntax';
import type { Splice } from './splices';

export const SWITCH_INTERVAL = 0.05;

const COMMENT = [
  '# gilscope: CPU-bound threads here hand the GIL over every 5 ms by default (a forced switch);',
  `# ${SWITCH_INTERVAL * 1000} ms means fewer switches and less time lost to them, and slower hand-over to I/O threads.`,
];

/**
 * `sys.setswitchinterval(0.05)` after the module's leading imports (with
 * `import sys` when the module has no plain one there), unless the module
 * already sets the interval.
 */
export function switchIntervalSplices(root: SyntaxNode, text: string): Splice[] | undefined {
  if (/\bsetswitchinterval\s*\(/.test(text)) return undefined;
  let after: SyntaxNode | undefined;
  let hasSys = false;
  const top = named(root);
  for (const [i, stmt] of top.entries()) {
    if (stmt.type === 'comment') continue;
    const isDocstring = i === top.findIndex((s) => s.type !== 'comment') && stmt.type === 'expression_statement' && named(stmt)[0]?.type === 'string';
    if (isDocstring) {
      after = stmt;
      continue;
    }
    if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement' || stmt.type === 'future_import_statement') {
      if (stmt.type === 'import_statement' && named(stmt).some((n) => n.type === 'dotted_name' && n.text === 'sys')) hasSys = true;
      after = stmt;
      continue;
    }
    break;
  }
  const lines = [...(hasSys ? [] : ['import sys']), ...COMMENT, `sys.setswitchinterval(${SWITCH_INTERVAL})`];
  if (!after) return [{ start: 0, end: 0, text: `${lines.join('\n')}\n` }];
  // After the statement's line (a trailing comment on it stays on it).
  const lineEnd = text.indexOf('\n', after.endIndex);
  if (lineEnd < 0) return [{ start: text.length, end: text.length, text: `\n${lines.join('\n')}\n` }];
  return [{ start: lineEnd + 1, end: lineEnd + 1, text: `${lines.join('\n')}\n` }];
}
