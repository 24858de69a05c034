// What the fault matrix relies on in the sandbox itself: a fault fires once where it is aimed
// and leaves every later answer alone.
import { startFakeAmo } from '../../sandbox/amo-fake';
import type { FakeAmoHandle } from '../../sandbox/amo-fake';

let fake: FakeAmoHandle;
let token: string;

beforeAll(async () => {
  fake = await startFakeAmo();
  token = await fake.admin.createLongLivedToken();
});

afterAll(async () => {
  await fake.stop();
});

async function get(path: string): Promise<Response> {
  return fetch(`${fake.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

it('a kill-after on an empty list (204) does not put the kill header on later 204 answers', async () => {
  await fake.admin.inject({
    match: { method: 'GET', path: '/api/v4/leads' },
    action: 'kill-after',
  });
  const killed = await get('/api/v4/leads');
  expect(killed.status).toBe(204);
  expect(killed.headers.get('x-sandbox-kill')).toBe('1');
  // Any other empty answer afterwards, with no fault armed.
  const later = await get('/api/v4/contacts');
  expect(later.status).toBe(204);
  expect(later.headers.get('x-sandbox-kill')).toBeNull();
});

it('a kill-after on a 200 answer does not leak either (control)', async () => {
  await fake.admin.inject({
    match: { method: 'GET', path: '/api/v4/account' },
    action: 'kill-after',
  });
  expect((await get('/api/v4/account')).headers.get('x-sandbox-kill')).toBe('1');
  expect((await get('/api/v4/account')).headers.get('x-sandbox-kill')).toBeNull();
});
