/**
 * The what-if driver's progress lines on stderr
 * (runtime/python/gilscope/whatif/driver.py `_say`):
 *
 *   gilscope compare: [2/5] threads ×1 …          a run starts
 *   gilscope compare: [2/5] threads ×1: 0.017 s   it ended (or: its error)
 *
 * Any other line is something the driver has to say (a mode that cannot run
 * here, or why it refused the request).
 */
export type DriverLine =
  | { readonly kind: 'started'; readonly index: number; readonly count: number; readonly run: string }
  | { readonly kind: 'ended'; readonly index: number; readonly count: number; readonly run: string; readonly outcome: string }
  | { readonly kind: 'said'; readonly text: string };

const PREFIX = /^gilscope compare: /;
const STARTED = /^\[(\d+)\/(\d+)\] (.+) …$/;
const ENDED = /^\[(\d+)\/(\d+)\] (.+?): (.+)$/;

export function driverLine(line: string): DriverLine {
  const text = line.replace(PREFIX, '');
  const started = STARTED.exec(text);
  if (started) return { kind: 'started', index: Number(started[1]), count: Number(started[2]), run: started[3]! };
  const ended = ENDED.exec(text);
  if (ended) return { kind: 'ended', index: Number(ended[1]), count: Number(ended[2]), run: ended[3]!, outcome: ended[4]! };
  return { kind: 'said', text };
}
