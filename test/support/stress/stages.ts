import { createHash } from 'node:crypto';
import type { Random } from './random';

/** The interpreter a program runs on, as far as its output depends on it. */
export interface Target {
  readonly version: readonly [number, number, number];
  readonly freeThreaded: boolean;
}

/**
 * One stage of a stress program: a Python function `name()` returning a str, which the main
 * thread prints as `INDEX KIND RESULT`, and the result it must return on `target`.
 */
export interface Stage {
  readonly kind: string;
  /** What was drawn, for the program's header and a failure's message. */
  readonly about: string;
  /** Python source of `def NAME():` with NAME replaced by the caller. */
  readonly source: (name: string) => string;
  readonly expected: (target: Target) => string;
  /** Starts processes (pools, subprocess, fork): at most one such stage per program, they cost the most. */
  readonly processes: boolean;
  /** Leaves threads running until the process ends. */
  readonly leavesDaemons: boolean;
}

type Make = (rng: Random) => Stage;

const STARTERS = ['thread', 'raw', 'cthread', 'executor'] as const;

/** Python's `str(list)` of strings and numbers as this harness writes them. */
function pyList(items: readonly (string | number | boolean | null)[]): string {
  return `[${items.map((x) => (typeof x === 'string' ? `'${x}'` : x === null ? 'None' : typeof x === 'boolean' ? (x ? 'True' : 'False') : String(x))).join(', ')}]`;
}

const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;

function stage(kind: string, about: string, source: (name: string) => string, expected: (t: Target) => string, extra: Partial<Pick<Stage, 'processes' | 'leavesDaemons'>> = {}): Stage {
  return { kind, about, source, expected, processes: extra.processes ?? false, leavesDaemons: extra.leavesDaemons ?? false };
}

/** N workers increment a shared counter under one lock of a kind, taken one of three ways. */
const lockCounter: Make = (rng) => {
  const kind = rng.pick(['Lock', 'RLock', 'Semaphore', 'BoundedSemaphore', 'Condition']);
  const how = rng.pick(STARTERS);
  const n = rng.int(2, 4);
  const iters = rng.int(20, 300);
  const take = rng.pick(['plain', 'timeout', 'spin']);
  const reenter = (kind === 'RLock' || kind === 'Condition') && rng.chance(0.5);
  const acquire = {
    plain: 'lock.acquire()',
    timeout: 'if not lock.acquire(timeout=WAIT):\n                raise RuntimeError("lock timed out")',
    spin: 'while not lock.acquire(False):\n                time.sleep(0)',
  }[take];
  return stage('lock', `${kind} ${take}${reenter ? ' re-entered' : ''}, ${n} ${how} workers x ${iters}`, (name) => lines(
    `def ${name}():`,
    `    lock = threading.${kind}(${kind.endsWith('Semaphore') ? '1' : ''})`,
    '    box = [0]',
    '',
    '    def work():',
    `        for _ in range(${iters}):`,
    `            ${acquire}`,
    '            try:',
    reenter ? '                with lock:\n                    v = box[0]' : '                v = box[0]',
    '                box[0] = v + 1',
    '            finally:',
    '                lock.release()',
    '        return 0',
    '',
    `    run_workers("${how}", [work] * ${n})`,
    '    return str(box[0])',
  ), () => String(n * iters));
};

