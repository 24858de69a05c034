// AmoClient against a fake HttpPort on a manual clock: request shape, pacing (never more than 7
// requests in any second), retries and their limits, the 401 renewal, the 403 block, the
// deadline, and that no token ever reaches a message or a log line.

import { AmoClient, DEFAULT_RUN_BUDGET_MS } from '../../src/amo/client';
import { createLeads, getAccount, listLeads, updateLeads } from '../../src/amo/calls';
import { AmoError } from '../../src/amo/errors';
import { LongLivedTokenSource } from '../../src/amo/auth';
import type { AmoClientOptions } from '../../src/amo/client';
import {
  CountingTokens,
  FakeHttp,
  ManualClock,
  MemoryLogger,
  busiestWindow,
  json,
  networkDown,
  noContent,
} from './support/ports-memory';
import account from './fixtures/account.json';

const BASE = 'https://example.amocrm.ru';

function setup(options: Partial<AmoClientOptions> = {}) {
  const clock = new ManualClock();
  const http = new FakeHttp(clock);
  const logger = new MemoryLogger();
  const tokens = new CountingTokens();
  const client = new AmoClient({
    baseUrl: BASE,
    http,
    clock,
    tokens,
    logger,
    random: () => 0.5,
    ...options,
  });
  const start = clock.now();
  return { clock, http, logger, tokens, client, start };
}

function expectAmoError(fn: () => unknown): AmoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AmoError);
    return e as AmoError;
  }
  throw new Error('expected an AmoError');
}

const created = (n: number) =>
  json(200, {
    _embedded: {
      leads: Array.from({ length: n }, (_, i) => ({ id: 1000 + i, request_id: String(i) })),
    },
  });

describe('requests', () => {
  test('carry the bearer token, JSON content type and a JSON body; trailing slash tolerated', () => {
    const { http, client } = setup({ baseUrl: `${BASE}/` });
    http.on('post', '/api/v4/leads', () => created(1));
    client.run(createLeads([{ name: 'Deal', price: 100, request_id: 'row-1' }]));
    const [req] = http.requests;
    expect(req.url).toBe(`${BASE}/api/v4/leads`);
    expect(req.headers.Authorization).toBe('Bearer access-token-0001');
    expect(req.contentType).toBe('application/json');
    expect(req.body).toEqual([{ name: 'Deal', price: 100, request_id: 'row-1' }]);
  });

  test('work with a plain http base URL such as a local fake', () => {
    const { http, client } = setup({ baseUrl: 'http://127.0.0.1:8931' });
    http.on('get', '/api/v4/account', () => json(200, account));
    expect(client.run(getAccount()).subdomain).toBe('example');
    expect(http.requests[0].url).toBe('http://127.0.0.1:8931/api/v4/account');
  });

  test('refuse a base URL that is not http(s)', () => {
    const error = expectAmoError(() => setup({ baseUrl: 'example.amocrm.ru' }));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('AMO_BASE_URL');
  });

  test('204 reads as an empty page, not an error', () => {
    const { http, client } = setup();
    http.on('get', '/api/v4/leads', () => noContent());
    expect(client.run(listLeads({ query: 'nobody' }))).toEqual({
      items: [],
      page: 1,
      hasNext: false,
    });
  });

  test('runAll returns one result per call, in order, failures included', () => {
    const { http, client } = setup();
    http.on('get', '/api/v4/account', () => json(200, account));
    http.on('get', '/api/v4/leads', () => json(400, { status: 400, detail: 'Bad filter' }));
    const [acc, leads] = client.runAll([getAccount(), listLeads()]);
    expect(acc.ok && acc.value.id).toBe(1231414);
    expect(leads.ok).toBe(false);
    expect(http.batches).toHaveLength(1);
  });
});

