import { BinGrid } from './binGrid';
import { CpuSamples } from './cpuSamples';
import { IdColumns } from './idColumns';
import type { LockStats } from './lockStats';
import { DEFAULT_LOG_NUMBERS, LogBudget } from './numberLog';
import { SITE_COLUMNS } from './siteColumns';

/** Lock rows in the heatmap are kept for this many locks, the first ones used. */
export const MAX_LOCK_ROWS = 4096;

/** The per-process tables the GIL and lock machines write into. */
export class ProcessContext {
  readonly sites = new IdColumns(SITE_COLUMNS);
  readonly gilHeld = new Float64Array(256);
  readonly gilWait = new Float64Array(256);
  readonly gilAcquisitions = new Float64Array(256);
  readonly gilInterpreter = new Map<number, number>();
  readonly locks = new Map<number, LockStats>();
  lockRows = 0;
  readonly grid: BinGrid;
  /** Shared by the hold, wait and critical-section logs that find who blocked whom (snapshotHolders.ts). */
  readonly logBudget: LogBudget;
  /** CPU_SAMPLE and MACHINE_SAMPLE (cpuSamples.ts). */
  readonly cpu: CpuSamples;
  /** An attached recording's names (THREAD_NAME with a tid) of threads whose records are not read yet: tid → [ts, name string id]. */
  readonly tidNames = new Map<number, [number, number]>();
  /** THREAD_AT_ATTACH of threads whose records are not read yet: tid → [ts, flags]. */
  readonly atAttach = new Map<number, [number, number]>();

  /**
   * @param convoyTicks a wait at least this long after a voluntary release is a convoy wait
   * @param baseBinTicks the initial heatmap bin width
   */
  constructor(readonly convoyTicks: number, baseBinTicks: number, logNumbers = DEFAULT_LOG_NUMBERS) {
    this.grid = new BinGrid(baseBinTicks);
    this.logBudget = new LogBudget(logNumbers);
    this.cpu = new CpuSamples(this.grid);
  }
}
