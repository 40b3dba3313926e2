import { CodeActionKind } from 'vscode-languageserver';
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticCode } from '../../protocol/lspProtocol';
import { narrowLockSplices } from '../fixes/narrowLock';
import { processPoolSplices } from '../fixes/processPool';
import { applySplices, lineEdit } from '../fixes/splices';
import type { Splice } from '../fixes/splices';
import { SWITCH_INTERVAL, switchIntervalSplices } from '../fixes/switchInterval';
import type { PythonOutline } from '../python/outlineTypes';
import type { PythonParser, SyntaxNode } from '../python/parser';
import type { DiagnosticData } from './diagnostics';

interface Fix {
  readonly title: string;
  readonly kind: string;
  readonly diagnostic: Diagnostic | undefined;
  readonly splices: (root: SyntaxNode, text: string) => Splice[] | undefined;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']): boolean => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/**
 * The code actions at a range: the fixes of the diagnostics there (a process
 * pool for a CPU-bound target, a larger switch interval, a narrower critical
 * section), and narrowing any lock-ish `with` whose header is in the range.
 * Each is one WorkspaceEdit, made only when the edited file still parses.
 */
export function codeActions(parser: PythonParser, doc: TextDocument, o: PythonOutline, diagnostics: readonly Diagnostic[], range: Range): CodeAction[] {
  const fixes: Fix[] = [];
  const narrowed = new Set<number>();
  const narrow = (withLine: number, diagnostic: Diagnostic | undefined, kind: string): void => {
    const w = o.withBlocks.find((b) => b.line === withLine);
    if (!w || narrowed.has(withLine)) return;
    narrowed.add(withLine);
    fixes.push({
      title: `Hold ${w.contextText} only for the statements that need it`,
      kind,
      diagnostic,
      splices: (root, text) => narrowLockSplices(root, text, withLine),
    });
  };
  for (const d of diagnostics) {
    if (!overlaps(d.range, range)) continue;
    const data = d.data as DiagnosticData | undefined;
    switch (data?.kind) {
      case DiagnosticCode.cpuBoundTarget:
      case DiagnosticCode.staticCpuTarget: {
        const name = data.functionName;
        if (!name) break;
        fixes.push({
          title: `Run ${name} in processes: ThreadPoolExecutor → ProcessPoolExecutor`,
          kind: CodeActionKind.QuickFix,
          diagnostic: d,
          splices: (root, text) => processPoolSplices(root, text, o, name),
        });
        fixes.push({
          title: `Switch the GIL less often: sys.setswitchinterval(${SWITCH_INTERVAL})`,
          kind: CodeActionKind.QuickFix,
          diagnostic: d,
          splices: (root, text) => switchIntervalSplices(root, text),
        });
        break;
      }
      case DiagnosticCode.lockContention:
      case DiagnosticCode.staticSleepUnderLock:
      case DiagnosticCode.staticIoUnderLock:
        if (data.withLine !== undefined) narrow(data.withLine, d, CodeActionKind.QuickFix);
        break;
      case DiagnosticCode.convoy:
      case DiagnosticCode.objectContention:
      case DiagnosticCode.stopTheWorld:
      case undefined:
        break;
    }
  }
  for (const w of o.withBlocks) {
    if (w.lockish && overlaps(w.headerRange, range)) narrow(w.line, undefined, CodeActionKind.RefactorRewrite);
  }

  const text = doc.getText();
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const fix of fixes) {
    const after = parser.parse(text, (root) => {
      const splices = fix.splices(root, text);
      return splices && splices.length > 0 ? applySplices(text, splices) : undefined;
    });
    if (after === undefined || after === text || seen.has(fix.title)) continue;
    if (parser.parse(after, (root) => root.hasError)) continue; // never offer an edit that breaks the file
    seen.add(fix.title);
    actions.push({
      title: fix.title,
      kind: fix.kind,
      ...(fix.diagnostic ? { diagnostics: [fix.diagnostic] } : {}),
      edit: { changes: { [doc.uri]: [lineEdit(text, after)] } },
    });
  }
  return actions;
}
