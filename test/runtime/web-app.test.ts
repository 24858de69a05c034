// Web-app events built as Apps Script builds them (from a real AmoCRM webhook body) and the
// web-app front answering doGet/doPost over real HTTP.

import { join } from 'node:path';
import { formPostEventFromFile, LocalRuntime } from '../../sandbox/runtime';
import { httpRequest, makeBundle } from './helpers';

const FIXTURES = '/work/shared/fixtures';

const BUNDLE = `
function doPost(e) {
  if (e.parameter.fail) throw new Error('refused: ' + e.parameter.fail);
  return ContentService.createTextOutput(JSON.stringify({ ok: true, e: e, keys: Object.keys(e).sort() }))
    .setMimeType(ContentService.MimeType.JSON);
}
function doGet(e) {
  if (e.parameter.html) return HtmlService.createHtmlOutput('<p>' + e.parameter.html + '</p>');
  if (e.parameter.nothing) return;
  return ContentService.createTextOutput(JSON.stringify({ status: 'healthy', e: e, url: ScriptApp.getService().getUrl() }))
    .setMimeType(ContentService.MimeType.JSON);
}
`;

interface WebEvent {
  queryString: string | null;
  parameter: Record<string, string>;
  parameters: Record<string, string[]>;
  contextPath: string;
  contentLength: number;
  pathInfo?: string;
  postData?: { contents: string; length: number; type: string; name: string };
}

describe('web app', () => {
  const runtime = new LocalRuntime({ bundleDir: makeBundle(BUNDLE) });
  afterAll(() => runtime.dispose());
  const event = (output: string | undefined) =>
    JSON.parse(output ?? '{}') as { e: WebEvent; keys: string[] };

  it('builds doPost(e) from a form-encoded AmoCRM webhook as Apps Script does', () => {
    const spec = formPostEventFromFile(
      join(FIXTURES, 'webhook_leads_add_2025.txt'),
      'secret=s3cr%20t'
    );
    const result = runtime.run('doPost', spec);
    expect(result.error).toBeNull();
    expect(result.output?.mimeType).toBe('application/json');
    const { e, keys } = event(result.output?.content);
    expect(keys).toEqual([
      'contentLength',
      'contextPath',
      'parameter',
      'parameters',
      'postData',
      'queryString',
    ]);
    expect(e.parameter['account[subdomain]']).toBe('unirock');
    expect(e.parameter['account[_links][self]']).toBe('https://unirock.amocrm.ru');
    expect(e.parameter['leads[add][0][name]']).toBe('TEST MISHA (SORRY)');
    expect(e.parameter.secret).toBe('s3cr t');
    expect(e.parameters['leads[add][0][id]']).toEqual(['30052055']);
    expect(e.queryString).toBe('secret=s3cr%20t');
    expect(e.contextPath).toBe('');
    expect(e.postData?.contents).toBe(spec.body);
    expect(e.postData?.contents.startsWith('account%5Bsubdomain%5D=unirock&')).toBe(true);
    expect(e.postData?.type).toBe('application/x-www-form-urlencoded');
    expect(e.postData?.name).toBe('postData');
    expect(e.postData?.length).toBe(Buffer.byteLength(spec.body ?? ''));
    expect(e.contentLength).toBe(e.postData?.length);
    expect(JSON.stringify(e)).not.toMatch(/header/i);
  });

  it('merges repeated keys, keeps the first in parameter, and survives malformed encoding', () => {
    const result = runtime.run('doPost', {
      type: 'post',
      query: 'a=1&a=2',
      body: 'a=3&b=%E2%82%AC+x&bad=%zz%E2&c',
      contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
    });
    const { e } = event(result.output?.content);
    expect(e.parameter).toEqual({ a: '1', b: '€ x', bad: '%zz\uFFFD', c: '' });
    expect(e.parameters.a).toEqual(['1', '2', '3']);
    expect(e.postData?.type).toBe('application/x-www-form-urlencoded');
  });

  it('does not parse a JSON body into parameters, and builds GET events without postData', () => {
    const post = event(
      runtime.run('doPost', { type: 'post', body: '{"a":1}', contentType: 'application/json' })
        .output?.content
    ).e;
    expect(post.parameter).toEqual({});
    expect(post.queryString).toBeNull();
    const get = runtime.run('doGet', { type: 'get', pathInfo: 'health' });
    const e = (JSON.parse(get.output?.content ?? '{}') as { e: WebEvent }).e;
    expect(e).toEqual({
      queryString: null,
      parameter: {},
      parameters: {},
      contextPath: '',
      contentLength: -1,
      pathInfo: 'health',
    });
  });

  it('answers doGet and doPost over real HTTP through the front', async () => {
    const app = await runtime.startWebApp();
    try {
      expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exec$/);
      const health = await httpRequest(`${app.url}?check=1`);
      expect(health.status).toBe(200);
      expect(health.contentType).toMatch(/^application\/json/);
      const body = JSON.parse(health.body) as { status: string; e: WebEvent; url: string };
      expect(body.status).toBe('healthy');
      expect(body.e.parameter).toEqual({ check: '1' });
      expect(body.url).toBe(app.url);

      const posted = await httpRequest(`${app.url}?secret=x`, {
        method: 'POST',
        body: 'leads%5Bdelete%5D%5B0%5D%5Bid%5D=7',
        contentType: 'application/x-www-form-urlencoded',
      });
      expect((JSON.parse(posted.body) as { e: WebEvent }).e.parameter['leads[delete][0][id]']).toBe(
        '7'
      );

      const failed = await httpRequest(app.url, {
        method: 'POST',
        body: 'fail=yes',
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(failed.status).toBe(200);
      expect(failed.contentType).toMatch(/^text\/html/);
      expect(failed.body).toContain('Error: refused: yes');

      const html = await httpRequest(`${app.url}?html=hi`);
      expect(html.body).toBe('<p>hi</p>');
      expect((await httpRequest(`${app.url}?nothing=1`)).body).toContain(
        'The script completed but did not return anything.'
      );
      expect((await httpRequest(app.url.replace('/exec', '/other'))).status).toBe(404);

      expect(runtime.webExecutions.map(w => [w.method, w.status, w.result?.fnName])).toEqual([
        ['GET', 200, 'doGet'],
        ['POST', 200, 'doPost'],
        ['POST', 200, 'doPost'],
        ['GET', 200, 'doGet'],
        ['GET', 200, 'doGet'],
      ]);
    } finally {
      await app.stop();
    }
  });
});
