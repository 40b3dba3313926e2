// A minimal reader of .gsr files (runtime/FORMAT.md, versions 1 to 3), independent of
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
  for (let c = 0; c < h.chunksAllocated; c++) {
    const base = 4096 + c * h.chunkSize;
    if (base + h.chunkSize > buf.length) break;
    if (buf.readUInt32LE(base) !== 0x4b435347) continue; // reserved, not yet written
    const s = slotOf(buf.readUInt32LE(base + 4));
    for (const r of chunkRecords(buf, h, base)) {
      records++;
      byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
      const kind = GIL_TYPES[r.type];
      if (r.type === GIL_QUIET) {
        // a summary of release + re-take pairs that carried no contention (FORMAT.md version 2)
        s.release += r.p0;
        s.acquire += r.p0;
        gilRecords += 2 * r.p0;
        // two payload slots: the span's end at +40; one: stamped at the span's end
        const last = toMono(r.extra >= 2 ? u64(buf, r.at + 40) : r.ts);
        if (last >= fromNs && last <= toNs) gilInWindow += 2 * r.p0;
      } else if (kind) {
        gilRecords++;
        s[kind]++;
        const ts = toMono(r.ts);
        if (ts >= fromNs && ts <= toNs) gilInWindow++;
      } else if (r.type === 1) {
        s.tid = r.arg;
      }
    }
  }
  return { header: h, records, byType, perSlot, gilRecords, gilInWindow, fileBytes: buf.length };
}

const u64 = (buf, at) => buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 4294967296;

/**
 * The records of the chunk at `base`: { type, extra, arg, ts, p0 (the first payload word), at }.
 * 16-byte slots up to version 2; from version 3, 8-byte units, where a short record's time
 * counts from the base: the chunk's time, then each earlier record's that is not tentative
 * (nor a STRING, whose time is its length).
 */
function* chunkRecords(buf, h, base) {
  const end = base + h.chunkSize;
  let t = u64(buf, base + 8);
  for (let off = base + 32; off < end;) {
    const b0 = buf[off];
    if (b0 === 0) return;
    let r;
    if (h.formatVersion >= 3 && (b0 & 0x80) !== 0) {
      const c = buf[off + 1];
      const payload = (b0 & 0x40) !== 0;
      r = { type: b0 & 0x3f, extra: payload ? 1 : 0, arg: buf.readUInt16LE(off + 2), ts: t + buf.readUInt32LE(off + 4), p0: payload ? buf.readUInt16LE(off + 8) : 0, at: off, tentative: (c & 0x40) !== 0 };
      off += payload ? 16 : 8;
    } else {
      const extra = buf[off + 1];
      r = { type: b0, extra, arg: buf.readUInt32LE(off + 4), ts: b0 === 9 ? t : u64(buf, off + 8), p0: extra > 0 ? buf.readUInt32LE(off + 16) : 0, at: off, tentative: (buf.readUInt16LE(off + 2) & 0x8000) !== 0 };
      off += 16 * (1 + extra);
    }
    if (!r.tentative) t = r.ts;
    yield r;
  }
}
