import { basename } from 'node:path';
import { writeChromeTrace } from './chromeTrace';
import { writeSpeedscope } from './speedscope';
import type { TextOut } from './textOut';
import { buildTimeline } from './timeline';

/** The timeline exports: Chrome trace-event JSON (Perfetto, chrome://tracing) and speedscope JSON. */
export const EXPORT_FORMATS = ['chrome', 'speedscope'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Reads the recording in `dir` (so a bad one throws before any output is
 * opened) and returns the writer of its `format` export; the caller opens
 * and closes `out`.
 */
export function timelineExport(dir: string, format: ExportFormat, generator: string): (out: TextOut) => void {
  const timeline = buildTimeline(dir);
  return format === 'chrome'
    ? (out) => writeChromeTrace(timeline, out, generator)
    : (out) => writeSpeedscope(timeline, out, generator, basename(dir));
}