describe('pacing', () => {
  test('100 calls in one runAll: never more than 7 in any second, about 14 s in all', () => {
    const { http, client, clock, start } = setup();
    http.on('get', '/api/v4/leads', () => noContent());
    const calls = Array.from({ length: 100 }, (_, i) => listLeads({ page: i + 1 }));
    const results = client.runAll(calls);
    expect(results.every(r => r.ok)).toBe(true);
    expect(http.requests).toHaveLength(100);
    expect(busiestWindow(http.requests)).toBeLessThanOrEqual(7);
    const elapsed = clock.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(14_000);
    expect(elapsed).toBeLessThan(15_000);
  });

  test('separate run() calls share the same window', () => {
    const { http, client } = setup();
    http.on('get', '/api/v4/account', () => json(200, account));
    for (let i = 0; i < 30; i++) client.run(getAccount());
    expect(busiestWindow(http.requests)).toBeLessThanOrEqual(7);
  });

  test('slow answers push the next window back (sends are logged when a batch ends)', () => {
    const { http, client, clock } = setup();
    http.on('get', '/api/v4/account', () => {
      clock.advance(300);
      return json(200, account);
    });
    client.runAll(Array.from({ length: 14 }, () => getAccount()));
    const [first, second] = http.batches;
    expect(second[0].at - first[0].at).toBeGreaterThanOrEqual(7 * 300 + 1000);
  });
});

