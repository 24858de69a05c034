// The web-app front: a real HTTP server on 127.0.0.1 that plays Google's /exec endpoint. Each
// GET or POST to /exec (or /exec/<pathInfo>) runs doGet/doPost in a new execution. As Google
// does, the front then answers **302** to an echo URL (`/macros/echo?user_content_key=…`, the
// local stand-in for script.googleusercontent.com), which serves the output with status 200:
// the script has already run when the 302 goes out (ContentService reference: "scripts cannot
// directly return content to a browser. Instead, they must serve the content from a different
// URL"; `curl -i` reports show the 302). Option `webAppRedirect: false` answers the output
// directly. A script error is also served with status 200, as the HTML error page Apps Script
// shows. `/dev` answers anonymous callers with a redirect to Google's sign-in (the dev URL
// serves only editors), and an outdated deployment's URL (`/s/<id>/exec`) with 404.
// Executions run on the main thread, so requests are served one at a time.

import { randomUUID } from 'node:crypto';
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
  /** The Location header of a redirect. */
  location?: string;
}

export interface WebApp {
  /** e.g. http://127.0.0.1:43123/exec */
  url: string;
  stop(): Promise<void>;
}

/** Echo pages kept for late readers; older ones are dropped. */
const MAX_ECHOES = 500;

export async function startWebFront(
  handle: (request: FrontRequest) => FrontAnswer,
  options: { webAppRedirect: boolean } = { webAppRedirect: false }
): Promise<WebApp> {
  const echoes = new Map<string, FrontAnswer>();
  const front = (request: FrontRequest, origin: string): FrontAnswer => {
    const answer = handle(request);
    if (!options.webAppRedirect || answer.status === 405) return answer;
    const key = randomUUID().replace(/-/g, '');
    echoes.set(key, answer);
    if (echoes.size > MAX_ECHOES) echoes.delete(echoes.keys().next().value as string);
    const location = `${origin}/macros/echo?user_content_key=${key}&lib=LOCAL`;
    return {
      status: 302,
      contentType: 'text/html; charset=UTF-8',
      body: movedPage(location),
      location,
    };
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => respond(req, res, Buffer.concat(chunks).toString('utf8'), front, echoes));
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
  handle: (request: FrontRequest, origin: string) => FrontAnswer,
  echoes: Map<string, FrontAnswer>
): void {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
  const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
  const m = /^\/exec(?:\/(.*))?$/.exec(path);
  let answer: FrontAnswer;
  if (path === '/macros/echo') {
    const key = new URLSearchParams(query).get('user_content_key') ?? '';
    answer = echoes.get(key) ?? NOT_FOUND;
  } else if (/^\/dev(?:\/.*)?$/.test(path)) {
    // Only editors may open /dev; an anonymous caller is sent to Google's sign-in.
    const location = `https://accounts.google.com/ServiceLogin?continue=${encodeURIComponent(origin + raw)}`;
    answer = {
      status: 302,
      contentType: 'text/html; charset=UTF-8',
      body: movedPage(location),
      location,
    };
  } else if (!m) answer = NOT_FOUND;
  else {
    answer = handle(
      {
        method: req.method ?? 'GET',
        pathInfo: m[1] === undefined || m[1] === '' ? undefined : decodeURIComponentSafe(m[1]),
        query,
        body,
        contentType: req.headers['content-type'] ?? '',
      },
      origin
    );
  }
  const headers: Record<string, string> = { 'Content-Type': answer.contentType };
  if (answer.location) headers.Location = answer.location;
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

const NOT_FOUND: FrontAnswer = {
  status: 404,
  contentType: 'text/html; charset=utf-8',
  body: errorPage('Sorry, unable to open the file at this time.'),
};

function movedPage(location: string): string {
  return `<HTML><HEAD><TITLE>Moved Temporarily</TITLE></HEAD><BODY><H1>Moved Temporarily</H1>The document has moved <A HREF="${escapeHtml(location)}">here</A>.</BODY></HTML>`;
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
