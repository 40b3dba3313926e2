import { resolve } from 'node:path';
import type { RecordingStatus } from '../../protocol/lspProtocol';
import type { FileFigures } from './fileFigures';
import { loadRecording, recordingSignature } from './loadRecording';
import type { LoadedRecording } from './loadRecording';

interface Entry {
  readonly signature: string;
  readonly result: LoadedRecording | Error;
}

/**
 * The recordings the client named, read once each (again when their files
 * change). A source file's figures come from the newest recording that ran it.
 */
export class RecordingStore {
  private readonly entries = new Map<string, Entry>();
  private paths: string[] = [];

  /** Replaces the list; reads what is new or rewritten. Returns each recording's status. */
  set(paths: readonly string[]): RecordingStatus[] {
    this.paths = [...new Set(paths.map((p) => resolve(p)))];
    for (const key of [...this.entries.keys()]) if (!this.paths.includes(key)) this.entries.delete(key);
    return this.paths.map((path) => status(path, this.load(path)));
  }

  /** Reads again the recordings whose files changed (a recording still being written). */
  refresh(): RecordingStatus[] {
    return this.set(this.paths);
  }

  loaded(): LoadedRecording[] {
    return [...this.entries.values()].map((e) => e.result).filter((r): r is LoadedRecording => !(r instanceof Error));
  }

  /** The newest recording with figures for this real path. */
  forFile(path: string): { readonly recording: LoadedRecording; readonly figures: FileFigures } | undefined {
    let best: { recording: LoadedRecording; figures: FileFigures } | undefined;
    for (const recording of this.loaded()) {
      const figures = recording.files.get(path);
      if (figures && (!best || recording.startedAtMs > best.recording.startedAtMs)) best = { recording, figures };
    }
    return best;
  }

  private load(path: string): LoadedRecording | Error {
    const signature = recordingSignature(path);
    const known = this.entries.get(path);
    if (known && known.signature === signature) return known.result;
    let result: LoadedRecording | Error;
    try {
      result = loadRecording(path);
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    this.entries.set(path, { signature, result });
    return result;
  }
}

function status(path: string, result: LoadedRecording | Error): RecordingStatus {
  if (result instanceof Error) return { path, state: 'failed', error: result.message };
  return { path, state: 'loaded', wallSeconds: result.report.wallSeconds, files: [...result.files.keys()].sort() };
}
