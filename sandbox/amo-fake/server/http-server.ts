// The fake's HTTP front: reads each request, takes its clock from `x-sandbox-clock`, logs it,
// and runs it through what AmoCRM's edge does before the API proper: injected faults, the
// 403 block and the 429 rate limit, routing (404 / 405), the bearer check, then the handler.
// Faults that act after processing (kill header, hang, drop) are applied to the real answer.
// Admin paths (/__fake/...) bypass all of that.

import http from 'node:http';
import { flatQuery, parseBracketQuery } from '../core/bracket-query';
import { describeAction } from '../core/faults';
import { ApiError, ApiResponse, PROBLEM_JSON, problem } from '../core/problems';
import type { FakeAmoConfig, FaultAction, RequestLogEntry } from '../types';
import { WebhookSender, sendWebhook } from '../webhooks/sender';
import { ADMIN_ROUTES } from './admin-routes';
import { API_ROUTES, checkBearer } from './api-routes';
import { FakeWorld } from './fake-world';
import { ApiRequest, RouteMatch, matchRoute } from './route-table';

/** A 'hang' is given up on after this long, so a forgotten socket cannot live forever. */
const HANG_MS = 10 * 60_000;
const CLOCK_HEADER = 'x-sandbox-clock';

export interface FakeServer {
  world: FakeWorld;
  /** Starts listening; resolves to the base URL. */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

export function createFakeServer(
  config: FakeAmoConfig,
  sender: WebhookSender = sendWebhook
): FakeServer {
  const world = new FakeWorld(config, sender);
  const server = http.createServer((req, res) => {
    handle(world, req, res).catch(error => {
      if (!res.headersSent) send(res, problem(500, String(error)));
    });
  });
  return {
    world,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          const actual = typeof address === 'object' && address ? address.port : port;
          world.url = `http://${host}:${actual}`;
          resolve(world.url);
        });
      }),
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(world: FakeWorld, req: http.IncomingMessage, res: http.ServerResponse) {
  const raw = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://fake');
  const method = (req.method ?? 'GET').toUpperCase();
  const admin = url.pathname.startsWith('/__fake/');
  const match = matchRoute(admin ? ADMIN_ROUTES : API_ROUTES, method, url.pathname);
  const request = buildRequest(world, req, url, method, raw, match);
  if (admin) return send(res, await runAdmin(world, request, match));
  const entry = world.log.add({
    method,
    path: url.pathname,
    template: match?.template ?? url.pathname,
    query: flatQuery(url.searchParams),
    body: request.bodyError ? raw : (request.body ?? null),
    status: null,
    clock: request.now,
  });
  await runApi(world, request, match, entry, res);
}

async function runApi(
  world: FakeWorld,
  req: ApiRequest,
  match: RouteMatch | null,
  entry: RequestLogEntry,
  res: http.ServerResponse
) {
  const fault = world.faults.take({ method: req.method, path: req.path, template: entry.template });
  if (fault) entry.fault = describeAction(fault.action);
  const action = fault?.action;
  if (action !== undefined && answersInstead(action, res, entry)) return;
  if (typeof action === 'object' && 'delayMs' in action) await sleep(action.delayMs);
  const response = await gateAndDispatch(world, req, match, entry);
  if (action === 'hang-after') return hang(res);
  if (action === 'drop-after') {
    res.socket?.destroy();
    return;
  }
  // A copy: answers such as the shared 204 must not keep the header for later requests.
  const answer =
    action === 'kill-after'
      ? { ...response, headers: { ...response.headers, 'x-sandbox-kill': '1' } }
      : response;
  entry.status = answer.status;
  send(res, answer);
}

/** Faults that replace the answer (status, hang, drop); true when one did. */
function answersInstead(
  action: FaultAction,
  res: http.ServerResponse,
  entry: RequestLogEntry
): boolean {
  if (action === 'hang') {
    hang(res);
    return true;
  }
  if (action === 'drop') {
    res.socket?.destroy();
    return true;
  }
  if (typeof action === 'object' && 'status' in action) {
    entry.status = action.status;
    send(res, cannedAnswer(action));
    return true;
  }
  return false;
}

