import type { Range } from 'vscode-languageserver';
import type { SyntaxNode } from './parser';
import { pureLoop } from './purity';
import { callParts, definitionOf, dottedName, field, isMainGuard, lastPart, named, rangeOf, SCOPES, statements } from './syntax';

/**
 * What the language server needs to know of a Python file, read from its
 * syntax tree: plain data (no tree-sitter node survives the parse). Lines are
 * 0-based, as in the LSP; the report's 1-based lines are converted where
 * the two meet (src/server/profile/).
 */
export interface PythonOutline {
  readonly functions: readonly PyFunction[];
  readonly withBlocks: readonly WithBlock[];
  readonly threadTargets: readonly ThreadTarget[];
  readonly pools: readonly PoolCreation[];
  /** `time.sleep(…)` calls. */
  readonly sleeps: readonly CallSite[];
  /** Calls that block on I/O: open, read/recv/send, requests.get, urlopen, subprocess… */
  readonly blockingCalls: readonly CallSite[];
  /** `X.acquire(…)` calls on lock-ish objects. */
  readonly acquires: readonly CallSite[];
  /** Names assigned a lock: `shared_lock = threading.Lock()`, `self._lock = RLock()`. */
  readonly lockNames: ReadonlySet<string>;
  readonly mainGuard: boolean;
}

export interface PyFunction {
  readonly name: string;
  /** As CPython's co_qualname: `Outer.method`, `main.<locals>.worker`. */
  readonly qualname: string;
  /** The `def` line. */
  readonly defLine: number;
  /** The first decorator's line, else the `def` line: CPython's co_firstlineno. */
  readonly firstLine: number;
  readonly endLine: number;
  readonly nameRange: Range;
  /** Defined at module level (picklable by reference). */
  readonly topLevel: boolean;
  /** A loop in its own body that runs pure Python (arithmetic, no calls that release the GIL), if any. */
  readonly pureLoopLine: number | undefined;
}

export interface WithBlock {
  readonly line: number;
  readonly endLine: number;
  /** The `with … :` header. */
  readonly headerRange: Range;
  /** The first item's context expression, without `as`. */
  readonly contextText: string;
  readonly contextRange: Range;
  readonly itemCount: number;
  /** The body's statements as line spans. */
  readonly body: readonly { readonly start: number; readonly end: number }[];
  /** The context manager looks like a lock (a name assigned a Lock, or named *lock*, *mutex*, *sem*, *cond*). */
  readonly lockish: boolean;
  /** Qualified name of the enclosing function, `<module>` at top level. */
  readonly scope: string;
}

export interface ThreadTarget {
  /** `threading.Thread(target=f)`, `executor.submit(f, …)`, `executor.map(f, …)`. */
  readonly kind: 'thread' | 'submit' | 'map';
  readonly line: number;
  /** The target expression. */
  readonly range: Range;
  readonly targetText: string;
  /** The receiver of submit/map. */
  readonly executor: string | undefined;
  /** The pool the receiver was bound to in this file, when known. */
  readonly pool: PoolCreation | undefined;
}

export interface PoolCreation {
  readonly kind: 'thread' | 'process';
  readonly line: number;
  /** The callee, e.g. `ThreadPoolExecutor` or `concurrent.futures.ThreadPoolExecutor`. */
  readonly calleeText: string;
  readonly calleeRange: Range;
  /** The name it is bound to (`with … as ex`, `ex = …`). */
  readonly boundName: string | undefined;
  readonly keywords: readonly string[];
}

export interface CallSite {
  readonly line: number;
  readonly range: Range;
  readonly callee: string;
  /** The innermost lock-ish `with` block (or `X.acquire()` … `X.release()` stretch) around the call, if any. */
  readonly underLock: string | undefined;
}

