// UrlFetchApp: real HTTP, synchronous as in Apps Script (see http-client.ts). Requests carry
// `x-sandbox-clock: <virtual now>` (one value per batch) so a fake server can judge rate limits
// on virtual time; a response with `x-sandbox-kill: 1` kills the execution before the script
// sees it; the afterFetch hook runs after every response. Errors use Apps Script's wording.
// One request or one whole fetchAll batch costs one latency on the virtual clock.

import { blobObject, bytesOf, type BlobRecord } from './blob';
import { charsetOf, decodeText, signedBytes } from './bytes';
import { GasException, signatureMismatch } from './errors';
import { requireFullAuth, type Execution } from './execution';
import { encodeForm } from './form-encoding';
import type { WireRequest, WireResult } from './http-client';
import type { BoundaryFault, FetchedRequest, FetchedResponse } from './state';

const SCOPE = 'https://www.googleapis.com/auth/script.external_request';
const MAX_URL_LENGTH = 2048;
const METHODS = ['get', 'delete', 'patch', 'post', 'put'];
const TRUNCATE_AT = 100;
const UNSAFE_URL_CHARS = /[ "<>`{}|\\^]/g;
export const KILL_HEADER_REASON =
  'Execution killed by the sandbox (x-sandbox-kill response header)';
export const KILL_HOOK_REASON = 'Execution killed by the afterFetch hook';

interface Prepared {
  wire: WireRequest;
  /** The URL as the script gave it (error messages quote it). */
  url: string;
  origin: string;
  endpoint: string;
  mute: boolean;
  payloadText: string | undefined;
}

type Ok = Extract<WireResult, { ok: true }>;

export function createUrlFetchApp(exec: Execution): object {
  return exec.object('UrlFetchApp', {
    fetch: (url, params) => {
      requireFullAuth(exec, 'UrlFetchApp.fetch', SCOPE);
      const [response] = perform(exec, [prepare(exec, url, params, 'fetch')], false);
      return response;
    },
    fetchAll: requests => {
      requireFullAuth(exec, 'UrlFetchApp.fetchAll', SCOPE);
      if (!Array.isArray(requests)) throw signatureMismatch('UrlFetchApp.fetchAll', [requests]);
      const prepared = requests.map(r =>
        typeof r === 'string'
          ? prepare(exec, r, undefined, 'fetchAll')
          : prepare(exec, (r as { url?: unknown })?.url, r, 'fetchAll')
      );
      return perform(exec, prepared, true);
    },
    getRequest: (url, params) => {
      const p = prepare(exec, url, params, 'getRequest');
      return {
        url: p.wire.url,
        method: p.wire.method.toLowerCase(),
        headers: p.wire.headers,
        payload: p.payloadText ?? '',
        followRedirects: p.wire.followRedirects,
        validateHttpsCertificates: p.wire.validateCerts,
        muteHttpExceptions: p.mute,
      };
    },
  });
}

function prepare(exec: Execution, urlArg: unknown, paramsArg: unknown, method: string): Prepared {
  if (typeof urlArg !== 'string') throw signatureMismatch(`UrlFetchApp.${method}`, [urlArg]);
  const params = (typeof paramsArg === 'object' && paramsArg !== null ? paramsArg : {}) as Record<
    string,
    unknown
  >;
  if (urlArg.length > MAX_URL_LENGTH)
    throw new GasException('Limit Exceeded: URLFetch URL Length.');
  if (!/^[\x21-\x7e]+$/.test(urlArg.replace(/ /g, '%20'))) {
    throw new GasException(`Invalid argument: ${urlArg}`);
  }
  const escaped =
    params.escaping === false
      ? urlArg
      : urlArg.replace(UNSAFE_URL_CHARS, c => encodeURIComponent(c));
  let parsed: URL;
  try {
    parsed = new URL(escaped);
  } catch {
    throw new GasException(`Invalid argument: ${urlArg}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GasException(`Invalid argument: ${urlArg}`);
  }
  const httpMethod = String(params.method ?? 'get').toLowerCase();
  if (!METHODS.includes(httpMethod)) throw new GasException(`Invalid argument: method`);
  const headers = headerRecord(params.headers);
  const body = payloadOf(exec, params.payload, httpMethod);
  const contentType =
    params.contentType !== undefined
      ? String(params.contentType)
      : (body?.contentType ?? (body ? 'application/x-www-form-urlencoded' : undefined));
  if (contentType !== undefined && body) {
    for (const key of Object.keys(headers))
      if (key.toLowerCase() === 'content-type') delete headers[key];
    headers['Content-Type'] = contentType;
  }
  if (!Object.keys(headers).some(k => k.toLowerCase() === 'user-agent')) {
    headers['User-Agent'] =
      `Mozilla/5.0 (compatible; Google-Apps-Script; beanserver; +https://script.google.com; id: ${exec.state.options.scriptId})`;
  }
  return {
    wire: {
      url: escaped,
      method: httpMethod.toUpperCase(),
      headers,
      body: body ? new Uint8Array(body.bytes) : null,
      followRedirects: params.followRedirects !== false,
      validateCerts: params.validateHttpsCertificates !== false,
    },
    url: urlArg,
    origin: parsed.origin,
    endpoint: `${httpMethod.toUpperCase()} ${parsed.pathname}`,
    mute: params.muteHttpExceptions === true,
    payloadText: body ? body.bytes.toString('utf8') : undefined,
  };
}

function headerRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, item] of Object.entries(value)) out[key] = String(item);
  return out;
}

