import { createConnection } from 'vscode-languageserver/node';
import type { InitializeResult } from 'vscode-languageserver/node';
import { version } from '../../package.json';

/**
 * The gilscope language server, spoken to over stdio. It offers no capabilities yet:
 * diagnostics and code lenses arrive with the analysis.
 */
const connection = createConnection(process.stdin, process.stdout);

connection.onInitialize(
  (): InitializeResult => ({
    capabilities: {},
    serverInfo: { name: 'gilscope', version },
  }),
);

connection.listen();