const LOCK_FACTORIES = /(^|\.)(Lock|RLock|Semaphore|BoundedSemaphore|Condition)$/;
const LOCKISH_NAME = /lock|mutex|semaphore|(^|_)sem(_|$)|(^|_)cond(ition)?(_|$)|(^|_)cv(_|$)/i;
const BLOCKING = new Set([
  'open', 'input', 'urlopen', 'urllib.request.urlopen', 'socket.create_connection', 'select.select',
  'os.read', 'os.write', 'os.system', 'os.fsync', 'shutil.copy', 'shutil.copyfile', 'shutil.copytree',
]);
const BLOCKING_MODULES = /^(requests|httpx|subprocess|urllib\.request)\./;
const BLOCKING_METHODS = new Set([
  'read', 'readline', 'readlines', 'readinto', 'write', 'writelines', 'flush',
  'recv', 'recv_into', 'recvfrom', 'send', 'sendall', 'sendto', 'accept', 'connect', 'makefile',
  'read_text', 'read_bytes', 'write_text', 'write_bytes', 'communicate',
]);

function isLockish(text: string, lockNames: ReadonlySet<string>): boolean {
  return lockNames.has(text) || LOCKISH_NAME.test(lastPart(text)) || LOCK_FACTORIES.test(text.replace(/\(.*$/s, ''));
}

function isBlocking(callee: string): boolean {
  if (BLOCKING.has(callee) || BLOCKING_MODULES.test(callee)) return true;
  return callee.includes('.') && BLOCKING_METHODS.has(lastPart(callee)) && !callee.startsWith('self.');
}

function isSleep(callee: string): boolean {
  return callee === 'time.sleep' || callee === 'sleep';
}

/** Reads the outline of a module. */
export function outline(root: SyntaxNode): PythonOutline {
  return new OutlineWalk(root).result();
}

class OutlineWalk {
  private readonly functions: PyFunction[] = [];
  private readonly withBlocks: WithBlock[] = [];
  private readonly threadTargets: ThreadTarget[] = [];
  private readonly pools: PoolCreation[] = [];
  private readonly poolNames = new Map<string, PoolCreation>();
  private readonly sleeps: CallSite[] = [];
  private readonly blockingCalls: CallSite[] = [];
  private readonly acquires: CallSite[] = [];
  private readonly lockNames = new Set<string>();

  constructor(private readonly root: SyntaxNode) {}

  result(): PythonOutline {
    this.collectLockNames(this.root);
    this.walk(this.root, [], []);
    return {
      functions: this.functions,
      withBlocks: this.withBlocks,
      threadTargets: this.threadTargets,
      pools: this.pools,
      sleeps: this.sleeps,
      blockingCalls: this.blockingCalls,
      acquires: this.acquires,
      lockNames: this.lockNames,
      mainGuard: statements(this.root).some(isMainGuard),
    };
  }

  /** `name = threading.Lock()` anywhere, so a `with name:` before the assignment in the file still counts. */
  private collectLockNames(root: SyntaxNode): void {
    for (const a of root.descendantsOfType('assignment')) {
      const right = a && field(a, 'right');
      const left = a && dottedName(field(a, 'left'));
      if (!right || !left || right.type !== 'call') continue;
      const callee = dottedName(field(right, 'function'));
      if (callee && LOCK_FACTORIES.test(callee)) this.lockNames.add(left);
    }
  }

  /**
   * @param scope the qualified-name parts of the enclosing definitions
   * @param locks the lock-ish context texts held here (with blocks, acquire…release stretches)
   */
  private walk(node: SyntaxNode, scope: readonly string[], locks: readonly string[]): void {
    // Statements of a block are walked in order so `X.acquire()` … `X.release()` stretches are seen.
    let held = [...locks];
    for (const child of named(node)) {
      const def = definitionOf(child);
      if (def) {
        this.definition(child, def, scope);
        continue;
      }
      if (child.type === 'with_statement') {
        this.withStatement(child, scope, held);
        continue;
      }
      if (child.type === 'call') this.call(child, held);
      if (child.type === 'lambda') continue;
      this.walk(child, scope, held);
      const stretch = acquireStretch(child);
      if (stretch && isLockish(stretch.receiver, this.lockNames)) {
        held = stretch.acquire ? [...held, stretch.receiver] : held.filter((l) => l !== stretch.receiver);
      }
    }
  }

  private definition(stmt: SyntaxNode, def: SyntaxNode, scope: readonly string[]): void {
    const name = field(def, 'name');
    if (!name) return;
    const prefix = qualPrefix(scope);
    const qualname = prefix ? `${prefix}.${name.text}` : name.text;
    // Decorators are not walked for calls: they run at definition time, not in the function.
    if (def.type === 'function_definition') {
      this.functions.push({
        name: name.text,
        qualname,
        defLine: def.startPosition.row,
        firstLine: stmt.startPosition.row,
        endLine: def.endPosition.row,
        nameRange: rangeOf(name),
        topLevel: scope.length === 0,
        pureLoopLine: pureLoop(def),
      });
    }
    const body = field(def, 'body');
    const parameters = field(def, 'parameters');
    // Default values belong to the enclosing scope.
    if (parameters) this.walk(parameters, scope, []);
    if (body) this.walk(body, [...scope, `${name.text}\0${def.type === 'function_definition' ? 'f' : 'c'}`], []);
  }

  private withStatement(stmt: SyntaxNode, scope: readonly string[], held: readonly string[]): void {
    const clause = named(stmt).find((c) => c.type === 'with_clause');
    const items = clause ? named(clause).filter((c) => c.type === 'with_item') : [];
    const first = items[0] && field(items[0], 'value');
    const body = field(stmt, 'body');
    let contextText = '';
    let contextNode = first;
    if (first) {
      contextNode = first.type === 'as_pattern' ? named(first)[0] : first;
      contextText = contextNode?.text ?? '';
    }
    for (const item of items) {
      const value = field(item, 'value');
      if (value) {
        if (value.type === 'call') this.call(value, held);
        this.walk(value, scope, held);
        this.bindPool(value);
      }
    }
    const lockish = items.length >= 1 && contextText !== '' && isLockish(contextText, this.lockNames);
    if (body && contextNode) {
      const header = rangeOf(stmt);
      header.end = { line: body.startPosition.row, character: body.startPosition.column };
      if (clause) header.end = rangeOf(clause).end;
      this.withBlocks.push({
        line: stmt.startPosition.row,
        endLine: stmt.endPosition.row,
        headerRange: { start: rangeOf(stmt).start, end: header.end },
        contextText,
        contextRange: rangeOf(contextNode),
        itemCount: items.length,
        body: statements(body).map((s) => ({ start: s.startPosition.row, end: s.endPosition.row })),
        lockish,
        scope: scopeName(scope),
      });
    }
    if (body) this.walk(body, scope, lockish ? [...held, contextText] : held);
  }

  /** `with ThreadPoolExecutor() as ex` and `ex = ThreadPoolExecutor()` bind the pool to a name. */
  private bindPool(value: SyntaxNode): void {
    if (value.type !== 'as_pattern') return;
    const call = named(value)[0];
    const alias = field(value, 'alias');
    const pool = call && this.poolAt(call);
    const name = alias && named(alias)[0];
    if (pool && name?.type === 'identifier') this.poolNames.set(name.text, { ...pool, boundName: name.text });
  }

  private poolAt(node: SyntaxNode): PoolCreation | undefined {
    return this.pools.find((p) => p.calleeRange.start.line === node.startPosition.row && p.calleeRange.start.character === node.startPosition.column);
  }

  private call(call: SyntaxNode, held: readonly string[]): void {
    const parts = callParts(call);
    const callee = parts.callee;
    if (!callee) return;
    const line = call.startPosition.row;
    const site = (): CallSite => ({ line, range: rangeOf(call), callee, underLock: held[held.length - 1] });
    const last = lastPart(callee);
    if (last === 'ThreadPoolExecutor' || last === 'ProcessPoolExecutor') {
      const fn = field(call, 'function')!;
      const pool: PoolCreation = {
        kind: last === 'ThreadPoolExecutor' ? 'thread' : 'process',
        line,
        calleeText: callee,
        calleeRange: rangeOf(fn),
        boundName: undefined,
        keywords: [...parts.keywords.keys()],
      };
      this.pools.push(pool);
      const assignment = call.parent?.type === 'assignment' ? call.parent : undefined;
      const target = assignment && field(assignment, 'left');
      if (target?.type === 'identifier' && field(assignment!, 'right')?.equals(call)) {
        this.pools[this.pools.length - 1] = { ...pool, boundName: target.text };
        this.poolNames.set(target.text, this.pools[this.pools.length - 1]!);
      }
    }
    if (last === 'Thread' && parts.keywords.has('target')) {
      this.target('thread', parts.keywords.get('target')!, undefined);
    } else if ((last === 'submit' || last === 'map') && callee.includes('.') && parts.positional[0]) {
      const receiver = callee.slice(0, callee.lastIndexOf('.'));
      if (this.poolNames.has(receiver) || /executor|pool/i.test(lastPart(receiver))) {
        this.target(last, parts.positional[0], receiver);
      }
    }
    if (isSleep(callee)) this.sleeps.push(site());
    else if (isBlocking(callee)) this.blockingCalls.push(site());
    if (last === 'acquire' && callee.includes('.')) {
      const receiver = callee.slice(0, callee.lastIndexOf('.'));
      if (isLockish(receiver, this.lockNames)) this.acquires.push({ ...site(), callee: receiver });
    }
  }

  private target(kind: ThreadTarget['kind'], node: SyntaxNode, executor: string | undefined): void {
    this.threadTargets.push({
      kind,
      line: node.startPosition.row,
      range: rangeOf(node),
      targetText: node.text,
      executor,
      pool: executor ? this.poolNames.get(executor) : undefined,
    });
  }
}

/**
 * Scope parts are `name\0f` (a function) or `name\0c` (a class). What is
 * defined inside a function gets `.<locals>` after the function's name.
 */
function qualPrefix(scope: readonly string[]): string {
  return scope.map((s) => (s.endsWith('\0f') ? `${s.slice(0, -2)}.<locals>` : s.slice(0, -2))).join('.');
}

/** The qualified name of the innermost scope itself, `<module>` at top level. */
function scopeName(scope: readonly string[]): string {
  if (scope.length === 0) return '<module>';
  const outer = qualPrefix(scope.slice(0, -1));
  const own = scope[scope.length - 1]!.slice(0, -2);
  return outer ? `${outer}.${own}` : own;
}

/** `X.acquire()` or `X.release()` as a statement of its own: opens or closes a held stretch. */
function acquireStretch(stmt: SyntaxNode): { receiver: string; acquire: boolean } | undefined {
  if (stmt.type !== 'expression_statement') return undefined;
  const call = named(stmt)[0];
  if (call?.type !== 'call') return undefined;
  const callee = dottedName(field(call, 'function'));
  if (!callee || !callee.includes('.')) return undefined;
  const last = lastPart(callee);
  if (last !== 'acquire' && last !== 'release') return undefined;
  return { receiver: callee.slice(0, callee.lastIndexOf('.')), acquire: last === 'acquire' };
}

/** The function a thread target names, when this file defines it: `worker`, `self.run_batch`. */
export function targetFunction(o: PythonOutline, t: ThreadTarget): PyFunction | undefined {
  if (!/^[A-Za-z_][\w.]*$/.test(t.targetText)) return undefined;
  const name = lastPart(t.targetText);
  const candidates = o.functions.filter((f) => f.name === name && (t.targetText === name || !f.topLevel));
  if (candidates.length <= 1) return candidates[0];
  // Several: the nearest definition above the call (a nested `def worker` in the same function).
  return candidates.filter((f) => f.defLine <= t.line).sort((a, b) => b.defLine - a.defLine)[0] ?? candidates[0];
}

/** True for nodes that open a new scope (their bodies are another function's). */
export function opensScope(node: SyntaxNode): boolean {
  return SCOPES.has(node.type);
}
