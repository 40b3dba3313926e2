import { analyzeRecording } from '../../core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../core/analysis/recordingSession';
import { buildReport } from '../../core/report/buildReport';
import type { Report } from '../../core/report/schema';

export function loadAnalysis(path: string): RecordingAnalysis {
  return analyzeRecording(path);
}

/** The analysis and report of a recording; `cores`: predict for that many (`--cores`), else for the run's. */
export function loadReport(path: string, cores?: number): { analysis: RecordingAnalysis; report: Report } {
  const analysis = loadAnalysis(path);
  return { analysis, report: buildReport(analysis, 'gilscope', cores) };
}
