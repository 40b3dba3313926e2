import type { SyntaxNode } from '../python/parser';
import { nameUse, nameUses, parameterNames } from '../python/names';
import { PURE_CALLS } from '../python/purity';
import { callParts, descendants, field, named, SCOPES, statements } from '../python/syntax';
import type { Splice } from './splices';

/**
 * Narrows `with lock:` to the statements that need the lock: the leading
 * and trailing statements of its body that touch nothing shared move out,
 * before and after the `with`, in the same order, so the program computes
 * the same thing and holds the lock for less.
 *
 * "Touch nothing shared" is decided conservatively: a statement moves only
 * when it is an assignment (or an if/for/while of them) to plain local
 * names, reading only locals that hold immutable values — every binding of
 * them in the function is arithmetic on numbers or strings, a pure builtin
 * (abs, min, round…), a clock, or a `for` over `range` — and parameters used
 * only that way. No attribute, subscript, call of anything else, global,
 * nonlocal or closure variable; no return, raise, yield or await. Anything
 * else, or a body whose statements share a line, a multi-line string among
 * the moved lines, a `with` with `as` or several items: nothing is offered.
 */
export function narrowLockSplices(root: SyntaxNode, text: string, withLine: number): Splice[] | undefined {
  const stmt = root.descendantsOfType('with_statement').find((w) => w?.startPosition.row === withLine) ?? undefined;
  if (!stmt) return undefined;
  const clause = named(stmt).find((c) => c.type === 'with_clause');
  const items = clause ? named(clause).filter((c) => c.type === 'with_item') : [];
  if (items.length !== 1 || field(items[0]!, 'value')?.type === 'as_pattern') return undefined;
  const body = field(stmt, 'body');
  const fn = enclosingFunction(stmt);
  if (!body || !fn) return undefined;
  const stmts = statements(body);
  if (stmts.length < 2 || stmts[0]!.startPosition.row === stmt.startPosition.row) return undefined;
  for (let i = 1; i < stmts.length; i++) if (stmts[i]!.startPosition.row <= stmts[i - 1]!.endPosition.row) return undefined;

  const safe = immutableLocals(fn);
  const movable = (s: SyntaxNode): boolean => movableStatement(s, safe, false);
  let first = 0;
  while (first < stmts.length && movable(stmts[first]!)) first++;
  let last = stmts.length - 1;
  while (last >= first && movable(stmts[last]!)) last--;
  if (first > last) return undefined; // everything would move: unsure what the lock is for
  if (first === 0 && last === stmts.length - 1) return undefined;

  const lines = text.split('\n');
  const withIndent = /^[ \t]*/.exec(lines[stmt.startPosition.row]!)![0];
  const bodyIndent = /^[ \t]*/.exec(lines[stmts[0]!.startPosition.row]!)![0];
  if (!bodyIndent.startsWith(withIndent) || bodyIndent.length <= withIndent.length) return undefined;
  const dedent = (from: number, to: number): string[] | undefined => {
    const out: string[] = [];
    for (let r = from; r <= to; r++) {
      const line = lines[r]!;
      if (line.trim() === '') out.push('');
      else if (line.startsWith(bodyIndent)) out.push(withIndent + line.slice(bodyIndent.length));
      else return undefined; // a continuation line less indented than the body
    }
    return out;
  };
  const moved = [...stmts.slice(0, first), ...stmts.slice(last + 1)];
  if (moved.some((s) => [...descendants(s)].some((n) => n.type === 'string' && n.startPosition.row !== n.endPosition.row))) return undefined;

  const bodyStart = stmts[0]!.startPosition.row;
  // Comment lines right above the first statement that stays are about it: they stay too.
  let middleStart = stmts[first]!.startPosition.row;
  while (first > 0 && middleStart - 1 > stmts[first - 1]!.endPosition.row && /^\s*#/.test(lines[middleStart - 1]!)) middleStart--;
  const middleEnd = stmts[last]!.endPosition.row;
  const end = stmt.endPosition.row;
  const before = first > 0 ? dedent(bodyStart, middleStart - 1) : [];
  const after = last < stmts.length - 1 ? dedent(middleEnd + 1, end) : [];
  if (!before || !after) return undefined;
  const header = lines.slice(stmt.startPosition.row, bodyStart);
  const middle = lines.slice(middleStart, middleEnd + 1);
  const replacement = [...trimBlank(before), ...header, ...middle, ...trimBlank(after)].join('\n');
  const startOffset = offsetOfLine(lines, stmt.startPosition.row);
  const endOffset = offsetOfLine(lines, end) + lines[end]!.length;
  return [{ start: startOffset, end: endOffset, text: replacement }];
}

function offsetOfLine(lines: readonly string[], row: number): number {
  let o = 0;
  for (let r = 0; r < row; r++) o += lines[r]!.length + 1;
  return o;
}

function trimBlank(lines: readonly string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
}

function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p;
    if (p.type === 'class_definition' || p.type === 'lambda') return undefined;
  }
  return undefined;
}

