import type { ProcessResult } from '../analysis/model';
import type { Draft } from './draft';
import type { RunCores } from './profile';
import { plural } from '../report/plural';

/**
 * The cores the run actually had (format version 2's MACHINE_SAMPLE): the
 * CPUs online less what other programs used on average, at least one. Null
 * without machine samples: the predictions are then for the machine making
 * the report.
 */
export function runCores(p: ProcessResult): RunCores | null {
  const m = p.machine;
  if (!m || m.freeCpus === null || m.foreignCpus === null || !(m.onlineCpus > 0)) return null;
  return { cores: Math.max(1, Math.round(m.freeCpus * 10) / 10), onlineCpus: m.onlineCpus, foreignCpus: m.foreignCpus };
}

/** Says in a suggestion that its prediction is for the cores the run had. */
export function withRunCores(d: Draft, c: RunCores): Draft {
  const foreign = c.foreignCpus.toFixed(1);
  return {
    ...d,
    detail: `${d.detail} Predicted for the ${plural(c.cores, 'core')} this run had: ${c.onlineCpus} online, of which other programs used ${foreign} on average.`,
    model: `${d.model}; cores = ${c.cores} (${c.onlineCpus} online − ${foreign} used by other programs)`,
    evidence: { ...d.evidence, cores: c.cores, onlineCpus: c.onlineCpus, foreignCpus: Math.round(c.foreignCpus * 1000) / 1000 },
  };
}
