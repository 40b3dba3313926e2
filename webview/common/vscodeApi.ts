import type { PageToHostMessage } from '../../src/protocol/webviewProtocol';

/** The part of the webview API the pages use, typed with the shared protocol. */
export interface HostConnection<Out extends PageToHostMessage, State> {
  postMessage(message: Out): void;
  /** What `setState` saved before VS Code last recreated the page (it survives hiding the view), else undefined. */
  getState(): State | undefined;
  setState(state: State): void;
  /** True outside VS Code (the CLI's self-contained file): nothing answers requests. */
  readonly standalone: boolean;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  /** Provided by VS Code inside a webview; it may be called only once per page. */
  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
}

/** The event a page's posts become outside VS Code, for the self-contained file's bootstrap (webview/reportFile.ts). */
export const STANDALONE_POST_EVENT = 'gilscope-page-post';

/** Outside VS Code: posts become window events, and state lives as long as the page. */
function standaloneApi(): VsCodeApi {
  let state: unknown;
  return {
    postMessage: (message) => window.dispatchEvent(new CustomEvent(STANDALONE_POST_EVENT, { detail: message })),
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  };
}

/** Connects to the extension host. Call once, from the page's entry module. */
export function connectToHost<Out extends PageToHostMessage, State>(): HostConnection<Out, State> {
  const inVsCode = typeof globalThis.acquireVsCodeApi === 'function';
  const api = inVsCode ? globalThis.acquireVsCodeApi!() : standaloneApi();
  return {
    postMessage: (message) => api.postMessage(message),
    getState: () => (api.getState() ?? undefined) as State | undefined,
    setState: (state) => api.setState(state),
    standalone: !inVsCode,
  };
}
