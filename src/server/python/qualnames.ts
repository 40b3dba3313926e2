/**
 * CPython's qualified names (co_qualname: `Outer.method`, `main.<locals>.worker`) from the
 * definitions the outline walk is inside. A scope is a list of parts, each a name and what
 * it names: `name\0f` a function, `name\0c` a class.
 */

export type ScopePart = `${string}\0${'f' | 'c'}`;

export function scopePart(name: string, kind: 'function' | 'class'): ScopePart {
  return `${name}\0${kind === 'function' ? 'f' : 'c'}`;
}

/** The prefix of what is defined in the scope: a function's name gets `.<locals>` after it. */
export function qualPrefix(scope: readonly ScopePart[]): string {
  return scope.map((s) => (s.endsWith('\0f') ? `${s.slice(0, -2)}.<locals>` : s.slice(0, -2))).join('.');
}

/** The qualified name of the innermost scope itself, `<module>` at top level. */
export function scopeName(scope: readonly ScopePart[]): string {
  if (scope.length === 0) return '<module>';
  const outer = qualPrefix(scope.slice(0, -1));
  const own = scope[scope.length - 1]!.slice(0, -2);
  return outer ? `${outer}.${own}` : own;
}
