import * as vscode from 'vscode';

import { DEFAULT_CAP_TEXT, parseSize } from '../core/launch/sizeCap';

/**
 * The `gilscope.*` settings, typed. Each getter reads the current value
 * (VS Code caches the configuration, so a read is cheap) and falls back to
 * the default package.json declares when the value is missing or out of range.
 * No setting needs a restart: each is read when it is used, so a change applies
 * to the next run.
 */
export const SETTINGS = {
  /** The interpreter when the Python extension names none: empty means `python3` on PATH. */
  pythonPath: { key: 'pythonPath', default: '' },
  /** Sample from outside when exact recording is unavailable (no compiler, no headers). */
  allowSampledFallback: { key: 'allowSampledFallback', default: true },
  /** How often the live views and the status bar are refreshed during a run, per second. */
  liveUpdateHz: { key: 'liveUpdateHz', default: 4, min: 0.5, max: 20 },
  /** How many recordings the workspace keeps; older ones are deleted. */
  recordingsKept: { key: 'recordingsKept', default: 20, min: 1, max: 1000 },
  /** The recording's size cap, as `--max-size` takes it (src/core/launch/sizeCap.ts). */
  maxRecordingSize: { key: 'maxRecordingSize', default: DEFAULT_CAP_TEXT },
} as const;

export const SECTION = 'gilscope';

function numberIn(value: unknown, setting: { default: number; min: number; max: number }): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= setting.min && value <= setting.max ? value : setting.default;
}

export class GilscopeConfig {
  constructor(private readonly scope?: vscode.ConfigurationScope) {}

  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION, this.scope);
  }

  /** The configured interpreter, or undefined when the setting is empty. */
  get pythonPath(): string | undefined {
    const value = this.section.get<unknown>(SETTINGS.pythonPath.key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  }

  get allowSampledFallback(): boolean {
    const value = this.section.get<unknown>(SETTINGS.allowSampledFallback.key);
    return typeof value === 'boolean' ? value : SETTINGS.allowSampledFallback.default;
  }

  get liveUpdateHz(): number {
    return numberIn(this.section.get<unknown>(SETTINGS.liveUpdateHz.key), SETTINGS.liveUpdateHz);
  }

  get recordingsKept(): number {
    return Math.floor(numberIn(this.section.get<unknown>(SETTINGS.recordingsKept.key), SETTINGS.recordingsKept));
  }

  /** The size cap in bytes (0: none); the default's when the setting cannot be read as a size. */
  get maxRecordingBytes(): number {
    const value = this.section.get<unknown>(SETTINGS.maxRecordingSize.key);
    const parsed = parseSize(typeof value === 'string' ? value : String(value ?? ''));
    if ('bytes' in parsed) return parsed.bytes;
    const fallback = parseSize(SETTINGS.maxRecordingSize.default);
    return 'bytes' in fallback ? fallback.bytes : 0;
  }
}