const CLOCKS = new Set([...PURE_CALLS].filter((c) => /perf_counter|monotonic|time$/.test(c)));
const SCALAR_CALLS = new Set(['abs', 'bool', 'divmod', 'float', 'int', 'max', 'min', 'pow', 'round', 'len', 'chr', 'ord', ...CLOCKS]);
const SCALAR_OPERATORS = new Set(['binary_operator', 'unary_operator', 'boolean_operator', 'comparison_operator', 'not_operator', 'parenthesized_expression', 'conditional_expression']);
const LITERALS = new Set(['integer', 'float', 'true', 'false', 'none', 'string', 'concatenated_string']);

/** A value that is an immutable number, string or boolean, given the names already known to hold one. */
function scalarExpression(e: SyntaxNode, safe: ReadonlySet<string>): boolean {
  if (LITERALS.has(e.type)) return e.type !== 'string' || !named(e).some((c) => c.type === 'interpolation');
  if (e.type === 'identifier') return safe.has(e.text);
  if (SCALAR_OPERATORS.has(e.type)) return named(e).every((c) => c.type === 'comment' || scalarExpression(c, safe));
  if (e.type === 'call') {
    const parts = callParts(e);
    if (!parts.callee || parts.splat || parts.keywords.size > 0) return false;
    if (!SCALAR_CALLS.has(parts.callee) && !/^math\.\w+$/.test(parts.callee)) return false;
    return parts.positional.every((a) => scalarExpression(a, safe));
  }
  return false;
}

/**
 * The function's local names that only ever hold immutable values: found by
 * elimination, starting from every plain local and parameter and dropping
 * those with a binding or a use that is not plainly scalar.
 */
function immutableLocals(fn: SyntaxNode): Set<string> {
  const body = field(fn, 'body');
  if (!body) return new Set();
  const params = parameterNames(fn);
  const declared = new Set<string>();
  for (const n of descendants(body)) {
    if (n.type === 'global_statement' || n.type === 'nonlocal_statement') for (const id of named(n)) declared.add(id.text);
  }
  // Names a nested function or lambda uses may be shared with it (a closure run by another thread).
  const closed = new Set<string>();
  for (const n of descendants(body)) if (SCOPES.has(n.type)) for (const id of nameUses(n).reads) closed.add(id);
  const ownScope = [...descendants(body, (n) => !SCOPES.has(n.type))];
  const stored = new Set<string>();
  for (const n of ownScope) if (n.type === 'identifier' && nameUse(n) !== 'read' && nameUse(n) !== 'none') stored.add(n.text);
  const safe = new Set([...params, ...stored].filter((n) => !declared.has(n) && !closed.has(n)));

  // A parameter or local used as an object (attribute, subscript, callee, argument of an impure call) may be shared.
  for (const n of ownScope) {
    if (n.type !== 'identifier' || !safe.has(n.text)) continue;
    const p = n.parent;
    if (!p) continue;
    const asObject = (p.type === 'attribute' && field(p, 'object')?.equals(n)) || (p.type === 'subscript' && field(p, 'value')?.equals(n)) || (p.type === 'call' && field(p, 'function')?.equals(n));
    const inImpureCall = p.type === 'argument_list' && p.parent?.type === 'call' && !SCALAR_CALLS.has(callParts(p.parent).callee ?? '') && !(callParts(p.parent).callee === 'range');
    if (asObject || inImpureCall) safe.delete(n.text);
  }
  // Every binding must be scalar; repeat until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of ownScope) {
      const bound = bindingsOf(n);
      for (const [name, value] of bound) {
        if (safe.has(name) && !(value && scalarExpression(value, safe))) {
          safe.delete(name);
          changed = true;
        }
      }
    }
  }
  return safe;
}

