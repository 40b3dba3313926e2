/**
 * Python parsing for the language server: tree-sitter's Python grammar, run
 * as WebAssembly inside the server process (npm `web-tree-sitter` and the
 * `tree-sitter-python.wasm` that the `tree-sitter-python` package ships;
 * build.mjs copies both .wasm files next to dist/server.js, so the .vsix
 * carries them and nothing is fetched at run time).
 *
 * Why this and not the interpreter's own `ast` in a helper process:
 * - the server answers on every keystroke, and the file is rarely valid
 *   Python while it is typed: tree-sitter recovers from the error and still
 *   gives every other function, `with` block and thread target, where `ast`
 *   gives nothing for the whole file until it parses again;
 * - it runs in process and synchronously (a parse of a 1,000-line file is a
 *   millisecond or two): no helper to start, feed JSON lines, restart when it
 *   dies, or find (the extension may have no interpreter selected, or a remote
 *   one; the server must work on a bare recording);
 * - positions are UTF-16 columns, as the LSP wants them.
 * The cost: the grammar can lag the newest syntax of the interpreter being
 * profiled (unknown syntax becomes an ERROR node around that statement and the
 * rest still parses), and 660 KB of .wasm in the package.
 */
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import type { Node } from 'web-tree-sitter';

export type { Node as SyntaxNode } from 'web-tree-sitter';

/** The runtime's .wasm (web-tree-sitter) and the grammar's, as build.mjs names them in dist/. */
export const RUNTIME_WASM = 'tree-sitter.wasm';
export const PYTHON_WASM = 'tree-sitter-python.wasm';

/**
 * Parser.init loads the one WebAssembly runtime of this process; every
 * PythonParser shares it, so it is started once, whatever the folder asked.
 */
let runtime: Promise<void> | undefined;

/** A loaded Python grammar. `parse` hands out a tree that lives only during the callback. */
export class PythonParser {
  private constructor(private readonly parser: Parser) {}

  /** Loads the runtime and the grammar from `wasmDir` (dist/ in the package). */
  static async load(wasmDir: string): Promise<PythonParser> {
    runtime ??= Parser.init({ locateFile: (name: string) => join(wasmDir, name) });
    await runtime;
    const language = await Language.load(join(wasmDir, PYTHON_WASM));
    const parser = new Parser();
    parser.setLanguage(language);
    return new PythonParser(parser);
  }

  /**
   * Parses `text` and calls `use` with the module node. The tree's memory is
   * WebAssembly memory and is freed when `use` returns: keep no node.
   */
  parse<T>(text: string, use: (root: Node) => T): T {
    const tree = this.parser.parse(text);
    if (!tree) throw new Error('tree-sitter returned no tree');
    try {
      return use(tree.rootNode);
    } finally {
      tree.delete();
    }
  }
}
