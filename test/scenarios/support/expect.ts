import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ReportLine, ReportProcess, ReportThread } from '../../../src/core/report/schema';
import type { Suggestion } from '../../../src/core/suggest/types';
import { renderTerminalReport } from '../../../src/cli/support/terminalReport';
import { PLAIN } from '../../../src/cli/support/terminalStyle';
import { checkRunCores, freeCores } from '../../support/machineCores';
import { CORES, foreignCpus, SCENARIOS } from './record';
import type { ScenarioRun } from './record';

/**
 * The expectation files (test/scenarios/<scenario>/expected.json): per run,
 * the picture the report must show and its top suggestion. Shares are of a
 * thread's lifetime, [min, max]. Markers are the `# MARKER` comments of the
 * run's program (their line numbers come from the truth line, so no line
 * number is written twice).
 */

type Range = readonly [number, number];

export interface ThreadExpectation {
  /** The thread's name; `*` matches any run of characters. */
  readonly name: string;
  /** How many threads match (default: at least 1). */
  readonly count?: number;
  readonly held?: Range;
  readonly wait?: Range;
  readonly released?: Range;
  /** Waiting for events (queue, Condition, future, join) / contended locks, as shares of the lifetime. */
  readonly blocked?: Range;
  readonly lockWait?: Range;
}

export interface LineExpectation {
  readonly marker: string;
  readonly field: 'gilHeldSeconds' | 'gilWaitSeconds' | 'releasedSeconds' | 'blockedSeconds' | 'lockWaitSeconds';
  /** The line's figure is at least this share of the process's total of that field. */
  readonly minShare?: number;
  /** The line has the most of that field among the process's lines. */
  readonly top?: boolean;
  /** Why the bound is what it is, where that is not obvious (read by people, not by the check). */
  readonly why?: string;
}

export interface SuggestionExpectation {
  readonly kind: Suggestion['kind'];
  /** The marker the suggestion's target must be at (in the run's program), or null for no target check. */
  readonly target?: string | null;
  /** A regular expression the title must match. */
  readonly title?: string;
}

export interface ProcessExpectation {
  readonly threads?: readonly ThreadExpectation[];
  readonly lines?: readonly LineExpectation[];
  /** GILs in the process (several with sub-interpreters' own GILs). */
  readonly gils?: number;
}

export interface RunExpectation extends ProcessExpectation {
  /** Processes in the recording (the program and its Python children). */
  readonly processes?: number;
  /** Expectations every child process (parentPid = the program) meets, and how many there are. */
  readonly children?: ProcessExpectation & { readonly count?: number; readonly atLeast?: number };
  readonly top?: SuggestionExpectation;
  /** Suggestions that must be there, at any rank. */
  readonly suggests?: readonly SuggestionExpectation[];
  /** Kinds that must not be first. */
  readonly notTop?: readonly Suggestion['kind'][];
  /** Who did the work, the one count every part of the report must say (checkWorkerCount). */
  readonly workers?: { readonly in: 'threads' | 'processes'; readonly count: number };
}

export interface ScenarioExpectation {
  readonly description: string;
  readonly runs: Readonly<Record<string, RunExpectation>>;
}

export function loadExpectation(scenario: string): ScenarioExpectation {
  return JSON.parse(readFileSync(join(SCENARIOS, scenario, 'expected.json'), 'utf8')) as ScenarioExpectation;
}

const life = (t: ReportThread) => Math.max(1e-12, t.endSeconds - t.startSeconds);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function matches(pattern: string, name: string): boolean {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(name);
}

export function rootProcess(run: ScenarioRun): ReportProcess {
  const p = run.report.processes.find((x) => x.pid === run.truth.pid) ?? run.report.processes[0];
  assert.ok(p, `${run.name}: the recording has the program's process`);
  return p;
}

export function childrenOf(run: ScenarioRun, parent = rootProcess(run)): ReportProcess[] {
  return run.report.processes.filter((p) => p.parentPid === parent.pid);
}

export function markerLine(run: ScenarioRun, marker: string): number {
  const lines = run.truth.markers[marker];
  assert.ok(lines && lines.length > 0, `${run.name}: the program has a # ${marker} line`);
  return lines[0]!;
}

