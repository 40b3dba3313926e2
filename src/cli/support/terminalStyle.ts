/** Colour for a person at a terminal: only on a TTY and when NO_COLOR is unset. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

const plain = (s: string): string => s;

/** No colour: for files, pipes and tests. */
export const PLAIN: Style = { bold: plain, dim: plain, red: plain, yellow: plain, green: plain };

export function styleFor(stream: NodeJS.WriteStream): Style {
  const on = stream.isTTY === true && !process.env['NO_COLOR'];
  const wrap = (code: number) => (on ? (s: string) => `\x1b[${code}m${s}\x1b[0m` : plain);
  return { bold: wrap(1), dim: wrap(2), red: wrap(31), yellow: wrap(33), green: wrap(32) };
}
