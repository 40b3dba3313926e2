import { walkNested } from './nesting';
import type { TextOut } from './textOut';
import type { ExportThread, Timeline } from './timeline';

/** https://www.speedscope.app/file-format-schema.json */
const SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

/**
 * The speedscope file format: one "evented" profile per thread, in seconds
 * from the recording's start, its frames the spans' names at their lines
 * (`GIL wait · convoy_worker`, file and line), opened and closed in nested
 * order. Frames are shared across profiles.
 */
export function writeSpeedscope(timeline: Timeline, out: TextOut, generator: string, name: string): void {
  const frames: { name: string; file?: string; line?: number }[] = [];
  const frameIds = new Map<string, number>();
  const frameOf = (t: ExportThread, i: number): number => {
    const info = t.describe(i);
    const label = `${info.name} · ${info.site.function}`;
    const key = `${label}\0${info.site.file}\0${info.site.line}`;
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push(info.site.file ? { name: label, file: info.site.file, line: info.site.line } : { name: label });
      frameIds.set(key, id);
    }
    return id;
  };
  out.write(`{"$schema":${JSON.stringify(SCHEMA)},"exporter":${JSON.stringify(generator)},"name":${JSON.stringify(name)},"activeProfileIndex":0,"profiles":[`);
  let firstProfile = true;
  for (const proc of timeline.processes) {
    for (const t of proc.threads) {
      out.write(firstProfile ? '\n' : ',\n');
      firstProfile = false;
      const header = { type: 'evented', name: `${t.name} (pid ${t.processKey}, tid ${t.tid})`, unit: 'seconds', startValue: t.startSeconds, endValue: Math.max(t.startSeconds, t.endSeconds) };
      out.write(`${JSON.stringify(header).slice(0, -1)},"events":[`);
      let firstEvent = true;
      const event = (type: 'O' | 'C', frame: number, at: number): void => {
        out.write(`${firstEvent ? '' : ','}{"type":"${type}","frame":${frame},"at":${at}}`);
        firstEvent = false;
      };
      const open = new Map<number, number>();
      walkNested(t.spans, {
        open: (i, at) => {
          const f = frameOf(t, i);
          open.set(i, f);
          event('O', f, t.time.seconds(at));
        },
        close: (i, at) => {
          event('C', open.get(i)!, t.time.seconds(at));
          open.delete(i);
        },
      });
      out.write(']}');
    }
  }
  out.write(`\n],"shared":{"frames":${JSON.stringify(frames)}}}\n`);
}
