import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The import graph of TypeScript sources, read from the text (no compiler): every relative
 * `import … from './x'`, `import type …`, `export … from`, `import('./x')` and
 * `require('./x')`, resolved to a file of the graph. Type-only imports count: a circle of
 * types is still two modules that cannot be read one without the other.
 */
export type ImportGraph = ReadonlyMap<string, ReadonlySet<string>>;

const SOURCE = /\.tsx?$/;
const SPECIFIER = /\b(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]*?\s*from\s*)?['"]([^'"]+)['"]|\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Block comments and whole-line `//` comments: an example in a comment is no import. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function sourcesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => SOURCE.test(p) && !p.endsWith('.d.ts') && statSync(p).isFile());
}

function resolveSpecifier(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => files.has(candidate));
}

/** The graph of every .ts file under `roots` (folders relative to `base`), keyed by path relative to `base`, '/'-separated. */
export function importGraph(base: string, roots: readonly string[]): ImportGraph {
  const files = new Set(roots.flatMap((r) => sourcesUnder(resolve(base, r))));
  const name = (path: string) => relative(base, path).split(sep).join('/');
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const edges = new Set<string>();
    for (const m of withoutComments(readFileSync(file, 'utf8')).matchAll(SPECIFIER)) {
      const specifier = m[1] ?? m[2]!;
      if (!specifier.startsWith('.')) continue;
      const target = resolveSpecifier(file, specifier, files);
      if (target && target !== file) edges.add(name(target));
    }
    graph.set(name(file), edges);
  }
  return graph;
}

/**
 * Each circle of the graph as one path round it (`a → b → a`): one per strongly connected
 * component of more than one module (Tarjan), starting at the component's first name.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((c) => pathRound(graph, new Set(c), c[0]!));
}

/** The shortest path from `start` back to itself inside the component (breadth first). */
function pathRound(graph: ImportGraph, component: ReadonlySet<string>, start: string): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = cameFrom.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [...component];
}
