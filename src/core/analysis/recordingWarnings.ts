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
