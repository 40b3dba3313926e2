/** Ticks of one file → seconds of the recording, by the clock fit. */
export class TimeMap {
  constructor(
    /** ns from the recording's start to this file's start_mono_ns. */
    readonly fileOffsetNs: number,
    readonly intercept: number,
    /** ns per tick */
    readonly slope: number,
  ) {}

  seconds(ticks: number): number {
    return (this.fileOffsetNs + this.intercept + this.slope * ticks) / 1e9;
  }

  duration(ticks: number): number {
    return (this.slope * ticks) / 1e9;
  }
}
