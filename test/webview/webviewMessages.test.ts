import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HeatmapAnswer } from '../../src/core/analysis/heatmap';
import { lockHeatmapData, threadHeatmapData } from '../../src/core/report/heatmapMessage';
import { htmlReport } from '../../src/core/report/htmlReport';
import { recordingSummary } from '../../src/core/report/recordingSummary';
import type { Report } from '../../src/core/report/schema';
import { contentSecurityPolicy, webviewHtml } from '../../src/core/report/webviewHtml';
import { CELL_SCALE, isHostToPageMessage, isPageToHostMessage, THREAD_STATES } from '../../src/protocol/webviewProtocol';

/** The Node side of the webview protocol: the HTML builder, the heatmap encoding, the panel's summaries. No browser. */

test('the HTML builder: strict CSP, scripts only by nonce, styles from the webview source, no data in the page', () => {
  const html = webviewHtml({ title: 'x', nonce: 'N0nce', cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUris: ['https://a/report.js'], styleUris: ['https://a/report.css'] });
  assert.equal(
    contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'N0nce'),
    "default-src 'none'; script-src 'nonce-N0nce'; style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-N0nce'; img-src https://file+.vscode-resource.vscode-cdn.net data:; font-src https://file+.vscode-resource.vscode-cdn.net",
  );
  assert.match(html, /<script nonce="N0nce" src="https:\/\/a\/report\.js"><\/script>/);
  assert.match(html, /<link rel="stylesheet" nonce="N0nce" href="https:\/\/a\/report\.css">/);
  assert.equal([...html.matchAll(/<script/g)].length, 1);
  assert.match(html, /<div id="root"><\/div>/);
});

