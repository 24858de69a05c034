// The execution context of the local runtime: only Apps Script globals, realm-correct values
// and errors, the virtual clock behind Date, unimplemented members that fail loudly, and the
// real-time watchdog for scripts that never return.

import { LocalRuntime } from '../../sandbox/runtime';
import { makeBundle } from './helpers';

const START = Date.UTC(2025, 3, 13, 10, 0, 0);

const BUNDLE = `
var loadedAt = Date.now();
function globalsSeen() {
  var names = ['require', 'module', 'exports', 'process', 'setTimeout', 'setInterval', 'fetch',
    'Buffer', 'TextEncoder', 'TextDecoder', 'URL', 'structuredClone', 'global', 'queueMicrotask'];
  var out = {};
  names.forEach(function (n) { out[n] = eval('typeof ' + n); });
  ['SpreadsheetApp', 'UrlFetchApp', 'PropertiesService', 'CacheService', 'LockService', 'ScriptApp',
   'ContentService', 'HtmlService', 'Utilities', 'Session', 'Logger', 'console', 'GmailApp']
    .forEach(function (n) { out[n] = eval('typeof ' + n); });
  out.builtins = [typeof JSON, typeof Math, typeof Map, typeof Intl, typeof RegExp, typeof Promise].join(',');
  return out;
}
function clock() {
  return { now: Date.now(), fresh: new Date().getTime(), epoch: new Date(0).toISOString(),
           loadedAt: loadedAt, isString: typeof Date() === 'string',
           ctor: new Date().constructor === Date };
}
function serviceErrors() {
  var out = {};
  try { SpreadsheetApp.getActiveSheet().getRange(0, 1); } catch (e) {
    out.isError = e instanceof Error; out.text = String(e); out.name = e.name; out.message = e.message;
  }
  try { SpreadsheetApp.openByIdx('x'); } catch (e) { out.unknown = e.message; out.unknownIsError = e instanceof Error; }
  try { GmailApp.sendEmail('a@b.c', 's', 'b'); } catch (e) { out.gmail = e.message; }
  try { SpreadsheetApp.getActiveSheet().getCharts(); } catch (e) { out.sheet = e.message; }
  return out;
}
function unimplementedUncaught() { DriveApp.getFiles(); }
function spin() { while (true) {} }
async function asyncEntry() { await null; SpreadsheetApp.getActiveSheet().getRange('A1').setValue('async'); return 'done'; }
`;

describe('execution context', () => {
  const runtime = new LocalRuntime({
    bundleDir: makeBundle(BUNDLE),
    startTime: START,
    cpuTimeoutMs: 500,
  });
  afterAll(() => runtime.dispose());

  it('exposes only Apps Script globals and the ECMAScript built-ins', () => {
    const result = runtime.run('globalsSeen');
    expect(result.error).toBeNull();
    const seen = result.returned as Record<string, string>;
    for (const name of [
      'require',
      'module',
      'exports',
      'process',
      'setTimeout',
      'setInterval',
      'fetch',
    ]) {
      expect([name, seen[name]]).toEqual([name, 'undefined']);
    }
    for (const name of [
      'Buffer',
      'TextEncoder',
      'TextDecoder',
      'URL',
      'structuredClone',
      'global',
      'queueMicrotask',
    ]) {
      expect([name, seen[name]]).toEqual([name, 'undefined']);
    }
    for (const name of [
      'SpreadsheetApp',
      'UrlFetchApp',
      'Logger',
      'console',
      'GmailApp',
      'Utilities',
    ]) {
      expect([name, seen[name]]).toEqual([name, 'object']);
    }
    expect(seen.builtins).toBe('object,object,function,object,function,function');
  });

  it('reads the virtual clock through Date, at load time and at run time', () => {
    runtime.clock.set(START);
    const result = runtime.run('clock');
    const c = result.returned as Record<string, unknown>;
    expect(c.now).toBe(START);
    expect(c.fresh).toBe(START);
    expect(c.loadedAt).toBe(START);
    expect(c.epoch).toBe('1970-01-01T00:00:00.000Z');
    expect(c.isString).toBe(true);
    expect(c.ctor).toBe(true);
    runtime.clock.advance(90_000);
    expect((runtime.run('clock').returned as Record<string, unknown>).now).toBe(START + 90_000);
  });

  it('throws service errors of the script realm, named Exception like Apps Script', () => {
    const out = runtime.run('serviceErrors').returned as Record<string, unknown>;
    expect(out.isError).toBe(true);
    expect(out.name).toBe('Exception');
    expect(out.message).toBe('The starting row of the range is too small.');
    expect(out.text).toBe('Exception: The starting row of the range is too small.');
  });

  it('names unimplemented members instead of failing with undefined is not a function', () => {
    const out = runtime.run('serviceErrors').returned as Record<string, unknown>;
    expect(out.unknown).toBe('SpreadsheetApp.openByIdx is not implemented in the local runtime');
    expect(out.unknownIsError).toBe(true);
    expect(out.gmail).toBe('GmailApp.sendEmail is not implemented in the local runtime');
    expect(out.sheet).toBe('Sheet.getCharts is not implemented in the local runtime');
    const uncaught = runtime.run('unimplementedUncaught');
    expect(uncaught.errorMessage).toBe('DriveApp.getFiles is not implemented in the local runtime');
    expect(uncaught.error).toContain('Error: DriveApp.getFiles is not implemented');
  });

  it('reports a missing function as Apps Script does', () => {
    const result = runtime.run('noSuchFunction');
    expect(result.errorMessage).toBe('Script function not found: noSuchFunction');
  });

  it('stops a script that never returns with the real-time watchdog', () => {
    const result = runtime.run('spin');
    expect(result.killed).toBe(true);
    expect(result.killReason).toMatch(/^Exceeded maximum execution time/);
  });

  it('runs the promise jobs of an async entry point before the execution ends', () => {
    const result = runtime.run('asyncEntry');
    expect(result.error).toBeNull();
    expect(result.returned).toBe('done');
    expect(runtime.spreadsheet.values('Sheet1')[0][0]).toBe('async');
  });
});
