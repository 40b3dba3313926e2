/**
 * Messages between the extension host and the webview pages. Both sides import this
 * file and nothing else of each other; every message is one member of a union below,
 * told apart by `type`. A message is added when something sends and handles it.
 */

/** Messages a page posts to the extension host. */
export type PageToHostMessage =
  /** The page's script has loaded and its listeners are attached: the host may send state. */
  { readonly type: 'ready' };
