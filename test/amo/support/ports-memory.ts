// In-memory ports for the AmoCRM client's tests: an HttpPort that routes requests to handler
// functions and records what was sent and when, a manual clock whose sleep advances time, a
// map-backed Properties store and cache (with TTL), a mutex that can be "held by another
// execution", and a logger that keeps its lines. Small on purpose; they model the ports'
// contracts, not the Apps Script services.

import { NetworkError } from '../../../src/ports';
import type {
  CachePort,
  ClockPort,
  HttpPort,
  HttpRequest,
  HttpResponse,
  KeyValueStore,
  LoggerPort,
  MutexPort,
} from '../../../src/ports';

/** A clock that only moves when slept on (or told to). */
export class ManualClock implements ClockPort {
  readonly sleeps: number[] = [];

  constructor(public time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  sleep(ms: number): void {
    if (ms < 0) throw new Error(`negative sleep ${ms}`);
    this.sleeps.push(ms);
    this.time += ms;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

/** A request as a handler sees it. */
export interface SeenRequest {
  at: number;
  method: HttpRequest['method'];
  url: string;
  path: string;
  /** Decoded query parameters, repeated keys collected. */
  query: Record<string, string[]>;
  headers: Record<string, string>;
  contentType?: string;
  /** Parsed JSON payload (undefined when none). */
  body: unknown;
  raw: HttpRequest;
}

export type Handler = (req: SeenRequest) => HttpResponse;

/** A JSON answer. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** An empty 204 answer. */
export function noContent(): HttpResponse {
  return { status: 204, headers: {}, body: '' };
}

/** Routes requests by method and path (exact string or RegExp) to handlers. */
export class FakeHttp implements HttpPort {
  readonly requests: SeenRequest[] = [];
  readonly batches: SeenRequest[][] = [];
  private readonly routes: Array<{ method: string; path: string | RegExp; handler: Handler }> = [];

  constructor(private readonly clock: ClockPort) {}

  on(method: HttpRequest['method'], path: string | RegExp, handler: Handler): this {
    this.routes.unshift({ method, path, handler });
    return this;
  }

  /** Requests to a path (and method, when given). */
  to(path: string, method?: HttpRequest['method']): SeenRequest[] {
    return this.requests.filter(r => r.path === path && (!method || r.method === method));
  }

  fetchAll(requests: HttpRequest[]): HttpResponse[] {
    const seen = requests.map(r => this.see(r));
    this.requests.push(...seen);
    this.batches.push(seen);
    let networkError: unknown = null;
    const responses = seen.map(req => {
      try {
        return this.route(req);
      } catch (e) {
        networkError = e;
        return { status: 0, headers: {}, body: '' };
      }
    });
    // Like UrlFetchApp.fetchAll: one transport failure fails the whole batch.
    if (networkError) throw networkError;
    return responses;
  }

  private route(req: SeenRequest): HttpResponse {
    const route = this.routes.find(
      r =>
        r.method === req.method &&
        (typeof r.path === 'string' ? r.path === req.path : r.path.test(req.path))
    );
    if (!route)
      return json(404, {
        title: 'Not Found',
        status: 404,
        detail: `Cannot ${req.method} ${req.path}`,
      });
    return route.handler(req);
  }

  private see(raw: HttpRequest): SeenRequest {
    const match = /^https?:\/\/[^/]+(\/[^?]*)?(?:\?(.*))?$/.exec(raw.url);
    if (!match) throw new Error(`bad url ${raw.url}`);
    const query: Record<string, string[]> = {};
    for (const pair of (match[2] ?? '').split('&').filter(Boolean)) {
      const [k, v = ''] = pair.split('=');
      const key = decodeURIComponent(k.replace(/\+/g, ' '));
      (query[key] ??= []).push(decodeURIComponent(v.replace(/\+/g, ' ')));
    }
    return {
      at: this.clock.now(),
      method: raw.method,
      url: raw.url,
      path: match[1] ?? '/',
      query,
      headers: raw.headers ?? {},
      contentType: raw.contentType,
      body: raw.payload === undefined ? undefined : JSON.parse(raw.payload),
      raw,
    };
  }
}

/** Throws the port's NetworkError, as the Apps Script adapter does for a dropped connection. */
export function networkDown(): never {
  throw new NetworkError('Address unavailable: https://example.amocrm.ru');
}

/** Operations on the stores, in order, to check what was written first. */
export type StoreOp = {
  target: 'props' | 'cache';
  op: 'set' | 'put' | 'remove' | 'delete';
  key: string;
  value?: string;
};

/** Script Properties as a map. */
export class MapStore implements KeyValueStore {
  readonly data = new Map<string, string>();
  reads = 0;

  constructor(private readonly ops: StoreOp[] = []) {}

  get(key: string): string | null {
    this.reads++;
    return this.data.get(key) ?? null;
  }

  getAll(): Record<string, string> {
    return Object.fromEntries(this.data);
  }

  set(key: string, value: string): void {
    this.ops.push({ target: 'props', op: 'set', key, value });
    this.data.set(key, value);
  }

  setAll(values: Record<string, string>): void {
    for (const [k, v] of Object.entries(values)) this.set(k, v);
  }

  delete(key: string): void {
    this.ops.push({ target: 'props', op: 'delete', key });
    this.data.delete(key);
  }
}

/** CacheService as a map with expiry on the manual clock. */
export class MapCache implements CachePort {
  readonly data = new Map<string, { value: string; expiresAt: number }>();

  constructor(
    private readonly clock: ClockPort,
    private readonly ops: StoreOp[] = []
  ) {}

  get(key: string): string | null {
    const entry = this.data.get(key);
    if (!entry || entry.expiresAt <= this.clock.now()) return null;
    return entry.value;
  }

  getAll(keys: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of keys) {
      const value = this.get(key);
      if (value !== null) out[key] = value;
    }
    return out;
  }

  put(key: string, value: string, ttlSeconds: number): void {
    this.ops.push({ target: 'cache', op: 'put', key, value });
    this.data.set(key, { value, expiresAt: this.clock.now() + ttlSeconds * 1000 });
  }

  putAll(values: Record<string, string>, ttlSeconds: number): void {
    for (const [key, value] of Object.entries(values)) this.put(key, value, ttlSeconds);
  }

  remove(key: string): void {
    this.ops.push({ target: 'cache', op: 'remove', key });
    this.data.delete(key);
  }

  removeAll(keys: string[]): void {
    for (const key of keys) this.remove(key);
  }
}

/** The script lock; `heldByOther` makes tryLock fail as if another execution held it. */
export class FakeMutex implements MutexPort {
  heldByOther = false;
  held = false;
  acquisitions = 0;
  /**
   * Runs once while this execution waits for the lock: what another execution did in the
   * meantime (e.g. refreshed the tokens).
   */
  whileWaiting: (() => void) | null = null;

  tryLock(): boolean {
    if (this.heldByOther) return false;
    const other = this.whileWaiting;
    this.whileWaiting = null;
    other?.();
    this.held = true;
    this.acquisitions++;
    return true;
  }

  release(): void {
    this.held = false;
  }
}

/** Keeps every line. */
export class MemoryLogger implements LoggerPort {
  readonly lines: string[] = [];

  info(message: string): void {
    this.lines.push(`INFO ${message}`);
  }

  warn(message: string): void {
    this.lines.push(`WARN ${message}`);
  }

  error(message: string): void {
    this.lines.push(`ERROR ${message}`);
  }
}

/** A TokenSource double that counts refreshes. */
export class CountingTokens {
  refreshes: string[] = [];

  constructor(
    public token = 'access-token-0001',
    public next: () => string = () => `access-token-000${this.refreshes.length + 2}`
  ) {}

  accessToken(): string {
    return this.token;
  }

  refresh(rejected: string): string {
    this.refreshes.push(rejected);
    this.token = this.next();
    return this.token;
  }
}

/** The largest number of requests sent within any window of `windowMs`. */
export function busiestWindow(requests: SeenRequest[], windowMs = 1000): number {
  const times = requests.map(r => r.at).sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}
