// Helpers for the local runtime's tests: a throw-away bundle directory holding a small script
// written for the test (so the tests do not depend on src/), and a real HTTP test server that
// runs in a worker thread — it must not live on the main thread, which blocks while the
// runtime performs a fetch.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Writes `code` as Code.js into a fresh temp directory and returns the directory. */
export function makeBundle(code: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-runtime-test-'));
  writeFileSync(join(dir, 'Code.js'), code);
  return dir;
}

export interface TestServer {
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  stop(): Promise<void>;
}

// Routes: /status/<code> (body "status <code>: " + 200 x's), /echo (JSON of the request),
// /slow/<ms> (answers after ms, JSON {start, end}), /drop (destroys the socket), /kill
// (x-sandbox-kill: 1), /redirect (302 to /echo), /bytes (binary body 0x00 0x7f 0x80 0xff).
const SERVER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url, 'http://x');
    const parts = url.pathname.split('/');
    if (parts[1] === 'status') {
      res.writeHead(Number(parts[2]), { 'Content-Type': 'text/plain' });
      return res.end('status ' + parts[2] + ': ' + 'x'.repeat(200));
    }
    if (parts[1] === 'slow') {
      const start = Date.now();
      return setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ start: start, end: Date.now() }));
      }, Number(parts[2]));
    }
    if (parts[1] === 'drop') return req.socket.destroy();
    if (parts[1] === 'kill') {
      res.writeHead(200, { 'x-sandbox-kill': '1' });
      return res.end('you should not see this');
    }
    if (parts[1] === 'redirect') {
      res.writeHead(302, { Location: '/echo?redirected=1' });
      return res.end();
    }
    if (parts[1] === 'bytes') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      return res.end(Buffer.from([0x00, 0x7f, 0x80, 0xff]));
    }
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Set-Cookie': ['a=1', 'b=2'] });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body }));
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

export async function startTestServer(): Promise<TestServer> {
  const worker = new Worker(SERVER_SOURCE, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: async () => {
      await worker.terminate();
    },
  };
}

/** A TCP port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

/** A plain HTTP request from the test (main thread, asynchronous). */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
  location?: string;
  /** The answers before this one, when redirects were followed. */
  hops?: HttpAnswer[];
}

/**
 * One request; a 302 is followed with GET (as curl -L and browsers do after a POST) unless
 * `follow` is false, and the redirects show in `hops`.
 */
export async function httpRequest(
  url: string,
  options: { method?: string; body?: string; contentType?: string; follow?: boolean } = {}
): Promise<HttpAnswer> {
  const hops: HttpAnswer[] = [];
  let answer = await httpOnce(url, options);
  while (options.follow !== false && answer.status === 302 && answer.location && hops.length < 5) {
    hops.push(answer);
    answer = await httpOnce(new URL(answer.location, url).toString(), {});
  }
  return hops.length > 0 ? { ...answer, hops } : answer;
}

function httpOnce(
  url: string,
  options: { method?: string; body?: string; contentType?: string }
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.contentType) headers['Content-Type'] = options.contentType;
    const req = request(url, { method: options.method ?? 'GET', headers }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
          ...(res.headers.location ? { location: res.headers.location } : {}),
        })
      );
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
