import { existsSync } from 'node:fs';
import { scenarioVenv } from './build';

/**
 * The venv the package scenarios need, or why there is none: a test then
 * skips saying so (a machine without the local wheel index cannot build it).
 */
export async function venvOrReason(): Promise<{ python: string } | { reason: string }> {
  if (process.env['GILSCOPE_SCENARIO_NO_VENV']) return { reason: 'GILSCOPE_SCENARIO_NO_VENV is set' };
  try {
    const python = await scenarioVenv();
    return existsSync(python) ? { python } : { reason: `${python} is missing after the venv was built` };
  } catch (error) {
    return { reason: `the scenario venv could not be built from the configured package index: ${(error as Error).message.split('\n').slice(0, 6).join(' ')}` };
  }
}
