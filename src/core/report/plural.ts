/** `1 thread`, `2 threads`; `many` where adding an s will not do (`2 processes`). For every text a person reads. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
