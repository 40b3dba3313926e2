import { REPORT_FILE_BLOCKS } from '../src/protocol/webviewProtocol';
import type { PageToHostMessage, ReportShowMessage } from '../src/protocol/webviewProtocol';
import { STANDALONE_POST_EVENT } from './common/vscodeApi';

/**
 * The host's part in the CLI's self-contained --html file (dist/webview/reportFile.js,
 * inlined after report.js under the same nonce): it sets the theme class VS Code
 * would set, posts the `report/show` message carried in the file's JSON blocks, and
 * turns "open this line" into a vscode:// link, since no editor is attached.
 */

function applyTheme(dark: boolean): void {
  document.body.classList.toggle('vscode-dark', dark);
  document.body.classList.toggle('vscode-light', !dark);
}

function readBlock(id: string): unknown {
  const text = document.getElementById(id)?.textContent;
  return text ? JSON.parse(text) : undefined;
}

/** A short note at the bottom of the window, with a link that opens the line in VS Code. */
function offerSource(file: string, line: number): void {
  const old = document.querySelector('.file-toast');
  old?.remove();
  const toast = document.createElement('div');
  toast.className = 'file-toast';
  toast.setAttribute('role', 'status');
  const link = document.createElement('a');
  link.href = `vscode://file${file.startsWith('/') ? '' : '/'}${encodeURI(file)}:${line}`;
  link.textContent = `${file}:${line}`;
  toast.append('Open in VS Code: ', link);
  document.body.append(toast);
  setTimeout(() => toast.remove(), 8000);
}

const scheme = window.matchMedia('(prefers-color-scheme: dark)');
applyTheme(scheme.matches);
scheme.addEventListener('change', (e) => applyTheme(e.matches));

window.addEventListener(STANDALONE_POST_EVENT, (event) => {
  const message = (event as CustomEvent<PageToHostMessage>).detail;
  if (message.type === 'source/open') offerSource(message.file, message.line);
});

const report = readBlock(REPORT_FILE_BLOCKS.report);
const rest = readBlock(REPORT_FILE_BLOCKS.message) as Omit<ReportShowMessage, 'report'> | undefined;
if (report && rest) {
  const message = { ...rest, report } as ReportShowMessage;
  window.postMessage(message, '*');
}