test('inlined scripts and JSON cannot close their element', () => {
  const html = webviewHtml({ title: 't', nonce: 'n', cspSource: null, inlineScripts: ['var s = "</script><script>alert(1)</script>";'], dataBlocks: [{ id: 'd', json: JSON.stringify({ s: '</script><!--' }) }] });
  assert.equal([...html.matchAll(/<\/script>/gi)].length, 2, 'only the two real closing tags');
  assert.doesNotMatch(html, /<!--/);
  assert.match(html.replace(/&#39;/g, "'"), /style-src 'nonce-n'; img-src data:/);
});

test('the CLI file without its built page still holds the report and a static summary', () => {
  const report = minimalReport();
  const html = htmlReport(report);
  assert.match(html, /<script type="application\/json" id="gilscope-report">\{"schemaVersion":1/);
  assert.match(html, /<td>worker<\/td>/);
  assert.doesNotMatch(html, /<script nonce/);
});

test('heatmap cells: Uint16 shares of each cell against the state maximum, per row and state', () => {
  const cell = 0.01;
  const f = (xs: number[]): Float64Array => Float64Array.from(xs);
  const answer: HeatmapAnswer = {
    startSeconds: 0,
    endSeconds: 0.03,
    cellSeconds: cell,
    threads: [{ key: '7/1', label: 'worker', pid: 7, cells: { held: f([0.01, 0.0025, 0]), wait: f([0, 0.0075, 0]), lockWait: f([0, 0, 0.004]), released: f([0, 0, -1e-9]), running: f([0, 0, 0]), stw: f([0, 0, 0]), blocked: f([0, 0, 0]), unknown: f([0, 0, 0.005]) } }],
    locks: [{ key: '7/lock/3', label: 'the_lock', pid: 7, cells: { hold: f([0.01, 0.01, 0]), wait: f([0, 0.025, 0.01]) } }],
  };
  const ids = new Map([['7/1', 4242], ['7/lock/3', 3]]);
  const t = threadHeatmapData(answer, ids);
  assert.deepEqual(t.rows, [{ key: '7/1', label: 'worker', pid: 7, id: 4242 }]);
  assert.equal(t.columns, 3);
  assert.equal(t.sites, null);
  const u16 = (b64: string): Uint16Array => new Uint16Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer);
  const cells = u16(t.cells);
  const at = (state: number, column: number): number => (cells[state * 3 + column]! / CELL_SCALE) * t.scales[state]!;
  assert.equal(THREAD_STATES.join(), 'held,wait,lockWait,released,running,stw,blocked,unknown');
  assert.ok(Math.abs(at(0, 0) - 1) < 1e-4 && Math.abs(at(0, 1) - 0.25) < 1e-4 && Math.abs(at(1, 1) - 0.75) < 1e-4 && Math.abs(at(2, 2) - 0.4) < 1e-4);
  assert.equal(at(3, 2), 0, 'a negative released edge is drawn as 0');
  assert.ok(Math.abs(at(7, 2) - 0.5) < 1e-4, 'a sampled thread\'s unknown time is a plane of its own');
  const l = lockHeatmapData(answer, ids);
  assert.deepEqual(l.scales, [1, 2.5], 'a lock queue of 2.5 threads keeps its size');
  const lc = u16(l.cells);
  assert.equal(lc[3 + 1], CELL_SCALE);
});

test('the panel summary: script name, start time, the thread that waited most, the most contended lock', () => {
  const s = recordingSummary(minimalReport(), { id: '/rec/a', startedAtSeconds: 1_700_000_000.5 });
  assert.equal(s.label, 'work.py');
  assert.equal(s.startedAtMs, 1_700_000_000_500);
  assert.equal(s.state, 'finished');
  assert.deepEqual(s.topThread, { name: 'worker', gilWaitSeconds: 0.5, lockWaitSeconds: 0.25, lifetimeSeconds: 2 });
  assert.deepEqual(s.topLock, { name: 'the_lock', waitSeconds: 0.25, contended: 3, acquisitions: 10 });
  assert.deepEqual(s.python, { implementation: 'CPython', version: '3.12.1', executable: '/usr/bin/python3' });
});

test('message guards accept only the protocol\'s types', () => {
  assert.ok(isHostToPageMessage({ type: 'report/show' }));
  assert.ok(!isHostToPageMessage({ type: 'source/open' }));
  assert.ok(!isHostToPageMessage(null));
  assert.ok(isPageToHostMessage({ type: 'heatmap/request' }));
  assert.ok(isHostToPageMessage({ type: 'compare/show' }));
  assert.ok(!isHostToPageMessage({ type: 'compare/openRecording' }));
  assert.ok(isPageToHostMessage({ type: 'compare/openRecording' }));
  assert.ok(!isPageToHostMessage({ type: 'compare/show' }));
  assert.ok(!isPageToHostMessage({ type: 'report/show' }));
  assert.ok(!isPageToHostMessage('ready'));
});

function minimalReport(): Report {
  const zero = { p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    schemaVersion: 1,
    generator: 'gilscope',
    python: { version: '3.12.1', implementation: 'CPython', gilEnabled: true, sampled: false },
    wallSeconds: 2,
    attached: false,
    command: ['python3', 'work.py', '--fast'],
    processes: [
      {
        pid: 7,
        parentPid: 1,
        key: '7',
        role: 'main',
        roleName: 'main process',
        argv: ['python3', 'work.py'],
        executable: '/usr/bin/python3',
        exitCode: 0,
        endKind: 'exit',
        signal: null,
        running: false,
        host: null,
        bootId: null,
        attachedAtSeconds: null,
        cappedAtSeconds: null,
        onlineCpus: null,
        foreignCpus: null,
        startSeconds: 0,
        endSeconds: 2,
        lostRecords: 0,
        records: 100,
        threads: [
          {
            tid: 8,
            name: 'worker',
            isMain: false,
            startSeconds: 0,
            endSeconds: 2,
            gil: { heldSeconds: 1, waitSeconds: 0.5, releasedSeconds: 0.5 },
            gilShares: { held: 0.5, wait: 0.25, released: 0.25 },
            acquisitions: 5,
            lockWaitSeconds: 0.25,
            blockedSeconds: 0,
            convoy: { count: 0, waitSeconds: 0 },
            longestWaits: [],
            cpuWaitSeconds: null,
            cpuWaitInGilWaitSeconds: null,
            states: null,
          },
        ],
        gils: [],
        locks: [
          { id: 3, kind: 'Lock', name: 'the_lock', createdAt: null, acquisitions: 10, contended: 3, gaveUp: 0, waitSeconds: 0.25, gilWaitSeconds: 0, holdSeconds: 1, maxWaitSeconds: 0.1, wait: zero, hold: zero, waiters: [], holders: [], waitKinds: [] },
        ],
        lines: [],
        functions: [],
        stopTheWorld: null,
        gilEnabledAt: null,
      },
    ],
    workers: { in: 'threads', count: 1, processes: [7], processKeys: ['7'], threads: [{ pid: 7, tid: 8, name: 'worker' }] },
    suggestions: [],
    warnings: [],
  };
}
