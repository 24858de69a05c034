// HtmlService: HtmlOutput pages (dialogs, sidebars, doGet answers) and HtmlTemplate with the
// scriptlets `<?= ?>` (escaped), `<?!= ?>` (raw) and `<? ?>` (code), evaluated inside the
// script's realm with the variables the script assigned to the template. Files for the
// *FromFile variants are read from `<bundleDir>/<name>.html`.

import { blobObject } from './blob';
import { GasException } from './errors';
import type { Execution } from './execution';
import type { HtmlRecord } from './ui-service';

export interface HtmlOutputRecord extends HtmlRecord {
  sandboxMode: string;
  xFrameOptionsMode: string;
  metaTags: { name: string; content: string }[];
  faviconUrl: string | null;
}

export function createHtmlService(exec: Execution): object {
  const fromFile = (name: unknown): string => {
    const text = exec.state.readHtmlFile(String(name));
    if (text === undefined) throw new GasException(`No HTML file named ${String(name)} was found.`);
    return text;
  };
  return exec.object(
    'HtmlService',
    {
      createHtmlOutput: html => htmlOutputObject(exec, newRecord(htmlText(exec, html))),
      createHtmlOutputFromFile: name => htmlOutputObject(exec, newRecord(fromFile(name))),
      createTemplate: html => templateObject(exec, htmlText(exec, html)),
      createTemplateFromFile: name => templateObject(exec, fromFile(name)),
    },
    {
      props: {
        SandboxMode: exec.enumType('SandboxMode', ['EMULATED', 'IFRAME', 'NATIVE']),
        XFrameOptionsMode: exec.enumType('XFrameOptionsMode', ['ALLOWALL', 'DEFAULT']),
      },
    }
  );
}

function newRecord(content: string): HtmlOutputRecord {
  return {
    content,
    title: null,
    sandboxMode: 'IFRAME',
    xFrameOptionsMode: 'DEFAULT',
    metaTags: [],
    faviconUrl: null,
  };
}

function htmlText(exec: Execution, html: unknown): string {
  if (html === undefined || html === null) return '';
  const template = exec.hostOf<{ evaluate: () => string }>(html, 'HtmlTemplate');
  return template ? template.evaluate() : String(html);
}

export function htmlOutputObject(exec: Execution, record: HtmlOutputRecord): object {
  const sandbox = exec.enumType('SandboxMode', ['EMULATED', 'IFRAME', 'NATIVE']);
  const self: object = exec.object(
    'HtmlOutput',
    {
      getContent: () => record.content,
      setContent: content => {
        record.content = String(content);
        return self;
      },
      append: addition => {
        record.content += String(addition);
        return self;
      },
      appendUntrusted: addition => {
        record.content += escapeHtml(String(addition));
        return self;
      },
      clear: () => {
        record.content = '';
        return self;
      },
      setTitle: title => {
        record.title = String(title);
        return self;
      },
      getTitle: () => record.title ?? '',
      setWidth: width => {
        record.width = Number(width);
        return self;
      },
      getWidth: () => record.width ?? 600,
      setHeight: height => {
        record.height = Number(height);
        return self;
      },
      getHeight: () => record.height ?? 400,
      setSandboxMode: mode => {
        record.sandboxMode = String(mode);
        return self;
      },
      getSandboxMode: () => sandbox[record.sandboxMode],
      setXFrameOptionsMode: mode => {
        record.xFrameOptionsMode = String(mode);
        return self;
      },
      addMetaTag: (name, content) => {
        record.metaTags.push({ name: String(name), content: String(content) });
        return self;
      },
      setFaviconUrl: url => {
        record.faviconUrl = String(url);
        return self;
      },
      getFaviconUrl: () => record.faviconUrl,
      asTemplate: () => templateObject(exec, record.content),
      getBlob: () =>
        blobObject(exec, {
          bytes: Buffer.from(record.content, 'utf8'),
          contentType: 'text/html',
          name: record.title,
        }),
    },
    { host: record }
  );
  return self;
}

function templateObject(exec: Execution, source: string): object {
  const variables = new Map<string, unknown>();
  const code = compileTemplate(source);
  const evaluate = (): string => {
    const scope = exec.realm.newObject();
    for (const [key, value] of variables) scope[key] = value;
    const render = new exec.realm.intrinsics.Function('__vars', '__esc', code) as (
      vars: object,
      esc: (v: unknown) => string
    ) => string;
    return render(scope, v => escapeHtml(String(v)));
  };
  return exec.object(
    'HtmlTemplate',
    {
      evaluate: () => htmlOutputObject(exec, newRecord(evaluate())),
      getCode: () => code,
      getCodeWithComments: () => code,
      getRawContent: () => source,
    },
    { host: { evaluate }, assigned: variables }
  );
}

/** Turns a template into the body of a function(__vars, __esc) returning the page. */
function compileTemplate(source: string): string {
  const parts: string[] = ['with (__vars) { var __out = "";'];
  const re = /<\?(!?=)?([\s\S]*?)\?>/g;
  let last = 0;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    parts.push(`__out += ${JSON.stringify(source.slice(last, m.index))};`);
    if (m[1] === '=') parts.push(`__out += __esc(${m[2]});`);
    else if (m[1] === '!=') parts.push(`__out += String(${m[2]});`);
    else parts.push(m[2]);
    last = re.lastIndex;
  }
  parts.push(`__out += ${JSON.stringify(source.slice(last))}; return __out; }`);
  return parts.join('\n');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
