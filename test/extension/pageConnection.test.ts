import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PageConnection } from '../../src/extension/views/pageConnection';
import { MockWebviewPanel } from './mock/webview';

/** The host's end of a page: the ready handshake, posting only to a visible page, the state again when it shows. */

function connect() {
  const panel = new MockWebviewPanel('test', 'test', {}, {});
  let state = 1;
  const handled: unknown[] = [];
  const connection = new PageConnection<{ type: string; n: number }>(
    panel as never,
    panel.onDidChangeViewState,
    () => [{ type: 'state', n: state }],
    (message) => handled.push(message),
  );
  return { panel, connection, handled, setState: (n: number) => { state = n; } };
}

describe('PageConnection', () => {
  it('posts nothing before the page is ready, then its whole state', () => {
    const { panel, connection } = connect();
    connection.post(() => ({ type: 'update', n: 0 }));
    assert.deepEqual(panel.webview.posted, []);
    panel.webview.receive({ type: 'ready' });
    assert.deepEqual(panel.webview.posted, [{ type: 'state', n: 1 }]);
  });

  it('holds updates back while the page is hidden, and sends the whole state when it shows again', () => {
    const { panel, connection, setState } = connect();
    panel.webview.receive({ type: 'ready' });
    panel.setVisible(false);
    let built = 0;
    connection.post(() => { built++; return { type: 'update', n: 2 }; });
    assert.equal(built, 0, 'a message for a hidden page is not even built');
    setState(3);
    panel.setVisible(true);
    assert.deepEqual(panel.webview.posted, [{ type: 'state', n: 1 }, { type: 'state', n: 3 }]);
    connection.post(() => ({ type: 'update', n: 4 }));
    assert.deepEqual(panel.webview.posted.at(-1), { type: 'update', n: 4 });
  });

  it('a page recreated by VS Code posts ready again and gets the whole state again', () => {
    const { panel } = connect();
    panel.webview.receive({ type: 'ready' });
    panel.webview.receive({ type: 'ready' });
    assert.deepEqual(panel.webview.postedTypes, ['state', 'state']);
  });

  it('passes the page\'s messages on, and drops what is not a protocol message', () => {
    const { panel, handled } = connect();
    panel.webview.receive({ type: 'source/open', file: 'a.py', line: 3 });
    panel.webview.receive({ type: 'evil', payload: 1 });
    panel.webview.receive('ready');
    panel.webview.receive(null);
    assert.deepEqual(handled, [{ type: 'source/open', file: 'a.py', line: 3 }]);
  });
});
