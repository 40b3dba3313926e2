import { analyzeRecording } from '../../core/analysis/recordingSession';
import { daskSuggestion, measureClusterWhatIf, WHATIF_ENV } from '../../core/compare/clusterWhatIf';
import { buildReport } from '../../core/report/buildReport';
import { findRuntimeDir } from '../../core/launch/runtimeDir';
import { preparePython } from '../../core/launch/preparePython';
import { createRecordingDir } from '../../core/launch/recordingDirSetup';
import { startRecordedWorkload } from '../../core/launch/recordedLaunch';
import { checkOutputFolder } from '../../core/launch/safeFiles';
import { times } from '../../core/suggest/model';
import { defineCommand } from '../command';
import type { Command } from '../command';
import type { CommandSpec, ParsedCommandLine } from '../options';
import { isPython } from '../support/pythonCommand';

const spec = {
  name: 'whatif',
  summary: 'run a recorded cluster program again as its suggestion says, and measure the gain',
  about: `Runs the command of a recording again (its session.json: command and folder),
recorded, with the change its Dask suggestion names made by gilscope's runtime
without editing the program (every LocalCluster(n_workers=K,
threads_per_worker=T) made as K*T workers of one thread), then measures the
span of the tasks in both recordings and prints the suggestion with its
measured speedup beside the predicted one. docs/clusters.md.`,
  options: {
    output: { type: 'string', short: 'o', value: 'OUT', defaultText: 'DIR.whatif', description: 'the what-if run\'s recording folder' },
    json: { type: 'boolean', description: 'print the suggestion and both spans as JSON' },
  },
  positionals: [{ name: 'DIR', description: 'the recording' }],
  epilogue: 'Exit status: 0 when measured, 2 when there is nothing to try or the run failed.',
} as const satisfies CommandSpec;

function refuse(sentence: string): number {
  process.stderr.write(`gilscope: ${sentence}\n`);
  return 2;
}

async function whatif({ values, positionals }: ParsedCommandLine<typeof spec.options>): Promise<number> {
  const dir = positionals[0]!;
  const base = analyzeRecording(dir);
  const command = base.session?.command;
  if (!command?.length) return refuse(`${dir} has no command to run again (no session.json)`);
  if (!daskSuggestion(buildReport(base))) return refuse(`${dir}: no Dask threads_per_worker suggestion to try`);
  const output = values.output ?? `${dir.replace(/\/+$/, '')}.whatif`;
  checkOutputFolder(output);
  const runtimeDir = findRuntimeDir();
  const prepared = await preparePython(isPython(command[0]!) ? command[0]! : 'python3', runtimeDir);
  if (!prepared.ok) return refuse(prepared.message.replace(/^gilscope: /, ''));
  const recordingDir = createRecordingDir(output);
  process.env[WHATIF_ENV.name] = WHATIF_ENV.daskOneThreadPerWorker;
  const run = startRecordedWorkload({
    prepared: prepared.python, command, recordingDir, runtimeDir, launcher: 'gilscope whatif', stdio: ['ignore', 'ignore', 'inherit'],
    ...(base.session?.cwd ? { cwd: base.session.cwd } : {}),
  });
  const end = await run.ended;
  delete process.env[WHATIF_ENV.name];
  if (end.exitCode !== 0) return refuse(`the what-if run ended with ${end.signal ?? `exit status ${end.exitCode}`}; see ${recordingDir}`);
  const w = measureClusterWhatIf(base, analyzeRecording(recordingDir));
  if (values.json) process.stdout.write(`${JSON.stringify(w, null, 2)}\n`);
  else {
    process.stdout.write(`${w.suggestion.title}\n  measured ${times(w.suggestion.measuredSpeedup!)} for the tasks' span ` +
      `(${(w.before.toSeconds - w.before.fromSeconds).toFixed(2)} s → ${(w.after.toSeconds - w.after.fromSeconds).toFixed(2)} s); ` +
      `predicted ${times(w.predictedForRun)} for the cores the what-if run had\n  recording: ${recordingDir}\n`);
  }
  return 0;
}

export const whatifCommand: Command = defineCommand(spec, whatif);