/** Producers and consumers over one of queue's queues; every item is taken exactly once. */
const queuePipeline: Make = (rng) => {
  const q = rng.pick(['Queue', 'LifoQueue', 'PriorityQueue', 'SimpleQueue']);
  const maxsize = q === 'SimpleQueue' ? '' : String(rng.pick([0, 1, 2, 4, 8]));
  const producers = rng.int(1, 3);
  const consumers = rng.int(1, 3);
  const items = rng.int(10, 150);
  const how = rng.pick(STARTERS);
  const wrap = q === 'PriorityQueue' ? (v: string) => `(${v}, ${v})` : (v: string) => v;
  const unwrap = q === 'PriorityQueue' ? 'item[0]' : 'item';
  let sum = 0;
  for (let p = 0; p < producers; p++) for (let j = 0; j < items; j++) sum += p * 1000 + j;
  return stage('queue', `${q}(${maxsize}) ${producers} producers, ${consumers} consumers, ${items} items each, ${how}`, (name) => lines(
    `def ${name}():`,
    '    import queue',
    `    q = queue.${q}(${maxsize})`,
    `    total = ${producers * items}`,
    '    guard = threading.Lock()',
    '    taken = [0]',
    '',
    '    def producer(p):',
    '        def put():',
    `            for j in range(${items}):`,
    `                q.put(${wrap('p * 1000 + j')}, timeout=WAIT)`,
    '            return 0',
    '        return put',
    '',
    '    def consumer():',
    '        got = 0',
    '        while True:',
    '            with guard:',
    '                if taken[0] >= total:',
    '                    return got',
    '                taken[0] += 1',
    '            item = q.get(timeout=WAIT)',
    `            got += ${unwrap}`,
    q === 'SimpleQueue' ? '' : '            q.task_done()',
    '',
    `    fns = [producer(p) for p in range(${producers})] + [consumer] * ${consumers}`,
    `    got = run_workers("${how}", fns)`,
    q === 'SimpleQueue' ? '' : '    q.join()',
    `    return "%d %d" % (sum(got[${producers}:]), taken[0])`,
  ), () => `${sum} ${producers * items}`);
};

/** Players take turns in a ring on a Condition: the order of turns is fixed, and checked. */
const conditionRing: Make = (rng) => {
  const n = rng.int(2, 4);
  const rounds = rng.int(5, 40);
  const lock = rng.pick(['', 'threading.Lock()', 'threading.RLock()']);
  const how = rng.pick(STARTERS);
  return stage('condition', `Condition(${lock}) ring of ${n} ${how} players x ${rounds}`, (name) => lines(
    `def ${name}():`,
    `    cond = threading.Condition(${lock})`,
    '    state = {"turn": 0, "log": []}',
    '',
    '    def player(me):',
    '        def play():',
    `            for _ in range(${rounds}):`,
    '                with cond:',
    `                    if not cond.wait_for(lambda: state["turn"] % ${n} == me, WAIT):`,
    '                        raise RuntimeError("condition wait timed out")',
    '                    state["log"].append(me)',
    '                    state["turn"] += 1',
    '                    cond.notify_all()',
    '            return me',
    '        return play',
    '',
    `    run_workers("${how}", [player(k) for k in range(${n})])`,
    `    ok = state["log"] == [k % ${n} for k in range(${n * rounds})]`,
    '    return "%d %s" % (state["turn"], ok)',
  ), () => `${n * rounds} True`);
};

/** Workers wait for an Event that another thread sets, then meet at a Barrier. */
const eventBarrier: Make = (rng) => {
  const n = rng.int(2, 4);
  const delayMs = rng.int(0, 20);
  const how = rng.pick(STARTERS);
  return stage('event', `Event set after ${delayMs} ms, Barrier(${n}), ${how}`, (name) => lines(
    `def ${name}():`,
    '    ev = threading.Event()',
    `    barrier = threading.Barrier(${n})`,
    '',
    '    def worker(k):',
    '        def w():',
    '            if not ev.wait(WAIT):',
    '                raise RuntimeError("event never set")',
    '            barrier.wait(WAIT)',
    '            return k * 2',
    '        return w',
    '',
    '    def setter():',
    `        time.sleep(${delayMs / 1000})`,
    '        ev.set()',
    '',
    '    t = threading.Thread(target=setter)',
    '    t.start()',
    `    got = run_workers("${how}", [worker(k) for k in range(${n})])`,
    '    t.join()',
    '    return str(sum(got))',
  ), () => String(n * (n - 1)));
};

