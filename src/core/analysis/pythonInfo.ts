import type { FileHeader } from '../format/header';
import { BuildFlag, GilMode } from '../format/layout';
import type { PythonInfo } from './model';

function implementationOf(build: string): string {
  const tag = build.split('-')[0]?.toLowerCase() ?? '';
  if (tag.startsWith('cpython')) return 'CPython';
  if (tag.startsWith('pypy')) return 'PyPy';
  return tag || 'unknown';
}

export function pythonInfo(h: FileHeader): PythonInfo {
  return {
    version: h.pythonVersion,
    implementation: implementationOf(h.pythonBuild),
    build: h.pythonBuild,
    gilEnabled: h.gilMode !== GilMode.noGil && (h.buildFlags & BuildFlag.gilDisabled) === 0,
    sampled: h.gilMode === GilMode.sampled,
    sampleHz: h.gilMode === GilMode.sampled ? h.sampleHz : 0,
  };
}
