type Child = Node | string | null | undefined | false;

/** Attributes set with setAttribute, except `class` and `text` shortcuts; event listeners are added by the caller. */
export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** `el('td', { class: 'num' }, '12 ms')`: a small element builder (no HTML strings, so nothing needs escaping). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** Sets text only when it changed, so live updates do not disturb layout or screen readers. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A 16×16 icon from one path, drawn in currentColor. */
export function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const p = document.createElementNS(SVG, 'path');
  p.setAttribute('d', path);
  svg.append(p);
  return svg;
}

/** Icon paths (16×16, filled with currentColor). */
export const ICONS = {
  zoomIn: 'M7 3h1.5v3.5H12V8H8.5v3.5H7V8H3.5V6.5H7z M7.75 0a7.75 7.75 0 1 0 4.9 13.76l2.3 2.3 1.06-1.06-2.3-2.3A7.75 7.75 0 0 0 7.75 0zm0 1.5a6.25 6.25 0 1 1 0 12.5 6.25 6.25 0 0 1 0-12.5z',
  zoomOut: 'M3.5 6.5H12V8H3.5z M7.75 0a7.75 7.75 0 1 0 4.9 13.76l2.3 2.3 1.06-1.06-2.3-2.3A7.75 7.75 0 0 0 7.75 0zm0 1.5a6.25 6.25 0 1 1 0 12.5 6.25 6.25 0 0 1 0-12.5z',
  reset: 'M2 2h5v1.5H3.5V7H2zm12 0v5h-1.5V3.5H9V2zM2 14V9h1.5v3.5H7V14zm12 0H9v-1.5h3.5V9H14z',
  follow: 'M3 3l6 5-6 5zm7 0h1.5v10H10z',
  warning: 'M7.56 1.14a.5.5 0 0 1 .88 0l6.5 12.5A.5.5 0 0 1 14.5 14.4h-13a.5.5 0 0 1-.44-.76zM7.25 5.5v4.25h1.5V5.5zm0 5.5v1.5h1.5V11z',
  lightbulb: 'M8 1a5 5 0 0 0-3 9v2.5a1 1 0 0 0 1 1h.5a1.5 1.5 0 0 0 3 0h.5a1 1 0 0 0 1-1V10a5 5 0 0 0-3-9zm-1.5 11v-1h3v1zm3.62-3.1-.62.45V9.5h-3v-.15l-.62-.45a3.5 3.5 0 1 1 4.24 0z',
  record: 'M8 3a5 5 0 1 1 0 10A5 5 0 0 1 8 3z',
  file: 'M4 1h5.5L13 4.5V15H4zm1.5 1.5v11h6V5.5H8.5v-3z',
} as const;