/** At most k workers inside a Semaphore(k) at once, each pausing inside in one of four ways. */
const semaphoreLimit: Make = (rng) => {
  const kind = rng.pick(['Semaphore', 'BoundedSemaphore']);
  const k = rng.int(1, 3);
  const n = rng.int(2, 5);
  const iters = rng.int(5, 40);
  const how = rng.pick(STARTERS);
  const pause = rng.pick(['pass', 'time.sleep(0.0005)', 'cext().sleep_released(0.0002)', 'cext().spin_released(0.0002)']);
  return stage('semaphore', `${kind}(${k}) ${n} ${how} workers x ${iters}, inside: ${pause}`, (name) => lines(
    `def ${name}():`,
    `    sem = threading.${kind}(${k})`,
    '    guard = threading.Lock()',
    '    state = [0, 0, 0]',
    '',
    '    def w():',
    `        for _ in range(${iters}):`,
    '            with sem:',
    '                with guard:',
    '                    state[0] += 1',
    '                    state[1] = max(state[1], state[0])',
    '                    state[2] += 1',
    `                ${pause}`,
    '                with guard:',
    '                    state[0] -= 1',
    '        return 0',
    '',
    `    run_workers("${how}", [w] * ${n})`,
    `    return "%d %s" % (state[2], state[1] <= ${k})`,
  ), () => `${n * iters} True`);
};

/** C-started threads that call a C function straight away: no Python frame when they wait. */
const cFrameless: Make = (rng) => {
  const ops = Array.from({ length: rng.int(2, 5) }, () =>
    rng.pick(['lock', 'contended', 'rlock', 'semaphore', 'queue', 'simplequeue', 'event', 'condition', 'touch', 'python']),
  );
  const body: string[] = [];
  const expected: string[] = [];
  ops.forEach((op, j) => {
    const v = `r${j}`;
    switch (op) {
      case 'lock':
        body.push(`    lk = threading.Lock()`, `    ${v} = ct.join(ct.call_in_c_thread(lk.acquire))`, '    lk.release()');
        expected.push('True');
        break;
      case 'contended':
        body.push('    lk = threading.Lock()', '    lk.acquire()', '    h = ct.call_in_c_thread(lk.acquire, True, WAIT)', '    time.sleep(0.005)', '    lk.release()', `    ${v} = ct.join(h)`, '    lk.release()');
        expected.push('True');
        break;
      case 'rlock':
        body.push('    rl = threading.RLock()', `    ${v} = (ct.join(ct.call_in_c_thread(rl.acquire)), rl.acquire(timeout=0.01))`);
        expected.push('(True, False)');
        break;
      case 'semaphore':
        body.push('    sm = threading.Semaphore(0)', '    h = ct.call_in_c_thread(sm.acquire, True, WAIT)', '    time.sleep(0.005)', '    sm.release()', `    ${v} = ct.join(h)`);
        expected.push('True');
        break;
      case 'queue':
      case 'simplequeue':
        body.push(`    qq = queue.${op === 'queue' ? 'Queue' : 'SimpleQueue'}()`, '    h = ct.call_in_c_thread(qq.get, True, WAIT)', '    time.sleep(0.005)', `    qq.put("item${j}")`, `    ${v} = ct.join(h)`);
        expected.push(`'item${j}'`);
        break;
      case 'event':
        body.push('    ev = threading.Event()', '    h = ct.call_in_c_thread(ev.wait, WAIT)', '    time.sleep(0.005)', '    ev.set()', `    ${v} = ct.join(h)`);
        expected.push('True');
        break;
      case 'condition':
        body.push('    cv = threading.Condition(threading.Lock())', `    ${v} = ct.join(ct.call_in_c_thread(cv.acquire))`, '    cv.release()');
        expected.push('True');
        break;
      case 'touch':
        body.push('    for _ in range(5):', '        ct.touch_gil_in_c_thread()', `    ${v} = None`);
        expected.push('None');
        break;
      case 'python':
        body.push(`    ${v} = ct.join(ct.call_in_c_thread(sum, range(${j + 10})))`);
        expected.push(String(((j + 10) * (j + 9)) / 2));
        break;
    }
  });
  return stage('cframeless', ops.join(' '), (name) => lines(
    `def ${name}():`,
    '    import queue',
    '    ct = cext()',
    ...body,
    `    return repr([${ops.map((_, j) => `r${j}`).join(', ')}])`,
  ), () => `[${expected.join(', ')}]`);
};

