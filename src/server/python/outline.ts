import { acquireStretch, isBlocking, isLockish, isSleep, lockNamesIn } from './callKinds';
import type { CallSite, PoolCreation, PyFunction, PythonOutline, ThreadTarget, WithBlock } from './outlineTypes';
import type { SyntaxNode } from './parser';
import { pureLoop } from './purity';
import { qualPrefix, scopeName, scopePart } from './qualnames';
import type { ScopePart } from './qualnames';
import { callParts, definitionOf, field, isMainGuard, lastPart, named, rangeOf, statements } from './syntax';

/**
 * Reads the outline of a module (outlineTypes.ts) from its syntax tree in one walk:
 * definitions, `with` blocks, thread targets, pools, and the calls that sleep, block or
 * acquire, each with the lock-ish blocks held around it. What counts as a lock or a
 * blocking call is callKinds.ts; qualified names are qualnames.ts.
 */
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
  /** Names assigned a lock anywhere, so a `with name:` before the assignment in the file still counts. */
  private readonly lockNames: ReadonlySet<string>;

  constructor(private readonly root: SyntaxNode) {
    this.lockNames = lockNamesIn(root);
  }

  result(): PythonOutline {
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

  /**
   * @param scope the qualified-name parts of the enclosing definitions
   * @param locks the lock-ish context texts held here (with blocks, acquire…release stretches)
   */
  private walk(node: SyntaxNode, scope: readonly ScopePart[], locks: readonly string[]): void {
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

  private definition(stmt: SyntaxNode, def: SyntaxNode, scope: readonly ScopePart[]): void {
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
    if (body) this.walk(body, [...scope, scopePart(name.text, def.type === 'function_definition' ? 'function' : 'class')], []);
  }

  private withStatement(stmt: SyntaxNode, scope: readonly ScopePart[], held: readonly string[]): void {
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

