import assert from 'node:assert/strict';
import type { RecordingAnalysis } from '../../src/core/analysis/recordingSession';
import type { Suggestion } from '../../src/core/suggest/types';

/**
 * The suggestions predict for the cores a run had: the CPUs online less what other programs
 * used meanwhile, as its recording measured (src/core/suggest/runCores.ts). On the test
 * machine those programs include the other tests, so the same workload gets the advice for
 * 2 cores on a quiet machine and for 1 on a busy one, both right.
 *
 * The tests that know a workload's right advice for this machine's cores judge it on the
 * analysis without the machine's samples (the suggestions are then for the cores given,
 * as for a recording that has none), whatever the load was; checkRunCores checks, beside,
 * that the advice the user gets says the cores it was predicted for.
 */
export function forMachineCores(a: RecordingAnalysis): RecordingAnalysis {
  return { ...a, processes: a.processes.map((p) => ({ ...p, machine: null })) };
}

/** The fewest free CPUs of the recording's sampled processes, rounded as runCores rounds them; null when none was sampled. */
function runFreeCores(a: RecordingAnalysis): number | null {
  const free = a.processes.map((p) => p.machine?.freeCpus).filter((f): f is number => typeof f === 'number');
  return free.length ? Math.max(1, Math.round(Math.min(...free) * 10) / 10) : null;
}

/**
 * The advice as the user gets it (`suggestions`, the run's own cores): every suggestion that
 * counts cores says which, no more than the recording's CPUs online and no fewer than the
 * least any of its sampled processes had free, and its detail says so. Returns the cores it
 * was predicted for (null when the machine was not sampled), for a diagnostic.
 */
export function checkRunCores(a: RecordingAnalysis, suggestions: readonly Suggestion[], what: string): number | null {
  const least = runFreeCores(a);
  const online = Math.max(0, ...a.processes.map((p) => p.machine?.onlineCpus ?? 0));
  const counted = suggestions.filter((s) => s.evidence['cores'] !== undefined && s.evidence['onlineCpus'] !== undefined);
  if (least === null) {
    assert.equal(counted.length, 0, `${what}: no machine samples, yet ${counted.map((s) => s.kind).join(', ')} say the run's cores`);
    return null;
  }
  assert.ok(suggestions.length === 0 || counted.length > 0, `${what}: the machine was sampled (${least} cores free), yet no suggestion says the cores it is for`);
  for (const s of counted) {
    const cores = s.evidence['cores']!;
    assert.ok(cores >= least - 1e-9 && cores <= online, `${what}: ${s.kind} is for ${cores} cores: ${least} to ${online} were free`);
    assert.equal(s.evidence['onlineCpus'], online, `${what}: ${s.kind}'s CPUs online`);
    assert.match(s.detail, new RegExp(`Predicted for the ${cores} cores? this run had`), `${what}: ${s.kind} says the cores it is for`);
  }
  return counted[0]?.evidence['cores'] ?? null;
}

/**
 * The cores other programs left a workload, from what it measured of the machine over its run
 * (its truth line's `machine`: the CPUs other processes used meanwhile) on this machine's `cores`. Not rounded up to a core: a process given less than one
 * (two threads sharing the CPUs with others' busy threads) uses less than one.
 * A bound that load moves (cores used, a parallel speedup) is judged against this, not skipped.
 */
export function freeCoresOf(truth: { readonly machine?: { readonly foreign_cpus: number | null } | null }, cores: number): number {
  return freeCores(truth.machine?.foreign_cpus, cores);
}

/** The same from the CPUs other processes used (a compare run's `foreignCpus`). */
export function freeCores(foreignCpus: number | null | undefined, cores: number): number {
  return Math.max(0.05, Math.min(cores, cores - (foreignCpus ?? 0)));
}
