/**
 * The suites' test API: `describe` and `it` with mocha's meaning, small enough to read in one
 * go (so no mocha dependency). A suite file calls them at load time; the index collects the
 * declarations of each file, then runs them in declaration order, one at a time.
 *
 *   describe('activation', () => {
 *     it('activates on a Python file', async () => { ... }, { timeoutMs: 30_000 });
 *   });
 *
 * `before`/`after` run once around the tests of the `describe` they are declared in (or of the
 * file, at top level). A test fails when its function throws or rejects, or runs past its timeout.
 */

export interface TestOptions {
  /** Default 20 s. */
  readonly timeoutMs?: number;
  /** Declared but not run: reported as skipped with this reason. */
  readonly skip?: string;
}

export type TestFunction = () => void | Promise<void>;

export interface DeclaredTest {
  readonly path: readonly string[];
  readonly name: string;
  readonly fn: TestFunction;
  readonly options: TestOptions;
}

/** One `describe` block (or a file's top level): its hooks and, in order, its tests and child blocks. */
export interface Block {
  readonly path: readonly string[];
  readonly before: TestFunction[];
  readonly after: TestFunction[];
  readonly children: (Block | DeclaredTest)[];
}

export const DEFAULT_TIMEOUT_MS = 20_000;

/** Collects what one suite file declares while the index loads it (see `collect`). */
class Collector {
  private current: Block | undefined;

  /** Runs `load` (which requires a suite file) and returns what it declared. */
  collect(load: () => void): Block {
    const root: Block = { path: [], before: [], after: [], children: [] };
    this.current = root;
    try {
      load();
    } finally {
      this.current = undefined;
    }
    return root;
  }

  block(): Block {
    if (!this.current) throw new Error('describe/it/before/after are only for suite files, called while the index loads them');
    return this.current;
  }

  within(child: Block, body: () => void): void {
    const parent = this.block();
    parent.children.push(child);
    this.current = child;
    try {
      body();
    } finally {
      this.current = parent;
    }
  }
}

export const declarations = new Collector();

export function describe(name: string, body: () => void): void {
  const parent = declarations.block();
  declarations.within({ path: [...parent.path, name], before: [], after: [], children: [] }, body);
}

export function it(name: string, fn: TestFunction, options: TestOptions = {}): void {
  const block = declarations.block();
  block.children.push({ path: block.path, name, fn, options });
}

export function before(fn: TestFunction): void {
  declarations.block().before.push(fn);
}

export function after(fn: TestFunction): void {
  declarations.block().after.push(fn);
}