/** The report's line at `marker` in the run's program (or in `file`, a path under test/scenarios). */
export function lineAt(run: ScenarioRun, p: ReportProcess, marker: string, file = run.script): ReportLine | undefined {
  const line = markerLine(run, marker);
  return p.lines.find((l) => l.line === line && l.file.endsWith(basename(file)));
}

export function describeThreads(p: ReportProcess): string {
  return p.threads
    .map((t) => `${t.name}: held ${pct(t.gilShares.held)} wait ${pct(t.gilShares.wait)} released ${pct(t.gilShares.released)} blocked ${pct(t.blockedSeconds / life(t))}`)
    .join('; ');
}

export function describeSuggestions(s: readonly Suggestion[]): string {
  return s.map((x) => `${x.rank}. ${x.kind} ${x.predictedSpeedup}× at ${x.target ? `${basename(x.target.file)}:${x.target.line}` : '-'}: ${x.title}`).join('\n');
}

function inRange(what: string, value: number, range: Range | undefined, context: string): void {
  if (!range) return;
  assert.ok(value >= range[0] && value <= range[1], `${what} ${pct(value)} not in [${pct(range[0])}, ${pct(range[1])}] (${context})`);
}

export function checkThreads(p: ReportProcess, expected: readonly ThreadExpectation[], what: string): void {
  const context = `${what}: ${describeThreads(p)}`;
  for (const e of expected) {
    const found = p.threads.filter((t) => matches(e.name, t.name));
    if (e.count !== undefined) assert.equal(found.length, e.count, `${what}: threads named ${e.name} (${context})`);
    else assert.ok(found.length > 0, `${what}: a thread named ${e.name} (${context})`);
    for (const t of found) {
      inRange(`${t.name} GIL held`, t.gilShares.held, e.held, context);
      inRange(`${t.name} GIL wait`, t.gilShares.wait, e.wait, context);
      inRange(`${t.name} released`, t.gilShares.released, e.released, context);
      inRange(`${t.name} blocked`, t.blockedSeconds / life(t), e.blocked, context);
      inRange(`${t.name} lock wait`, t.lockWaitSeconds / life(t), e.lockWait, context);
    }
  }
}

export function checkLines(run: ScenarioRun, p: ReportProcess, expected: readonly LineExpectation[]): void {
  for (const e of expected) {
    const line = lineAt(run, p, e.marker);
    const top = [...p.lines].sort((a, b) => b[e.field] - a[e.field]).slice(0, 4)
      .map((l) => `${basename(l.file)}:${l.line} ${l.function} ${l[e.field].toFixed(4)}`).join(', ');
    assert.ok(line, `${run.name}: the report has the ${e.marker} line (${e.field} top lines: ${top})`);
    const total = p.lines.reduce((s, l) => s + l[e.field], 0);
    if (e.minShare !== undefined) {
      assert.ok(line[e.field] >= e.minShare * total, `${run.name}: ${e.marker} has ${line[e.field].toFixed(4)} s of ${e.field}, below ${pct(e.minShare)} of ${total.toFixed(4)} s (top: ${top})`);
    }
    if (e.top) {
      const best = Math.max(...p.lines.map((l) => l[e.field]));
      assert.equal(line[e.field], best, `${run.name}: ${e.marker} is the line with the most ${e.field} (top: ${top})`);
    }
  }
}

export function checkSuggestion(run: ScenarioRun, s: Suggestion | undefined, e: SuggestionExpectation, what: string): void {
  const all = describeSuggestions(run.suggestions);
  assert.ok(s, `${run.name}: ${what} ${e.kind}:\n${all}`);
  assert.equal(s.kind, e.kind, `${run.name}: ${what}:\n${all}`);
  if (e.target) {
    const line = markerLine(run, e.target);
    assert.ok(s.target && s.target.line === line && s.target.file.endsWith(basename(run.script)),
      `${run.name}: ${s.kind} aimed at ${e.target} (${basename(run.script)}:${line}), not ${JSON.stringify(s.target)}`);
  }
  if (e.title) assert.match(s.title, new RegExp(e.title), `${run.name}: ${s.kind}'s title`);
}

