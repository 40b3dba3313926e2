import { PythonExtension } from '@vscode/python-extension';
import type * as vscode from 'vscode';
import type { GilscopeConfig } from './config';

/** Where the interpreter of a run came from, in the order they are tried. */
export type InterpreterSource = 'python extension' | 'gilscope.pythonPath' | 'PATH';

export interface Interpreter {
  /** What is run: an absolute path, or a name looked up on PATH. */
  readonly path: string;
  readonly source: InterpreterSource;
}

/** The part of the Python extension's API this uses; a function, so tests can stand in for the extension. */
export type PythonApiSource = () => Promise<Pick<PythonExtension, 'environments'>>;

/** The Python extension activates itself on first use; a stuck one must not stop a run. */
const PYTHON_EXTENSION_TIMEOUT_MS = 15_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      () => { clearTimeout(timer); resolve(undefined); },
    );
  });
}

/** The interpreter selected in the Python extension for `resource`, or undefined (not installed, none selected). */
async function fromPythonExtension(api: PythonApiSource, resource: vscode.Uri | undefined): Promise<string | undefined> {
  const lookup = async () => {
    const environments = (await api()).environments;
    const active = environments.getActiveEnvironmentPath(resource);
    const resolved = await environments.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath;
  };
  return within(lookup(), PYTHON_EXTENSION_TIMEOUT_MS);
}

/**
 * The interpreter a run uses: the one selected in the Python extension, else
 * the `gilscope.pythonPath` setting, else `python3` on PATH.
 */
export async function resolveInterpreter(
  config: Pick<GilscopeConfig, 'pythonPath'>,
  resource: vscode.Uri | undefined,
  api: PythonApiSource = () => PythonExtension.api(),
): Promise<Interpreter> {
  const selected = await fromPythonExtension(api, resource);
  if (selected) return { path: selected, source: 'python extension' };
  const configured = config.pythonPath;
  if (configured) return { path: configured, source: 'gilscope.pythonPath' };
  return { path: 'python3', source: 'PATH' };
}

/** "…/bin/python3 (selected in the Python extension)": what the terminal and the report say ran. */
export function describeInterpreter(interpreter: Interpreter): string {
  const from = {
    'python extension': 'selected in the Python extension',
    'gilscope.pythonPath': 'from the gilscope.pythonPath setting',
    PATH: 'python3 on PATH',
  }[interpreter.source];
  return `${interpreter.path} (${from})`;
}
