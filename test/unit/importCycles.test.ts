import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { importCycles, importGraph } from '../support/importGraph';
import { tempDir } from '../support/recordingFixtures';
import { repoRoot } from '../support/repoRoot';

/**
 * No import circles among the TypeScript modules of src/ and webview/: two modules that
 * import each other (or round a longer circle) have a shared concern with no home of its
 * own, and neither can be read, tested or moved without the other. The runtime's Python
 * package is checked the same way by runtime/tests/test_import_cycles.py.
 */

test('src/ and webview/ have no import cycle', () => {
  const graph = importGraph(repoRoot, ['src', 'webview']);
  assert.ok(graph.size > 100, `the walk found the sources (${graph.size} files)`);
  assert.ok(graph.get('webview/report/timeline.ts')?.has('webview/heatmap/heatmapCanvas.ts'), 'the walk follows imports');
  const cycles = importCycles(graph);
  assert.deepEqual(cycles.map((c) => c.join(' → ')), [], 'modules that import each other, directly or round a circle');
});

test('the walk finds a circle made of type imports, multi-line imports and re-exports', () => {
  const root = tempDir('gilscope-cycles-');
  const files: Record<string, string> = {
    'a.ts': "import type {\n  B,\n} from './b';\nexport const a = 1;\n",
    'b.ts': "export { c } from './sub';\nexport interface B { x: number }\n",
    'sub/index.ts': "// import { a } from '../a' is only a comment\nexport const c = import('../a');\n",
    'alone.ts': "import { a } from './a';\nimport { readFileSync } from 'node:fs';\n",
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, 'src', name)), { recursive: true });
    writeFileSync(join(root, 'src', name), text);
  }
  const graph = importGraph(root, ['src']);
  assert.deepEqual([...graph.get('src/alone.ts')!], ['src/a.ts']);
  assert.deepEqual(importCycles(graph), [['src/a.ts', 'src/b.ts', 'src/sub/index.ts', 'src/a.ts']]);
});

/**
 * The analysis core's layers read downward (docs/architecture.md): the decoder (format/)
 * reads no analysis, and the analysis reads none of what is built on it (report/,
 * suggest/, export/, compare/). A type two layers share lives in the lower one.
 */
const ABOVE: Readonly<Record<string, readonly string[]>> = {
  'src/core/format': ['src/core/analysis', 'src/core/report', 'src/core/suggest', 'src/core/export', 'src/core/compare'],
  'src/core/analysis': ['src/core/report', 'src/core/suggest', 'src/core/export', 'src/core/compare'],
};

test('src/core/format and src/core/analysis import nothing of the layers above them', () => {
  const graph = importGraph(repoRoot, ['src']);
  const upward: string[] = [];
  for (const [file, imports] of graph) {
    for (const [layer, above] of Object.entries(ABOVE)) {
      if (!file.startsWith(`${layer}/`)) continue;
      for (const target of imports) if (above.some((a) => target.startsWith(`${a}/`))) upward.push(`${file} → ${target}`);
    }
  }
  assert.ok([...graph.keys()].some((f) => f.startsWith('src/core/analysis/')), 'the walk found the analysis');
  assert.deepEqual(upward, [], 'imports from a layer above');
});
