import type { CompareRun, ReportSite } from '../../src/protocol/webviewProtocol';
import { formatBytes, formatSeconds, formatShare, formatSpeedup, shortPath } from '../common/format';
import { DataTable } from '../report/dataTable';
import type { TableColumn } from '../report/dataTable';

const or = <T>(value: T | null, format: (v: T) => string): string => (value === null ? '–' : format(value));

function predicted(r: CompareRun): string {
  if (r.predictedSpeedup === null) return '–';
  const range = r.predictedInterval ? ` (${formatSpeedup(r.predictedInterval[0])}–${formatSpeedup(r.predictedInterval[1])})` : '';
  return `${formatSpeedup(r.predictedSpeedup)}${range}`;
}

/** The run's recording as the table's button names it (DataTable's buttons open a "site"; here a folder, line 0). */
const recordingSite = (r: CompareRun): ReportSite | null => (r.recording ? { file: r.recording, line: 0, function: '' } : null);

const COLUMNS: readonly TableColumn<CompareRun>[] = [
  { header: 'Mode', text: (r) => r.mode },
  { header: 'Workers', text: (r) => or(r.workers, String), numeric: true },
  { header: 'Wall', text: (r) => or(r.wallSeconds, formatSeconds), numeric: true, title: (r) => or(r.wallSeconds, (s) => `${s} s`) },
  { header: 'Speedup', text: (r) => or(r.speedup, formatSpeedup), numeric: true },
  { header: 'Predicted', text: predicted, numeric: true },
  { header: 'CPU', text: (r) => or(r.cpuUtilisation, formatShare), numeric: true, title: () => 'CPU seconds per wall second per usable core' },
  { header: 'GIL held', text: (r) => or(r.gil?.heldShare ?? null, formatShare), numeric: true },
  { header: 'GIL wait', text: (r) => or(r.gil?.waitShare ?? null, formatShare), numeric: true },
  { header: 'Start-up', text: (r) => or(r.startupSeconds, formatSeconds), numeric: true },
  { header: 'Transfer', text: (r) => or(r.transferSeconds, formatSeconds), numeric: true, title: () => 'Pickling and the results\' trips back, summed over tasks' },
  { header: 'Peak memory', text: (r) => or(r.peakMemoryBytes, formatBytes), numeric: true },
  { header: 'Error', text: (r) => r.error ?? '', title: (r) => r.error ?? '' },
  {
    header: 'Recording',
    text: (r) => (r.recording ? 'report' : '–'),
    site: recordingSite,
    siteLabel: (r) => `Open the report of the ${r.mode} run${r.workers === null ? '' : ` with ${r.workers} workers`}`,
    title: (r) => (r.recording ? shortPath(r.recording, 1) : ''),
  },
];

/** Every run of the comparison, one row each, in the order they ran; a run's recording opens in the report. */
export function runsTable(openRecording: (dir: string) => void): DataTable<CompareRun> {
  return new DataTable<CompareRun>('The runs: each mode and number of workers, measured', COLUMNS, (site) => openRecording(site.file));
}