/** Workers in calls that let the GIL go: C spin and sleep, hashing, zlib, sleep, read, select. */
const released: Make = (rng) => {
  const kinds = Array.from({ length: rng.int(2, 4) }, () => rng.pick(['spin', 'csleep', 'sha', 'zlib', 'sleep', 'read', 'select']));
  const reps = rng.int(1, 6);
  const how = rng.pick(STARTERS);
  const kib = rng.int(16, 512);
  const data = Buffer.alloc(256 * 4 * kib);
  for (let i = 0; i < data.length; i++) data[i] = i % 256;
  const calls: Record<string, [string, string]> = {
    spin: ['cext().spin_released(0.001)', '0'],
    csleep: ['cext().sleep_released(0.001)', "'csleep'"],
    sha: ['hashlib.sha256(data).hexdigest()[:12]', `'${createHash('sha256').update(data).digest('hex').slice(0, 12)}'`],
    zlib: ['len(zlib.decompress(zlib.compress(data, 1)))', String(data.length)],
    sleep: ['time.sleep(0.001)', "'sleep'"],
    read: ['len(os.read(fd, 4096))', '4096'],
    select: ['select.select([], [], [], 0.001)[0]', '[]'],
  };
  const fnLines = kinds.flatMap((k, j) => [
    `    def w${j}():`,
    '        r = None',
    `        for _ in range(${reps}):`,
    `            r = ${calls[k]![0]}`,
    `        return r if r is not None else ${calls[k]![1]}`,
  ]);
  return stage('released', `${kinds.join(' ')} x ${reps}, ${how}, ${kib * 4} KiB`, (name) => lines(
    `def ${name}():`,
    '    import hashlib, select, zlib',
    `    data = bytes(range(256)) * ${4 * kib}`,
    '    fd = os.open("/dev/zero", os.O_RDONLY)',
    ...fnLines,
    '    try:',
    `        return repr(run_workers("${how}", [${kinds.map((_, j) => `w${j}`).join(', ')}]))`,
    '    finally:',
    '        os.close(fd)',
  ), () => `[${kinds.map((k) => calls[k]![1]).join(', ')}]`);
};

/** Pure-Python work in threads at a drawn switch interval, with one thread holding the GIL in C meanwhile. */
const cpu: Make = (rng) => {
  const n = rng.int(1, 4);
  const loops = rng.int(2000, 30000);
  const interval = rng.pick([0.0005, 0.001, 0.005, 0.02]);
  const how = rng.pick(STARTERS);
  const hold = rng.chance(0.4);
  let total = 0;
  for (let k = 0; k < n; k++) for (let j = 0; j < loops; j++) total += (j * j) % (k + 7);
  return stage('cpu', `${n} ${how} threads x ${loops}, switch interval ${interval}${hold ? ', a C hold of 20 ms' : ''}`, (name) => lines(
    `def ${name}():`,
    '    old = sys.getswitchinterval()',
    `    sys.setswitchinterval(${interval})`,
    hold ? '    holder = threading.Thread(target=cext().hold_gil, args=(0.02,))\n    holder.start()' : '',
    '    try:',
    '        def w(k):',
    '            def f():',
    '                acc = 0',
    `                for j in range(${loops}):`,
    '                    acc += (j * j) % (k + 7)',
    '                return acc',
    '            return f',
    `        return str(sum(run_workers("${how}", [w(k) for k in range(${n})])))`,
    '    finally:',
    hold ? '        holder.join()' : '',
    '        sys.setswitchinterval(old)',
  ), () => String(total));
};

