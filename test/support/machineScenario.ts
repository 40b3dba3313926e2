import { ms } from './recordingFixtures';
import { RecordingWriter } from './recordingWriter';

/**
 * A version 2 recording with CPU and machine samples, answers known (ms):
 *   main (slot 1):   start 0, released (asleep) to its end at 120; no run-queue delay.
 *   worker (slot 2): start 0, holds the GIL 0-40 (site 1), waits for it 40-80, holds 80-120 (site 1), ends 120.
 *                    Its run-queue delay (baseline 7 ms at its first sample) grows 1 ms per 10 ms while it
 *                    holds in 0-40, 5 ms per 10 ms while it waits, and not at all in 80-120: 24 ms in all,
 *                    20 ms of them in its GIL wait. Its CPU time grows 80 ms.
 *   gilscope (slot 3): gilscope's own thread (THREAD_START flag bit 1), writing every CPU_SAMPLE (each
 *                    thread every 10 ms) and a MACHINE_SAMPLE every 100 ms: 2 CPUs online; the CPUs were
 *                    busy `busyCpus` on average and this process used 0.4 of them.
 * The process exits at 120.
 */
export function sampledMachine(busyCpus = 1.8): RecordingWriter {
  const w = new RecordingWriter({ formatVersion: 2, onlineCpus: 2 });
  const main = w.thread(1);
  main.string(1, 'work.py').string(2, 'worker').string(3, 'gilscope-sampler');
  main.site(0, 1, 1, 2, 7, 5);
  main.start(0, 500, true).end(ms(120));
  const worker = w.thread(2);
  worker.start(0, 501).gilAcquire(0, 1, true).gilRelease(ms(40)).gilWait(ms(40)).gilAcquire(ms(80), 1).gilRelease(ms(120)).end(ms(120));
  const sampler = w.thread(3);
  sampler.start(0, 502, false, true).name(0, 3);
  let runQueue = ms(7);
  for (let t = 0; t <= 120; t += 10) {
    if (t > 0) runQueue += t <= 40 ? ms(1) : t <= 80 ? ms(5) : 0;
    sampler.cpuSample(ms(t), 1, ms(2), ms(1));
    sampler.cpuSample(ms(t), 2, runQueue, ms(3) + ms(Math.min(t, 40) + Math.max(0, t - 80)));
    if (t % 100 === 0) sampler.machineSample(ms(t), 2, ms(1000) + ms(busyCpus * t), ms(5) + ms(0.4 * t));
  }
  sampler.end(ms(120));
  w.end(1, 0, ms(120));
  return w;
}
