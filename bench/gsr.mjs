// A minimal reader of .gsr files (runtime/FORMAT.md, versions 1 and 2), independent of
// src/core/format: the header fields the benchmarks need and a count of the records by
// type and thread, GIL_QUIET summaries counted as the pairs they stand for.
import { readFileSync } from 'node:fs';

export const GIL_TYPES = { 4: 'release', 5: 'wait', 6: 'acquire', 10: 'handoff' };
const GIL_QUIET = 15;

export function readHeader(buf) {
  if (buf.toString('latin1', 0, 8) !== 'GILSCOPE') throw new Error('not a .gsr file (magic)');
  return {
    formatVersion: buf.readUInt32LE(8),
    chunkSize: buf.readUInt32LE(16),
    slotSize: buf.readUInt32LE(20),
    pid: buf.readUInt32LE(24),
    startMonoNs: buf.readBigUInt64LE(32),
    startTicks: buf.readBigUInt64LE(40),
    ticksPerNs: buf.readDoubleLE(56),
    clockKind: buf.readUInt32LE(64),
    chunksAllocated: Number(buf.readBigUInt64LE(72)),
    lostRecords: Number(buf.readBigUInt64LE(80)), // FORMAT.md offset 80
    endKind: buf.readUInt32LE(88),
    endMonoNs: buf.readBigUInt64LE(96),
  };
}

/**
 * Counts records: per type, GIL records per thread slot, THREAD_START tids, and GIL
 * records whose time falls in [fromNs, toNs] (CLOCK_MONOTONIC ns; ticks converted
 * with the header's start pair and ticks_per_ns, precise to well under a
 * millisecond over seconds, which is all a window count needs).
 */
export function countRecords(path, { fromNs = -Infinity, toNs = Infinity } = {}) {
  const buf = readFileSync(path);
  const h = readHeader(buf);
  const start = Number(h.startMonoNs), startTicks = Number(h.startTicks);
  const toMono = h.clockKind === 1 ? (t) => start + (t - startTicks) / h.ticksPerNs : (t) => t;
  const byType = new Map();
  const perSlot = new Map(); // slot -> { tid, release, wait, acquire, handoff }
  let gilRecords = 0, gilInWindow = 0, records = 0;
  const slotOf = (slot) => {
    let s = perSlot.get(slot);
    if (!s) perSlot.set(slot, (s = { tid: 0, release: 0, wait: 0, acquire: 0, handoff: 0 }));
    return s;
  };
  const slotsPerChunk = (h.chunkSize - 32) / h.slotSize;
  for (let c = 0; c < h.chunksAllocated; c++) {
    const base = 4096 + c * h.chunkSize;
    if (base + h.chunkSize > buf.length) break;
    if (buf.readUInt32LE(base) !== 0x4b435347) continue; // reserved, not yet written
    const s = slotOf(buf.readUInt32LE(base + 4));
    for (let i = 0; i < slotsPerChunk;) {
      const off = base + 32 + i * h.slotSize;
      const type = buf[off];
      if (type === 0) break;
      const extra = buf[off + 1];
      records++;
      byType.set(type, (byType.get(type) ?? 0) + 1);
      const kind = GIL_TYPES[type];
      if (type === GIL_QUIET) {
        // a summary of release + re-take pairs that carried no contention (FORMAT.md version 2)
        const pairs = buf.readUInt32LE(off + 16);
        s.release += pairs;
        s.acquire += pairs;
        gilRecords += 2 * pairs;
        // two payload slots: the span's end at +40; one: stamped at the span's end
        const at = extra >= 2 ? off + 40 : off + 8;
        const last = toMono(buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 4294967296);
        if (last >= fromNs && last <= toNs) gilInWindow += 2 * pairs;
      } else if (kind) {
        gilRecords++;
        s[kind]++;
        const ts = toMono(buf.readUInt32LE(off + 8) + buf.readUInt32LE(off + 12) * 4294967296);
        if (ts >= fromNs && ts <= toNs) gilInWindow++;
      } else if (type === 1) {
        s.tid = buf.readUInt32LE(off + 4);
      }
      i += 1 + extra;
    }
  }
  return { header: h, records, byType, perSlot, gilRecords, gilInWindow, fileBytes: buf.length };
}
