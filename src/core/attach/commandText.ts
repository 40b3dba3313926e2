/** A process's argv as one line for a person: words with spaces, quotes or newlines quoted (JSON-style), as a shell would need them. */
export function commandText(argv: readonly string[]): string {
  return argv.map((a) => (a === '' || /[\s'"\\$`]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}
