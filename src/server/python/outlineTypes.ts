import type { Range } from 'vscode-languageserver';

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
