// UrlFetchApp in the local runtime against a real HTTP server running in a worker thread:
// responses, Apps Script's error messages, fetchAll concurrency and virtual cost, the
// x-sandbox-clock header, timeouts, unreachable hosts and the kill header.

import { LocalRuntime } from '../../sandbox/runtime';
import { closedPort, makeBundle, startTestServer, type TestServer } from './helpers';

const BUNDLE = `
var global = this;
function invoke() {
  var call = JSON.parse(PropertiesService.getScriptProperties().getProperty('__call'));
  return global[call.fn].apply(null, call.args);
}
function get(url, options) {
  var r = UrlFetchApp.fetch(url, options || {});
  return { code: r.getResponseCode(), text: r.getContentText(), headers: r.getHeaders(),
           all: r.getAllHeaders(), bytes: r.getContent() };
}
function attempt(url, options) {
  try { UrlFetchApp.fetch(url, options || {}); return 'no error'; }
  catch (e) { return { text: String(e), isError: e instanceof Error }; }
}
function batch(urls) {
  var started = Date.now();
  var responses = UrlFetchApp.fetchAll(urls.map(function (u) { return { url: u, muteHttpExceptions: true }; }));
  return { codes: responses.map(function (r) { return r.getResponseCode(); }),
           bodies: responses.map(function (r) { return r.getContentText(); }),
           virtualMs: Date.now() - started };
}
function batchAttempt(urls) {
  try { UrlFetchApp.fetchAll(urls); return 'no error'; } catch (e) { return String(e); }
}
function killedFetch(url) {
  var seen = [];
  try { UrlFetchApp.fetch(url); seen.push('returned'); } catch (e) { seen.push('caught: ' + e.message); }
  try { SpreadsheetApp.getActiveSheet().getRange('A1').setValue('after kill'); seen.push('wrote'); }
  catch (e) { seen.push('write refused: ' + e.message); }
  return seen;
}
`;

