import type { SyntaxNode } from './parser';
import { descendants, field } from './syntax';

/**
 * How an identifier is used: read, bound (assigned, a loop or `as` target),
 * both (`x += 1`), or not a variable at all (an attribute's name, a keyword
 * argument's name, a parameter or import being declared).
 */
export type NameUse = 'read' | 'store' | 'both' | 'none';

const PATTERNS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'parenthesized_expression', 'tuple', 'list', 'expression_list']);
const DECLARATIONS = new Set(['parameters', 'lambda_parameters', 'default_parameter', 'typed_parameter', 'typed_default_parameter', 'list_splat_pattern', 'dictionary_splat_pattern', 'global_statement', 'nonlocal_statement', 'import_statement', 'import_from_statement', 'aliased_import', 'dotted_name', 'future_import_statement']);

export function nameUse(id: SyntaxNode): NameUse {
  let child = id;
  let parent = id.parent;
  while (parent) {
    const t = parent.type;
    if (t === 'attribute' && field(parent, 'attribute')?.equals(child)) return 'none';
    if (t === 'keyword_argument' && field(parent, 'name')?.equals(child)) return 'none';
    if ((t === 'function_definition' || t === 'class_definition') && field(parent, 'name')?.equals(child)) return 'store';
    if (t === 'as_pattern_target' || (t === 'named_expression' && field(parent, 'name')?.equals(child))) return 'store';
    if (t === 'assignment' || t === 'augmented_assignment' || t === 'for_statement' || t === 'for_in_clause') {
      if (field(parent, 'left')?.equals(child)) return t === 'augmented_assignment' ? 'both' : 'store';
      return 'read';
    }
    if (DECLARATIONS.has(t) && !(t === 'list_splat_pattern' && parent.parent && PATTERNS.has(parent.parent.type))) {
      if (t === 'default_parameter' || t === 'typed_default_parameter') {
        return field(parent, 'name')?.equals(child) ? 'none' : 'read';
      }
      if (t === 'typed_parameter' && !child.equals(parent.namedChildren[0]!)) return 'read';
      return 'none';
    }
    if (!PATTERNS.has(t)) return 'read';
    child = parent;
    parent = parent.parent;
  }
  return 'read';
}

/** Names read and names bound in a node (all of it, nested scopes included). */
export function nameUses(node: SyntaxNode): { readonly reads: Set<string>; readonly stores: Set<string> } {
  const reads = new Set<string>();
  const stores = new Set<string>();
  const ids = node.type === 'identifier' ? [node] : [...descendants(node)].filter((n) => n.type === 'identifier');
  for (const id of ids) {
    const use = nameUse(id);
    if (use === 'read' || use === 'both') reads.add(id.text);
    if (use === 'store' || use === 'both') stores.add(id.text);
  }
  return { reads, stores };
}

/** The parameter names of a function definition. */
export function parameterNames(def: SyntaxNode): string[] {
  const params = field(def, 'parameters');
  if (!params) return [];
  const out: string[] = [];
  for (const p of params.namedChildren) {
    if (!p) continue;
    if (p.type === 'identifier') out.push(p.text);
    else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      const name = field(p, 'name');
      if (name) out.push(name.text);
    } else if (p.type === 'typed_parameter' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
      const name = p.namedChildren.find((c) => c?.type === 'identifier');
      if (name) out.push(name.text);
    }
  }
  return out;
}

/** Names a function reads that it does not bind itself (parameters and assignments anywhere in it count as its own). */
export function freeReads(def: SyntaxNode): Set<string> {
  const own = new Set(parameterNames(def));
  const body = field(def, 'body');
  if (!body) return new Set();
  const { reads, stores } = nameUses(body);
  for (const s of stores) own.add(s);
  return new Set([...reads].filter((r) => !own.has(r)));
}