/** The body: a string as is, bytes, a Blob, or an object sent as form fields. GET sends none. */
function payloadOf(
  exec: Execution,
  payload: unknown,
  method: string
): { bytes: Buffer; contentType?: string } | null {
  if (payload === undefined || payload === null || method === 'get') return null;
  const blob = exec.hostOf<BlobRecord>(payload, 'Blob');
  if (blob) return { bytes: Buffer.from(blob.bytes), contentType: blob.contentType ?? undefined };
  if (typeof payload === 'string' || Array.isArray(payload))
    return { bytes: bytesOf(exec, payload) };
  if (typeof payload === 'object') {
    return { bytes: Buffer.from(encodeForm(payload as Record<string, unknown>), 'utf8') };
  }
  return { bytes: Buffer.from(String(payload), 'utf8') };
}

function perform(exec: Execution, requests: Prepared[], batch: boolean): object[] {
  const { clock, options, http } = exec.state;
  const sentAt = String(clock.now());
  for (const request of requests) {
    request.wire.headers['x-sandbox-clock'] = sentAt;
    exec.counters.httpRequests += 1;
    exec.counters.httpByEndpoint[request.endpoint] =
      (exec.counters.httpByEndpoint[request.endpoint] ?? 0) + 1;
  }
  if (batch) exec.counters.fetchAllBatches += 1;
  const seen = requests.map(r => ({
    method: r.wire.method,
    url: r.wire.url,
    payload: r.payloadText,
  }));
  const before = exec.boundary('UrlFetchApp', 'before', { requests: seen });
  const results =
    before?.fault === 'respond'
      ? requests.map(r => injectedAnswer(r, before))
      : requests.length > 0
        ? http.sendAll(requests.map(r => r.wire))
        : [];
  const timedOut = results.some(r => !r.ok && r.kind === 'timeout');
  clock.advance(timedOut ? options.virtualTimeoutMs : options.httpLatencyMs);
  results.forEach((result, i) => {
    if (result.ok) afterResponse(exec, requests[i], result);
  });
  const responses = results.map(r =>
    r.ok
      ? {
          status: r.status,
          body: decodeText(r.body, charsetOf(lowerHeaders(r.rawHeaders)['content-type'])),
        }
      : { status: 0, body: '' }
  );
  const after = exec.boundary('UrlFetchApp', 'after', { requests: seen, responses });
  // The server did its work; only the way back failed (what a dropped connection looks like).
  if (after?.fault === 'lose' && requests.length > 0) {
    throw transportError('unexpected', requests[0].url);
  }
  results.forEach((result, i) => {
    if (!result.ok) throw transportError(result.kind, requests[i].url);
  });
  return results.map((result, i) => {
    const ok = result as Ok;
    if (ok.status >= 400 && !requests[i].mute) throw httpError(requests[i], ok);
    return responseObject(exec, ok);
  });
}

