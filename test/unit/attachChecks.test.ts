import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandText } from '../../src/core/attach/commandText';
import { interpreterOptions, remoteDebugDisabledBy } from '../../src/core/attach/interpreterOptions';
import { parseProcStat } from '../../src/core/attach/procFiles';
import { ptraceAdvice } from '../../src/core/attach/ptraceRights';

/** The pieces of `gilscope attach`'s checks that read text: command lines, /proc files, the kernel's rules. */
describe('attach checks', () => {
  it('reads the interpreter options off a command line as CPython does', () => {
    assert.deepEqual(interpreterOptions(['/usr/bin/python3.14', '-IB', '-Xdev', '-X', 'gil=0', 'app.py', '-X', 'mine']),
      { ignoresEnvironment: true, xOptions: ['dev', 'gil=0'] });
    assert.deepEqual(interpreterOptions(['python3', '-c', 'import x', '-E']), { ignoresEnvironment: false, xOptions: [] });
    assert.deepEqual(interpreterOptions(['python3', '-W', 'error', '-m', 'http.server', '-X', 'y']), { ignoresEnvironment: false, xOptions: [] });
    assert.deepEqual(interpreterOptions(['uwsgi', '-E', '-X', 'disable_remote_debug']), { ignoresEnvironment: false, xOptions: [] }, 'not a python: its own options');
  });

  it('says why remote debugging is off in a process', () => {
    const env = new Map([['PYTHON_DISABLE_REMOTE_DEBUG', '1']]);
    assert.equal(remoteDebugDisabledBy(['python3.14', 'app.py'], env), 'it was started with PYTHON_DISABLE_REMOTE_DEBUG set');
    assert.equal(remoteDebugDisabledBy(['python3.14', '-E', 'app.py'], env), undefined, '-E ignores it');
    assert.equal(remoteDebugDisabledBy(['python3.14', 'app.py'], new Map([['PYTHON_DISABLE_REMOTE_DEBUG', '']])), undefined, 'empty is unset');
    assert.equal(remoteDebugDisabledBy(['python3.14', '-Xdisable_remote_debug', 'app.py'], undefined), 'it was started with -X disable_remote_debug');
    assert.equal(remoteDebugDisabledBy(['python3.14', 'app.py'], undefined), undefined);
  });

  it('reads /proc/PID/stat past a command name with spaces and parentheses', () => {
    const stat = parseProcStat('4242 (my (odd) name) S 17 4242 4242 0 -1 4194560 1 0 0 0 3 1 0 0 20 0 3 0 987654 1000 100 18446744073709551615');
    assert.deepEqual(stat, { state: 'S', ppid: 17, startTime: 987654 });
  });

  it('quotes what a shell would need quoted', () => {
    assert.equal(commandText(['python3', '-c', 'import time\ntime.sleep(1)', 'a b', '', 'x.py']),
      'python3 -c "import time\\ntime.sleep(1)" "a b" "" x.py');
  });

  it('tells what to do under each of the kernel\'s ptrace rules', () => {
    assert.match(ptraceAdvice(1, false), /ptrace_scope = 1\).*run gilscope attach as root, or allow it with: sudo sysctl kernel\.yama\.ptrace_scope=0/);
    assert.match(ptraceAdvice(2, false), /only root may attach/);
    assert.match(ptraceAdvice(3, true), /ptrace_scope = 3/);
    assert.match(ptraceAdvice(undefined, true), /SYS_PTRACE/);
    assert.match(ptraceAdvice(0, false), /not dumpable/);
  });
});
