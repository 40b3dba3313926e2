import type { Range } from 'vscode-languageserver';
import type { SyntaxNode } from './parser';

/** Small helpers over tree-sitter-python nodes. Lines and columns are 0-based (UTF-16), as in the LSP. */

export function named(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}

export function field(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return node.childForFieldName(name) ?? undefined;
}

export function rangeOf(node: SyntaxNode): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

/** Every node below `node` (not itself), depth first, not entering nodes for which `enter` is false. */
export function* descendants(node: SyntaxNode, enter: (n: SyntaxNode) => boolean = () => true): Generator<SyntaxNode> {
  for (const child of named(node)) {
    yield child;
    if (enter(child)) yield* descendants(child, enter);
  }
}

/** Nodes that start a new scope: their bodies belong to another function. */
export const SCOPES = new Set(['function_definition', 'class_definition', 'lambda']);

/** Descendants in the same scope: not inside nested functions, classes or lambdas. */
export function sameScope(node: SyntaxNode): Generator<SyntaxNode> {
  return descendants(node, (n) => !SCOPES.has(n.type));
}

/** The dotted text of a callee (`time.sleep`, `ex.submit`), or undefined for anything else (`f()()`, `a[0]()`). */
export function dottedName(node: SyntaxNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const object = dottedName(field(node, 'object'));
    const attribute = field(node, 'attribute');
    return object && attribute ? `${object}.${attribute.text}` : undefined;
  }
  return undefined;
}

/** The last component of a dotted name. */
export function lastPart(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

export interface CallParts {
  readonly callee: string | undefined;
  readonly positional: readonly SyntaxNode[];
  readonly keywords: ReadonlyMap<string, SyntaxNode>;
  /** `*args` or `**kwargs` present: the arguments cannot be read positionally. */
  readonly splat: boolean;
}

export function callParts(call: SyntaxNode): CallParts {
  const args = field(call, 'arguments');
  const positional: SyntaxNode[] = [];
  const keywords = new Map<string, SyntaxNode>();
  let splat = false;
  for (const a of args && args.type === 'argument_list' ? named(args) : []) {
    if (a.type === 'keyword_argument') {
      const name = field(a, 'name');
      const value = field(a, 'value');
      if (name && value) keywords.set(name.text, value);
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
      splat = true;
    } else if (a.type !== 'comment') {
      positional.push(a);
    }
  }
  return { callee: dottedName(field(call, 'function')), positional, keywords, splat };
}

/** The statements of a block (comments left out). */
export function statements(block: SyntaxNode | undefined): SyntaxNode[] {
  return block ? named(block).filter((n) => n.type !== 'comment') : [];
}

/** The function or class definition node, looking through a decorated_definition. */
export function definitionOf(stmt: SyntaxNode): SyntaxNode | undefined {
  if (stmt.type === 'function_definition' || stmt.type === 'class_definition') return stmt;
  if (stmt.type === 'decorated_definition') return field(stmt, 'definition');
  return undefined;
}

/** `if __name__ == "__main__":` */
export function isMainGuard(stmt: SyntaxNode): boolean {
  if (stmt.type !== 'if_statement') return false;
  const condition = field(stmt, 'condition')?.text.replace(/\s+/g, '') ?? '';
  return /^__name__==(['"])__main__\1$/.test(condition) || /^(['"])__main__\1==__name__$/.test(condition);
}
