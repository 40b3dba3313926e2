import type { SyntaxNode } from '../python/parser';
import { freeReads, nameUse, nameUses, parameterNames } from '../python/names';
import type { PoolCreation, PythonOutline } from '../python/outlineTypes';
import { targetFunction } from '../python/targetFunction';
import { callParts, definitionOf, descendants, dottedName, field, isMainGuard, lastPart, named, SCOPES, statements } from '../python/syntax';
import type { Splice } from './splices';

/**
 * Runs a CPU-bound function in processes: the ThreadPoolExecutor it is
 * submitted to (or mapped over) becomes a ProcessPoolExecutor, its import
 * follows, and module-level code goes under `if __name__ == "__main__":`
 * where the module has no such guard (a process pool's workers import the
 * module; with the spawn and forkserver start methods, unguarded code would
 * run again in each of them).
 *
 * Offered only when the program plainly keeps working in processes: every
 * function that pool runs is a module-level function of this file (pickled
 * by name), declares no global or nonlocal (and neither do the functions of
 * this file it calls), reads no module-level variable other than constants,
 * and changes none of its arguments in place; the pool takes no
 * thread-only argument (thread_name_prefix); and, when the guard is added,
 * no definition, import, or name a function reads comes after the first
 * statement that goes under it.
 */
export function processPoolSplices(root: SyntaxNode, text: string, o: PythonOutline, functionName: string): Splice[] | undefined {
  const uses = o.threadTargets.filter((t) => t.kind !== 'thread' && targetFunction(o, t)?.name === functionName);
  const pools = [...new Set(uses.map((t) => t.pool))];
  if (pools.length === 0 || pools.some((p) => !p || p.kind !== 'thread' || !p.boundName || p.keywords.includes('thread_name_prefix'))) return undefined;
  const poolNames = new Set(pools.map((p) => p!.boundName!));
  const module = moduleFacts(root);
  // Everything those pools run must be safe in a process.
  for (const t of o.threadTargets) {
    if (!t.executor || !poolNames.has(t.executor)) continue;
    const def = module.functions.get(t.targetText);
    if (!def || !processSafe(def, module)) return undefined;
  }
  const splices: Splice[] = [];
  for (const pool of pools as PoolCreation[]) {
    const renamed = renameCallee(root, pool, module);
    if (!renamed) return undefined;
    splices.push(...renamed);
  }
  const importEdit = importSplice(root, pools as PoolCreation[]);
  if (importEdit === undefined) return undefined;
  splices.push(...importEdit);
  if (!o.mainGuard) {
    const guard = guardSplices(root, text, module);
    if (!guard) return undefined;
    splices.push(...guard);
  } else if (!(pools as PoolCreation[]).every((p) => underGuardOrFunction(root, p))) {
    return undefined;
  }
  return dedupe(splices);
}

interface ModuleFacts {
  /** Module-level functions by name. */
  readonly functions: ReadonlyMap<string, SyntaxNode>;
  /** Names bound at module level by anything but a def, class or import, with the statements binding them. */
  readonly variables: ReadonlyMap<string, SyntaxNode[]>;
  /** Names bound by imports, defs and classes at module level. */
  readonly definitions: ReadonlySet<string>;
  readonly statements: readonly SyntaxNode[];
}

function moduleFacts(root: SyntaxNode): ModuleFacts {
  const functions = new Map<string, SyntaxNode>();
  const variables = new Map<string, SyntaxNode[]>();
  const definitions = new Set<string>();
  const top = statements(root);
  for (const stmt of top) {
    const def = definitionOf(stmt);
    if (def) {
      const name = field(def, 'name')?.text;
      if (name) {
        definitions.add(name);
        if (def.type === 'function_definition') functions.set(name, def);
      }
      continue;
    }
    if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement' || stmt.type === 'future_import_statement') {
      for (const n of named(stmt)) {
        if (n.type === 'dotted_name' && !field(stmt, 'module_name')?.equals(n)) definitions.add(n.text.split('.')[0]!);
        if (n.type === 'aliased_import') definitions.add(field(n, 'alias')?.text ?? '');
      }
      continue;
    }
    for (const name of nameUses(stmt).stores) {
      const list = variables.get(name) ?? [];
      list.push(stmt);
      variables.set(name, list);
    }
  }
  return { functions, variables, definitions, statements: top };
}

const MUTATORS = new Set(['append', 'extend', 'insert', 'update', 'add', 'pop', 'popitem', 'remove', 'clear', 'discard', 'setdefault', 'put', 'put_nowait', 'sort', 'reverse', 'write', 'send', 'set', 'release', 'acquire']);
const CONSTANT = new Set(['integer', 'float', 'string', 'true', 'false', 'none', 'concatenated_string']);