/** A boundary hook's `respond` fault: the answer a server would give, without any request. */
function injectedAnswer(
  request: Prepared,
  fault: Extract<BoundaryFault, { fault: 'respond' }>
): WireResult {
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json',
    ...fault.headers,
  };
  const body =
    fault.body ??
    JSON.stringify({ title: 'Injected', status: fault.status, detail: 'boundary fault' });
  return {
    ok: true,
    status: fault.status,
    rawHeaders: Object.entries(headers).flat(),
    body: new Uint8Array(Buffer.from(body, 'utf8')),
    url: request.wire.url,
  };
}

/** Kill header, then the test hook; either may end the execution here. */
function afterResponse(exec: Execution, request: Prepared, result: Ok): void {
  const headers = lowerHeaders(result.rawHeaders);
  const kill = headers['x-sandbox-kill'];
  if (kill !== undefined && kill !== '' && kill !== '0') exec.killNow(KILL_HEADER_REASON);
  const hook = exec.state.hooks.afterFetch;
  if (!hook) return;
  const req: FetchedRequest = {
    url: request.wire.url,
    method: request.wire.method,
    headers: { ...request.wire.headers },
    payload: request.payloadText,
  };
  const res: FetchedResponse = {
    status: result.status,
    headers,
    body: decodeText(result.body, charsetOf(headers['content-type'])),
  };
  let verdict: void | 'kill';
  try {
    verdict = hook(req, res, exec);
  } catch (error) {
    // A failed assertion in the hook must reach the test, not the script's catch blocks.
    exec.hookFailure = { error };
    exec.killNow(
      `afterFetch hook threw: ${error instanceof Error ? error.message : String(error)}`
    );
  }
  if (verdict === 'kill') exec.killNow(KILL_HOOK_REASON);
  exec.applyPendingKill();
}

function transportError(kind: string, url: string): GasException {
  switch (kind) {
    case 'dns':
      return new GasException(`DNS error: ${url}`);
    case 'unreachable':
      return new GasException(`Address unavailable: ${url}`);
    case 'timeout':
      return new GasException(`Timeout: ${url}`);
    case 'invalid':
      return new GasException(`Invalid argument: ${url}`);
    default:
      return new GasException(`Unexpected error: ${url}`);
  }
}

/** Apps Script names only the origin and quotes the first ~100 characters of the body. */
function httpError(request: Prepared, result: Ok): GasException {
  const text = decodeText(result.body, charsetOf(lowerHeaders(result.rawHeaders)['content-type']));
  const shown = text.length > TRUNCATE_AT ? `${text.slice(0, TRUNCATE_AT)}...` : text;
  return new GasException(
    `Request failed for ${request.origin} returned code ${result.status}. Truncated server response: ${shown} (use muteHttpExceptions option to examine full response)`
  );
}

function lowerHeaders(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i].toLowerCase();
    out[key] = key in out ? `${out[key]}, ${raw[i + 1]}` : raw[i + 1];
  }
  return out;
}

function responseObject(exec: Execution, result: Ok): object {
  const bytes = Buffer.from(result.body);
  const contentType = lowerHeaders(result.rawHeaders)['content-type'] ?? null;
  const headers = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < result.rawHeaders.length; i += 2) {
      if (!(result.rawHeaders[i] in out)) out[result.rawHeaders[i]] = result.rawHeaders[i + 1];
    }
    return out;
  };
  const allHeaders = (): Record<string, string | string[]> => {
    const out: Record<string, string | string[]> = {};
    for (let i = 0; i + 1 < result.rawHeaders.length; i += 2) {
      const [key, value] = [result.rawHeaders[i], result.rawHeaders[i + 1]];
      const prev = out[key];
      out[key] =
        prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    return out;
  };
  const blob = (type?: unknown): object =>
    blobObject(exec, {
      bytes: Buffer.from(bytes),
      contentType: type === undefined ? contentType : String(type),
      name: null,
    });
  return exec.object('HTTPResponse', {
    getResponseCode: () => result.status,
    getContentText: charset => decodeText(bytes, charset ?? charsetOf(contentType)),
    getContent: () => signedBytes(bytes),
    getHeaders: headers,
    getAllHeaders: allHeaders,
    getBlob: () => blob(),
    getAs: type => blob(type),
  });
}
