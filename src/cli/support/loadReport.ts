import { analyzeRecording } from '../../core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../core/analysis/recordingSession';
import { buildReport } from '../../core/report/buildReport';
import type { Report } from '../../core/report/schema';
import { UsageError } from './cliFailure';

/** The one positional argument of the recording commands. */
export function recordingPath(positionals: readonly string[]): string {
  if (positionals.length === 0) throw new UsageError('missing the recording directory');
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  return positionals[0]!;
}

export function loadAnalysis(path: string): RecordingAnalysis {
  return analyzeRecording(path);
}

export function loadReport(path: string): { analysis: RecordingAnalysis; report: Report } {
  const analysis = loadAnalysis(path);
  return { analysis, report: buildReport(analysis) };
}
