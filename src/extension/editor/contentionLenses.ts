import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import type { LoadedRecording } from '../recordings/loadedRecording';
import { lensText, lensTooltip } from './lensText';
import { SourceFigures } from './sourceFigures';
import { suggestionTargets } from './suggestionTargets';
import type { SuggestionTarget } from './suggestionTargets';

/**
 * Shows the current recording's figures above the profiled functions.
 * Behind this interface so that code lenses served by the language server
 * can take the place of the host's provider: the composition root picks one.
 */
export interface ContentionLenses extends vscode.Disposable {
  show(recording: LoadedRecording | undefined): void;
}

/** Internal commands the lenses run (registered in commands.ts, not in the palette). */
export const LENS_COMMANDS = {
  showReport: 'gilscope.showReport',
  openSuggestion: 'gilscope.openSuggestion',
} as const;

/** The host's own lenses: a CodeLensProvider over Python files. */
export class HostContentionLenses extends Disposable implements vscode.CodeLensProvider, ContentionLenses {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private figures: SourceFigures | undefined;
  private suggestions: readonly SuggestionTarget[] = [];

  /** `figures: false` leaves the figure lenses to the language server and shows only `Parallelise this…`. */
  constructor(private readonly options: { readonly figures: boolean } = { figures: true }) {
    super();
    this._register(vscode.languages.registerCodeLensProvider({ language: 'python' }, this));
  }

  show(recording: LoadedRecording | undefined): void {
    this.figures = recording ? new SourceFigures(recording) : undefined;
    this.suggestions = recording ? suggestionTargets(recording.report, recording.cwd) : [];
    this.changeEmitter.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.figures || document.uri.scheme !== 'file') return [];
    const path = document.uri.fsPath;
    const lenses: vscode.CodeLens[] = [];
    for (const f of this.figures.functionsIn(path)) {
      if (f.function === '<module>' || f.firstLine < 1 || f.firstLine > document.lineCount) continue;
      const range = new vscode.Range(f.firstLine - 1, 0, f.firstLine - 1, 0);
      if (this.options.figures) lenses.push(new vscode.CodeLens(range, { title: lensText(f), tooltip: lensTooltip(f), command: LENS_COMMANDS.showReport }));
      for (const s of this.suggestions) {
        if (s.path !== path || s.function !== f.function) continue;
        lenses.push(new vscode.CodeLens(range, { title: 'Parallelise this…', tooltip: s.title, command: LENS_COMMANDS.openSuggestion, arguments: [s.index, s.path, s.function] }));
      }
    }
    return lenses;
  }
}
