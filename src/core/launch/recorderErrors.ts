import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Why processes of a recording were not recorded: the runtime writes one line
 * per process into errors-<pid>.txt instead of printing into the workload's
 * own stderr. Distinct reasons, each once.
 */
export function recorderErrors(recordingDir: string): string[] {
  const reasons = new Set<string>();
  for (const name of readdirSync(recordingDir)) {
    if (!/^errors-\d+\.txt$/.test(name)) continue;
    for (const line of readFileSync(join(recordingDir, name), 'utf8').split('\n')) {
      if (line.trim()) reasons.add(line.trim());
    }
  }
  return [...reasons];
}
