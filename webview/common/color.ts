/** An sRGB colour, 0..255 per channel. */
export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

let probe: CanvasRenderingContext2D | null | undefined;

/** Any CSS colour (a --vscode-* value) as Rgb, its alpha composited over `over`; `fallback` when it does not parse. */
export function parseColor(css: string, fallback: Rgb, over?: Rgb): Rgb {
  probe ??= document.createElement('canvas').getContext('2d');
  const text = css.trim();
  if (!probe || !text) return fallback;
  probe.fillStyle = '#010203';
  probe.fillStyle = text;
  const normal = String(probe.fillStyle);
  if (normal === '#010203' && text.toLowerCase() !== '#010203') return fallback;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normal);
  if (hex) return { r: parseInt(hex[1]!, 16), g: parseInt(hex[2]!, 16), b: parseInt(hex[3]!, 16) };
  const rgba = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(normal);
  if (!rgba) return fallback;
  const c = { r: Number(rgba[1]), g: Number(rgba[2]), b: Number(rgba[3]) };
  const a = rgba[4] === undefined ? 1 : Number(rgba[4]);
  return over && a < 1 ? mix(over, c, a) : c;
}

/** a·(1−t) + b·t */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return { r: a.r + (b.r - a.r) * t, g: a.g + (b.g - a.g) * t, b: a.b + (b.b - a.b) * t };
}

export function cssColor(c: Rgb, alpha = 1): string {
  const r = Math.round(c.r);
  const g = Math.round(c.g);
  const b = Math.round(c.b);
  return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** Relative luminance (WCAG), 0 (black) .. 1 (white). */
export function luminance(c: Rgb): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}
