// The web-app front: a real HTTP server on 127.0.0.1 that plays Google's /exec endpoint. Each
// GET or POST to /exec (or /exec/<pathInfo>) runs doGet/doPost in a new execution and answers
// its output directly with status 200 (Google runs the script, then answers 302 to
// script.googleusercontent.com; here the content comes back at once). A script error is also
// status 200, with the HTML error page Apps Script shows. Executions run on the main thread, so
// requests are served one at a time.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeHtml } from './html-service';

export interface FrontRequest {
  method: string;
  /** Path after /exec without the leading slash; undefined when the path is /exec itself. */
  pathInfo: string | undefined;
  /** Raw query string without '?'. */
  query: string;
  body: string;
  contentType: string;
}

export interface FrontAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface WebApp {
  /** e.g. http://127.0.0.1:43123/exec */
  url: string;
  stop(): Promise<void>;
}

export async function startWebFront(
  handle: (request: FrontRequest) => FrontAnswer
): Promise<WebApp> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => respond(req, res, Buffer.concat(chunks).toString('utf8'), handle));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/exec`,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  handle: (request: FrontRequest) => FrontAnswer
): void {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
  const m = /^\/exec(?:\/(.*))?$/.exec(path);
  let answer: FrontAnswer;
  if (!m) answer = { status: 404, contentType: 'text/plain', body: 'Not Found' };
  else {
    answer = handle({
      method: req.method ?? 'GET',
      pathInfo: m[1] === undefined || m[1] === '' ? undefined : decodeURIComponentSafe(m[1]),
      query,
      body,
      contentType: req.headers['content-type'] ?? '',
    });
  }
  res.writeHead(answer.status, { 'Content-Type': answer.contentType });
  res.end(answer.body);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The page Apps Script serves when doGet/doPost throws. */
export function errorPage(message: string): string {
  return (
    '<!DOCTYPE html><html><head><link rel="shortcut icon" href="//ssl.gstatic.com/docs/script/images/favicon.ico">' +
    '<title>Error</title><style type="text/css">body {background-color: #fff; margin: 0; padding: 0;}' +
    '.errorMessage {font-family: Arial,sans-serif; font-size: 12pt; font-weight: bold; line-height: 150%; padding-top: 25px;}</style>' +
    '</head><body style="margin:20px"><div><img alt="Google Apps Script" src="//ssl.gstatic.com/docs/script/images/logo.png"></div>' +
    `<div style="text-align:center;font-family:monospace;margin:50px auto 0;max-width:600px">${escapeHtml(message)}</div></body></html>`
  );
}

/** The page Apps Script serves when doGet/doPost returns nothing. */
export const NO_OUTPUT_PAGE = errorPage('The script completed but did not return anything.');
