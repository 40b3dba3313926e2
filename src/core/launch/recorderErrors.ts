import { readRecorderNotes } from '../format/recorderNotes';

/**
 * Why processes of a recording were not recorded (errors-<pid>.txt;
 * src/core/format/recorderNotes.ts reads them): distinct reasons, each once.
 */
export function recorderErrors(recordingDir: string): string[] {
  return [...new Set(readRecorderNotes(recordingDir).filter((n) => !n.recorded).map((n) => n.text))];
}
