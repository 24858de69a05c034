// The boundary hook (runtime.hooks.atBoundary): where it is called, what a test may do there
// (act as a person, run another execution nested, inject a fault), and reset().

import { KILL_BOUNDARY_REASON, LocalRuntime, type BoundaryInfo } from '../../sandbox/runtime';
import { makeBundle, startTestServer, type TestServer } from './helpers';

const BUNDLE = `
function work() {
  var props = PropertiesService.getScriptProperties();
  var url = props.getProperty('url');
  var lock = LockService.getScriptLock();
  lock.tryLock(1000);
  var sheet = SpreadsheetApp.getActiveSheet();
  var before = sheet.getRange('A1:A3').getValues();
  CacheService.getScriptCache().put('k', 'v');
  var answer = UrlFetchApp.fetch(url, { muteHttpExceptions: true });
  sheet.getRange('B1').setValue('written');
  SpreadsheetApp.flush();
  lock.releaseLock();
  return { before: before, status: answer.getResponseCode(), after: sheet.getRange('A1:A3').getValues() };
}
function flushTwice() {
  var out = [];
  for (var i = 0; i < 2; i++) {
    try { SpreadsheetApp.flush(); out.push('flushed'); } catch (e) { out.push(String(e)); }
  }
  return out;
}
function fetchCaught() {
  try { UrlFetchApp.fetch(PropertiesService.getScriptProperties().getProperty('url')); return 'returned'; }
  catch (e) { return String(e); }
}
function writeTwice() {
  var sheet = SpreadsheetApp.getActiveSheet();
  sheet.getRange('A1').setValue('flushed');
  SpreadsheetApp.flush();
  sheet.getRange('A2:A3').setValues([['buffered'], ['buffered']]);
  try { SpreadsheetApp.flush(); } catch (e) { return String(e); }
  return 'flushed';
}
function note() {
  SpreadsheetApp.getActiveSheet().getRange('C1').setValue('nested');
  return LockService.getScriptLock().tryLock(500);
}
`;