function taskCpu(x: number): number {
  let acc = 0;
  for (let j = 0; j < x * 200; j++) acc += j % 7;
  return acc;
}

/** Threads in the parent while a pool works, for fork: the fork happens while they run. */
const BACKGROUND = [
  '    stop = threading.Event()',
  '    bg_lock = threading.Lock()',
  '',
  '    def background():',
  '        while not stop.is_set():',
  '            with bg_lock:',
  '                sum(range(200))',
  '            time.sleep(0)',
  '',
  '    bg = [threading.Thread(target=background) for _ in range(2)]',
  '    for t in bg:',
  '        t.start()',
];
const STOP_BACKGROUND = ['        stop.set()', '        for t in bg:', '            t.join()'];

/** A multiprocessing pool (fork, spawn or forkserver), a ProcessPoolExecutor, or Processes with a Queue. */
const pool: Make = (rng) => {
  const method = rng.weighted({ fork: 3, spawn: 1, forkserver: 1 });
  const shape = rng.pick(['pool-map', 'pool-terminate', 'executor', 'process-queue']);
  const workers = rng.int(1, 2);
  const tasks = rng.int(1, 6);
  const fn = rng.pick(['task_cpu', 'task_threads']);
  const background = rng.chance(0.5);
  const results = Array.from({ length: tasks }, (_, x) => (fn === 'task_cpu' ? taskCpu(x) : 2 * (x + 5)));
  const total = results.reduce((a, b) => a + b, 0);
  const body: Record<string, string[]> = {
    'pool-map': [`        with ctx.Pool(${workers}) as p:`, `            r = p.map(${fn}, range(${tasks}), chunksize=1)`, '            p.close()', '            p.join()'],
    'pool-terminate': [`        with ctx.Pool(${workers}) as p:`, `            r = sorted(p.imap_unordered(${fn}, range(${tasks})))`],
    executor: ['        from concurrent.futures import ProcessPoolExecutor', `        with ProcessPoolExecutor(${workers}, mp_context=ctx) as ex:`, `            r = list(ex.map(${fn}, range(${tasks})))`],
    'process-queue': [
      '        q = ctx.Queue()',
      `        ps = [ctx.Process(target=queue_task, args=(q, x)) for x in range(${Math.min(tasks, 3)})]`,
      '        for p in ps:',
      '            p.start()',
      '        r = sorted(q.get(timeout=WAIT) for _ in ps)',
      '        for p in ps:',
      '            p.join(WAIT)',
      '        r.append(sum(p.exitcode for p in ps))',
    ],
  };
  const queueTotal = shape === 'process-queue'
    ? Array.from({ length: Math.min(tasks, 3) }, (_, x) => (fn === 'task_cpu' ? taskCpu(x) : 2 * (x + 5))).reduce((a, b) => a + b, 0)
    : total;
  return stage('pool', `${shape} ${method}, ${workers} workers, ${tasks} x ${fn}${background ? ', threads running in the parent' : ''}`, (name) => lines(
    `def ${name}():`,
    '    import multiprocessing as mp',
    `    ctx = mp.get_context("${method}")`,
    ...(background ? BACKGROUND : []),
    '    try:',
    ...body[shape]!,
    '    finally:',
    ...(background ? STOP_BACKGROUND : ['        pass']),
    '    return str(sum(r))',
  ).replace('queue_task', `queue_${fn}`), () => String(queueTotal), { processes: true });
};

