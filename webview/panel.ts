import { unhandledMessage } from '../src/protocol/webviewProtocol';
import type { HostToPanelMessage, PanelToHostMessage } from '../src/protocol/webviewProtocol';
import { listenToHost } from './common/hostMessages';
import { connectToHost } from './common/vscodeApi';
import { RecordingList } from './panel/recordingList';
import type { PanelState } from './panel/recordingList';

/**
 * Entry of the profiling panel (dist/webview/panel.js): the webview view in the panel
 * area that lists the workspace's recordings. It says `ready`; the host answers with
 * `recordings/list`, and again whenever the list changes.
 */
const host = connectToHost<PanelToHostMessage, PanelState>();
const list = new RecordingList(host);
const root = document.getElementById('root') ?? document.body;
root.replaceChildren(list.element);

listenToHost<HostToPanelMessage>(['recordings/list'], (message) => {
  switch (message.type) {
    case 'recordings/list':
      list.show(message);
      break;
    default:
      unhandledMessage(message.type);
  }
});
host.postMessage({ type: 'ready' });
