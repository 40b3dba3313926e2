import type { HeatmapKind } from '../../src/protocol/webviewProtocol';
import { el } from '../common/dom';

/** The parts of one heatmap's DOM that it draws into or updates. */
export interface HeatmapElements {
  /** The whole heatmap, for the page to place. */
  readonly element: HTMLElement;
  readonly labels: HTMLElement;
  /** The axis, the canvases and the tooltip: what measures the width. */
  readonly plot: HTMLElement;
  readonly axis: HTMLCanvasElement;
  /** The cells; the one focusable part, described to screen readers. */
  readonly canvas: HTMLCanvasElement;
  /** Hover and keyboard cursor, drawn over the cells. */
  readonly overlay: HTMLCanvasElement;
  /** A polite live region: what the keyboard cursor's cell says. */
  readonly live: HTMLElement;
}

/**
 * Builds a heatmap's DOM: a corner, the row labels, and the plot (time axis above a stack
 * of the cell canvas and its overlay, and the tooltip), with the keyboard help and the live
 * region that the canvas names in aria-describedby.
 */
export function heatmapElements(kind: HeatmapKind, label: string, tooltip: HTMLElement): HeatmapElements {
  const id = `heatmap-${kind}`;
  const labels = el('div', { class: 'heatmap-labels', 'aria-hidden': 'true' });
  const axis = el('canvas', { class: 'heatmap-axis', 'aria-hidden': 'true' });
  const canvas = el('canvas', {
    class: 'heatmap-canvas',
    tabindex: 0,
    role: 'application',
    'aria-roledescription': 'heatmap',
    'aria-label': label,
    'aria-describedby': `${id}-help ${id}-live`,
  });
  const overlay = el('canvas', { class: 'heatmap-overlay', 'aria-hidden': 'true' });
  const live = el('div', { class: 'visually-hidden', id: `${id}-live`, 'aria-live': 'polite' });
  const help = el(
    'div',
    { class: 'visually-hidden', id: `${id}-help` },
    'Plus and minus zoom, left and right arrows pan, up and down arrows choose a row, Shift with left and right arrows moves along the row, Home shows the whole recording, Enter opens the line of the cell.',
  );
  const plot = el('div', { class: 'heatmap-plot' }, axis, el('div', { class: 'heatmap-stack' }, canvas, overlay), tooltip);
  const element = el('div', { class: `heatmap heatmap-${kind}` }, el('div', { class: 'heatmap-corner' }), labels, plot, help, live);
  return { element, labels, plot, axis, canvas, overlay, live };
}
