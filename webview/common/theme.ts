import { mix, parseColor } from './color';
import type { Rgb } from './color';

/**
 * The colours and fonts of the current VS Code theme, from its --vscode-* variables
 * (chart series from --vscode-charts-*). VS Code changes the variables and the body's
 * class (vscode-light, vscode-dark, vscode-high-contrast) when the theme changes;
 * `watchTheme` reads them again then.
 */
export interface Theme {
  readonly kind: 'light' | 'dark' | 'highContrast' | 'highContrastLight';
  readonly background: Rgb;
  readonly foreground: Rgb;
  readonly muted: Rgb;
  readonly grid: Rgb;
  readonly border: Rgb;
  readonly focus: Rgb;
  /** GIL states of a thread. */
  readonly held: Rgb;
  readonly wait: Rgb;
  readonly lockWait: Rgb;
  readonly released: Rgb;
  /** A free-threaded build's thread without a GIL: running (attached), stopped by the world, blocked on an event. */
  readonly running: Rgb;
  readonly stopped: Rgb;
  readonly blocked: Rgb;
  /** A sampled thread whose GIL the sampler could not read: neither held nor released, a grey of its own. */
  readonly unknown: Rgb;
  /** States of a lock. */
  readonly lockHold: Rgb;
  readonly lockQueue: Rgb;
  readonly fontFamily: string;
  readonly fontSize: number;
}

const WHITE: Rgb = { r: 255, g: 255, b: 255 };

function kindOf(body: HTMLElement): Theme['kind'] {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'highContrastLight';
  if (c.contains('vscode-high-contrast')) return 'highContrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const v = (name: string): string => style.getPropertyValue(`--vscode-${name}`);
  const kind = kindOf(document.body);
  const light = kind === 'light' || kind === 'highContrastLight';
  const background = parseColor(v('editor-background'), light ? WHITE : { r: 30, g: 30, b: 30 });
  const foreground = parseColor(v('foreground'), light ? { r: 59, g: 59, b: 59 } : { r: 204, g: 204, b: 204 }, background);
  const c = (name: string, fallback: string): Rgb => parseColor(v(name) || fallback, foreground, background);
  const contrast = kind === 'highContrast' || kind === 'highContrastLight';
  return {
    kind,
    background,
    foreground,
    muted: c('descriptionForeground', 'gray'),
    grid: mix(background, c('charts-lines', 'gray'), 0.6),
    border: c('panel-border', 'gray'),
    focus: c('focusBorder', '#0078d4'),
    held: c('charts-blue', '#3794ff'),
    wait: c('charts-red', '#f14c4c'),
    lockWait: c('charts-yellow', '#cca700'),
    // Released time is the quiet part of a row: a faint tint of the text colour.
    released: mix(background, foreground, contrast ? 0.3 : light ? 0.1 : 0.14),
    running: c('charts-green', '#89d185'),
    stopped: c('charts-orange', '#d18616'),
    blocked: mix(background, foreground, contrast ? 0.5 : 0.3),
    unknown: mix(background, foreground, contrast ? 0.7 : 0.6),
    lockHold: c('charts-purple', '#b180d7'),
    lockQueue: c('charts-yellow', '#cca700'),
    fontFamily: v('font-family').trim() || 'system-ui, sans-serif',
    fontSize: parseFloat(v('font-size')) || 13,
  };
}

/** Calls `changed` (at most once a frame) when VS Code switches theme. */
export function watchTheme(changed: () => void): void {
  let pending = false;
  const observer = new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      changed();
    });
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
