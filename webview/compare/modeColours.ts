import type { Rgb } from '../common/color';
import { parseColor } from '../common/color';
import type { Theme } from '../common/theme';

/** Each mode's chart colour, a --vscode-charts-* variable (with the Dark Modern value when unset). */
const MODE_VARIABLES: Readonly<Record<string, readonly [string, string]>> = {
  threads: ['charts-red', '#f14c4c'],
  'processes-fork': ['charts-blue', '#3794ff'],
  'processes-spawn': ['charts-purple', '#b180d7'],
  'processes-forkserver': ['charts-orange', '#d18616'],
  subinterpreters: ['charts-green', '#89d185'],
  'free-threaded': ['charts-yellow', '#cca700'],
};

/** The colour of `mode`'s lines in the current theme; the text colour for a mode without one. */
export function modeColour(mode: string, theme: Theme): Rgb {
  const variable = MODE_VARIABLES[mode];
  if (!variable) return theme.foreground;
  const value = getComputedStyle(document.body).getPropertyValue(`--vscode-${variable[0]}`);
  return parseColor(value || variable[1], theme.foreground, theme.background);
}
