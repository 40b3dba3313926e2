/** Columns of the per-site (per-line) table; values in ticks or counts. */
export const SiteCol = {
  held: 0,
  wait: 1,
  released: 2,
  lockWait: 3,
  convoyCount: 4,
  convoyWait: 5,
  acquisitions: 6,
  blocked: 7,
  /** Free-threaded builds (ftMachine.ts): attached and not waiting, named by the line it attached again at. */
  running: 8,
  /** Detached (I/O, sleep, native code), named likewise. */
  detached: 9,
  /** Stopped by the world, at the line it stood on (STW_WAIT's site). */
  stw: 10,
} as const;

export const SITE_COLUMNS = 11;