function constantValue(e: SyntaxNode | undefined): boolean {
  if (!e) return false;
  if (CONSTANT.has(e.type)) return !named(e).some((c) => c.type === 'interpolation');
  if (e.type === 'tuple' || e.type === 'unary_operator' || e.type === 'parenthesized_expression') return named(e).every(constantValue);
  return false;
}

/** A module-level variable bound once, to a constant: the same in every process. */
function moduleConstant(name: string, module: ModuleFacts): boolean {
  const bindings = module.variables.get(name);
  if (!bindings || bindings.length !== 1) return false;
  const e = named(bindings[0]!)[0];
  return e?.type === 'assignment' && field(e, 'left')?.type === 'identifier' && constantValue(field(e, 'right'));
}

function processSafe(def: SyntaxNode, module: ModuleFacts, seen = new Set<SyntaxNode>()): boolean {
  if (seen.has(def)) return true;
  seen.add(def);
  const body = field(def, 'body');
  if (!body) return false;
  const params = new Set(parameterNames(def));
  const local = new Set<string>([...params]);
  for (const n of descendants(body)) {
    if (n.type === 'global_statement' || n.type === 'nonlocal_statement') return false;
    if (n.type === 'identifier' && (nameUse(n) === 'store' || nameUse(n) === 'both')) local.add(n.text);
  }
  for (const n of descendants(body)) {
    if (n.type === 'identifier' && nameUse(n) === 'read' && !local.has(n.text)) {
      const name = n.text;
      if (module.variables.has(name) && !moduleConstant(name, module)) return false;
      const callee = module.functions.get(name);
      if (callee && !processSafe(callee, module, seen)) return false;
    }
    // Changing an argument in place: lost when the function runs in another process.
    if (n.type === 'call') {
      const c = dottedName(field(n, 'function'));
      if (c && c.includes('.') && params.has(c.split('.')[0]!) && MUTATORS.has(lastPart(c))) return false;
    }
    if ((n.type === 'assignment' || n.type === 'augmented_assignment') && field(n, 'left')) {
      const left = field(n, 'left')!;
      for (const target of [left, ...descendants(left)]) {
        if (target.type !== 'subscript' && target.type !== 'attribute') continue;
        const base = dottedName(field(target, target.type === 'subscript' ? 'value' : 'object'))?.split('.')[0];
        if (base && params.has(base)) return false;
      }
    }
  }
  return true;
}

/** `ThreadPoolExecutor` → `ProcessPoolExecutor` at the pool's creation (a module prefix is kept). */
function renameCallee(root: SyntaxNode, pool: PoolCreation, module: ModuleFacts): Splice[] | undefined {
  const node = nodeAt(root, pool.calleeRange.start.line, pool.calleeRange.start.character, pool.calleeText);
  if (!node) return undefined;
  const name = node.type === 'attribute' ? field(node, 'attribute') : node;
  if (!name || name.text !== 'ThreadPoolExecutor') return undefined; // an alias: unsure what it names
  if (node.type === 'identifier' && !module.definitions.has('ThreadPoolExecutor')) return undefined;
  return [{ start: name.startIndex, end: name.endIndex, text: 'ProcessPoolExecutor' }];
}

function nodeAt(root: SyntaxNode, row: number, column: number, text: string): SyntaxNode | undefined {
  for (const n of descendants(root)) {
    if (n.startPosition.row === row && n.startPosition.column === column && n.text === text && (n.type === 'identifier' || n.type === 'attribute')) return n;
  }
  return undefined;
}

/**
 * The import of a bare `ThreadPoolExecutor`: renamed when no other use of
 * it is left, else `ProcessPoolExecutor` added beside it. No splice when the
 * pools are created through a module attribute; undefined when unsure.
 */
function importSplice(root: SyntaxNode, pools: readonly PoolCreation[]): Splice[] | undefined {
  if (pools.every((p) => p.calleeText.includes('.'))) return [];
  const imports = root.descendantsOfType('import_from_statement').filter((s): s is SyntaxNode => s !== null);
  const from = imports.find((s) => field(s, 'module_name')?.text === 'concurrent.futures' && named(s).some((n) => n.type === 'dotted_name' && n.text === 'ThreadPoolExecutor' && !field(s, 'module_name')!.equals(n)));
  if (!from) return undefined;
  const name = named(from).find((n) => n.type === 'dotted_name' && n.text === 'ThreadPoolExecutor' && !field(from, 'module_name')!.equals(n))!;
  const alreadyImported = imports.some((s) => field(s, 'module_name')?.text === 'concurrent.futures' && named(s).some((n) => n.type === 'dotted_name' && n.text === 'ProcessPoolExecutor'));
  const renamedAt = new Set(pools.filter((p) => !p.calleeText.includes('.')).map((p) => `${p.calleeRange.start.line}:${p.calleeRange.start.character}`));
  const otherUses = [...descendants(root)].filter(
    (n) => n.type === 'identifier' && n.text === 'ThreadPoolExecutor' && n.parent?.type !== 'dotted_name' && !renamedAt.has(`${n.startPosition.row}:${n.startPosition.column}`),
  );
  if (otherUses.length === 0) {
    return alreadyImported ? [{ start: name.startIndex, end: importNameEnd(from, name), text: '' }] : [{ start: name.startIndex, end: name.endIndex, text: 'ProcessPoolExecutor' }];
  }
  return alreadyImported ? [] : [{ start: name.endIndex, end: name.endIndex, text: ', ProcessPoolExecutor' }];
}

