import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { GilscopeServer } from './gilscopeServer';

/**
 * The gilscope language server's entry point (dist/server.js). The transport
 * is chosen by how it was started: `--stdio`, `--node-ipc` (the extension's
 * client, src/extension/languageClient.ts), or stdio when nothing is said.
 * The grammar's .wasm files sit beside this file in dist/.
 */
const connection = process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='))
  ? createConnection(ProposedFeatures.all)
  : createConnection(process.stdin, process.stdout);

new GilscopeServer(connection, __dirname);
connection.listen();
