import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helperThread, processRoles } from '../../../src/core/analysis/processRoles';
import type { ProcessFacts, RoleRule } from '../../../src/core/analysis/processRoles';

/**
 * Process roles from the command lines, code and parents that real
 * recordings carry (joblib 1.6's loky and multiprocessing backends,
 * multiprocessing with fork, forkserver and spawn, a Manager): helpers are
 * named and never workers, whatever they did; unnamed children are judged
 * by their work.
 */

const PY = '/venv/bin/python';
let nextPid = 100;

function proc(o: Partial<ProcessFacts> & { argv: readonly string[] }): ProcessFacts {
  const pid = o.pid ?? nextPid++;
  const parentPid = o.parentPid ?? 1;
  return { pid, parentPid, key: String(pid), parentKey: String(parentPid), executable: PY, functions: [], threadNames: ['MainThread'], workSeconds: 0, ...o };
}

test('joblib loky: the two resource trackers are helpers, named; the two loky workers are workers', () => {
  const main = proc({ argv: [PY, 'joblib_backends.py', '--backend', 'loky'], workSeconds: 0.07 });
  const loky = proc({ parentPid: main.pid, argv: [PY, '-B', '-c', 'from joblib.externals.loky.backend.resource_tracker import main; main(4, False)'], workSeconds: 1.9 });
  const mp = proc({ parentPid: main.pid, argv: [PY, '-B', '-c', 'from multiprocessing.resource_tracker import main;main(11)'], workSeconds: 0.03 });
  const w1 = proc({ parentPid: main.pid, argv: [PY, '-m', 'joblib.externals.loky.backend.popen_loky_posix', '--process-name', 'LokyProcess-1', '--pipe', '14'], workSeconds: 1.5 });
  const w2 = proc({ parentPid: main.pid, argv: [PY, '-m', 'joblib.externals.loky.backend.popen_loky_posix', '--process-name', 'LokyProcess-2', '--pipe', '15'], workSeconds: 0.7 });
  const roles = processRoles([main, loky, mp, w1, w2]);
  assert.deepEqual(roles.get(main.key), { role: 'main', name: 'main process' });
  // It imported joblib for a second and more: still a helper, by its command line.
  assert.deepEqual(roles.get(loky.key), { role: 'helper', name: 'loky resource tracker' });
  assert.deepEqual(roles.get(mp.key), { role: 'helper', name: 'multiprocessing resource tracker' });
  assert.equal(roles.get(w1.key)?.role, 'worker');
  assert.equal(roles.get(w2.key)?.role, 'worker');
});

test('forkserver: the server is a helper; the workers forked from it carry its command line and are workers', () => {
  const main = proc({ argv: [PY, 'mgr.py', 'forkserver'] });
  const server = proc({ parentPid: main.pid, argv: [PY, '-B', '-c', "from multiprocessing.forkserver import main; main(6, 8, ['__main__'])"], workSeconds: 0.016 });
  const w1 = proc({ parentPid: server.pid, argv: server.argv, workSeconds: 0.04 });
  const w2 = proc({ parentPid: server.pid, argv: server.argv, workSeconds: 0.06 });
  const manager = proc({
    parentPid: server.pid, argv: server.argv, workSeconds: 0.007,
    functions: ['/usr/lib/python3.11/multiprocessing/managers.py:Server.serve_forever', '/usr/lib/python3.11/threading.py:Condition.wait'],
    threadNames: ['MainThread', 'Thread-1 (accepter)', 'Thread-2 (handle_request)'],
  });
  const roles = processRoles([main, server, w1, w2, manager]);
  assert.deepEqual(roles.get(server.key), { role: 'helper', name: 'multiprocessing forkserver' });
  assert.equal(roles.get(w1.key)?.role, 'worker');
  assert.equal(roles.get(w2.key)?.role, 'worker');
  assert.deepEqual(roles.get(manager.key), { role: 'helper', name: 'multiprocessing Manager server' });
});

