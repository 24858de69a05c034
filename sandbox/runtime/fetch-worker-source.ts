// Source of the worker thread that performs UrlFetchApp's HTTP requests with node's http/https.
// It is a plain CommonJS string run with `new Worker(code, { eval: true })`, so it needs no
// build step under jest or tsx. A job is a batch of requests sent concurrently; the answer goes
// back over a MessagePort, then the job's SharedArrayBuffer flag is set and notified so the main
// thread, blocked in Atomics.wait, wakes and reads it with receiveMessageOnPort.

export const FETCH_WORKER_SOURCE = String.raw`
'use strict';
const { workerData } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
const zlib = require('node:zlib');

const port = workerData.port;
const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_REDIRECTS = 10;

port.on('message', job => {
  Promise.all(job.requests.map(request => perform(request, job.timeoutMs))).then(results => {
    port.postMessage({ id: job.id, results: results });
    const flag = new Int32Array(job.signal);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
});

function perform(request, timeoutMs) {
  return new Promise(resolve => {
    let done = false;
    let current = null;
    const finish = result => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      if (current) current.destroy();
      finish({ ok: false, kind: 'timeout', detail: 'timed out after ' + timeoutMs + ' ms' });
    }, timeoutMs);
    const attempt = (url, method, body, headers, hops) => {
      let target;
      try {
        target = new URL(url);
      } catch (err) {
        return finish({ ok: false, kind: 'invalid', detail: String(err && err.message) });
      }
      const lib = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
      if (!lib) return finish({ ok: false, kind: 'invalid', detail: 'unsupported protocol' });
      const sendHeaders = Object.assign({}, headers);
      if (body) sendHeaders['Content-Length'] = String(body.length);
      let req;
      try {
        req = lib.request(
          target,
          { method: method, headers: sendHeaders, rejectUnauthorized: request.validateCerts, agent: false },
          res => {
            const chunks = [];
            res.on('data', chunk => chunks.push(chunk));
            res.on('error', err => finish(classify(err)));
            res.on('end', () => {
              const status = res.statusCode || 0;
              const location = res.headers.location;
              if (request.followRedirects && location && REDIRECTS.includes(status) && hops < MAX_REDIRECTS) {
                const keep = status === 307 || status === 308;
                const next = Object.assign({}, headers);
                if (!keep) {
                  for (const key of Object.keys(next)) {
                    if (/^content-(type|length)$/i.test(key)) delete next[key];
                  }
                }
                const nextUrl = new URL(location, target).toString();
                return attempt(nextUrl, keep ? method : 'GET', keep ? body : null, next, hops + 1);
              }
              let buf = Buffer.concat(chunks);
              try {
                buf = decode(buf, res.headers['content-encoding']);
              } catch (err) {
                // Keep the raw bytes when the body does not decompress.
              }
              finish({ ok: true, status: status, rawHeaders: res.rawHeaders, body: new Uint8Array(buf), url: url });
            });
          }
        );
      } catch (err) {
        return finish(classify(err));
      }
      current = req;
      req.on('error', err => finish(classify(err)));
      if (body) req.write(Buffer.from(body));
      req.end();
    };
    attempt(request.url, request.method, request.body, request.headers, 0);
  });
}

function decode(buf, encoding) {
  const enc = String(encoding || '').toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(buf);
  if (enc === 'deflate') return zlib.inflateSync(buf);
  if (enc === 'br') return zlib.brotliDecompressSync(buf);
  return buf;
}

function classify(err) {
  const code = (err && err.code) || '';
  const detail = code + ' ' + String(err && err.message);
  if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA'].includes(code)) {
    return { ok: false, kind: 'dns', detail: detail };
  }
  if (['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EHOSTDOWN', 'ENETDOWN'].includes(code)) {
    return { ok: false, kind: 'unreachable', detail: detail };
  }
  if (code === 'ETIMEDOUT') return { ok: false, kind: 'timeout', detail: detail };
  if (/^ERR_(INVALID|UNESCAPED)/.test(code)) return { ok: false, kind: 'invalid', detail: detail };
  return { ok: false, kind: 'unexpected', detail: detail };
}
`;
