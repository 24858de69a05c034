// AmoCRM's 7-requests-per-second limit on the request clock, over real HTTP: the 8th request
// within one clock second gets 429 (with Retry-After) and is not processed, 7 per second
// spread over two seconds all pass, and repeated 429s turn into a 403 block.

import type { FakeAmoHandle } from '../../sandbox/amo-fake';
import { AmoCaller, T0, startTestFake } from './fake-helpers';

describe('fake AmoCRM rate limit', () => {
  let fake: FakeAmoHandle;
  let api: AmoCaller;

  beforeAll(async () => {
    fake = await startTestFake({
      rateLimit: { enabled: true, blockAfter429s: 10, blockForMs: 60_000 },
    });
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    await fake.admin.reset();
    api = new AmoCaller(fake.url, await fake.admin.createLongLivedToken({ now: T0 }));
  });

  it('answers 429 past 7 requests in one clock second, without processing it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      api.clock = T0 + i * 100;
      statuses.push((await api.get('/api/v4/account')).status);
    }
    api.clock = T0 + 900;
    const limited = await api.post('/api/v4/leads', [{ name: 'must not exist' }]);
    expect(statuses).toEqual(Array(7).fill(200));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(limited.json).toEqual({
      title: 'Too Many Requests',
      type: 'https://httpstatus.es/429',
      status: 429,
      detail: 'You have sent too many requests in a given amount of time. Please try again later.',
      retry_after: 1,
    });
    expect((await fake.admin.state()).leads).toHaveLength(0);
    api.clock = T0 + 1000;
    expect((await api.get('/api/v4/account')).status).toBe(200);
    expect(await fake.admin.rateLimitStats()).toMatchObject({ limited: 1, blocked: 0 });
    const log = await fake.admin.requests();
    expect(log.filter(entry => entry.rateLimited).map(entry => entry.status)).toEqual([429]);
  });

  it('lets 7 requests per second through across two seconds', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i += 1) {
      api.clock = T0 + i * 143;
      statuses.push((await api.get('/api/v4/leads')).status);
    }
    expect(statuses).toEqual(Array(14).fill(204));
  });

  it('blocks every request with 403 after repeated violation, for the blocking period', async () => {
    for (let i = 0; i < 7; i += 1) await api.get('/api/v4/account');
    const limited: number[] = [];
    for (let i = 0; i < 10; i += 1) limited.push((await api.get('/api/v4/account')).status);
    expect(limited).toEqual(Array(10).fill(429));

    api.clock = T0 + 5000;
    const blocked = await api.get('/api/v4/account');
    expect(blocked.status).toBe(403);
    expect(blocked.text).toBe('403 Forbidden');
    api.clock = T0 + 59_000;
    expect((await api.get('/api/v4/account')).status).toBe(403);
    api.clock = T0 + 61_000;
    expect((await api.get('/api/v4/account')).status).toBe(200);
    expect(await fake.admin.rateLimitStats()).toMatchObject({ limited: 10, blocked: 2 });
  });

  it('can be switched off', async () => {
    await fake.admin.configure({ rateLimit: { enabled: false } });
    for (let i = 0; i < 20; i += 1) expect((await api.get('/api/v4/account')).status).toBe(200);
  });
});
