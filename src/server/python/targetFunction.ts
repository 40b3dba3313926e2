import type { PyFunction, PythonOutline, ThreadTarget } from './outlineTypes';
import { lastPart } from './syntax';

/** The function a thread target names, when this file defines it: `worker`, `self.run_batch`. */
export function targetFunction(o: PythonOutline, t: ThreadTarget): PyFunction | undefined {
  if (!/^[A-Za-z_][\w.]*$/.test(t.targetText)) return undefined;
  const name = lastPart(t.targetText);
  const candidates = o.functions.filter((f) => f.name === name && (t.targetText === name || !f.topLevel));
  if (candidates.length <= 1) return candidates[0];
  // Several: the nearest definition above the call (a nested `def worker` in the same function).
  return candidates.filter((f) => f.defLine <= t.line).sort((a, b) => b.defLine - a.defLine)[0] ?? candidates[0];
}
