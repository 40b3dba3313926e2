import * as vscode from 'vscode';

const LAST_LIST_KEY = 'gilscope.lastCompareInputs';

/** Why `text` is not a list of inputs, or undefined when it is a non-empty JSON list. */
export function inputsProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (!Array.isArray(value)) return 'a JSON list is needed, one item per call, e.g. [100000, 200000, 300000]';
  return value.length === 0 ? 'the list is empty: one item per call' : undefined;
}

/**
 * Asks for the inputs of a function comparison: a JSON file chosen in a
 * dialog, or a JSON list typed in (the last one typed for the function is
 * offered). Undefined when the user backed out.
 */
export async function askInputs(state: vscode.Memento, key: string, name: string): Promise<{ file: string } | { list: string } | undefined> {
  const fromFile = { label: '$(file) Inputs from a JSON file…', detail: 'A JSON list: one call of the function per item' };
  const typed = { label: '$(edit) Type the inputs as a JSON list…', detail: 'e.g. [100000, 200000, 300000]: each item is one call\'s argument' };
  const picked = await vscode.window.showQuickPick([fromFile, typed], { title: `gilscope: the inputs of ${name}`, placeHolder: `${name} is called once per input` });
  if (!picked) return undefined;
  if (picked === fromFile) {
    const files = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      filters: { JSON: ['json'] },
      openLabel: 'Use These Inputs',
      title: `gilscope: the inputs of ${name} (a JSON list)`,
    });
    const file = files?.[0]?.fsPath;
    return file ? { file } : undefined;
  }
  const remembered = state.get<Record<string, string>>(LAST_LIST_KEY) ?? {};
  const list = await vscode.window.showInputBox({
    title: `gilscope: the inputs of ${name}`,
    prompt: `A JSON list: ${name} is called once per item, with the item as its argument`,
    placeHolder: '[100000, 200000, 300000]',
    value: remembered[key] ?? '',
    validateInput: inputsProblem,
  });
  // The mock and some hosts do not run validateInput: check again.
  if (list === undefined) return undefined;
  const problem = inputsProblem(list);
  if (problem) {
    void vscode.window.showErrorMessage(`gilscope: the inputs are ${problem}`);
    return undefined;
  }
  await state.update(LAST_LIST_KEY, { ...remembered, [key]: list });
  return { list };
}