function cannedAnswer(action: Extract<FaultAction, { status: number }>): ApiResponse {
  const base =
    action.body === undefined
      ? problem(action.status, 'Injected fault')
      : { status: action.status, body: action.body };
  const headers = { ...action.headers };
  if (action.retryAfter !== undefined) headers['retry-after'] = String(action.retryAfter);
  const json = action.status >= 400 ? PROBLEM_JSON : 'application/json';
  const contentType = typeof base.body === 'string' ? 'text/plain' : json;
  return { ...base, contentType, headers };
}

/** The edge (403 block, 429 limit), then routing, auth and the handler. */
async function gateAndDispatch(
  world: FakeWorld,
  req: ApiRequest,
  match: RouteMatch | null,
  entry: RequestLogEntry
): Promise<ApiResponse> {
  const decision = world.limiter.check(req.now);
  if (decision === 'blocked')
    return { status: 403, body: '403 Forbidden', contentType: 'text/plain' };
  if (decision === 'limited') {
    entry.rateLimited = true;
    const retryAfter = world.config.rateLimit.retryAfterS;
    const tooMany = problem(
      429,
      'You have sent too many requests in a given amount of time. Please try again later.',
      { retry_after: retryAfter }
    );
    return { ...tooMany, headers: { 'retry-after': String(retryAfter) } };
  }
  if (!match) return problem(404, `Cannot ${req.method} ${req.base}${req.path}`);
  if (!match.route) return problem(405, 'Method Not Allowed');
  if (match.route.auth) {
    const denied = checkBearer(world, req);
    if (denied) return denied;
  }
  return invoke(() => match.route!.handler(world, req));
}

async function runAdmin(world: FakeWorld, req: ApiRequest, match: RouteMatch | null) {
  if (!match) return problem(404, `No admin endpoint ${req.method} ${req.path}`);
  if (!match.route) return problem(405, 'Method Not Allowed');
  return invoke(() => match.route!.handler(world, req));
}

async function invoke(run: () => ApiResponse | Promise<ApiResponse>): Promise<ApiResponse> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiError) return { ...error.response };
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return problem(500, detail);
  }
}

function buildRequest(
  world: FakeWorld,
  req: http.IncomingMessage,
  url: URL,
  method: string,
  raw: string,
  match: RouteMatch | null
): ApiRequest {
  const { body, bodyError } = parseBody(raw, req.headers['content-type']);
  const adminNow = isAdminClock(url, body);
  return {
    method,
    path: url.pathname,
    params: match?.params ?? {},
    query: parseBracketQuery(url.searchParams),
    search: url.searchParams,
    body,
    bodyError,
    headers: req.headers,
    now: world.clock(req.headers[CLOCK_HEADER] ?? adminNow),
    base: req.headers.host ? `http://${req.headers.host}` : world.url,
  };
}

/** Admin calls may carry their clock as `now` in the body. */
function isAdminClock(url: URL, body: unknown): unknown {
  if (!url.pathname.startsWith('/__fake/')) return undefined;
  return typeof body === 'object' && body !== null ? (body as { now?: unknown }).now : undefined;
}

function parseBody(raw: string, contentType: string | undefined) {
  if (raw.trim() === '') return { body: undefined, bodyError: false };
  if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
    return { body: Object.fromEntries(new URLSearchParams(raw)), bodyError: false };
  }
  try {
    return { body: JSON.parse(raw) as unknown, bodyError: false };
  } catch {
    return { body: undefined, bodyError: true };
  }
}

function send(res: http.ServerResponse, response: ApiResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  if (response.body === undefined) {
    res.writeHead(response.status, headers).end();
    return;
  }
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  headers['content-type'] = response.contentType ?? 'application/json';
  res.writeHead(response.status, headers).end(text);
}

function hang(res: http.ServerResponse): void {
  setTimeout(() => res.socket?.destroy(), HANG_MS).unref();
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