test('a Manager server forked with its parent\'s command line is told by its code, or by its accepter thread (Python 3.10+)', () => {
  const main = proc({ argv: [PY, 'mgr.py', 'fork'], workSeconds: 0.03 });
  const byCode = proc({ parentPid: main.pid, argv: main.argv, workSeconds: 0.5, functions: ['C:\\py\\Lib\\multiprocessing\\managers.py:Server.serve_forever'] });
  const byThread = proc({ parentPid: main.pid, argv: main.argv, workSeconds: 0.5, threadNames: ['MainThread', 'Thread-1 (accepter)'] });
  const roles = processRoles([main, byCode, byThread]);
  assert.equal(roles.get(byCode.key)?.name, 'multiprocessing Manager server');
  assert.equal(roles.get(byThread.key)?.name, 'multiprocessing Manager server');
});

test('old Pythons\' semaphore trackers are helpers too', () => {
  const main = proc({ argv: [PY, 'x.py'] });
  const mp = proc({ parentPid: main.pid, argv: [PY, '-c', 'from multiprocessing.semaphore_tracker import main;main(5)'], workSeconds: 1 });
  const loky = proc({ parentPid: main.pid, argv: [PY, '-c', 'from loky.backend.semaphore_tracker import main; main(5)'], workSeconds: 1 });
  const roles = processRoles([main, mp, loky]);
  assert.equal(roles.get(mp.key)?.name, 'multiprocessing semaphore tracker');
  assert.equal(roles.get(loky.key)?.name, 'loky semaphore tracker');
});

test('an unknown child that idles is a helper, not a worker; one that worked a share of the busiest is a worker', () => {
  const main = proc({ argv: [PY, 'x.py'], workSeconds: 0.01 });
  const busy = proc({ parentPid: main.pid, argv: [PY, 'child.py'], workSeconds: 2 });
  const small = proc({ parentPid: main.pid, argv: [PY, 'child.py'], workSeconds: 0.11 });
  const idle = proc({ parentPid: main.pid, argv: [PY, '-m', 'some.daemon'], workSeconds: 0.05 });
  const roles = processRoles([main, busy, small, idle]);
  assert.equal(roles.get(main.key)?.role, 'main', 'the launcher\'s process stays main, whatever it did');
  assert.equal(roles.get(busy.key)?.role, 'worker');
  assert.equal(roles.get(small.key)?.role, 'worker', '5.5% of the busiest');
  assert.deepEqual(roles.get(idle.key), { role: 'helper', name: 'idle child process (did no work of its own)' });
});

test('the extension point: another table of rules names infrastructure, which is never a worker', () => {
  const ray: RoleRule[] = [{ role: 'infrastructure', name: 'Ray raylet', argv: /\/raylet\/raylet\b/ }];
  const main = proc({ argv: [PY, 'driver.py'], workSeconds: 0.5 });
  const raylet = proc({ parentPid: main.pid, argv: ['/venv/lib/python3.11/site-packages/ray/core/src/ray/raylet/raylet', '--node_ip_address=127.0.0.1'], workSeconds: 3 });
  const roles = processRoles([main, raylet], ray);
  assert.deepEqual(roles.get(raylet.key), { role: 'infrastructure', name: 'Ray raylet' });
});

test('helper threads: the pool\'s handlers, queue feeders, loky\'s executor manager, a Manager\'s connections', () => {
  for (const name of ['Thread-3 (_handle_workers)', 'Thread-4 (_handle_tasks)', 'Thread-5 (_handle_results)', 'QueueFeederThread', 'ExecutorManagerThread', 'Thread-1 (accepter)']) {
    assert.notEqual(helperThread(name), null, name);
  }
  for (const name of ['MainThread', 'Thread-1 (worker)', 'ThreadPoolExecutor-0_0', 'hash-0', 'echoer']) assert.equal(helperThread(name), null, name);
});
