/** The function a cursor is in, as the harness can reach it from the module. */
export interface EnclosingFunction {
  /** `func`, or `Class.method`: attribute names from the module down. */
  readonly qualname: string;
  /** 0-based line of its `def`. */
  readonly line: number;
}

const DEF = /^(\s*)(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/;
const CLASS = /^(\s*)class\s+([A-Za-z_]\w*)\s*[(:]/;

function indentOf(text: string): number {
  let width = 0;
  for (const c of text) {
    if (c === ' ') width++;
    else if (c === '\t') width += 8 - (width % 8);
    else break;
  }
  return width;
}

function isCode(text: string): boolean {
  const t = text.trim();
  return t !== '' && !t.startsWith('#');
}

/**
 * The function around `cursorLine`, found by indentation (a stand-in until
 * the language server parses the file): walking up, each line indented less
 * than the code below it opens a block, and the `def` and `class` lines among
 * those are the scopes. Of a nested function, the outermost `def` is given
 * (an inner function cannot be called from outside); of a method,
 * `Class.method`. Undefined outside any function.
 */
export function enclosingFunction(lines: readonly string[], cursorLine: number): EnclosingFunction | undefined {
  const scopes: { kind: 'def' | 'class'; name: string; line: number }[] = [];
  let limit = Infinity;
  for (let i = Math.min(cursorLine, lines.length - 1); i >= 0 && limit > 0; i--) {
    const text = lines[i]!;
    if (!isCode(text)) continue;
    const indent = indentOf(text);
    const def = DEF.exec(text);
    const cls = CLASS.exec(text);
    if (i === cursorLine && !def && !cls) {
      limit = indent;
      continue;
    }
    if (indent >= limit) continue;
    limit = indent;
    if (def) scopes.push({ kind: 'def', name: def[2]!, line: i });
    else if (cls) scopes.push({ kind: 'class', name: cls[2]!, line: i });
  }
  const outerFirst = scopes.reverse();
  const firstDef = outerFirst.findIndex((s) => s.kind === 'def');
  if (firstDef < 0) return undefined;
  return { qualname: outerFirst.slice(0, firstDef + 1).map((s) => s.name).join('.'), line: outerFirst[firstDef]!.line };
}
