import type { Report } from '../../core/report/schema';
import { loadReport } from './loadReport';
import { renderTerminalReport } from './terminalReport';
import { styleFor } from './terminalStyle';

/** The report's terminal summary, on stderr so the workload's stdout stays its own; the report, when it could be made. */
export function printSummary(recordingDir: string): Report | null {
  try {
    const { report } = loadReport(recordingDir);
    process.stderr.write(renderTerminalReport(report, styleFor(process.stderr)));
    return report;
  } catch (error) {
    process.stderr.write(`gilscope: the recording could not be summarised: ${(error as Error).message}\n`);
    return null;
  }
}