/** Every suggestion states its evidence: measured figures by name, the formula with them, an interval around the prediction. */
export function checkEvidence(run: ScenarioRun): void {
  assert.ok(run.suggestions.length > 0, `${run.name}: the report has suggestions`);
  for (const s of run.suggestions) {
    const figures = Object.entries(s.evidence);
    assert.ok(figures.length > 0, `${run.name}: ${s.kind} states its evidence`);
    for (const [k, v] of figures) assert.ok(Number.isFinite(v), `${run.name}: ${s.kind} evidence ${k} = ${v}`);
    assert.ok(s.model.length > 0 && s.title.length > 0 && s.detail.length > 0, `${run.name}: ${s.kind} says its model, title and detail`);
    assert.ok(s.predictedInterval[0] <= s.predictedSpeedup + 1e-9 && s.predictedSpeedup <= s.predictedInterval[1] + 1e-9,
      `${run.name}: ${s.kind} ${s.predictedSpeedup} in its interval ${s.predictedInterval.join('–')}`);
  }
}

function checkProcess(run: ScenarioRun, p: ReportProcess, e: ProcessExpectation, what: string, heldFloor = 1): void {
  if (e.gils !== undefined) assert.equal(p.gils.length, e.gils, `${what}: GILs ${JSON.stringify(p.gils)}`);
  if (e.threads) checkThreads(p, heldFloor === 1 ? e.threads : e.threads.map((t) => (t.held ? { ...t, held: [t.held[0] * heldFloor, t.held[1]] } : t)), what);
  if (e.lines) checkLines(run, p, e.lines);
}

/** The run's picture against its expectation; the suggestions are checked by checkSuggestions. */
export function checkPicture(run: ScenarioRun, e: RunExpectation): void {
  const p = rootProcess(run);
  assert.ok(run.report.warnings.every((w) => !/lost/i.test(w)), `${run.name}: no records lost: ${run.report.warnings.join('; ')}`);
  if (e.processes !== undefined) {
    assert.equal(run.report.processes.length, e.processes,
      `${run.name}: processes ${run.report.processes.map((x) => `${x.pid}<-${x.parentPid} ${x.argv.slice(0, 3).join(' ')}`).join('; ')}`);
  }
  checkProcess(run, p, e, `${run.name} (pid ${p.pid})`);
  if (e.children) {
    const children = childrenOf(run, p).filter((c) => c.threads.some((t) => t.gil.heldSeconds > 0));
    if (e.children.count !== undefined) assert.equal(children.length, e.children.count, `${run.name}: child processes doing Python work`);
    if (e.children.atLeast !== undefined) assert.ok(children.length >= e.children.atLeast, `${run.name}: at least ${e.children.atLeast} child processes`);
    // A pool's worker holds its GIL while it computes and lets it go while it waits for its
    // parent to hand it work, which a loaded machine makes slower: its held share's floor
    // scales with the share of the cores the run had, as it measured them.
    const floor = Math.min(1, freeCores(foreignCpus(run), CORES) / CORES);
    const said = floor < 1 ? `, the floor of its held share × ${floor.toFixed(2)} for the cores the run had` : '';
    for (const c of children) checkProcess(run, c, e.children, `${run.name} child ${c.pid} (${c.argv.slice(0, 3).join(' ')})${said}`, floor);
  }
}

export function checkSuggestions(run: ScenarioRun, e: RunExpectation): void {
  checkEvidence(run);
  checkRunCores(run.analysis, run.report.suggestions, run.name);
  if (e.workers) checkWorkerCount(run, e.workers);
  if (e.top) checkSuggestion(run, run.suggestions[0], e.top, 'the top suggestion is');
  for (const want of e.suggests ?? []) {
    const s = run.suggestions.find((x) => x.kind === want.kind);
    checkSuggestion(run, s, want, 'suggests');
  }
  for (const kind of e.notTop ?? []) {
    assert.notEqual(run.suggestions[0]?.kind, kind, `${run.name}: ${kind} is not first:\n${describeSuggestions(run.suggestions)}`);
  }
}

/** Suggestions whose `workers` are the workers there are (switchInterval's are the convoyed threads, scaleOut's the cluster's cores). */
const COUNTS_WORKERS: readonly Suggestion['kind'][] = ['keepThreads', 'useProcesses', 'releaseGil', 'subInterpreters', 'freeThreaded', 'narrowLock', 'batchWork'];

