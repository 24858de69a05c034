// Properties, Cache, Lock, ScriptApp triggers, Utilities, Session, HtmlService and Ui in the
// local runtime, judged by what the script sees and what a test can read back.

import { LocalRuntime } from '../../sandbox/runtime';
import { makeBundle } from './helpers';

const BUNDLE = `
var global = this;
function invoke() {
  var call = JSON.parse(PropertiesService.getScriptProperties().getProperty('__call'));
  return global[call.fn].apply(null, call.args);
}
function props() {
  var p = PropertiesService.getScriptProperties();
  p.setProperty('token', 'abc').setProperties({ a: '1', b: 2 });
  var out = { token: p.getProperty('token'), missing: p.getProperty('nope'), b: p.getProperty('b') };
  try { p.setProperty('big', new Array(9 * 1024).join('x') + 'xx'); out.big = 'stored'; } catch (e) { out.big = String(e); }
  p.deleteProperty('a');
  out.keys = p.getKeys().sort();
  return out;
}
function fillStore() {
  var p = PropertiesService.getUserProperties();
  var chunk = new Array(8 * 1024).join('y');
  try { for (var i = 0; i < 100; i++) p.setProperty('k' + i, chunk); return 'all stored'; }
  catch (e) { return { message: e.message, stored: p.getKeys().length }; }
}
function cachePut(ttl) { CacheService.getScriptCache().put('k', 'v', ttl); }
function cacheGet() { return CacheService.getScriptCache().get('k'); }
function cacheLimits() {
  var c = CacheService.getScriptCache(), out = [];
  try { c.put(new Array(252).join('k'), 'v'); } catch (e) { out.push(e.message); }
  try { c.put('big', new Array(100 * 1024 + 2).join('v')); } catch (e) { out.push(e.message); }
  c.putAll({ x: '1', y: '2' });
  out.push(JSON.stringify(c.getAll(['x', 'y', 'z'])));
  return out;
}
function lockTry(ms) {
  var lock = LockService.getScriptLock();
  var started = Date.now();
  var got = lock.tryLock(ms);
  return { got: got, waited: Date.now() - started, has: lock.hasLock() };
}
function lockWait() {
  try { LockService.getScriptLock().waitLock(30000); return 'locked'; } catch (e) { return String(e); }
}
function lockAndReturn() { return LockService.getScriptLock().tryLock(1000); }
function documentLock() { return LockService.getDocumentLock() === null; }
function doGet() { return ContentService.createTextOutput(String(LockService.getDocumentLock() === null)); }
function install() {
  ScriptApp.getProjectTriggers().forEach(function (t) { ScriptApp.deleteTrigger(t); });
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  ScriptApp.newTrigger('handleEdit').forSpreadsheet(ss).onEdit().create();
  var clock = ScriptApp.newTrigger('backfill').timeBased().everyMinutes(10).create();
  return ScriptApp.getProjectTriggers().map(function (t) {
    return [t.getHandlerFunction(), String(t.getEventType()), t.getEventType() === ScriptApp.EventType.ON_EDIT,
            String(t.getTriggerSource()), t.getUniqueId() === clock.getUniqueId()];
  });
}
function badMinutes() {
  try { ScriptApp.newTrigger('x').timeBased().everyMinutes(7).create(); return 'created'; } catch (e) { return e.message; }
}
function handleEdit(e) {
  return { a1: e.range.getA1Notation(), value: e.value, oldValue: e.oldValue, uid: e.triggerUid,
           full: e.authMode === ScriptApp.AuthMode.FULL, source: e.source.getId() };
}
function backfill(e) { return { minute: e.minute, tz: e.timezone, uid: e.triggerUid, year: e.year }; }
function utilities() {
  var digest = Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, 'abc', Utilities.Charset.UTF_8);
  var hmac = Utilities.computeHmacSha256Signature('data', 'key');
  var started = Date.now();
  Utilities.sleep(1500);
  var out = { digest: digest.slice(0, 4), allBytes: digest.every(function (b) { return b >= -128 && b <= 127; }),
    hmacHex: hmac.map(function (b) { return (b & 0xff).toString(16).padStart(2, '0'); }).join('').slice(0, 16),
    b64: Utilities.base64Encode('héllo'), back: Utilities.newBlob(Utilities.base64Decode('aMOpbGxv')).getDataAsString(),
    webSafe: Utilities.base64EncodeWebSafe([-1, -2, -3]),
    date: Utilities.formatDate(new Date(Date.UTC(2025, 0, 2, 21, 5, 9)), 'Europe/Moscow', "yyyy-MM-dd'T'HH:mm:ss"),
    slept: Date.now() - started, uuid: /^[0-9a-f-]{36}$/.test(Utilities.getUuid()),
    csv: Utilities.parseCsv('a,"b,c"\\n1,2') };
  try { Utilities.base64Decode('@@@'); } catch (e) { out.badB64 = e.message; }
  return out;
}
function session() {
  return { tz: Session.getScriptTimeZone(), active: Session.getActiveUser().getEmail(),
           effective: Session.getEffectiveUser().getEmail() };
}
function ui() {
  var u = SpreadsheetApp.getUi();
  u.createMenu('AmoCRM').addItem('Sync now', 'syncNow').addSeparator().addItem('Install', 'installTriggers').addToUi();
  var answer = u.alert('Done', 'Synced 3 rows', u.ButtonSet.OK_CANCEL);
  var t = HtmlService.createTemplate('<b><?= name ?></b><? for (var i = 0; i < 2; i++) { ?>-<?= i ?><? } ?>');
  t.name = '<Ann>';
  u.showModalDialog(t.evaluate().setWidth(300), 'Setup');
  SpreadsheetApp.getActiveSpreadsheet().toast('Saved', 'AmoCRM', 3);
  return { cancel: answer === u.Button.CANCEL, ok: answer === u.Button.OK };
}
function onOpen() { SpreadsheetApp.getUi().createMenu('Simple').addItem('Go', 'go').addToUi(); UrlFetchApp.fetch('http://127.0.0.1:1/'); }
`;

