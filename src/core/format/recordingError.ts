/** What went wrong with a recording, so callers can choose a hint or an exit code. */
export type RecordingErrorKind =
  | 'missing' // the path does not exist or holds no recording
  | 'notRecording' // a file of another format
  | 'newerVersion' // written by a newer gilscope
  | 'truncated' // the file ends before what its header promises
  | 'corrupt'; // a value that cannot be right

/**
 * The one error the decoder throws for bad input. It names the file and the
 * byte offset, and its message is one line meant for a person.
 */
export class RecordingError extends Error {
  readonly kind: RecordingErrorKind;
  readonly file: string;
  readonly offset: number | undefined;
  readonly hint: string;

  constructor(kind: RecordingErrorKind, file: string, offset: number | undefined, what: string, hint: string) {
    super(`${file}: ${what}${offset === undefined ? '' : ` at byte ${offset}`}${hint ? `; ${hint}` : ''}`);
    this.name = 'RecordingError';
    this.kind = kind;
    this.file = file;
    this.offset = offset;
    this.hint = hint;
  }
}

export const HINT_STILL_WRITTEN =
  'the recording may still be written — wait for the workload to end or re-record';
export const HINT_CORRUPT = 'the file is damaged — re-record';
