// The stress harness as a command: bench/stress.mjs builds this file and runs it.
//
//   node bench/stress.mjs [--programs 1000] [--pythons 3.8,3.13t,...] [--seed-base N]
//                         [--concurrency 3] [--timeout 60] [--keep]
//   node bench/stress.mjs --seed N [--pythons TAG]   one program, everything it printed
//   node bench/stress.mjs --seed N --print           the program's source, nothing run
//   --as-test: as `npm test` runs them (one launcher a program: gilscope record every 4th;
//              recordings read in this process)
//
// Every program runs bare and under both launchers, and every recording is read by
// `node dist/cli.js report DIR --json` (run `node build.mjs` first).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeFinding, LAUNCHERS, runDifferential } from './differential';
import type { StressPython } from './differential';
import { allStressPythons, readRecordingHere, readRecordingWithCli, stressPython, stressPythons } from './interpreters';
import { generateProgram } from './program';
import { runStress } from './session';

const { values } = parseArgs({
  options: {
    programs: { type: 'string', default: '1000' },
    pythons: { type: 'string' },
    'seed-base': { type: 'string' },
    seed: { type: 'string' },
    print: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '60' },
    keep: { type: 'boolean', default: false },
    // as `npm test` runs them: one launcher a program, in turn, and recordings read in this process
    'as-test': { type: 'boolean', default: false },
    // one line a program: its seconds bare and recorded, and what it is made of
    verbose: { type: 'boolean', default: false },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);

async function interpreters(): Promise<StressPython[]> {
  const tags = values.pythons?.split(',').map((t) => t.trim()).filter(Boolean);
  const found = tags ? await stressPythons(tags) : await allStressPythons();
  if (tags) {
    const missing = tags.filter((t) => !found.some((p) => p.tag === t));
    if (missing.length) throw new Error(`not listed by 'npm run pythons': ${missing.join(', ')}`);
  }
  return Promise.all(found.map(stressPython));
}

/** One program, on each interpreter asked for: every output, kept on disk. */
async function one(seed: number): Promise<number> {
  const program = generateProgram(seed);
  if (values.print) {
    process.stdout.write(program.source);
    return 0;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'gilscope-stress-'));
  say(`seed ${seed}:\n${program.summary.map((l) => `  ${l}`).join('\n')}`);
  let failed = 0;
  for (const python of await interpreters()) {
    const result = await runDifferential(program, python, { workDir, launchers: LAUNCHERS, timeoutMs: Number(values.timeout) * 1000, readRecording: readRecordingWithCli });
    say(`\n== ${python.tag} (${python.executable}); program and recordings in ${join(workDir, `${python.tag}-${seed}`)}`);
    for (const [name, run] of [['bare', result.bare] as const, ...result.recorded]) {
      say(`-- ${name}: ${run.exit.signal ? `killed by ${run.exit.signal}` : `exit ${run.exit.code}`}, ${run.seconds.toFixed(2)} s`);
      say(`stdout:\n${run.stdout}stderr:\n${run.stderr}`);
    }
    for (const f of result.findings) say(describeFinding(f));
    if (result.findings.length === 0) say(`${python.tag}: no finding`);
    failed += result.findings.length;
  }
  return failed ? 1 : 0;
}

async function many(): Promise<number> {
  const pythons = await interpreters();
  const programs = Number(values.programs);
  const baseSeed = values['seed-base'] ? Number(values['seed-base']) : Math.floor(Math.random() * 2 ** 31);
  const workDir = mkdtempSync(join(tmpdir(), 'gilscope-stress-'));
  const started = performance.now();
  say(`${programs} programs on each of ${pythons.map((p) => p.tag).join(', ')}; base seed ${baseSeed}; ${values.concurrency} at a time; ${cpus().length} CPUs`);
  let ran = 0;
  const total = programs * pythons.length;
  const summaries = runStress({
    pythons, programs, baseSeed, concurrency: Number(values.concurrency), timeoutMs: Number(values.timeout) * 1000,
    launchersFor: values['as-test'] ? (i) => [i % 4 === 0 ? 'gilscope record' : 'python -m gilscope.run'] : () => LAUNCHERS,
    readRecording: values['as-test'] ? readRecordingHere : readRecordingWithCli, workDir, keep: values.keep,
    onProgram: (python, seed, findings, result) => {
      ran++;
      if (values.verbose && result) {
        const recorded = [...result.recorded].map(([l, r]) => `${l === 'gilscope record' ? 'record' : 'run'} ${r.seconds.toFixed(2)}`).join(' ');
        say(`TIMING ${python.tag} ${seed} bare ${result.bare.seconds.toFixed(2)} ${recorded} | ${generateProgram(seed).summary.join(' | ')}`);
      }
      for (const f of findings) say(describeFinding(f));
      if (ran % 50 === 0 || findings.length) say(`[${ran}/${total}, ${((performance.now() - started) / 1e3).toFixed(0)} s] ${python.tag} seed ${seed}: ${findings.length ? `${findings.length} finding(s)` : 'ok'}`);
    },
  });
  const rows = [];
  for (const s of await Promise.all(summaries.values())) {
    const failedPrograms = new Set(s.findings.map((f) => f.seed)).size;
    for (const note of s.notes) say(note);
    rows.push({ python: s.python.tag, programs: s.programs, runs: s.programs + s.recordedRuns, failedPrograms, findings: s.findings.length, bareRepeated: s.notes.length, seconds: s.seconds });
  }
  const seconds = (performance.now() - started) / 1e3;
  say('\n| interpreter | programs | runs (bare + recorded) | programs with a finding | findings | bare runs repeated | wall s |\n| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) say(`| ${r.python} | ${r.programs} | ${r.runs} | ${r.failedPrograms} | ${r.findings} | ${r.bareRepeated} | ${r.seconds.toFixed(0)} |`);
  say(`\n${programs * pythons.length} programs in ${seconds.toFixed(0)} s; base seed ${baseSeed}; folders of the programs with findings in ${workDir}`);
  if (!values.keep && rows.every((r) => r.findings === 0)) rmSync(workDir, { recursive: true, force: true });
  say(`STRESS-RESULT ${JSON.stringify({ baseSeed, seconds, rows })}`);
  return rows.some((r) => r.findings > 0) ? 1 : 0;
}

(values.seed !== undefined ? one(Number(values.seed)) : many()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`stress: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
