import * as vscode from 'vscode';
import { runCompare } from '../../core/compare/runCompare';
import type { CompareOutcome } from '../../core/compare/runCompare';
import { Disposable } from '../dispose';
import { describeInterpreter } from '../interpreter';
import type { Interpreter } from '../interpreter';
import type { ShownComparison } from '../views/comparePanel';
import type { ComparisonsStore } from './comparisonsStore';
import { targetLabel, whatIfRequest } from './compareTarget';
import type { CompareChoices, CompareTarget } from './compareTarget';
import { driverLine } from './driverProgress';

export interface ComparerServices {
  readonly store: ComparisonsStore;
  readonly runtimeDir: string;
  readonly interpreterFor: (resource: vscode.Uri | undefined) => Promise<Interpreter>;
  /** Shows a comparison made (the comparison panel). */
  readonly display: (comparison: ShownComparison) => void;
  /** A line for the "gilscope" output channel: the driver's lines and how it ended. */
  readonly log?: (line: string) => void;
}

/**
 * Makes one comparison at a time through the core (src/core/compare/runCompare.ts,
 * as `gilscope compare` does), under a cancellable progress notification:
 * Cancel aborts the driver, which stops the run under way with its pool's
 * workers. A comparison made is stored in the workspace and shown; one
 * stopped or refused leaves nothing behind.
 */
export class Comparer extends Disposable {
  private running: { readonly label: string; readonly controller: AbortController } | undefined;

  constructor(private readonly services: ComparerServices) {
    super();
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Resolves to the comparison's directory once it is stored and shown; undefined when none was made (the user was told why). */
  async compare(target: CompareTarget, choices: CompareChoices = {}): Promise<string | undefined> {
    if (this.running) {
      void vscode.window.showWarningMessage(`gilscope is already comparing ${this.running.label}.`);
      return undefined;
    }
    const label = targetLabel(target);
    const controller = new AbortController();
    this.running = { label, controller };
    const { services } = this;
    let dir: string | undefined;
    try {
      const interpreter = await services.interpreterFor(vscode.Uri.file(target.file));
      dir = services.store.createDir();
      const request = whatIfRequest(target, interpreter.path, services.runtimeDir, dir, choices);
      services.log?.(`comparing ${label} with ${describeInterpreter(interpreter)} in ${dir}`);
      const said: string[] = [];
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `gilscope: comparing ${label}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return runCompare(request, {
            signal: controller.signal,
            onLine: (line) => {
              services.log?.(line);
              const parsed = driverLine(line);
              if (parsed.kind === 'started') progress.report({ message: `${parsed.run} (run ${parsed.index} of ${parsed.count})` });
              else if (parsed.kind === 'ended') progress.report({ increment: 100 / parsed.count });
              else said.push(parsed.text);
            },
          });
        },
      );
      if (outcome.kind !== 'made') {
        this.tellWhyNot(outcome, label, said);
        return undefined;
      }
      await services.store.add({ dir, storedAt: Date.now(), label, interpreter: describeInterpreter(interpreter) });
      services.log?.(`compared ${label}: ${outcome.result.runs.length} runs in ${dir}`);
      services.display({ id: dir, label, result: outcome.result });
      const kept = dir;
      dir = undefined;
      return kept;
    } finally {
      if (dir) services.store.discard(dir);
      this.running = undefined;
    }
  }

  /** Stops the comparison under way; false when there is none. */
  stop(): boolean {
    if (!this.running) return false;
    this.running.controller.abort();
    return true;
  }

  override dispose(): void {
    this.stop();
    super.dispose();
  }

  private tellWhyNot(outcome: Exclude<CompareOutcome, { kind: 'made' }>, label: string, said: readonly string[]): void {
    if (outcome.kind === 'stopped') {
      this.services.log?.(`comparing ${label}: stopped`);
      void vscode.window.showInformationMessage(`gilscope: the comparison of ${label} was stopped; its runs were not kept.`);
      return;
    }
    const why = outcome.message ?? said.at(-1) ?? `the what-if driver exited with status ${outcome.exitCode}`;
    this.services.log?.(`comparing ${label} failed: ${why}`);
    void vscode.window.showErrorMessage(`gilscope: ${label} could not be compared: ${why}`);
  }
}