describe('retries', () => {
  test('429 with retry_after: waits that long, then succeeds', () => {
    const { http, client } = setup();
    let calls = 0;
    http.on('get', '/api/v4/account', () =>
      ++calls === 1
        ? json(429, { title: 'Too Many Requests', status: 429, retry_after: 3 })
        : json(200, account)
    );
    expect(client.run(getAccount()).id).toBe(1231414);
    const [a, b] = http.requests;
    expect(b.at - a.at).toBeGreaterThanOrEqual(3000);
  });

  test('429 with a Retry-After header is honoured too', () => {
    const { http, client } = setup();
    let calls = 0;
    http.on('get', '/api/v4/account', () =>
      ++calls === 1 ? json(429, { status: 429 }, { 'retry-after': '4' }) : json(200, account)
    );
    client.run(getAccount());
    expect(http.requests[1].at - http.requests[0].at).toBeGreaterThanOrEqual(4000);
  });

  test('429 holds back every other call of the batch as well', () => {
    const { http, client } = setup();
    let first = true;
    http.on('get', '/api/v4/account', () => {
      if (first) {
        first = false;
        return json(429, { status: 429, retry_after: 5 });
      }
      return json(200, account);
    });
    client.runAll(Array.from({ length: 10 }, () => getAccount()));
    const t0 = http.requests[0].at;
    const later = http.requests.slice(7);
    expect(later.every(r => r.at - t0 >= 5000)).toBe(true);
  });

  test('429 on a create is retried: AmoCRM did not process it', () => {
    const { http, client } = setup();
    let calls = 0;
    http.on('post', '/api/v4/leads', () =>
      ++calls === 1 ? json(429, { status: 429, retry_after: 1 }) : created(1)
    );
    expect(client.run(createLeads([{ name: 'x' }]))).toEqual([{ id: 1000, request_id: '0' }]);
    expect(http.requests).toHaveLength(2);
  });

  test('502 is retried for a GET', () => {
    const { http, client, logger } = setup();
    let calls = 0;
    http.on('get', '/api/v4/account', () =>
      ++calls <= 2 ? json(502, { status: 502, detail: 'Bad gateway' }) : json(200, account)
    );
    expect(client.run(getAccount()).id).toBe(1231414);
    expect(http.requests).toHaveLength(3);
    expect(logger.lines.filter(l => l.startsWith('WARN'))).toHaveLength(2);
  });

  test('502 on a create is not retried: outcome unknown', () => {
    const { http, client } = setup();
    http.on('post', '/api/v4/leads', () => json(502, { status: 502 }));
    const error = expectAmoError(() => client.run(createLeads([{ name: 'x' }])));
    expect(http.requests).toHaveLength(1);
    expect(error.outcomeUnknown).toBe(true);
    expect(error.status).toBe(502);
  });

  test('PATCH updates are idempotent and retried on 5xx', () => {
    const { http, client } = setup();
    let calls = 0;
    http.on('patch', '/api/v4/leads', () =>
      ++calls === 1
        ? json(503, { status: 503 })
        : json(200, { _embedded: { leads: [{ id: 5, updated_at: 1, request_id: '0' }] } })
    );
    expect(client.run(updateLeads([{ id: 5, price: 1 }]))[0].id).toBe(5);
  });

  test('a persistent 500 ends in an AmoError after 5 attempts, within the deadline', () => {
    const { http, client, clock } = setup();
    http.on('get', '/api/v4/account', () =>
      json(500, { title: 'ErrInternalServer', status: 500, detail: 'boom' })
    );
    const error = expectAmoError(() => client.run(getAccount()));
    expect(http.requests).toHaveLength(5);
    expect(error.kind).toBe('http');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('500');
    expect(clock.now()).toBeLessThan(client.deadlineMs);
  });

  test('a persistent 500 with little time left stops at the deadline, not after', () => {
    const clock = new ManualClock();
    const { http, client } = setup({ clock, deadlineMs: clock.now() + 2000 });
    http.on('get', '/api/v4/account', () => json(500, { status: 500 }));
    const error = expectAmoError(() => client.run(getAccount()));
    expect(error.kind).toBe('deadline');
    expect(error.message).toContain('AmoCRM did not answer in time');
    expect(clock.now()).toBeLessThanOrEqual(client.deadlineMs);
  });

  test('a retry_after beyond the deadline fails at once instead of sleeping', () => {
    const clock = new ManualClock();
    const { http, client } = setup({ clock, deadlineMs: clock.now() + 10_000 });
    http.on('get', '/api/v4/account', () => json(429, { status: 429, retry_after: 30 }));
    const error = expectAmoError(() => client.run(getAccount()));
    expect(error.kind).toBe('deadline');
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(0);
  });

  test('a retry_after of minutes is not slept through; later calls fail fast until then', () => {
    const { http, client, clock, start } = setup();
    http.on('get', '/api/v4/account', () => json(429, { status: 429, retry_after: 300 }));
    const error = expectAmoError(() => client.run(getAccount()));
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('wait 300 s');
    expect(clock.now() - start).toBeLessThan(1000);
    expectAmoError(() => client.run(getAccount()));
    expect(http.requests).toHaveLength(1);
  });

  test('the default deadline is 5.5 minutes from construction', () => {
    const { client, start } = setup();
    expect(client.deadlineMs - start).toBe(DEFAULT_RUN_BUDGET_MS);
  });

  test('no new wave starts after the deadline', () => {
    const clock = new ManualClock();
    const { http, client } = setup({ clock, deadlineMs: clock.now() + 1500 });
    http.on('get', '/api/v4/account', () => json(200, account));
    const results = client.runAll(Array.from({ length: 30 }, () => getAccount()));
    expect(http.requests.length).toBeLessThanOrEqual(14);
    const failed = results.filter(r => !r.ok);
    expect(failed.length).toBe(30 - http.requests.length);
    expect(failed.every(r => !r.ok && r.error.kind === 'deadline')).toBe(true);
  });
});

