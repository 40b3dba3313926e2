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
} as const;

export const SITE_COLUMNS = 8;
