import type { PageToHostMessage } from '../../src/protocol/webviewProtocol';

/** The part of the webview API the pages use, typed with the shared protocol. */
export interface HostConnection {
  postMessage(message: PageToHostMessage): void;
}

/** Provided by VS Code inside a webview; it may be called only once per page. */
declare function acquireVsCodeApi(): HostConnection;

/** Connects to the extension host. Call once, from the page's entry module. */
export function connectToHost(): HostConnection {
  return acquireVsCodeApi();
}