describe('network errors', () => {
  test('a GET is retried after a dropped connection', () => {
    const { http, client } = setup();
    let calls = 0;
    http.on('get', '/api/v4/account', () => (++calls === 1 ? networkDown() : json(200, account)));
    expect(client.run(getAccount()).id).toBe(1231414);
  });

  test('a create is not retried: outcome unknown', () => {
    const { http, client } = setup();
    http.on('post', '/api/v4/leads', () => networkDown());
    const error = expectAmoError(() => client.run(createLeads([{ name: 'x' }])));
    expect(error.kind).toBe('network');
    expect(error.outcomeUnknown).toBe(true);
    expect(http.requests).toHaveLength(1);
  });

  test('one failure fails the whole batch: every create in it is outcome-unknown', () => {
    const { http, client } = setup();
    http.on('get', '/api/v4/account', () => networkDown());
    http.on('post', '/api/v4/leads', () => created(1));
    const [acc, lead] = client.runAll([getAccount(), createLeads([{ name: 'x' }])]);
    expect(lead.ok).toBe(false);
    expect(!lead.ok && lead.error.outcomeUnknown).toBe(true);
    expect(acc.ok).toBe(false);
  });

  test('a network that stays down ends in an error after the attempts run out', () => {
    const { http, client } = setup();
    http.on('get', '/api/v4/account', () => networkDown());
    const error = expectAmoError(() => client.run(getAccount()));
    expect(error.kind).toBe('network');
    expect(error.outcomeUnknown).toBe(false);
    expect(http.requests).toHaveLength(5);
  });
});

describe('refusals', () => {
  test('400 validation errors become a readable message and structured fields; no retry', () => {
    const { http, client } = setup();
    http.on('post', '/api/v4/leads', () =>
      json(400, {
        'validation-errors': [
          {
            request_id: '0',
            errors: [
              {
                code: 'InvalidType',
                path: 'status_id',
                detail: 'This value should be of type int',
              },
            ],
          },
        ],
        title: 'Bad Request',
        status: 400,
        detail: 'Request validation failed',
      })
    );
    const error = expectAmoError(() => client.run(createLeads([{ name: 'x' }])));
    expect(error.message).toBe(
      'AmoCRM rejected the request (400): status_id: This value should be of type int'
    );
    expect(error.validationErrors).toEqual([
      {
        requestId: '0',
        path: 'status_id',
        code: 'InvalidType',
        detail: 'This value should be of type int',
      },
    ]);
    expect(error.detail).toBe('Request validation failed');
    expect(error.outcomeUnknown).toBe(false);
    expect(http.requests).toHaveLength(1);
  });

  test('several failing batch items are told apart', () => {
    const { http, client } = setup();
    http.on('post', '/api/v4/leads', () =>
      json(400, {
        'validation-errors': [
          { request_id: 'a', errors: [{ path: 'price', detail: 'Must be int' }] },
          { request_id: 'b', errors: [{ path: 'name', detail: 'Too long' }] },
        ],
        status: 400,
      })
    );
    const error = expectAmoError(() => client.run(createLeads([{ name: 'x' }, { name: 'y' }])));
    expect(error.message).toBe(
      'AmoCRM rejected the request (400): item a: price: Must be int; item b: name: Too long'
    );
  });

  test('402 and 404 are not retried', () => {
    const { http, client } = setup();
    http.on('get', '/api/v4/account', () => json(402, { status: 402, detail: 'Payment required' }));
    const error = expectAmoError(() => client.run(getAccount()));
    expect(error.status).toBe(402);
    expect(error.message).toContain('paid period');
    expect(http.requests).toHaveLength(1);
  });

  test('403 blocks the client: later calls fail without a request', () => {
    const { http, client } = setup();
    http.on('get', '/api/v4/account', () => ({ status: 403, headers: {}, body: '403 Forbidden' }));
    const first = expectAmoError(() => client.run(getAccount()));
    expect(first.kind).toBe('blocked');
    expect(first.message).toContain('403 Forbidden');
    expect(client.blocked).toBe(true);
    const later = expectAmoError(() => client.run(listLeads()));
    expect(later.kind).toBe('blocked');
    const batch = client.runAll([getAccount(), listLeads()]);
    expect(batch.every(r => !r.ok && r.error.kind === 'blocked')).toBe(true);
    expect(http.requests).toHaveLength(1);
  });

  test('an unreadable 200 answer to a create is outcome-unknown', () => {
    const { http, client } = setup();
    http.on('post', '/api/v4/leads', () => ({
      status: 200,
      headers: {},
      body: '<html>oops</html>',
    }));
    const error = expectAmoError(() => client.run(createLeads([{ name: 'x' }])));
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toContain('cannot read');
  });
});