/**
 * One worker count everywhere (docs/report-schema.md, "Workers"): the
 * JSON's `workers`, the processes' roles, every suggestion's `workers` and
 * the counts its title states, and the terminal report's header, workers
 * line and suggestions.
 */
export function checkWorkerCount(run: ScenarioRun, e: NonNullable<RunExpectation['workers']>): void {
  const r = run.report;
  const roles = r.processes.map((p) => `${p.pid}<-${p.parentPid} ${p.role} (${p.roleName}): ${p.argv.slice(0, 4).join(' ')}`).join('\n');
  assert.ok(r.workers, `${run.name}: the report says who did the work`);
  assert.deepEqual({ in: r.workers.in, count: r.workers.count }, e, `${run.name}: workers ${JSON.stringify(r.workers)}\n${roles}`);
  if (e.in === 'processes') {
    const working = r.processes.filter((p) => r.workers!.processes.includes(p.pid));
    assert.equal(working.length, e.count, `${run.name}: the working processes are in the report\n${roles}`);
    assert.ok(working.every((p) => p.role === 'worker' || p.role === 'main'), `${run.name}: no helper works\n${roles}`);
    const mainWorks = working.some((p) => p.role === 'main');
    assert.equal(r.processes.filter((p) => p.role === 'worker').length, e.count - (mainWorks ? 1 : 0), `${run.name}: processes with role worker\n${roles}`);
  } else {
    assert.equal(r.workers.threads.length, e.count, `${run.name}: worker threads ${JSON.stringify(r.workers.threads)}`);
  }
  const all = describeSuggestions(run.suggestions);
  for (const s of run.suggestions.filter((x) => COUNTS_WORKERS.includes(x.kind))) {
    assert.equal(s.workers, e.count, `${run.name}: ${s.kind}'s workers:\n${all}`);
    for (const m of s.title.matchAll(/\b(\d+) (?:worker )?(processes|threads|interpreters)\b/g)) {
      assert.equal(Number(m[1]), e.count, `${run.name}: ${s.kind}'s title says ${m[0]}: ${s.title}`);
    }
  }
  const text = renderTerminalReport(r, PLAIN);
  const workersLine = /^Workers: (.*)$/m.exec(text)?.[1] ?? '';
  const said = e.in === 'processes' ? new RegExp(`^(${e.count} worker processes|${e.count} processes)`) : new RegExp(`^${e.count} worker threads`);
  assert.match(workersLine, said, `${run.name}: the terminal's workers line`);
  const header = text.split('\n')[0]!;
  const helpers = r.processes.filter((p) => p.role === 'helper').length;
  const workerRoles = r.processes.filter((p) => p.role === 'worker').length;
  if (r.processes.length > 1) {
    assert.match(header, new RegExp(`${r.processes.length} processes: the main one${workerRoles > 0 ? `, ${workerRoles} workers?` : ''}${helpers > 0 ? `, ${helpers} helpers?` : ''}$`), `${run.name}: the terminal's header`);
  }
  for (const m of text.matchAll(/^ {5}predicted .* for (\d+) workers?, at /gm)) {
    const rank = text.slice(0, m.index).match(/^ {2}(\d+)\. /gm)?.length ?? 0;
    const s = run.suggestions[rank - 1];
    if (s && COUNTS_WORKERS.includes(s.kind)) assert.equal(Number(m[1]), e.count, `${run.name}: the terminal's suggestion ${rank} (${s.kind})`);
  }
}

/** The run and expectation the advice is judged on (a test may judge a loaded run's advice otherwise). */
export type AdviceJudged = (run: ScenarioRun, want: RunExpectation) => [ScenarioRun, RunExpectation];

/** For recordQuiet: the picture and advice of every run, each against its expectation in `e`. */
export function expectationsHold(e: ScenarioExpectation, advice: AdviceJudged = (run, want) => [run, want]): (runs: readonly ScenarioRun[]) => void {
  return (runs) => {
    for (const run of runs) {
      const want = e.runs[run.name];
      if (!want) continue;
      checkPicture(run, want);
      checkSuggestions(...advice(run, want));
    }
  };
}
