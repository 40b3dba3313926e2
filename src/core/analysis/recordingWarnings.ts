import type { RecorderNote } from '../format/recorderNotes';
import type { ProcessResult } from './model';

/** Warnings a person must see next to the numbers: never silent about gaps. */
export function recordingWarnings(processes: readonly ProcessResult[]): string[] {
  const out: string[] = [];
  for (const p of processes) {
    const who = `process ${p.pid}`;
    if (p.lostRecords > 0) out.push(`${who}: ${p.lostRecords} records were lost (disk full or mapping failed); totals are incomplete`);
    if (p.running) out.push(`${who} is still running: the report covers what it has recorded so far`);
    else if (p.endKind === 'unknown' && p.python.sampled) out.push(`${who} ended between samples: the sampler did not see its exit status`);
    else if (p.endKind === 'unknown') out.push(`${who} ended without a word (killed with SIGKILL?): times end at its last record`);
    if (p.endKind === 'signal') out.push(`${who} was ended by signal ${p.signal ?? '?'}`);
    if (p.python.sampled) out.push(`${who}: GIL states were sampled${p.python.sampleHz ? ` at ${p.python.sampleHz} Hz` : ''}, not recorded exactly`);
    if (!p.python.gilEnabled) out.push(`${who}: runs without a GIL (free-threaded): there is no GIL contention to measure`);
  }
  return out;
}

/**
 * Warnings about the recording folder itself: what errors-<pid>.txt say (a
 * process not recorded, or recorded with less detail) and a session.json
 * that is there but damaged.
 */
export function folderWarnings(notes: readonly RecorderNote[], sessionDamaged: string | undefined): string[] {
  const out: string[] = [];
  if (sessionDamaged) out.push(`session.json is damaged (${sessionDamaged}): the command and exit status are unknown`);
  const seen = new Set<string>();
  for (const n of notes) {
    const line = n.recorded ? `process ${n.pid}: ${n.text} (${n.file})` : `process ${n.pid} was not recorded: ${n.text} (${n.file})`;
    if (!seen.has(line)) out.push(line);
    seen.add(line);
  }
  return out;
}
