import type { PageToHostMessage } from '../../../src/protocol/webviewProtocol';

/**
 * The page's globals that the tests read in `page.evaluate` (the Node tsconfig has no
 * DOM types, so code that runs in the page casts `globalThis` to this).
 */
export interface PageGlobals {
  __posted: PageToHostMessage[];
  __state: unknown;
  __csp: string[];
  gilscopeHost?: (message: PageToHostMessage) => Promise<void>;
  gilscopeMetrics?: {
    lastRedrawMs: number;
    maxRedrawMs: number;
    redraws: number;
    firstPaintMs: number;
    firstPaintAt: number;
    detailAnswers: number;
    updatesDrawn: number;
    messages: Record<string, number>;
    window: { start: number; end: number };
  };
  acquireVsCodeApi?: () => unknown;
  postMessage(message: unknown, targetOrigin: string): void;
  requestAnimationFrame(callback: () => void): number;
  // The DOM, untyped here: only small snippets use it.
  document: any;
  getComputedStyle(element: unknown): { getPropertyValue(name: string): string; backgroundColor: string };
}