/** Where an imported name ends with its separating comma, for removing it from `from m import a, b`. */
function importNameEnd(from: SyntaxNode, name: SyntaxNode): number {
  const next = name.nextSibling;
  if (next?.type === ',') return next.endIndex + (from.text[next.endIndex - from.startIndex] === ' ' ? 1 : 0);
  return name.endIndex;
}

function underGuardOrFunction(root: SyntaxNode, pool: PoolCreation): boolean {
  const node = nodeAt(root, pool.calleeRange.start.line, pool.calleeRange.start.character, pool.calleeText);
  for (let p = node?.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || isMainGuard(p)) return true;
  }
  return false;
}

const STATIC_CALLS = new Set(['list', 'dict', 'set', 'tuple', 'frozenset', 'range', 'int', 'float', 'str', 'bytes', 'object', 'Lock', 'RLock', 'threading.Lock', 'threading.RLock', 'threading.Event', 'threading.Semaphore', 'threading.Condition']);

/** A module-level statement that only defines: docstring, import, def, class, or a name bound to a value made without running the program's code. */
function definitional(stmt: SyntaxNode, first: boolean): boolean {
  if (definitionOf(stmt)) return true;
  if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement' || stmt.type === 'future_import_statement') return true;
  if (stmt.type !== 'expression_statement') return false;
  const e = named(stmt)[0];
  if (!e) return false;
  if (first && e.type === 'string') return true;
  if (e.type !== 'assignment') return false;
  const right = field(e, 'right');
  if (!right) return true; // an annotation
  return [right, ...descendants(right)].every((n) => n.type !== 'call' || STATIC_CALLS.has(callParts(n).callee ?? '')) && ![...descendants(right)].some((n) => SCOPES.has(n.type));
}

/** `if __name__ == "__main__":` around the module-level code from its first statement that runs the program. */
function guardSplices(root: SyntaxNode, text: string, module: ModuleFacts): Splice[] | undefined {
  const top = module.statements;
  const start = top.findIndex((s, i) => !definitional(s, i === 0));
  if (start < 0) return undefined; // nothing runs at module level: no pool is made there either
  const wrapped = top.slice(start);
  if (wrapped.some((s) => definitionOf(s) || s.type.startsWith('import') || s.type === 'future_import_statement' || isMainGuard(s))) return undefined;
  // Names bound under the guard would not exist in a worker: no function may read them.
  const boundUnder = new Set(wrapped.flatMap((s) => [...nameUses(s).stores]));
  for (const def of root.descendantsOfType('function_definition')) {
    if (def) for (const name of freeReads(def)) if (boundUnder.has(name)) return undefined;
  }
  if (wrapped.some((s) => [s, ...descendants(s)].some((n) => n.type === 'string' && n.startPosition.row !== n.endPosition.row))) return undefined;
  const unit = indentUnit(text);
  const lines = text.split('\n');
  const firstRow = wrapped[0]!.startPosition.row;
  const lastRow = wrapped[wrapped.length - 1]!.endPosition.row;
  const splices: Splice[] = [];
  let offset = 0;
  for (let r = 0; r <= lastRow; r++) {
    if (r === firstRow) splices.push({ start: offset, end: offset, text: `if __name__ == "__main__":\n${unit}` });
    else if (r > firstRow && lines[r]!.trim() !== '') splices.push({ start: offset, end: offset, text: unit });
    offset += lines[r]!.length + 1;
  }
  return splices;
}

/** The file's indentation step: its first indented line's, else four spaces. */
function indentUnit(text: string): string {
  const m = /^([ \t]+)\S/m.exec(text);
  return m ? m[1]! : '    ';
}

function dedupe(splices: readonly Splice[]): Splice[] {
  const seen = new Set<string>();
  return splices.filter((s) => {
    const key = `${s.start}:${s.end}:${s.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
