import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** Source files larger than this are not read for names. */
const MAX_SOURCE_BYTES = 4 << 20;

/** `target = Call(…)` or `target: T = Call(…)`, the target a name or a dotted attribute. */
const ASSIGNMENT = /^\s*([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*(?::[^=]+)?=(?!=)\s*[A-Za-z_][\w.]*\s*\(/;

/**
 * Names objects by the line that created them: the assigned name on that
 * line of the Python source (`shared_lock = threading.Lock()` gives
 * `shared_lock`, `self._lock = RLock()` gives `self._lock`). Each file is
 * read at most once; unreadable files (`<frozen …>`, deleted, too large) and
 * lines that are not a plain assignment of a call give no name.
 */
export class SourceNames {
  private readonly files = new Map<string, readonly string[] | null>();

  /** @param cwd the workload's working directory, against which relative file names resolve */
  constructor(private readonly cwd: string | undefined) {}

  nameAt(file: string, line: number): string | null {
    if (!file || file.startsWith('<') || line < 1) return null;
    const text = this.lines(file)?.[line - 1];
    if (text === undefined) return null;
    const m = ASSIGNMENT.exec(text);
    return m ? m[1]!.replace(/\s+/g, '') : null;
  }

  private lines(file: string): readonly string[] | null {
    let lines = this.files.get(file);
    if (lines !== undefined) return lines;
    lines = null;
    try {
      const path = isAbsolute(file) ? file : resolve(this.cwd ?? '.', file);
      if (statSync(path).size <= MAX_SOURCE_BYTES) lines = readFileSync(path, 'utf8').split('\n');
    } catch {
      lines = null; // gone or unreadable: no name
    }
    this.files.set(file, lines);
    return lines;
  }
}
