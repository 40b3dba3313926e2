import { basename } from 'node:path';

/** `python`, `python3`, `python3.12`, `python3.13t` or a path to one: a command line that is a Python's. */
export function isPython(program: string): boolean {
  return /^python(\d+(\.\d+)?t?)?$/.test(basename(program));
}