describe('UrlFetchApp', () => {
  let server: TestServer;
  let runtime: LocalRuntime;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    runtime = new LocalRuntime({
      bundleDir: makeBundle(BUNDLE),
      startTime: Date.UTC(2025, 0, 1),
      fetchTimeoutMs: 400,
    });
  });
  afterEach(() => runtime.dispose());

  it('returns status, body, headers and signed bytes', () => {
    const result = runWith(runtime, 'get', `${server.origin}/echo?q=1`);
    expect(result.error).toBeNull();
    const out = result.returned as {
      code: number;
      text: string;
      headers: Record<string, string>;
      all: Record<string, unknown>;
    };
    expect(out.code).toBe(200);
    const echo = JSON.parse(out.text) as {
      method: string;
      url: string;
      headers: Record<string, string>;
    };
    expect(echo.method).toBe('GET');
    expect(echo.url).toBe('/echo?q=1');
    expect(echo.headers['x-sandbox-clock']).toBe(String(Date.UTC(2025, 0, 1)));
    expect(echo.headers['user-agent']).toContain('Google-Apps-Script');
    expect(out.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(out.all['Set-Cookie']).toEqual(['a=1', 'b=2']);
    expect(
      (runWith(runtime, 'get', `${server.origin}/bytes`).returned as { bytes: number[] }).bytes
    ).toEqual([0, 127, -128, -1]);
  });

  it('sends string payloads as they are and objects as form fields', () => {
    const json = runWith(runtime, 'get', `${server.origin}/echo`, {
      method: 'post',
      contentType: 'application/json',
      payload: '{"a":1}',
    }).returned as { text: string };
    const sentJson = JSON.parse(json.text) as {
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    expect(sentJson.method).toBe('POST');
    expect(sentJson.body).toBe('{"a":1}');
    expect(sentJson.headers['content-type']).toBe('application/json');
    const form = runWith(runtime, 'get', `${server.origin}/echo`, {
      method: 'post',
      payload: { name: 'Ann Lee', phone: '+7 912' },
    }).returned as { text: string };
    const sentForm = JSON.parse(form.text) as { body: string; headers: Record<string, string> };
    expect(sentForm.body).toBe('name=Ann%20Lee&phone=%2B7%20912');
    expect(sentForm.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('follows redirects by default', () => {
    const out = runWith(runtime, 'get', `${server.origin}/redirect`).returned as {
      code: number;
      text: string;
    };
    expect(out.code).toBe(200);
    expect((JSON.parse(out.text) as { url: string }).url).toBe('/echo?redirected=1');
    const manual = runWith(runtime, 'get', `${server.origin}/redirect`, { followRedirects: false })
      .returned as { code: number };
    expect(manual.code).toBe(302);
  });

  it('throws on status >= 400 unless muteHttpExceptions, with Apps Script wording', () => {
    const out = runWith(runtime, 'attempt', `${server.origin}/status/404`).returned as {
      text: string;
      isError: boolean;
    };
    expect(out.isError).toBe(true);
    expect(out.text).toBe(
      `Exception: Request failed for ${server.origin} returned code 404. Truncated server response: status 404: ${'x'.repeat(88)}... (use muteHttpExceptions option to examine full response)`
    );
    const muted = runWith(runtime, 'get', `${server.origin}/status/503`, {
      muteHttpExceptions: true,
    }).returned as { code: number };
    expect(muted.code).toBe(503);
  });

  it('runs fetchAll concurrently for one latency of virtual time, one clock value per batch', () => {
    const urls = [1, 2, 3].map(() => `${server.origin}/slow/300`);
    const wallStart = Date.now();
    const result = runWith(runtime, 'batch', [...urls, `${server.origin}/echo`]);
    const wall = Date.now() - wallStart;
    const out = result.returned as { codes: number[]; bodies: string[]; virtualMs: number };
    expect(out.codes).toEqual([200, 200, 200, 200]);
    expect(out.virtualMs).toBe(250);
    expect(wall).toBeLessThan(850);
    const starts = out.bodies.slice(0, 3).map(b => (JSON.parse(b) as { start: number }).start);
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(200);
    const echo = JSON.parse(out.bodies[3]) as { headers: Record<string, string> };
    expect(echo.headers['x-sandbox-clock']).toBe(String(Date.UTC(2025, 0, 1)));
    expect(result.counters.httpRequests).toBe(4);
    expect(result.counters.fetchAllBatches).toBe(1);
    expect(result.counters.httpByEndpoint).toEqual({ 'GET /slow/300': 3, 'GET /echo': 1 });
  });

  it('fails a whole fetchAll batch on one transport error', async () => {
    const port = await closedPort();
    const text = runWith(runtime, 'batchAttempt', [
      `${server.origin}/echo`,
      `http://127.0.0.1:${port}/x`,
    ]).returned;
    expect(text).toBe(`Exception: Address unavailable: http://127.0.0.1:${port}/x`);
  });

  it('times out after the real timeout and charges the virtual timeout', () => {
    const before = runtime.clock.now();
    const out = runWith(runtime, 'attempt', `${server.origin}/slow/2000`).returned as {
      text: string;
    };
    expect(out.text).toBe(`Exception: Timeout: ${server.origin}/slow/2000`);
    expect(runtime.clock.now() - before).toBe(60_000);
  });

  it('reports unreachable hosts, DNS failures, dropped connections and bad URLs', async () => {
    const port = await closedPort();
    const text = (url: string, options?: unknown) =>
      (runWith(runtime, 'attempt', url, options).returned as { text: string }).text;
    expect(text(`http://127.0.0.1:${port}/x`)).toBe(
      `Exception: Address unavailable: http://127.0.0.1:${port}/x`
    );
    expect(text('http://no-such-host.invalid/x')).toBe(
      'Exception: DNS error: http://no-such-host.invalid/x'
    );
    expect(text(`${server.origin}/drop`)).toBe(
      `Exception: Unexpected error: ${server.origin}/drop`
    );
    expect(text(`${server.origin}/echo?name=Иван`)).toBe(
      `Exception: Invalid argument: ${server.origin}/echo?name=Иван`
    );
    expect(text(`${server.origin}/echo?q=${'a'.repeat(2100)}`)).toBe(
      'Exception: Limit Exceeded: URLFetch URL Length.'
    );
  });

  it('kills the execution on x-sandbox-kill before the script sees the response', () => {
    runtime.spreadsheet.setValues('Sheet1', 1, 1, [['before']]);
    const result = runWith(runtime, 'killedFetch', `${server.origin}/kill`);
    expect(result.killed).toBe(true);
    expect(result.killReason).toBe(
      'Execution killed by the sandbox (x-sandbox-kill response header)'
    );
    expect(result.returned).toBeUndefined();
    expect(runtime.spreadsheet.values('Sheet1')).toEqual([['before']]);
  });
});

/** Runs a bundle function with arguments, handed over through a script property. */
function runWith(runtime: LocalRuntime, fn: string, ...args: unknown[]) {
  runtime.properties.script.set('__call', JSON.stringify({ fn, args }));
  return runtime.run('invoke');
}
