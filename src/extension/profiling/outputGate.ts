/**
 * Keeps a flooding workload from drowning the terminal (and the editor with
 * it): within each one-second window at most `budget` characters pass; the
 * rest is counted, never shown, and a line says how much was left out when
 * the next window opens. The workload's pipes are always read in full, so it
 * never blocks on its output and the recording stays true.
 */
export class OutputGate {
  private windowStart = -Infinity;
  private passed = 0;
  private skippedInWindow = 0;
  /** Characters not shown over the whole run. */
  skipped = 0;

  constructor(
    private readonly show: (text: string) => void,
    private readonly budget = 512 * 1024,
    private readonly now: () => number = () => performance.now(),
  ) {}

  write(text: string): void {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.flushNotice();
      this.windowStart = t;
      this.passed = 0;
    }
    const room = Math.max(0, this.budget - this.passed);
    const shown = text.length <= room ? text : text.slice(0, room);
    if (shown) {
      this.show(shown);
      this.passed += shown.length;
    }
    const cut = text.length - shown.length;
    if (cut > 0) {
      if (this.skippedInWindow === 0) this.show('\r\n');
      this.skippedInWindow += cut;
      this.skipped += cut;
    }
  }

  /** Says what the current window left out; called at the end of the run too. */
  flushNotice(): void {
    if (this.skippedInWindow === 0) return;
    this.show(`\x1b[33m[gilscope: ${formatCount(this.skippedInWindow)} of output not shown: the workload writes faster than a terminal can show]\x1b[0m\r\n`);
    this.skippedInWindow = 0;
  }
}

export function formatCount(characters: number): string {
  if (characters < 1024) return `${characters} characters`;
  if (characters < 1024 * 1024) return `${(characters / 1024).toFixed(0)} KiB`;
  return `${(characters / 1024 / 1024).toFixed(1)} MiB`;
}
