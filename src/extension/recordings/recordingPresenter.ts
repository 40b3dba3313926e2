import type { RecordingDisplay } from '../profiling/profiler';
import type { ReportPanel } from '../views/reportPanel';
import type { CurrentRecording } from './currentRecording';
import type { LoadedRecording } from './loadedRecording';

/**
 * Puts a recording in front of the user: it becomes the current one (lenses,
 * heat, panel follow it) and the report panel shows it. A run's first live
 * snapshot opens the report beside the code; later ones update it in place.
 */
export class RecordingPresenter implements RecordingDisplay {
  constructor(private readonly current: CurrentRecording, private readonly reports: ReportPanel) {}

  live(recording: LoadedRecording): void {
    const first = this.current.recording?.dir !== recording.dir;
    this.current.set(recording);
    if (first) this.reports.show(recording);
    else this.reports.update(recording);
  }

  finished(recording: LoadedRecording): void {
    this.show(recording);
  }

  show(recording: LoadedRecording): void {
    this.current.set(recording);
    this.reports.show(recording);
  }
}