/** A child Python run by subprocess: threads with a lock, then it ends one of four ways. */
const subprocessPython: Make = (rng) => {
  const n = rng.int(1, 3);
  const iters = rng.int(10, 100);
  const end = rng.pick(['exit0', 'exit', 'os_exit', 'sigterm', 'raise']);
  const code = rng.int(1, 9);
  const endLine: Record<string, [string, string]> = {
    exit0: ['sys.exit(0)', '0'],
    exit: [`sys.exit(${code})`, String(code)],
    os_exit: [`os._exit(${code})`, String(code)],
    sigterm: ['os.kill(os.getpid(), signal.SIGTERM)\ntime.sleep(WAIT)', '-15'],
    raise: ['raise SystemError("child raised")', '1'],
  };
  const child = [
    'import os, signal, sys, threading, time',
    'WAIT = 20.0',
    'lock = threading.Lock()',
    'box = [0]',
    'def w():',
    `    for _ in range(${iters}):`,
    '        with lock:',
    '            box[0] += 1',
    `ts = [threading.Thread(target=w) for _ in range(${n})]`,
    'for t in ts: t.start()',
    'for t in ts: t.join()',
    'print("child", box[0], flush=True)',
    endLine[end]![0],
  ].join('\n');
  const stderrLines = end === 'raise' ? 'True' : 'False';
  return stage('subprocess', `child Python: ${n} threads x ${iters}, ends ${end}`, (name) => lines(
    `def ${name}():`,
    '    import subprocess',
    `    child = ${JSON.stringify(child)}`,
    '    r = subprocess.run([sys.executable, "-c", child], stdout=subprocess.PIPE, stderr=subprocess.PIPE,',
    '                       universal_newlines=True, timeout=WAIT)',
    '    return "%s %s %s" % (r.returncode, r.stdout.split(), "SystemError" in r.stderr)',
  ), () => `${endLine[end]![1]} ['child', '${n * iters}'] ${stderrLines}`, { processes: true });
};

/** os.fork, optionally while threads run; the child runs threads of its own and ends by _exit or a signal. */
const fork: Make = (rng) => {
  const background = rng.chance(0.5);
  const end = rng.pick(['exit', 'signal']);
  const code = rng.int(0, 9);
  return stage('fork', `os.fork${background ? ' while threads run' : ''}, child ends by ${end}`, (name) => lines(
    `def ${name}():`,
    ...(background ? BACKGROUND : []),
    '    try:',
    '        settle_threads()',
    '        pid = os.fork()',
    '        if pid == 0:',
    '            try:',
    '                r = task_threads(10)',
    end === 'exit' ? `                os._exit(${code} if r == 30 else 99)` : '                os.kill(os.getpid(), signal.SIGTERM if r == 30 else signal.SIGKILL)\n                time.sleep(WAIT)',
    '            finally:',
    '                os._exit(98)',
    '        _, status = os.waitpid(pid, 0)',
    '        return exit_text(status)',
    '    finally:',
    ...(background ? STOP_BACKGROUND : ['        pass']),
  ), () => (end === 'exit' ? `exit ${code}` : 'signal 15'), { processes: true });
};