describe('401', () => {
  test('renews the token once and retries with the new one', () => {
    const { http, client, tokens } = setup();
    http.on('get', '/api/v4/account', req =>
      req.headers.Authorization === 'Bearer access-token-0002'
        ? json(200, account)
        : json(401, { title: 'Unauthorized', status: 401, detail: 'Invalid user name or password' })
    );
    tokens.next = () => 'access-token-0002';
    expect(client.run(getAccount()).id).toBe(1231414);
    expect(tokens.refreshes).toEqual(['access-token-0001']);
    expect(http.requests).toHaveLength(2);
  });

  test('a batch of 401s renews once', () => {
    const { http, client, tokens } = setup();
    http.on('get', '/api/v4/account', req =>
      req.headers.Authorization === 'Bearer access-token-0001'
        ? json(401, { status: 401 })
        : json(200, account)
    );
    const results = client.runAll(Array.from({ length: 5 }, () => getAccount()));
    expect(results.every(r => r.ok)).toBe(true);
    expect(tokens.refreshes).toHaveLength(1);
  });

  test('a second 401 after renewal gives up with a readable error', () => {
    const { http, client, tokens } = setup();
    http.on('get', '/api/v4/account', () => json(401, { status: 401 }));
    const error = expectAmoError(() => client.run(getAccount()));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/^AmoCRM refused the access token/);
    expect(tokens.refreshes).toHaveLength(1);
    expect(http.requests).toHaveLength(2);
  });

  test('a refused long-lived token says to create a new one', () => {
    const { http, client } = setup({ tokens: new LongLivedTokenSource('long-lived-secret-token') });
    http.on('get', '/api/v4/account', () => json(401, { status: 401 }));
    const error = expectAmoError(() => client.run(getAccount()));
    expect(error.message).toContain('long-lived token');
    expect(error.message).toContain('Keys and scopes');
    expect(http.requests).toHaveLength(1);
  });
});

describe('token failures', () => {
  test('a token source that fails stops the whole batch after one attempt, with no request', () => {
    let asked = 0;
    const refused = new AmoError({
      kind: 'auth',
      message: 'AmoCRM refused the authorization code',
    });
    const { http, client } = setup({
      tokens: {
        accessToken: () => {
          asked++;
          throw refused;
        },
        refresh: () => 'unused',
      },
    });
    const results = client.runAll(Array.from({ length: 20 }, () => getAccount()));
    expect(results.every(r => !r.ok && r.error === refused)).toBe(true);
    expect(asked).toBe(1);
    expect(http.requests).toHaveLength(0);
  });
});

describe('secrets', () => {
  test('no token appears in an error message or a log line, even when AmoCRM echoes it', () => {
    const secret = 'very-secret-access-token-123';
    const { http, client, logger } = setup({
      tokens: new CountingTokens(secret, () => secret + '-new'),
    });
    http.on('get', '/api/v4/account', req =>
      json(500, { status: 500, detail: `bad ${req.headers.Authorization}` })
    );
    http.on('get', '/api/v4/leads', req =>
      json(400, { status: 400, detail: `token ${req.headers.Authorization}` })
    );
    http.on('post', '/api/v4/leads', req =>
      json(401, { status: 401, detail: req.headers.Authorization })
    );
    const results = client.runAll([getAccount(), listLeads(), createLeads([{ name: 'x' }])]);
    const texts = [
      ...results.flatMap(r =>
        r.ok ? [] : [r.error.message, r.error.detail ?? '', r.error.hint ?? '']
      ),
      ...logger.lines,
    ];
    expect(texts.length).toBeGreaterThan(3);
    for (const text of texts) expect(text).not.toContain(secret);
    expect(texts.some(t => t.includes('[redacted]'))).toBe(true);
  });
});
