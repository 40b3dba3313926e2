import { walkNested } from './nesting';
import type { TextOut } from './textOut';
import type { ExportThread, Timeline } from './timeline';

/**
 * The Chrome trace-event format (JSON object form), which Perfetto and
 * chrome://tracing open: one track per thread, named by metadata events,
 * with a complete event ("X") per span, times in µs from the recording's
 * start, and `args` {file, line, function} naming the span's line.
 */
export function writeChromeTrace(timeline: Timeline, out: TextOut, generator: string): void {
  out.write(`{"displayTimeUnit":"ms","otherData":${JSON.stringify({ generator })},"traceEvents":[\n`);
  let first = true;
  const event = (e: object): void => {
    out.write(first ? JSON.stringify(e) : `,\n${JSON.stringify(e)}`);
    first = false;
  };
  for (const [p, proc] of timeline.processes.entries()) {
    event({ ph: 'M', name: 'process_name', pid: proc.traceId, tid: 0, args: { name: proc.label } });
    event({ ph: 'M', name: 'process_sort_index', pid: proc.traceId, tid: 0, args: { sort_index: p } });
    for (const [i, t] of proc.threads.entries()) {
      event({ ph: 'M', name: 'thread_name', pid: t.traceId, tid: t.tid, args: { name: t.name } });
      event({ ph: 'M', name: 'thread_sort_index', pid: t.traceId, tid: t.tid, args: { sort_index: i } });
      threadEvents(t, event);
    }
  }
  out.write('\n]}\n');
}

const us = (seconds: number): number => Math.round(seconds * 1e9) / 1e3;

function threadEvents(t: ExportThread, event: (e: object) => void): void {
  walkNested(t.spans, {
    open: () => undefined,
    close: (i, at) => {
      const info = t.describe(i);
      // Both ends rounded the same way, so spans that touch still touch.
      const ts = us(t.time.seconds(t.spans.start(i)));
      const dur = Math.max(0, Math.round((us(t.time.seconds(at)) - ts) * 1e3) / 1e3);
      event({
        ph: 'X',
        name: info.name,
        cat: info.category,
        pid: t.traceId,
        tid: t.tid,
        ts,
        dur,
        args: { file: info.site.file, line: info.site.line, function: info.site.function, ...info.extra },
      });
    },
  });
}