/** Names bound by a node and the value each gets (undefined when it is not one plain value). */
function bindingsOf(n: SyntaxNode): [string, SyntaxNode | undefined][] {
  const left = field(n, 'left');
  if (n.type === 'assignment' && left) {
    const right = field(n, 'right');
    if (left.type === 'identifier') return [[left.text, right]];
    return [...descendants(left)].filter((d) => d.type === 'identifier' && nameUse(d) === 'store').map((d) => [d.text, undefined]);
  }
  if (n.type === 'augmented_assignment' && left?.type === 'identifier') return [[left.text, field(n, 'right')]];
  if (n.type === 'for_statement' && left) {
    const right = field(n, 'right');
    const overRange = right?.type === 'call' && callParts(right).callee === 'range' && left.type === 'identifier';
    // The loop variable of `for i in range(…)` is an int: stand in a literal for it.
    if (overRange) return [[left.text, right.namedChildren.find((c) => c?.type === 'argument_list')?.namedChildren[0] ?? undefined]];
    return [...descendants(left)].concat(left.type === 'identifier' ? [left] : []).filter((d) => d.type === 'identifier').map((d) => [d.text, undefined]);
  }
  if (n.type === 'for_in_clause' && left) {
    return [...descendants(left)].concat(left.type === 'identifier' ? [left] : []).filter((d) => d.type === 'identifier').map((d) => [d.text, undefined]);
  }
  if (n.type === 'as_pattern_target' || n.type === 'named_expression') {
    const id = n.type === 'named_expression' ? field(n, 'name') : named(n)[0];
    return id ? [[id.text, undefined]] : [];
  }
  return [];
}

/** A statement that moves out of the lock: see the module comment. */
function movableStatement(s: SyntaxNode, safe: ReadonlySet<string>, inLoop: boolean): boolean {
  switch (s.type) {
    case 'pass_statement':
      return true;
    case 'break_statement':
    case 'continue_statement':
      return inLoop;
    case 'expression_statement': {
      const e = named(s)[0];
      if (!e || named(s).length !== 1) return false;
      if (e.type === 'assignment') {
        const left = field(e, 'left');
        const right = field(e, 'right');
        return left?.type === 'identifier' && safe.has(left.text) && !!right && scalarExpression(right, safe) && !field(e, 'type');
      }
      if (e.type === 'augmented_assignment') {
        const left = field(e, 'left');
        const right = field(e, 'right');
        return left?.type === 'identifier' && safe.has(left.text) && !!right && scalarExpression(right, safe);
      }
      return false;
    }
    case 'if_statement': {
      const condition = field(s, 'condition');
      if (!condition || !scalarExpression(condition, safe)) return false;
      return named(s).every((c) => c.equals(condition) || c.type === 'comment' || movableClause(c, safe, inLoop));
    }
    case 'while_statement': {
      const condition = field(s, 'condition');
      if (!condition || !scalarExpression(condition, safe)) return false;
      return named(s).every((c) => c.equals(condition) || c.type === 'comment' || movableClause(c, safe, true));
    }
    case 'for_statement': {
      const left = field(s, 'left');
      const right = field(s, 'right');
      if (left?.type !== 'identifier' || !safe.has(left.text) || right?.type !== 'call' || callParts(right).callee !== 'range') return false;
      if (!callParts(right).positional.every((a) => scalarExpression(a, safe))) return false;
      return named(s).every((c) => c.equals(left) || c.equals(right) || c.type === 'comment' || movableClause(c, safe, true));
    }
    default:
      return false;
  }
}

function movableClause(c: SyntaxNode, safe: ReadonlySet<string>, inLoop: boolean): boolean {
  if (c.type === 'block') return statements(c).every((s) => movableStatement(s, safe, inLoop));
  if (c.type === 'elif_clause') {
    const condition = field(c, 'condition');
    return !!condition && scalarExpression(condition, safe) && named(c).every((x) => x.equals(condition) || x.type === 'comment' || movableClause(x, safe, inLoop));
  }
  if (c.type === 'else_clause') return named(c).every((x) => x.type === 'comment' || movableClause(x, safe, inLoop));
  return false;
}
