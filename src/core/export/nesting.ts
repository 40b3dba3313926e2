import type { SpanList } from './spanList';

/** Receives a thread's spans as properly nested opens and closes, in time order (ticks). */
export interface NestVisitor {
  open(span: number, at: number): void;
  close(span: number, at: number): void;
}

/**
 * Walks a thread's spans as a properly nested sequence, which both the
 * Chrome trace (slices on one track) and speedscope (evented profiles)
 * require: by start, the longer first; a span that would outlast the one
 * around it is cut at that one's end, and an empty one is left out. The
 * timeline's spans nest by construction (lock waits contain the GIL waits
 * inside them); the cut only guards against damaged input.
 */
export function walkNested(spans: SpanList, visit: NestVisitor): void {
  const n = spans.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => spans.start(a) - spans.start(b) || spans.end(b) - spans.end(a) || a - b);
  const stack: number[] = [];
  const ends: number[] = [];
  for (const i of order) {
    const start = spans.start(i);
    while (stack.length > 0 && ends[ends.length - 1]! <= start) visit.close(stack.pop()!, ends.pop()!);
    const end = stack.length > 0 ? Math.min(spans.end(i), ends[ends.length - 1]!) : spans.end(i);
    if (!(end > start)) continue;
    visit.open(i, start);
    stack.push(i);
    ends.push(end);
  }
  while (stack.length > 0) visit.close(stack.pop()!, ends.pop()!);
}
