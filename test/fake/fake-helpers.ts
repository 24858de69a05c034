// Shared by the fake's tests: start a fake per test file, talk to its API over real HTTP with
// a virtual clock, and run a local webhook receiver. Node's fetch is async, so the test thread
// stays free while the fake (in its worker) answers.

import http from 'node:http';
import { startFakeAmo } from '../../sandbox/amo-fake';
import type { DealAccount, FakeAmoConfigPatch, FakeAmoHandle } from '../../sandbox/amo-fake';

export const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

/** A fake with the rate limit off unless the test turns it on. */
export function startTestFake(config: FakeAmoConfigPatch = {}): Promise<FakeAmoHandle> {
  return startFakeAmo({ config: { rateLimit: { enabled: false }, ...config } });
}

/** A fake with the deal account (issue 15) seeded before each test, and an API caller. */
export interface DealWorld {
  fake: FakeAmoHandle;
  api: AmoCaller;
  deal: DealAccount;
}

/** Registers the hooks of a test file on the deal account; the object is filled per test. */
export function dealWorld(): DealWorld {
  const world = {} as DealWorld;
  beforeAll(async () => {
    world.fake = await startTestFake();
  });
  afterAll(() => world.fake.stop());
  beforeEach(async () => {
    await world.fake.admin.reset();
    world.deal = await world.fake.admin.seedDealAccount();
    const token = await world.fake.admin.createLongLivedToken({ now: T0 });
    world.api = new AmoCaller(world.fake.url, token);
  });
  return world;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or null for an empty or non-JSON body. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** An API caller with a bearer token and a virtual clock that tests move by hand. */
export class AmoCaller {
  clock = T0;

  constructor(
    readonly url: string,
    public token: string | null = null
  ) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    init: RequestInit = {}
  ): Promise<ApiAnswer> {
    const headers: Record<string, string> = { 'x-sandbox-clock': String(this.clock) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...headers, ...(init.headers as Record<string, string>) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: init.signal,
    });
    const text = await response.text();
    const isJson = /json/.test(response.headers.get('content-type') ?? '');
    const json = isJson && text !== '' ? JSON.parse(text) : null;
    return { status: response.status, headers: response.headers, text, json };
  }

  get(path: string) {
    return this.call('GET', path);
  }

  post(path: string, body: unknown) {
    return this.call('POST', path, body);
  }

  patch(path: string, body: unknown) {
    return this.call('PATCH', path, body);
  }
}

export interface ReceivedHook {
  headers: http.IncomingHttpHeaders;
  body: string;
  url: string;
}

export interface Receiver {
  url: string;
  hooks: ReceivedHook[];
  /** What the receiver answers next (default 200 `ok`). */
  reply: { status: number; body: string; delayMs?: number };
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hooks: ReceivedHook[] = [];
  const state = { reply: { status: 200, body: 'ok' } as Receiver['reply'] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        url: req.url ?? '',
      });
      const { status, body, delayMs } = state.reply;
      setTimeout(() => res.writeHead(status).end(body), delayMs ?? 0);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/hook?secret=s3cret`,
    hooks,
    get reply() {
      return state.reply;
    },
    set reply(value) {
      state.reply = value;
    },
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
