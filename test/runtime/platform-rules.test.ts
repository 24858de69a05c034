// The runtime's rules for the real platform (issue 12), each behind an option: the web app's
// URL inside and outside doGet/doPost, the front's 302 to an echo URL, trigger owners and the
// user each execution runs as, and granular consent (withheld scopes, getAuthorizationInfo,
// requireAllScopes, the daily UrlFetch quota). Sources: sandbox/runtime/README.md.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRuntime } from '../../sandbox/runtime';
import { httpRequest, makeBundle, startTestServer, type TestServer } from './helpers';

const OWNER = 'owner@example.com';
const EDITOR = 'editor@example.com';
const FETCH_SCOPE = 'https://www.googleapis.com/auth/script.external_request';
const TRIGGER_SCOPE = 'https://www.googleapis.com/auth/script.scriptapp';

const BUNDLE = `
function url() { return ScriptApp.getService().getUrl(); }
function doGet() {
  PropertiesService.getScriptProperties().setProperty('RAN', 'yes');
  return ContentService.createTextOutput(JSON.stringify({ url: url() }))
    .setMimeType(ContentService.MimeType.JSON);
}
function doPost(e) { return doGet(); }
function install() {
  ScriptApp.newTrigger('tick').timeBased().everyMinutes(1).create();
  return ScriptApp.getProjectTriggers().length;
}
function listMine() {
  return ScriptApp.getProjectTriggers().map(function (t) { return t.getHandlerFunction(); });
}
function tick() {
  var log = PropertiesService.getScriptProperties().getProperty('TICKS') || '';
  PropertiesService.getScriptProperties().setProperty('TICKS', log + Session.getEffectiveUser().getEmail() + ';');
}
function who() {
  return [Session.getEffectiveUser().getEmail(), Session.getActiveUser().getEmail()];
}
function fetchIt(u) {
  try { return UrlFetchApp.fetch(u).getResponseCode(); } catch (e) { return String(e); }
}
function fetchOrigin() { return fetchIt(PropertiesService.getScriptProperties().getProperty('ORIGIN') + '/status/200'); }
function authInfo() {
  var info = ScriptApp.getAuthorizationInfo(ScriptApp.AuthMode.FULL);
  var one = ScriptApp.getAuthorizationInfo(ScriptApp.AuthMode.FULL, ['${TRIGGER_SCOPE}']);
  return {
    status: String(info.getAuthorizationStatus()),
    required: info.getAuthorizationStatus() === ScriptApp.AuthorizationStatus.REQUIRED,
    scopes: info.getAuthorizedScopes(),
    url: info.getAuthorizationUrl(),
    triggersOnly: String(one.getAuthorizationStatus()),
  };
}
function requireAll() {
  ScriptApp.requireAllScopes(ScriptApp.AuthMode.FULL);
  PropertiesService.getScriptProperties().setProperty('AFTER_REQUIRE', 'ran');
  return 'all granted';
}
`;

function bundle(): string {
  const dir = makeBundle(BUNDLE);
  const manifest = {
    timeZone: 'UTC',
    oauthScopes: [
      'https://www.googleapis.com/auth/spreadsheets.currentonly',
      FETCH_SCOPE,
      TRIGGER_SCOPE,
    ],
  };
  writeFileSync(join(dir, 'appsscript.json'), JSON.stringify(manifest));
  return dir;
}

describe('ScriptApp.getService().getUrl()', () => {
  const dir = bundle();

  it.each([
    ['dev', /\/dev$/],
    ['stale', /\/s\/[^/]+\/exec$/],
    ['exec', /127\.0\.0\.1:\d+\/exec$/],
  ] as const)('outside a web-app execution, option %s', async (outside, shape) => {
    const rt = new LocalRuntime({ bundleDir: dir, webAppUrlOutside: outside });
    const app = await rt.startWebApp();
    try {
      const outsideUrl = rt.run('url').returned as string;
      expect(outsideUrl).toMatch(shape);
      // An outdated deployment's URL answers 404 at the front.
      if (outside === 'stale') expect((await httpRequest(outsideUrl)).status).toBe(404);
      // Inside doGet it is always the deployment's /exec URL.
      const answer = await httpRequest(app.url);
      expect(JSON.parse(answer.body)).toEqual({ url: app.url });
    } finally {
      await rt.dispose();
    }
  });

  it('is the /dev URL by default, which an anonymous caller cannot use', async () => {
    const rt = new LocalRuntime({ bundleDir: dir });
    const app = await rt.startWebApp();
    try {
      const dev = rt.run('url').returned as string;
      expect(dev).toBe(app.url.replace(/\/exec$/, '/dev'));
      const answer = await httpRequest(`${dev}?secret=x`, { method: 'POST', follow: false });
      expect(answer.status).toBe(302);
      expect(answer.location).toMatch(/^https:\/\/accounts\.google\.com\/ServiceLogin/);
      expect(rt.webExecutions).toHaveLength(0);
    } finally {
      await rt.dispose();
    }
  });
});

