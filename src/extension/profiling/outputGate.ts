/**
 * Keeps a flooding workload from drowning the terminal (and the editor with
 * it): within each one-second window at most `budget` characters pass, spread
 * over the window in SLICES parts (a terminal given half a megabyte at once
 * stops the window that draws it for a moment; an eighth of it, eight times,
 * does not); the rest is counted, never shown, and a line says how much was
 * left out when the next window opens. The workload's pipes are always read
 * in full, so it never blocks on its output and the recording stays true.
 */
export class OutputGate {
  private windowStart = -Infinity;
  private sliceStart = -Infinity;
  private passedInSlice = 0;
  private skippedInWindow = 0;
  /** The text shown last did not end its line: a gap or a notice starts a new one first. */
  private lineOpen = false;
  private readonly sliceBudget: number;
  /** Characters not shown over the whole run. */
  skipped = 0;

  constructor(
    private readonly show: (text: string) => void,
    budget = 512 * 1024,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.sliceBudget = Math.floor(budget / SLICES);
  }

  write(text: string): void {
    const t = this.now();
    const newWindow = t - this.windowStart >= WINDOW_MS;
    if (newWindow) {
      this.flushNotice();
      this.windowStart = t;
    }
    // A window starts a slice, and slices start at least WINDOW_MS / SLICES apart: a window holds at most SLICES of them.
    if (newWindow || t - this.sliceStart >= WINDOW_MS / SLICES) {
      this.sliceStart = t;
      this.passedInSlice = 0;
    }
    const room = Math.max(0, this.sliceBudget - this.passedInSlice);
    const shown = text.length <= room ? text : text.slice(0, room);
    if (shown) {
      this.show(shown);
      this.passedInSlice += shown.length;
      this.lineOpen = !shown.endsWith('\n');
    }
    const cut = text.length - shown.length;
    if (cut > 0) {
      this.endLine();
      this.skippedInWindow += cut;
      this.skipped += cut;
    }
  }

  /** Says what the current window left out; called at the end of the run too. */
  flushNotice(): void {
    if (this.skippedInWindow === 0) return;
    this.endLine();
    this.show(`\x1b[33m[gilscope: ${formatCount(this.skippedInWindow)} of output not shown: the workload writes faster than a terminal can show]\x1b[0m\r\n`);
    this.skippedInWindow = 0;
  }

  private endLine(): void {
    if (!this.lineOpen) return;
    this.show('\r\n');
    this.lineOpen = false;
  }
}

/** The window a notice covers, in milliseconds. */
const WINDOW_MS = 1000;
/** The parts of a window the budget is spread over. */
const SLICES = 8;

export function formatCount(characters: number): string {
  if (characters < 1024) return `${characters} characters`;
  if (characters < 1024 * 1024) return `${(characters / 1024).toFixed(0)} KiB`;
  return `${(characters / 1024 / 1024).toFixed(1)} MiB`;
}
