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

  /**
   * The report of part of a recording being opened (recordingOpener.ts): in the report panel
   * only. It becomes the current one (lenses, heat, and the language server, which reads the
   * recording itself) once it is whole, so that nothing else reads it meanwhile.
   */
  partial(recording: LoadedRecording): void {
    if (this.reports.recording?.dir === recording.dir) this.reports.update(recording);
    else this.reports.show(recording);
  }

  finished(recording: LoadedRecording): void {
    this.show(recording);
  }

  show(recording: LoadedRecording): void {
    this.current.set(recording);
    this.reports.show(recording);
  }
}
