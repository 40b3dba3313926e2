import { basename } from 'node:path';
import * as vscode from 'vscode';
import { RecordingSession } from '../../core/analysis/recordingSession';
import { READING_PACE, readInSlices, yieldToOthers } from '../../core/analysis/slicedReading';
import type { ReadingPace } from '../../core/analysis/slicedReading';
import { LoadedRecording } from './loadedRecording';

/** How a recording is opened: read at once up to `atOnceBytes` (32 MiB: a fifth of a second or less), else in slices. */
export type OpeningPace = ReadingPace & { readonly atOnceBytes: number };

export const OPENING_PACE: OpeningPace = { ...READING_PACE, atOnceBytes: 32 << 20 };

const MIB = 1 << 20;

/** The latest opening's number: a newer one supersedes one still reading, as the report panel shows one recording. */
let latestOpening = 0;

/**
 * Reads and analyses a finished recording for the editor without holding
 * the extension host: a large one is read a slice at a time
 * (core/analysis/slicedReading.ts) under a progress notification that says
 * how much of it is read and can cancel, and `partial` is handed a report of
 * what has been read so far, now and then, as a live run's is. Resolves to
 * the whole recording, or undefined when the reading was cancelled (the last
 * partial report stays, marked with the share read), was superseded by a
 * newer opening, or the directory holds no recording (`unreadable` is told
 * why; by default an error message names it).
 */
export async function loadRecordingInSlices(
  dir: string,
  partial: (recording: LoadedRecording) => void,
  pace: OpeningPace = OPENING_PACE,
  unreadable: (error: Error) => void = (error) => void vscode.window.showErrorMessage(`gilscope: ${dir} holds no recording gilscope can read: ${error.message}`),
): Promise<LoadedRecording | undefined> {
  const opening = ++latestOpening;
  const superseded = (): boolean => opening !== latestOpening;
  const session = new RecordingSession(dir);
  try {
    if (session.progress().totalBytes <= pace.atOnceBytes) {
      session.poll();
      return new LoadedRecording(session.result(), false);
    }
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `gilscope: reading ${basename(dir)}`, cancellable: true },
      async (progress, token) => {
        let shownPercent = 0;
        const read = await readInSlices(session, {
          progress: (share, readBytes, totalBytes) => {
            const percent = Math.floor(share * 100);
            if (percent <= shownPercent) return;
            progress.report({ increment: percent - shownPercent, message: `${(readBytes / MIB).toFixed(0)} of ${(totalBytes / MIB).toFixed(0)} MiB` });
            shownPercent = percent;
          },
          partial: (analysis, share) => partial(new LoadedRecording(analysis, false, share)),
          cancelled: () => token.isCancellationRequested || superseded(),
        }, pace);
        if (!read) return undefined;
        progress.report({ increment: 100 - shownPercent, message: 'analysing' });
        await yieldToOthers(); // the message goes out before the last, longest step
        return new LoadedRecording(session.result(), false);
      },
    );
  } catch (error) {
    unreadable(error as Error);
    return undefined;
  } finally {
    session.close();
  }
}
