import type { Connection } from 'vscode-languageserver';
import { DEFAULT_DIAGNOSTICS_SETTINGS, DIAGNOSTICS_SECTION } from '../protocol/lspProtocol';
import type { DiagnosticsSettings } from '../protocol/lspProtocol';

/** Validates what the client returned for `gilscope.diagnostics`: a missing or out-of-range value takes its default. */
export function diagnosticsSettings(raw: unknown): DiagnosticsSettings {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const enabled = typeof o['enabled'] === 'boolean' ? o['enabled'] : DEFAULT_DIAGNOSTICS_SETTINGS.enabled;
  const share = o['lockWaitShare'];
  const lockWaitShare = typeof share === 'number' && Number.isFinite(share) && share >= 0 ? share : DEFAULT_DIAGNOSTICS_SETTINGS.lockWaitShare;
  return { enabled, lockWaitShare };
}

/** Pulls the settings with `workspace/configuration`; the defaults when the client cannot answer. */
export async function pullDiagnosticsSettings(connection: Connection, clientAnswers: boolean): Promise<DiagnosticsSettings> {
  if (!clientAnswers) return DEFAULT_DIAGNOSTICS_SETTINGS;
  try {
    return diagnosticsSettings(await connection.workspace.getConfiguration({ section: DIAGNOSTICS_SECTION }));
  } catch {
    return DEFAULT_DIAGNOSTICS_SETTINGS;
  }
}
