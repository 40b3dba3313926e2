import type { SyntaxNode } from './parser';
import { dottedName, field, lastPart, named } from './syntax';

/**
 * Which calls and names the outline singles out, by their text: what makes a lock, what
 * looks like one, what blocks on I/O, what sleeps. Names, not types: the server reads the
 * file, it does not run it.
 */

const LOCK_FACTORIES = /(^|\.)(Lock|RLock|Semaphore|BoundedSemaphore|Condition)$/;
const LOCKISH_NAME = /lock|mutex|semaphore|(^|_)sem(_|$)|(^|_)cond(ition)?(_|$)|(^|_)cv(_|$)/i;
const BLOCKING = new Set([
  'open', 'input', 'urlopen', 'urllib.request.urlopen', 'socket.create_connection', 'select.select',
  'os.read', 'os.write', 'os.system', 'os.fsync', 'shutil.copy', 'shutil.copyfile', 'shutil.copytree',
]);
const BLOCKING_MODULES = /^(requests|httpx|subprocess|urllib\.request)\./;
const BLOCKING_METHODS = new Set([
  'read', 'readline', 'readlines', 'readinto', 'write', 'writelines', 'flush',
  'recv', 'recv_into', 'recvfrom', 'send', 'sendall', 'sendto', 'accept', 'connect', 'makefile',
  'read_text', 'read_bytes', 'write_text', 'write_bytes', 'communicate',
]);

/** A callee that makes a lock: `threading.Lock`, `RLock`, `Semaphore`, `Condition`… */
export function isLockFactory(callee: string): boolean {
  return LOCK_FACTORIES.test(callee);
}

/** A context or receiver that looks like a lock: a name assigned one, a name like *lock*, or a call that makes one. */
export function isLockish(text: string, lockNames: ReadonlySet<string>): boolean {
  return lockNames.has(text) || LOCKISH_NAME.test(lastPart(text)) || LOCK_FACTORIES.test(text.replace(/\(.*$/s, ''));
}

/** A call that waits on I/O: files, sockets, HTTP, subprocesses; `self.x.read()` is not counted (the class's own method). */
export function isBlocking(callee: string): boolean {
  if (BLOCKING.has(callee) || BLOCKING_MODULES.test(callee)) return true;
  return callee.includes('.') && BLOCKING_METHODS.has(lastPart(callee)) && !callee.startsWith('self.');
}

export function isSleep(callee: string): boolean {
  return callee === 'time.sleep' || callee === 'sleep';
}

/** `name = threading.Lock()` anywhere in the tree: the names assigned a lock. */
export function lockNamesIn(root: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (const a of root.descendantsOfType('assignment')) {
    const right = a && field(a, 'right');
    const left = a && dottedName(field(a, 'left'));
    if (!right || !left || right.type !== 'call') continue;
    const callee = dottedName(field(right, 'function'));
    if (callee && LOCK_FACTORIES.test(callee)) names.add(left);
  }
  return names;
}

/** `X.acquire()` or `X.release()` as a statement of its own: opens or closes a held stretch. */
export function acquireStretch(stmt: SyntaxNode): { receiver: string; acquire: boolean } | undefined {
  if (stmt.type !== 'expression_statement') return undefined;
  const call = named(stmt)[0];
  if (call?.type !== 'call') return undefined;
  const callee = dottedName(field(call, 'function'));
  if (!callee || !callee.includes('.')) return undefined;
  const last = lastPart(callee);
  if (last !== 'acquire' && last !== 'release') return undefined;
  return { receiver: callee.slice(0, callee.lastIndexOf('.')), acquire: last === 'acquire' };
}
