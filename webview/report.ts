import type { HostToReportPageMessage, ReportPageToHostMessage } from '../src/protocol/webviewProtocol';
import { listenToHost } from './common/hostMessages';
import { connectToHost } from './common/vscodeApi';
import { ReportPage } from './report/reportPage';
import type { ReportPageState } from './report/reportPage';

/**
 * Entry of the report page (dist/webview/report.js), in a VS Code webview and in the
 * CLI's --html file alike. It builds the page, listens, then says `ready`; the host
 * answers with `report/show`.
 */
const host = connectToHost<ReportPageToHostMessage, ReportPageState>();
const page = new ReportPage(document.getElementById('root') ?? document.body, host);
listenToHost<HostToReportPageMessage>(['report/show', 'report/update', 'heatmap/data'], (m) => page.handle(m));
host.postMessage({ type: 'ready' });
