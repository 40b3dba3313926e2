import type { ComparePageToHostMessage, HostToComparePageMessage } from '../src/protocol/webviewProtocol';
import { listenToHost } from './common/hostMessages';
import { connectToHost } from './common/vscodeApi';
import { ComparePage } from './compare/comparePage';

/**
 * Entry of the comparison page (dist/webview/compare.js): "Compare Threads vs
 * Processes". It builds the page, listens, then says `ready`; the host
 * answers with `compare/show`.
 */
const host = connectToHost<ComparePageToHostMessage, undefined>();
const page = new ComparePage(document.getElementById('root') ?? document.body, host);
listenToHost<HostToComparePageMessage>(['compare/show'], (message) => page.handle(message));
host.postMessage({ type: 'ready' });