describe('the boundary hook', () => {
  let server: TestServer;
  let runtime: LocalRuntime;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    runtime = new LocalRuntime({ bundleDir: makeBundle(BUNDLE), startTime: Date.UTC(2025, 0, 1) });
    runtime.properties.script.set('url', `${server.origin}/echo`);
  });
  afterEach(() => runtime.dispose());

  it('is called at every counted service call, in order, with the fetch before and after', () => {
    const seen: string[] = [];
    runtime.hooks.atBoundary = info => {
      const on = info.sheet ? ` on ${info.sheet}` : '';
      seen.push(`${info.method}${on} ${info.phase}${info.write ? ' write' : ''}`);
    };
    const result = runtime.run('work');
    expect(result.error).toBeNull();
    expect(seen).toEqual([
      'Properties.getProperty before',
      'Lock.tryLock before',
      'Range.getValues on Sheet1 before',
      'Cache.put before',
      'UrlFetchApp.fetch before',
      'UrlFetchApp.fetch after',
      'Range.setValue on Sheet1 before write',
      'SpreadsheetApp.flush before',
      'Lock.releaseLock before',
      'Range.getValues on Sheet1 before',
    ]);
  });

  it('gives the fetch its requests and answers, and the depth of nesting', () => {
    const infos: BoundaryInfo[] = [];
    runtime.hooks.atBoundary = info => {
      if (info.service === 'UrlFetchApp') infos.push(info);
    };
    runtime.run('work');
    expect(infos[0].requests?.[0]).toEqual(
      expect.objectContaining({ method: 'GET', url: `${server.origin}/echo` })
    );
    expect(infos[0].responses).toBeUndefined();
    expect(infos[1].responses?.[0].status).toBe(200);
    expect(infos[1].responses?.[0].body).toContain('"method":"GET"');
    expect(infos[0].depth).toBe(1);
  });

  it('names the rectangle a Range read covers (the explorer times an edit by the run that reads its cell)', () => {
    const ranges: BoundaryInfo['range'][] = [];
    runtime.hooks.atBoundary = info => {
      if (info.service === 'Spreadsheet') ranges.push(info.range);
    };
    runtime.run('work');
    expect(ranges).toEqual([
      { row: 1, column: 1, numRows: 3, numColumns: 1 },
      undefined, // B1's write
      undefined, // the flush
      { row: 1, column: 1, numRows: 3, numColumns: 1 },
    ]);
  });

  it('lets a person act between two calls: the script sees the change at its next read', () => {
    runtime.spreadsheet.setValues('Sheet1', 1, 1, [['a'], ['b'], ['c']]);
    runtime.hooks.atBoundary = info => {
      if (info.method === 'UrlFetchApp.fetch' && info.phase === 'after') {
        runtime.spreadsheet.insertRowsAt('Sheet1', 1);
      }
    };
    const result = runtime.run('work');
    expect(result.returned).toEqual(
      expect.objectContaining({ before: [['a'], ['b'], ['c']], after: [[''], ['a'], ['b']] })
    );
  });

  it('runs another execution nested while the caller holds the lock; it sees depth 2', () => {
    const nested: Array<{ depth: number; returned: unknown }> = [];
    runtime.hooks.atBoundary = info => {
      if (info.method === 'Cache.put' && nested.length === 0) {
        const depthSeen: number[] = [];
        const outerHook = runtime.hooks.atBoundary;
        runtime.hooks.atBoundary = inner => void depthSeen.push(inner.depth);
        const result = runtime.run('note');
        runtime.hooks.atBoundary = outerHook;
        nested.push({ depth: Math.max(...depthSeen), returned: result.returned });
      }
    };
    const result = runtime.run('work');
    expect(result.error).toBeNull();
    expect(nested).toEqual([{ depth: 2, returned: false }]);
    expect(runtime.spreadsheet.cell('Sheet1', 1, 3).value).toBe('nested');
  });

  it('kills the calling execution at a boundary: the call never happens', () => {
    runtime.hooks.atBoundary = info =>
      info.method === 'Range.setValue' ? { fault: 'kill' } : undefined;
    const result = runtime.run('work');
    expect(result.killed).toBe(true);
    expect(result.killReason).toBe(KILL_BOUNDARY_REASON);
    expect(runtime.spreadsheet.cell('Sheet1', 1, 2).value).toBe('');
    expect(runtime.locks.holder('script')).toBeNull();
  });

  it('makes a flush throw once', () => {
    let failed = false;
    runtime.hooks.atBoundary = info => {
      if (info.method !== 'SpreadsheetApp.flush' || failed) return undefined;
      failed = true;
      return { fault: 'throw', message: 'Service Spreadsheets failed while accessing document' };
    };
    const result = runtime.run('flushTwice');
    expect(result.returned).toEqual([
      'Exception: Service Spreadsheets failed while accessing document',
      'flushed',
    ]);
  });

  it('a flush that fails with loseWrites undoes the writes made since the last flush', () => {
    runtime.spreadsheet.setValues('Sheet1', 3, 1, [['before']]);
    let flushes = 0;
    runtime.hooks.atBoundary = info => {
      if (info.method !== 'SpreadsheetApp.flush' || ++flushes < 2) return undefined;
      return { fault: 'throw', message: 'Service Spreadsheets failed', loseWrites: true };
    };
    const result = runtime.run('writeTwice');
    expect(result.returned).toBe('Exception: Service Spreadsheets failed');
    expect(runtime.spreadsheet.values('Sheet1')).toEqual([['flushed'], [''], ['before']]);
  });

  it('answers a fetch with a 5xx or 429 without reaching the server', () => {
    runtime.hooks.atBoundary = info =>
      info.phase === 'before' && info.service === 'UrlFetchApp'
        ? { fault: 'respond', status: 429, headers: { 'retry-after': '1' } }
        : undefined;
    const result = runtime.run('work');
    expect(result.returned).toEqual(expect.objectContaining({ status: 429 }));
    expect(result.counters.httpRequests).toBe(1);
  });

  it('loses an answer: the server processed the request, the script gets a transport error', () => {
    const processed: number[] = [];
    runtime.hooks.atBoundary = info => {
      if (info.service !== 'UrlFetchApp' || info.phase !== 'after') return undefined;
      processed.push(info.responses?.[0].status ?? -1);
      return { fault: 'lose' };
    };
    const result = runtime.run('fetchCaught');
    expect(processed).toEqual([200]);
    expect(result.returned).toBe(`Exception: Unexpected error: ${server.origin}/echo`);
  });

  it('reset() brings back a fresh spreadsheet, stores, locks, triggers and clock', () => {
    runtime.spreadsheet.setValues('Sheet1', 1, 1, [['x']]);
    runtime.cache.script.put('k', 'v', 600);
    runtime.locks.holdScriptLock();
    runtime.clock.advance(60_000);
    runtime.run('note');
    runtime.reset();
    expect(runtime.spreadsheet.values('Sheet1')).toEqual([]);
    expect(runtime.properties.script.keys()).toEqual([]);
    expect(runtime.cache.script.get('k')).toBeNull();
    expect(runtime.locks.holder('script')).toBeNull();
    expect(runtime.executions).toEqual([]);
    expect(runtime.clock.now()).toBe(Date.UTC(2025, 0, 1));
  });
});
