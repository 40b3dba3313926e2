import { isHostToPageMessage } from '../../src/protocol/webviewProtocol';
import type { HostToPageMessage } from '../../src/protocol/webviewProtocol';

/** Calls `handle` with every protocol message the host (or the file's bootstrap) posts to this page. */
export function listenToHost<M extends HostToPageMessage>(accepts: readonly M['type'][], handle: (message: M) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (isHostToPageMessage(data) && (accepts as readonly string[]).includes(data.type)) handle(data as M);
  });
}
