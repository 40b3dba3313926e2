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
  /** A free-threaded build (header build flag bit 1): threads have the states of ftMachine.ts. */
  ft = false;
  /** Recording flag bit 4: index-255 records say when threads detach and attach; without it running and detached are one. */
  detachSeen = false;
  /** Stop-the-world waits: (slot, start, end, woken at (ticks, NaN unknown), waker slot, requester 1/0, site) per wait (stopTheWorld.ts). */
  readonly stwWaits: number[] = [];
  /** PHASE spans: (slot, kind, start, end) per span; open ones by `slot * 8 + kind` → start. */
  readonly phases: number[] = [];
  readonly openPhases = new Map<number, number>();
  /** GIL_ENABLED: when the GIL was turned on for good and the module's string id (0: from the start); NaN before. */
  gilEnabledTs = NaN;
  gilEnabledModule = 0;

  constructor(readonly convoyTicks: number, baseBinTicks: number, logNumbers = DEFAULT_LOG_NUMBERS) {
    this.grid = new BinGrid(baseBinTicks);
    this.logBudget = new LogBudget(logNumbers);
    this.cpu = new CpuSamples(this.grid);
  }
}