describe('Apps Script services', () => {
  let runtime: LocalRuntime;
  beforeEach(() => {
    runtime = new LocalRuntime({
      bundleDir: makeBundle(BUNDLE),
      startTime: Date.UTC(2025, 0, 1, 12, 0, 0),
    });
  });
  afterEach(() => runtime.dispose());
  const call = (fn: string, ...args: unknown[]) => {
    runtime.properties.script.set('__call', JSON.stringify({ fn, args }));
    return runtime.run('invoke');
  };

  it('keeps properties across executions and enforces the 9 KB value limit', () => {
    const out = call('props').returned as Record<string, unknown>;
    expect(out).toMatchObject({ token: 'abc', missing: null, b: '2' });
    expect(out.big).toBe('Exception: Argument too large: value');
    expect(out.keys).toEqual(['__call', 'b', 'token']);
    expect(runtime.properties.script.get('token')).toBe('abc');
    expect(runtime.properties.script.all()).toMatchObject({ token: 'abc', b: '2' });
  });

  it('refuses writes past 500 KB per store', () => {
    const out = call('fillStore').returned as { message: string; stored: number };
    expect(out.message).toBe(
      'You have exceeded the property storage quota. Please remove some properties and try again.'
    );
    expect(out.stored).toBe(62);
  });

  it('expires cache entries on the virtual clock', () => {
    call('cachePut', 60);
    runtime.clock.advance(59_000);
    expect(call('cacheGet').returned).toBe('v');
    runtime.clock.advance(1_000);
    expect(call('cacheGet').returned).toBeNull();
    call('cachePut', 50_000);
    runtime.clock.advance(21_599_000);
    expect(call('cacheGet').returned).toBe('v');
    runtime.clock.advance(1_000);
    expect(call('cacheGet').returned).toBeNull();
    call('cachePut');
    runtime.cache.evictAll();
    expect(call('cacheGet').returned).toBeNull();
  });

  it('limits cache keys and values', () => {
    expect(call('cacheLimits').returned).toEqual([
      'Argument too large: key',
      'Argument too large: value',
      '{"x":"1","y":"2"}',
    ]);
  });

  it('makes tryLock wait its whole timeout and fail while another execution holds the lock', () => {
    runtime.locks.holdScriptLock();
    expect(call('lockTry', 5000).returned).toEqual({ got: false, waited: 5000, has: false });
    expect(call('lockWait').returned).toBe(
      'Exception: Lock timeout: another process was holding the lock for too long.'
    );
    runtime.locks.releaseHeld();
    expect(call('lockTry', 5000).returned).toEqual({ got: true, waited: 0, has: true });
    expect(runtime.locks.holder('script')).toBeNull();
  });

  it('releases a lock when its execution ends', () => {
    expect(call('lockAndReturn').returned).toBe(true);
    expect(runtime.locks.holder('script')).toBeNull();
    expect(call('lockAndReturn').returned).toBe(true);
  });

  it('has no document lock in a web app', () => {
    expect(call('documentLock').returned).toBe(false);
    expect(runtime.run('doGet', { type: 'get' }).output?.content).toBe('true');
  });

  it('creates, lists and deletes triggers, and fires them with their uid', () => {
    const listed = call('install').returned as unknown[][];
    expect(listed).toEqual([
      ['handleEdit', 'ON_EDIT', true, 'SPREADSHEETS', false],
      ['backfill', 'CLOCK', false, 'CLOCK', true],
    ]);
    expect(call('install').returned).toHaveLength(2);
    expect(runtime.triggers.list.map(t => [t.handler, t.eventType, t.schedule])).toEqual([
      ['handleEdit', 'ON_EDIT', undefined],
      ['backfill', 'CLOCK', { everyMinutes: 10 }],
    ]);
    expect(call('badMinutes').returned).toMatch(/^Invalid argument: minutes/);
    const [time] = runtime.fireTimeTriggers();
    expect(time.returned).toEqual({
      minute: 0,
      tz: 'UTC',
      uid: runtime.triggers.list[1].uid,
      year: 2025,
    });
    runtime.spreadsheet.setValues('Sheet1', 2, 2, [['old']]);
    const [edit] = runtime.userEdit({ row: 2, column: 2, values: '+79123456789' });
    expect(edit.returned).toEqual({
      a1: 'B2',
      value: '79123456789',
      oldValue: 'old',
      uid: runtime.triggers.list[0].uid,
      full: true,
      source: 'LOCAL_SPREADSHEET_ID',
    });
    expect(runtime.spreadsheet.values('Sheet1')[1][1]).toBe(79123456789);
  });

  it('computes signed digests, base64, dates and sleeps on the virtual clock', () => {
    const result = call('utilities');
    expect(result.error).toBeNull();
    const out = result.returned as Record<string, unknown>;
    expect(out.digest).toEqual([-70, 120, 22, -65]);
    expect(out.allBytes).toBe(true);
    expect(out.hmacHex).toBe('5031fe3d989c6d15');
    expect(out.b64).toBe('aMOpbGxv');
    expect(out.back).toBe('héllo');
    expect(out.webSafe).toBe('__79');
    expect(out.date).toBe('2025-01-03T00:05:09');
    expect(out.slept).toBe(1500);
    expect(out.uuid).toBe(true);
    expect(out.csv).toEqual([
      ['a', 'b,c'],
      ['1', '2'],
    ]);
    expect(out.badB64).toBe('Could not decode string.');
    expect(result.counters.sleepMs).toBe(1500);
  });

  it('reports no active user in web apps', () => {
    expect(call('session').returned).toEqual({
      tz: 'UTC',
      active: 'owner@example.com',
      effective: 'owner@example.com',
    });
    runtime.properties.script.set('__call', JSON.stringify({ fn: 'session', args: [] }));
    expect(runtime.run('invoke', { type: 'get' }).returned).toMatchObject({ active: '' });
  });

  it('records menus, alerts, dialogs and toasts', () => {
    runtime.ui.answerAlert('CANCEL');
    expect(call('ui').returned).toEqual({ cancel: true, ok: false });
    expect(runtime.ui.menu('AmoCRM')?.items).toEqual([
      { caption: 'Sync now', functionName: 'syncNow' },
      { caption: '', separator: true },
      { caption: 'Install', functionName: 'installTriggers' },
    ]);
    expect(runtime.ui.alerts[0]).toMatchObject({
      title: 'Done',
      prompt: 'Synced 3 rows',
      buttonSet: 'OK_CANCEL',
    });
    expect(runtime.ui.dialogs[0]).toMatchObject({
      kind: 'modal',
      title: 'Setup',
      html: '<b>&lt;Ann&gt;</b>-0-1',
      width: 300,
    });
    expect(runtime.ui.toasts[0]).toMatchObject({
      message: 'Saved',
      title: 'AmoCRM',
      timeoutSeconds: 3,
    });
  });

  it('runs a simple onOpen with limited authorization', () => {
    const [open] = runtime.openSpreadsheet();
    expect(runtime.ui.menu('Simple')).toBeDefined();
    expect(open.errorMessage).toBe(
      'You do not have permission to call UrlFetchApp.fetch. Required permissions: https://www.googleapis.com/auth/script.external_request'
    );
  });
});
