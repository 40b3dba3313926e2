import type { SyntaxNode } from './parser';
import { callParts, descendants, named } from './syntax';

/**
 * "Pure Python" here means code that keeps the GIL while it runs: arithmetic,
 * comparisons, local containers, and calls of builtins and clocks that never
 * release it. A loop made of nothing else is CPU-bound in the interpreter,
 * and threads running it only take turns.
 */

/** Calls that compute without releasing the GIL. */
export const PURE_CALLS = new Set([
  'abs', 'all', 'any', 'bool', 'chr', 'divmod', 'enumerate', 'float', 'hash', 'int', 'len', 'max', 'min',
  'ord', 'pow', 'range', 'reversed', 'round', 'sorted', 'sum', 'zip',
  'perf_counter', 'monotonic', 'time.perf_counter', 'time.monotonic', 'time.time', 'time.process_time', 'time.thread_time',
]);

const PURE_STATEMENTS = new Set([
  'expression_statement', 'assignment', 'augmented_assignment', 'if_statement', 'elif_clause', 'else_clause',
  'for_statement', 'while_statement', 'pass_statement', 'break_statement', 'continue_statement', 'block',
]);

const PURE_EXPRESSIONS = new Set([
  'identifier', 'integer', 'float', 'true', 'false', 'none', 'string', 'string_start', 'string_content', 'string_end',
  'escape_sequence', 'concatenated_string', 'binary_operator', 'unary_operator', 'boolean_operator',
  'comparison_operator', 'not_operator', 'parenthesized_expression', 'tuple', 'list', 'set', 'dictionary', 'pair',
  'subscript', 'slice', 'attribute', 'conditional_expression', 'expression_list', 'pattern_list', 'tuple_pattern',
  'list_pattern', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression',
  'for_in_clause', 'if_clause', 'argument_list', 'keyword_argument', 'comment',
]);

const ARITHMETIC = new Set(['binary_operator', 'augmented_assignment', 'unary_operator']);

/** Every node of `node` is pure Python (calls only of PURE_CALLS, or `math.*`). */
export function isPure(node: SyntaxNode): boolean {
  if (node.type === 'call') {
    const parts = callParts(node);
    const callee = parts.callee;
    if (!callee || !(PURE_CALLS.has(callee) || /^math\.\w+$/.test(callee))) return false;
    return named(node).every((c) => c.type === 'identifier' || c.type === 'attribute' || isPure(c));
  }
  if (!PURE_STATEMENTS.has(node.type) && !PURE_EXPRESSIONS.has(node.type)) return false;
  return named(node).every(isPure);
}

/** The first line of a pure, arithmetic loop in the function's own body (not in nested definitions). */
export function pureLoop(def: SyntaxNode): number | undefined {
  const body = def.childForFieldName('body');
  if (!body) return undefined;
  for (const n of descendants(body, (c) => c.type !== 'function_definition' && c.type !== 'class_definition' && c.type !== 'lambda')) {
    if (n.type !== 'for_statement' && n.type !== 'while_statement') continue;
    if (!isPure(n)) continue;
    const hasArithmetic = [...descendants(n)].some((d) => ARITHMETIC.has(d.type));
    if (hasArithmetic) return n.startPosition.row;
  }
  return undefined;
}
