/**
 * The visible window of the report's timeline, in seconds from the recording's start: what
 * the timeline shows, the page saves with its state, and the metrics report as drawn last.
 */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}