describe('the web-app front', () => {
  it('answers POST and GET with 302 to an echo URL on the same server, after the script ran', async () => {
    const rt = new LocalRuntime({ bundleDir: bundle() });
    const app = await rt.startWebApp();
    try {
      const first = await httpRequest(`${app.url}?secret=x`, {
        method: 'POST',
        body: 'a=1',
        contentType: 'application/x-www-form-urlencoded',
        follow: false,
      });
      expect(first.status).toBe(302);
      const origin = new URL(app.url).origin;
      expect(first.location).toMatch(
        new RegExp(`^${origin}/macros/echo\\?user_content_key=[0-9a-f]+`)
      );
      // The script has run before anyone follows the redirect.
      expect(rt.properties.script.get('RAN')).toBe('yes');
      expect(rt.webExecutions.map(w => [w.method, w.result?.fnName])).toEqual([['POST', 'doPost']]);
      const echo = await httpRequest(first.location ?? '');
      expect(echo.status).toBe(200);
      expect(echo.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(echo.body)).toEqual({ url: app.url });
      const get = await httpRequest(app.url);
      expect(get.hops?.map(h => h.status)).toEqual([302]);
      expect(get.status).toBe(200);
    } finally {
      await rt.dispose();
    }
  });

  it('answers the content directly with webAppRedirect: false', async () => {
    const rt = new LocalRuntime({ bundleDir: bundle(), webAppRedirect: false });
    const app = await rt.startWebApp();
    try {
      const answer = await httpRequest(app.url, { method: 'POST', body: '', follow: false });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ url: app.url });
    } finally {
      await rt.dispose();
    }
  });
});

describe('trigger owners', () => {
  it('runs each trigger as its creator, lists only the current user\u2019s, fires everyone\u2019s', () => {
    const rt = new LocalRuntime({ bundleDir: bundle(), userEmail: OWNER });
    expect(rt.run('install').returned).toBe(1);
    expect(rt.users.as(EDITOR, () => rt.run('install').returned)).toBe(1);
    expect(rt.triggers.list.map(t => t.owner)).toEqual([OWNER, EDITOR]);
    expect(rt.run('listMine').returned).toEqual(['tick']);
    expect(rt.users.as(EDITOR, () => rt.run('listMine').returned)).toEqual(['tick']);
    rt.fireTimeTriggers();
    expect(rt.properties.script.get('TICKS')).toBe(`${OWNER};${EDITOR};`);
    expect(rt.users.as(EDITOR, () => rt.run('who').returned)).toEqual([EDITOR, EDITOR]);
    expect(rt.run('who', { type: 'get' }).returned).toEqual([OWNER, '']);
  });
});

describe('granular consent', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('throws Apps Script\u2019s permission error for a scope the user withheld', () => {
    const rt = new LocalRuntime({
      bundleDir: bundle(),
      userEmail: OWNER,
      users: { withheldScopes: { [EDITOR]: [FETCH_SCOPE] } },
    });
    rt.properties.script.set('ORIGIN', server.origin);
    expect(rt.run('fetchOrigin').returned).toBe(200);
    expect(rt.users.as(EDITOR, () => rt.run('fetchOrigin').returned)).toBe(
      `Exception: You do not have permission to call UrlFetchApp.fetch. Required permissions: ${FETCH_SCOPE}`
    );
    rt.users.grant(EDITOR, FETCH_SCOPE);
    expect(rt.users.as(EDITOR, () => rt.run('fetchOrigin').returned)).toBe(200);
  });

  it('reports missing consent in getAuthorizationInfo and ends the run at requireAllScopes', () => {
    const rt = new LocalRuntime({ bundleDir: bundle(), scriptId: 'SCRIPT1' });
    expect(rt.run('authInfo').returned).toEqual({
      status: 'NOT_REQUIRED',
      required: false,
      scopes: [
        'https://www.googleapis.com/auth/spreadsheets.currentonly',
        FETCH_SCOPE,
        TRIGGER_SCOPE,
      ],
      url: null,
      triggersOnly: 'NOT_REQUIRED',
    });
    expect(rt.run('requireAll').returned).toBe('all granted');
    rt.users.withhold(OWNER, FETCH_SCOPE);
    rt.properties.script.clear();
    const info = rt.run('authInfo').returned as Record<string, unknown>;
    expect(info).toMatchObject({
      status: 'REQUIRED',
      required: true,
      triggersOnly: 'NOT_REQUIRED',
    });
    expect(info.scopes).not.toContain(FETCH_SCOPE);
    expect(info.url).toBe('https://script.google.com/macros/d/SCRIPT1/authorize');
    const ended = rt.run('requireAll');
    expect(ended.killed).toBe(true);
    expect(ended.killReason).toBe('Authorization is required to perform that action.');
    expect(rt.properties.script.get('AFTER_REQUIRE')).toBeNull();
  });

  it('stops UrlFetch past the daily quota with Apps Script\u2019s message', () => {
    const rt = new LocalRuntime({ bundleDir: bundle(), users: { urlFetchDailyQuota: 2 } });
    rt.properties.script.set('ORIGIN', server.origin);
    expect([rt.run('fetchOrigin').returned, rt.run('fetchOrigin').returned]).toEqual([200, 200]);
    expect(rt.run('fetchOrigin').returned).toBe(
      'Exception: Service invoked too many times for one day: urlfetch.'
    );
    rt.clock.advance(24 * 60 * 60 * 1000);
    expect(rt.run('fetchOrigin').returned).toBe(200);
  });
});
