import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { version } from '../../package.json';
import { repoRoot } from '../support/repoRoot';

/** Frames one JSON-RPC message the way the Language Server Protocol does over stdio. */
function frame(message: object): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Splits the server's stdout into JSON-RPC messages. */
function messages(chunks: Buffer[]): unknown[] {
  const out: unknown[] = [];
  let data = Buffer.concat(chunks);
  for (;;) {
    const headerEnd = data.indexOf('\r\n\r\n');
    if (headerEnd < 0) return out;
    const length = Number(/Content-Length: (\d+)/i.exec(data.toString('ascii', 0, headerEnd))?.[1]);
    if (data.length < headerEnd + 4 + length) return out;
    out.push(JSON.parse(data.toString('utf8', headerEnd + 4, headerEnd + 4 + length)));
    data = data.subarray(headerEnd + 4 + length);
  }
}

test('the language server answers initialize over stdio and exits cleanly on shutdown/exit', { timeout: 20_000 }, async () => {
  const server = spawn(process.execPath, [join(repoRoot, 'dist/server.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  const received = new Promise<unknown[]>((resolve) => {
    server.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const got = messages(chunks);
      if (got.some((m) => (m as { id?: unknown }).id === 2)) resolve(got);
    });
  });
  const exited = once(server, 'exit');

  server.stdin.write(frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
  server.stdin.write(frame({ method: 'initialized', params: {} }));
  server.stdin.write(frame({ id: 2, method: 'shutdown' }));
  const got = await received;
  const initialize = got.find((m) => (m as { id?: unknown }).id === 1);
  const shutdown = got.find((m) => (m as { id?: unknown }).id === 2);
  // After `initialized` the server reports the recordings it read (none here).
  assert.deepEqual(got.find((m) => (m as { method?: unknown }).method === 'gilscope/didLoadRecordings'), { jsonrpc: '2.0', method: 'gilscope/didLoadRecordings', params: { recordings: [] } });
  server.stdin.write(frame({ method: 'exit' }));

  // The features of src/server/gilscopeServer.ts; test/server/ drives them.
  const capabilities = {
    textDocumentSync: { openClose: true, change: 2 },
    codeLensProvider: { resolveProvider: false },
    hoverProvider: true,
    codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.rewrite'] },
  };
  assert.deepEqual(initialize, { jsonrpc: '2.0', id: 1, result: { capabilities, serverInfo: { name: 'gilscope', version } } });
  assert.deepEqual(shutdown, { jsonrpc: '2.0', id: 2, result: null });
  const [code] = await exited;
  assert.equal(code, 0);
});
