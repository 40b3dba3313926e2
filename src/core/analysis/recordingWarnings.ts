import type { RecorderNote } from '../format/recorderNotes';
import { busyMachine, busyMachineText } from './busyMachine';
import type { ProcessResult } from './model';
import { gilLifeSeconds } from './gilLife';

/** `100 MB`, `1.5 MB`: a size cap in decimal megabytes. */
function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb >= 10 ? Math.round(mb) : Number(mb.toFixed(1))} MB`;
}

/**
 * Warnings a person must see next to the numbers: never silent about gaps.
 * An attached recording is said where the process is shown ("attached at
 * T"), not warned about: what came before is simply not part of it.
 */
export function recordingWarnings(processes: readonly ProcessResult[]): string[] {
  const out: string[] = [];
  for (const p of processes) {
    const who = `process ${p.key}`;
    if (p.lostRecords > 0) out.push(`${who}: ${p.lostRecords} records were lost (disk full or mapping failed); totals are incomplete`);
    if (p.cappedAtSeconds !== null) {
      const cap = p.capBytes !== null ? ` (${megabytes(p.capBytes)})` : '';
      out.push(`recording stopped at the size cap${cap} at ${p.cappedAtSeconds.toFixed(2)} s in ${who}; what came after is not recorded`);
    }
    if (p.running) out.push(`${who} is still running: the report covers what it has recorded so far`);
    else if (p.cappedAtSeconds !== null) {
      // Its end is known or not, but the report ends at the cap either way.
    } else if (p.endKind === 'unknown' && p.python.sampled) out.push(`${who} ended between samples: the sampler did not see its exit status`);
    else if (p.endKind === 'unknown') out.push(`${who} ended without a word (killed with SIGKILL?): times end at its last record`);
    if (p.endKind === 'signal') out.push(`${who} was ended by signal ${p.signal ?? '?'}`);
    if (p.python.sampled) out.push(`${who}: GIL states were sampled${p.python.sampleHz ? ` at ${p.python.sampleHz} Hz` : ''}, not recorded exactly`);
    const unknown = p.threads.reduce((s, t) => s + (t.gil.unknownSeconds ?? 0), 0);
    if (unknown > 0) {
      const life = p.threads.reduce((s, t) => s + gilLifeSeconds(t.gil), 0);
      out.push(`${who}: the sampler could not read this Python's GIL: ${Math.round((100 * unknown) / life)}% of its threads' time went to running either with it or in native code without it, which look the same from outside; that time is shown as unknown, not as released`);
    }
    // A launched Python that ended before the sampler found its interpreter: its file has its end only.
    if (p.python.sampled && p.threads.length === 0 && !p.running) out.push(`${who}: ended before the sampler saw a thread of it: nothing of its GIL is known; record it again, or exactly`);
    if (p.gilEnabledAt) out.push(gilEnabledText(who, p.gilEnabledAt));
    const busy = busyMachine(p);
    if (busy) out.push(processes.length > 1 ? `${who}: ${busyMachineText(busy)}` : busyMachineText(busy));
  }
  return out;
}

/**
 * A free-threaded build whose GIL was turned on while it ran: the program ran
 * with a GIL from then on, which it does not have bare.
 */
export function gilEnabledText(who: string, at: { readonly seconds: number; readonly module: string | null }): string {
  if (at.module === null) return `${who}: a free-threaded Python running with its GIL on (PYTHON_GIL=1 or -X gil=1): its threads take turns on it`;
  return `${who}: the GIL was turned on at ${at.seconds.toFixed(2)} s to import ${at.module}, which does not declare that it runs without one (Py_mod_gil): its threads take turns on it from then on`;
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
