/** A Python location as named by a SITE record. */
export interface Site {
  readonly file: string;
  readonly function: string;
  readonly line: number;
  readonly firstLine: number;
}

const NO_FRAME: Site = { file: '', function: '<no Python frame>', line: 0, firstLine: 0 };

/**
 * The strings and sites defined in one file. A record may name a definition
 * that appears later in file order, so names are resolved after decoding.
 */
export class Definitions {
  private readonly strings = new Map<number, string>();
  private readonly siteWords = new Map<number, [number, number, number, number]>();
  private readonly resolved = new Map<number, Site>();

  addString(id: number, text: string): void {
    this.strings.set(id, text);
  }

  addSite(id: number, fileId: number, functionId: number, line: number, firstLine: number): void {
    this.siteWords.set(id, [fileId, functionId, line, firstLine]);
    this.resolved.delete(id);
  }

  string(id: number): string | undefined {
    return id === 0 ? undefined : this.strings.get(id);
  }

  get siteCount(): number {
    return this.siteWords.size;
  }

  /** The site with this id; site 0 and unknown ids resolve to a placeholder. */
  site(id: number): Site {
    if (id === 0) return NO_FRAME;
    const cached = this.resolved.get(id);
    if (cached) return cached;
    const words = this.siteWords.get(id);
    const site: Site = words
      ? {
          file: this.strings.get(words[0]) ?? `<string ${words[0]}>`,
          function: this.strings.get(words[1]) ?? `<string ${words[1]}>`,
          line: words[2],
          firstLine: words[3],
        }
      : { file: '', function: `<unknown site ${id}>`, line: 0, firstLine: 0 };
    if (words) this.resolved.set(id, site);
    return site;
  }
}