/** Signals handled in the main thread, sent by a thread, a C thread, the main thread or a timer, while it waits in one of six ways. */
const signals: Make = (rng) => {
  const sig = rng.pick(['SIGUSR1', 'SIGALRM', 'SIGHUP']);
  const count = rng.int(1, 4);
  const sender = rng.pick(['thread', 'pthread_kill', 'cthread', 'self', 'timer']);
  const waitIn = rng.pick(['sleep', 'event', 'lock', 'queue', 'select', 'csleep']);
  const waits: Record<string, string> = {
    sleep: 'time.sleep(0.002)',
    event: 'never.wait(0.002)',
    lock: 'held.acquire(timeout=0.002)',
    queue: 'poll_queue()',
    select: 'select.select([], [], [], 0.002)',
    csleep: 'cext().sleep_released(0.002)',
  };
  const send: Record<string, string> = {
    thread: 'os.kill(os.getpid(), SIG)',
    pthread_kill: 'signal.pthread_kill(threading.main_thread().ident, SIG)',
    cthread: 'cext().join(cext().call_in_c_thread(os.kill, os.getpid(), SIG))',
    self: '',
    timer: '',
  };
  const main = sender === 'self'
    ? ['        for k in range(COUNT):', '            os.kill(os.getpid(), SIG)', '            deadline = time.monotonic() + WAIT', '            while len(got) <= k and time.monotonic() < deadline:', `                ${waits[waitIn]}`]
    : sender === 'timer'
      ? ['        signal.setitimer(signal.ITIMER_REAL, 0.003, 0.003)', '        deadline = time.monotonic() + WAIT', '        while len(got) < COUNT and time.monotonic() < deadline:', `            ${waits[waitIn]}`, '        signal.setitimer(signal.ITIMER_REAL, 0)']
      : [
        '        def sender():',
        '            for k in range(COUNT):',
        '                wait_for(lambda: len(got) >= k, "signal %d to be handled" % k)',
        `                ${send[sender]}`,
        '        t = threading.Thread(target=sender)',
        '        t.start()',
        '        deadline = time.monotonic() + WAIT',
        '        while len(got) < COUNT and time.monotonic() < deadline:',
        `            ${waits[waitIn]}`,
        '        t.join()',
      ];
  const theSig = sender === 'timer' ? 'SIGALRM' : sig;
  return stage('signals', `${count} x ${theSig} from ${sender}, main waits in ${waitIn}`, (name) => lines(
    `def ${name}():`,
    '    import queue, select',
    `    SIG = signal.${theSig}`,
    `    COUNT = ${count}`,
    '    got = []',
    '    never = threading.Event()',
    '    held = threading.Lock()',
    '    held.acquire()',
    '    pq = queue.Queue()',
    '',
    '    def poll_queue():',
    '        try:',
    '            pq.get(timeout=0.002)',
    '        except queue.Empty:',
    '            pass',
    '',
    '    def handler(signum, frame):',
    '        got.append(signum)',
    '',
    '    old = signal.signal(SIG, handler)',
    '    try:',
    ...main,
    '    finally:',
    '        signal.signal(SIG, old)',
    sender === 'timer' ? '    return str(len(got) >= COUNT)' : '    return str(len(got))',
  ), () => (sender === 'timer' ? 'True' : String(count)));
};

/** Sub-interpreters (3.12+), each in a thread of its own, computing and writing to a pipe; threads inside some. */
const subinterpreters: Make = (rng) => {
  const n = rng.int(1, 3);
  const loops = rng.int(1000, 20000);
  const inner = rng.chance(0.4);
  const how = rng.pick(['thread', 'raw', 'executor', 'cthread']);
  const sub = [
    'import os',
    'k = %d',
    'x = 0',
    `for j in range(${loops}):`,
    '    x += j %% (k + 3)',
    ...(inner
      ? ['import threading', 'lock = threading.Lock()', 'box = [0]', 'def w():', '    for _ in range(20):', '        with lock:', '            box[0] += 1',
        'ts = [threading.Thread(target=w) for _ in range(2)]', 'for t in ts: t.start()', 'for t in ts: t.join()', 'x += box[0]']
      : []),
    "os.write(%d, ('%%d %%d\\n' %% (k, x)).encode())",
  ].join('\n');
  const results = Array.from({ length: n }, (_, k) => {
    let x = 0;
    for (let j = 0; j < loops; j++) x += j % (k + 3);
    return `${k} ${x + (inner ? 40 : 0)}`;
  });
  return stage('subinterp', `${n} sub-interpreters in ${how} threads, ${loops} loops${inner ? ', threads inside' : ''}`, (name) => lines(
    `def ${name}():`,
    '    if sys.version_info < (3, 12):',
    '        return "skipped"',
    `    sub = ${JSON.stringify(sub)}`,
    '    r, w = os.pipe()',
    '',
    '    def run(k):',
    '        def f():',
    '            in_subinterpreter(sub % (k, w))',
    '            return k',
    '        return f',
    '',
    '    try:',
    `        run_workers("${how}", [run(k) for k in range(${n})])`,
    '    finally:',
    '        os.close(w)',
    '    with os.fdopen(r) as f:',
    '        return repr(sorted(f.read().splitlines()))',
  ), (t) => (t.version[0] === 3 && t.version[1] < 12 ? 'skipped' : pyList(results)));
};

