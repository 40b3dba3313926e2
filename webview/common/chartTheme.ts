import { cssColor } from './color';
import type { Theme } from './theme';

/** The font of chart labels: the theme's, a little smaller than the text. */
export function chartFont(theme: Theme): { family: string; size: number } {
  return { family: theme.fontFamily, size: Math.round(theme.fontSize * 0.9) };
}

/** A chart.js tooltip in the theme's colours, like VS Code's hovers. */
export function tooltipTheme(theme: Theme) {
  const fg = cssColor(theme.foreground);
  const font = chartFont(theme);
  return {
    backgroundColor: cssColor(theme.background),
    titleColor: fg,
    bodyColor: fg,
    borderColor: cssColor(theme.border),
    borderWidth: 1,
    titleFont: font,
    bodyFont: font,
  };
}
