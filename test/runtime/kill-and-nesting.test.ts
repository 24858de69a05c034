// Kill semantics (6-minute limit, afterFetch hook) and nested executions started from a hook
// while the outer execution is blocked in a fetch and holds the script lock.

import { KILL_HOOK_REASON, LocalRuntime, type RunResult } from '../../sandbox/runtime';
import { makeBundle, startTestServer, type TestServer } from './helpers';

const BUNDLE = `
function sleeper() {
  var props = PropertiesService.getScriptProperties();
  for (var i = 0; i < 10; i++) {
    try { Utilities.sleep(60000); props.setProperty('progress', String(i)); }
    catch (e) { props.setProperty('caught', e.message); }
  }
  try { SpreadsheetApp.getActiveSheet().getRange('A1').setValue('after the limit'); } catch (e) {}
  return 'finished';
}
function outer() {
  var lock = LockService.getScriptLock();
  lock.tryLock(1000);
  var sheet = SpreadsheetApp.getActiveSheet();
  sheet.getRange('A1').setValue('outer started');
  var started = Date.now();
  UrlFetchApp.fetch(PropertiesService.getScriptProperties().getProperty('url'));
  return { seen: sheet.getRange('B1').getValue(), elapsed: Date.now() - started, hasLock: lock.hasLock() };
}
function contender() {
  var lock = LockService.getScriptLock();
  var started = Date.now();
  var got = lock.tryLock(2000);
  var waited = Date.now() - started;
  var failed = '';
  try { lock.waitLock(1000); } catch (e) { failed = e.message; }
  SpreadsheetApp.getActiveSheet().getRange('B1').setValue('contender was here');
  return { got: got, waited: waited, failed: failed, outerWrite: SpreadsheetApp.getActiveSheet().getRange('A1').getValue() };
}
function fetchOnce() {
  var out = [];
  try { UrlFetchApp.fetch(PropertiesService.getScriptProperties().getProperty('url')); out.push('returned'); }
  catch (e) { out.push(e.message); }
  try { CacheService.getScriptCache().put('after', 'x'); out.push('cached'); } catch (e) { out.push('refused'); }
  return out;
}
`;

describe('kills and nested executions', () => {
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

  it('kills an execution past 6 minutes at its next service call, and every later call throws', () => {
    const result = runtime.run('sleeper');
    expect(result.killed).toBe(true);
    expect(result.killReason).toBe('Exceeded maximum execution time');
    expect(result.returned).toBeUndefined();
    // Sleep 7 ended past the limit; the write after it was refused, and so was the catch's write.
    expect(runtime.properties.script.get('progress')).toBe('5');
    expect(runtime.properties.script.get('caught')).toBeNull();
    expect(runtime.spreadsheet.values('Sheet1')).toEqual([]);
    expect(result.counters.sleepMs).toBe(7 * 60_000);
  });

  it('lets the afterFetch hook kill the execution before the script sees the response', () => {
    runtime.hooks.afterFetch = () => 'kill';
    const result = runtime.run('fetchOnce');
    expect(result.killed).toBe(true);
    expect(result.killReason).toBe(KILL_HOOK_REASON);
    expect(runtime.cache.script.get('after')).toBeNull();
  });

  it('hands an error thrown by the hook to the test, not to the script', () => {
    runtime.hooks.afterFetch = () => {
      throw new Error('assertion in hook failed');
    };
    expect(() => runtime.run('fetchOnce')).toThrow('assertion in hook failed');
    expect(runtime.executions[0].killReason).toBe(
      'afterFetch hook threw: assertion in hook failed'
    );
    expect(runtime.cache.script.get('after')).toBeNull();
  });

  it('runs a nested execution from the hook while the outer one holds the script lock', () => {
    let nested: RunResult | undefined;
    let hookSawOuter = '';
    runtime.hooks.afterFetch = (request, response, execution) => {
      hookSawOuter = `${execution.fnName}:${request.method}:${response.status}`;
      expect(runtime.locks.holder('script')).toBe(execution.id);
      nested = runtime.run('contender');
    };
    const result = runtime.run('outer');
    expect(result.error).toBeNull();
    expect(hookSawOuter).toBe('outer:GET:200');
    expect(nested?.returned).toEqual({
      got: false,
      waited: 2000,
      failed: 'Lock timeout: another process was holding the lock for too long.',
      outerWrite: 'outer started',
    });
    expect(result.returned).toEqual({
      seen: 'contender was here',
      elapsed: 250 + 2000 + 1000 + 20 + 20 + 20,
      hasLock: true,
    });
    expect(runtime.locks.holder('script')).toBeNull();
    expect(runtime.executions.map(r => r.fnName)).toEqual(['contender', 'outer']);
  });
});