/** Threads that die of an exception one after the other (their tracebacks on stderr, in order). */
const threadExceptions: Make = (rng) => {
  const n = rng.int(1, 3);
  const raw = rng.chance(0.3);
  return stage('exceptions', `${n} ${raw ? '_thread' : 'threading'} threads raise`, (name) => lines(
    `def ${name}():`,
    '    import _thread',
    // _thread prints through sys.unraisablehook; the next thread starts once it has printed
    '    printed = threading.Semaphore(0)',
    '',
    '    def hook(unraisable):',
    '        sys.__unraisablehook__(unraisable)',
    '        printed.release()',
    '',
    raw ? '    sys.unraisablehook = hook' : '',
    '    try:',
    `        for k in range(${n}):`,
    raw
      ? '            _thread.start_new_thread(raiser, (k,))\n            if not printed.acquire(timeout=WAIT):\n                raise RuntimeError("the raising thread printed nothing")'
      : '            t = threading.Thread(target=raiser, args=(k,))\n            t.start()\n            t.join()',
    '    finally:',
    '        sys.unraisablehook = sys.__unraisablehook__',
    `    return "${n} raised"`,
  ), () => `${n} raised`);
};

/** Threads that run until the process ends: sleeping, contending, in C, blocked, spinning, or a C library's callback thread. */
const daemons: Make = (rng) => {
  const kinds = Array.from({ length: rng.int(1, 3) }, () => rng.pick(['sleep', 'contend', 'cspin', 'blocked', 'cdaemon', 'raw']));
  const starts: Record<string, string[]> = {
    sleep: ['    threading.Thread(target=forever, args=(lambda: time.sleep(0.002),), daemon=True).start()'],
    contend: ['    for _ in range(2):', '        threading.Thread(target=forever, args=(contend,), daemon=True).start()'],
    cspin: ['    threading.Thread(target=forever, args=(lambda: cext().spin_released(0.002),), daemon=True).start()'],
    blocked: ['    threading.Thread(target=threading.Event().wait, daemon=True).start()'],
    cdaemon: ['    cext().start_c_daemon(contend, 0.002)'],
    // _thread._count() counts a thread once it runs: waited for, or a later stage's count of its
    // own raw workers could include it after the fact and wait for ever
    raw: ['    import _thread', '    counted = _thread._count()', '    _thread.start_new_thread(forever, (lambda: time.sleep(0.003),))',
      '    wait_for(lambda: _thread._count() > counted, "the raw daemon to start")'],
  };
  return stage('daemons', kinds.join(' '), (name) => lines(
    `def ${name}():`,
    '    lock = threading.Lock()',
    '',
    '    def contend():',
    '        with lock:',
    '            sum(range(50))',
    '',
    '    def forever(step):',
    '        while True:',
    '            step()',
    '',
    ...kinds.flatMap((k) => starts[k]!),
    `    return "${kinds.length} started"`,
  ), () => `${kinds.length} started`, { leavesDaemons: true });
};

/** The stages a program is made of, with how often each is drawn. */
export const STAGES: Readonly<Record<string, { weight: number; make: Make }>> = {
  lock: { weight: 3, make: lockCounter },
  queue: { weight: 3, make: queuePipeline },
  condition: { weight: 2, make: conditionRing },
  event: { weight: 2, make: eventBarrier },
  semaphore: { weight: 2, make: semaphoreLimit },
  cframeless: { weight: 2, make: cFrameless },
  released: { weight: 2, make: released },
  cpu: { weight: 2, make: cpu },
  pool: { weight: 2, make: pool },
  subprocess: { weight: 1, make: subprocessPython },
  fork: { weight: 1, make: fork },
  signals: { weight: 2, make: signals },
  subinterp: { weight: 1.5, make: subinterpreters },
  exceptions: { weight: 1, make: threadExceptions },
  daemons: { weight: 1, make: daemons },
};
