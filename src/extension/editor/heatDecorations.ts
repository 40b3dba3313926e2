import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import type { LoadedRecording } from '../recordings/loadedRecording';
import { HEAT_LEVELS, lineHeat } from './heatLevels';
import type { HeatKind } from './heatLevels';
import { SourceFigures } from './sourceFigures';
import type { LineFigures } from './sourceFigures';

const KINDS: readonly HeatKind[] = ['gil', 'lock'];

/** Overview-ruler colours per kind; the gutter bars are media/heat/<kind>-<level>.svg in the same colours. */
const RULER_RGB: Record<HeatKind, string> = { gil: '232, 113, 10', lock: '161, 66, 244' };
const RULER_LANE: Record<HeatKind, vscode.OverviewRulerLane> = {
  gil: vscode.OverviewRulerLane.Left,
  lock: vscode.OverviewRulerLane.Right,
};

function hover(line: LineFigures): vscode.MarkdownString {
  const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
  return new vscode.MarkdownString(`**gilscope** line ${line.line}: waiting for the GIL ${ms(line.gilWaitSeconds)}, blocked on contended locks ${ms(line.lockWaitSeconds)}`);
}

/** One decoration type per kind and level (index level - 1). */
type Types = Record<HeatKind, vscode.TextEditorDecorationType[]>;

/**
 * GIL-wait and lock-wait heat on the lines of visible editors: a mark in the
 * overview ruler for each kind (GIL wait left lane, lock wait right) and a
 * gutter bar for the hotter one (one icon fits a line), HEAT_LEVELS
 * intensities each, on the recording's scale (heatLevels.ts). Toggled by
 * Toggle Contention Heat.
 */
export class HeatDecorations extends Disposable {
  private readonly gutter: Types;
  private readonly ruler: Types;
  private figures: SourceFigures | undefined;
  private enabled = true;

  constructor(extensionUri: vscode.Uri) {
    super();
    const types = (options: (kind: HeatKind, level: number) => vscode.DecorationRenderOptions): Types => {
      const make = (kind: HeatKind) => Array.from({ length: HEAT_LEVELS }, (_, i) =>
        this._register(vscode.window.createTextEditorDecorationType(options(kind, i + 1))));
      return { gil: make('gil'), lock: make('lock') };
    };
    this.gutter = types((kind, level) => ({
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'heat', `${kind}-${level}.svg`),
      gutterIconSize: 'contain',
    }));
    this.ruler = types((kind, level) => ({
      overviewRulerColor: `rgba(${RULER_RGB[kind]}, ${(0.25 + (0.75 * level) / HEAT_LEVELS).toFixed(2)})`,
      overviewRulerLane: RULER_LANE[kind],
    }));
    this._register(vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.paint(e))));
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  show(recording: LoadedRecording | undefined): void {
    this.figures = recording ? new SourceFigures(recording) : undefined;
    this.repaint();
  }

  /** Turns the heat on or off; returns the new state. */
  toggle(): boolean {
    this.enabled = !this.enabled;
    this.repaint();
    return this.enabled;
  }

  private repaint(): void {
    for (const editor of vscode.window.visibleTextEditors) this.paint(editor);
  }

  /** Sets every type on the editor, to no ranges when it has none there. */
  private paint(editor: vscode.TextEditor): void {
    const empty = (): Record<HeatKind, vscode.DecorationOptions[][]> => ({ gil: this.gutter.gil.map(() => []), lock: this.gutter.lock.map(() => []) });
    const gutter = empty();
    const ruler = empty();
    const figures = this.enabled && editor.document.uri.scheme === 'file' ? this.figures : undefined;
    if (figures) {
      const lines = figures.linesIn(editor.document.uri.fsPath).filter((l) => l.line >= 1 && l.line <= editor.document.lineCount);
      const byLine = new Map(lines.map((l) => [l.line, l]));
      for (const heat of lineHeat(lines, figures.maxGilWaitSeconds, figures.maxLockWaitSeconds)) {
        const range = new vscode.Range(heat.line - 1, 0, heat.line - 1, 0);
        gutter[heat.gutter][heat[heat.gutter] - 1]!.push({ range, hoverMessage: hover(byLine.get(heat.line)!) });
        for (const kind of KINDS) if (heat[kind] > 0) ruler[kind][heat[kind] - 1]!.push({ range });
      }
    }
    for (const kind of KINDS) {
      this.gutter[kind].forEach((type, i) => editor.setDecorations(type, gutter[kind][i]!));
      this.ruler[kind].forEach((type, i) => editor.setDecorations(type, ruler[kind][i]!));
    }
  }
}
