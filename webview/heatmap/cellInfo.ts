import type { ReportSite } from '../../src/protocol/webviewProtocol';
import type { Rgb } from '../common/color';

/** What a tooltip (and the screen-reader announcement) says about one cell. */
export interface CellInfo {
  /** The row: thread or lock name, with its process when there are several. */
  readonly title: string;
  /** The cell's time span. */
  readonly time: string;
  /** State shares or lock figures, each with the colour it is drawn in. */
  readonly parts: readonly { readonly label: string; readonly value: string; readonly color: Rgb }[];
  /** The Python line of the cell, when known: a click or Enter opens it. */
  readonly site?: ReportSite;
  /** How `site` relates to the cell, e.g. "where threads waited". */
  readonly siteNote?: string;
}

/** Plain text of a cell for the live region. */
export function cellText(info: CellInfo): string {
  const parts = info.parts.map((p) => `${p.label} ${p.value}`).join(', ');
  const site = info.site ? `, line ${info.site.file.split(/[\\/]/).pop()}:${info.site.line} ${info.site.function}. Enter opens it` : '';
  return `${info.title}, ${info.time}: ${parts}${site}.`;
}
