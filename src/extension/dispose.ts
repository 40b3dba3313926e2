import type * as vscode from 'vscode';

/** Disposes every item, even when one of them throws; the first error is rethrown after. */
export function disposeAll(items: Iterable<vscode.Disposable>): void {
  let failure: unknown;
  for (const item of items) {
    try {
      item.dispose();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

/**
 * The home of whatever an object creates that must be disposed: `_register`
 * it when it is made, and it goes when the owner does. Registering on an
 * owner already disposed disposes the item at once.
 */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposedAlready = false;

  protected get isDisposed(): boolean {
    return this.disposedAlready;
  }

  protected _register<T extends vscode.Disposable>(item: T): T {
    if (this.disposedAlready) item.dispose();
    else this.owned.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposedAlready) return;
    this.disposedAlready = true;
    disposeAll(this.owned.splice(0).reverse());
  }
}
