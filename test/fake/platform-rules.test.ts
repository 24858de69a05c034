// The fake's rules for a real account (issue 12): a non-admin token gets AmoCRM's 403 on the
// admin-only methods (Kommo "Add custom fields" / "Delete a custom field": administrator users
// only; amoCRM "Webhooks API": «Метод доступен с правами администратора аккаунта»), an admin
// deleting a lead field takes its values with it, and the webhook sender either follows Apps
// Script's 302 or counts it as a failed delivery (retried at +5 and +15 minutes).

import http from 'node:http';
import type { FakeAmoHandle } from '../../sandbox/amo-fake';
import { AmoCaller, T0, startTestFake } from './fake-helpers';

const MINUTE = 60_000;

/** A receiver that behaves like Apps Script's /exec: POST → 302 to an echo URL serving JSON. */
async function startRedirectingReceiver() {
  const posts: string[] = [];
  const echoes: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const port = (server.address() as { port: number }).port;
      if (req.method === 'POST') {
        posts.push(req.url ?? '');
        res.writeHead(302, { Location: `http://127.0.0.1:${port}/echo?user_content_key=k1` });
        res.end();
      } else {
        echoes.push(req.url ?? '');
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/exec?secret=s3cret`,
    posts,
    echoes,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('fake AmoCRM: rights, field deletion, redirects', () => {
  let fake: FakeAmoHandle;
  let api: AmoCaller;

  beforeAll(async () => {
    fake = await startTestFake({ webhookTimeoutMs: 1000 });
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    await fake.admin.reset();
    api = new AmoCaller(fake.url, await fake.admin.createLongLivedToken({ now: T0 }));
  });

  it('answers 403 problem+json to a non-admin on admin-only methods, and serves the rest', async () => {
    await fake.admin.configure({ apiUserIsAdmin: false });
    const field = await api.post('/api/v4/leads/custom_fields', [{ name: 'X', type: 'text' }]);
    expect(field.status).toBe(403);
    expect(field.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(field.json).toMatchObject({
      title: 'Forbidden',
      type: 'https://httpstatus.es/403',
      status: 403,
    });
    expect((await api.get('/api/v4/webhooks')).status).toBe(403);
    const hook = { destination: 'https://example.com/exec', settings: ['status_lead'] };
    expect((await api.post('/api/v4/webhooks', hook)).status).toBe(403);
    expect((await api.call('DELETE', '/api/v4/webhooks', hook)).status).toBe(403);
    // Reading fields and writing leads stay open to every user.
    expect((await api.get('/api/v4/leads/custom_fields')).status).toBe(204);
    expect((await api.post('/api/v4/leads', [{ name: 'ok' }])).status).toBe(200);
  });

  it('deletes a lead field with its values; a write naming it then fails with a field_id 400', async () => {
    const created = await api.post('/api/v4/leads/custom_fields', [
      { name: 'Sheet row ID', type: 'text' },
    ]);
    const fieldId = created.json._embedded.custom_fields[0].id as number;
    const value = [{ field_id: fieldId, values: [{ value: 'r-1' }] }];
    const lead = await api.post('/api/v4/leads', [{ name: 'A', custom_fields_values: value }]);
    const leadId = lead.json._embedded.leads[0].id as number;
    await fake.admin.deleteCustomField(fieldId);
    expect((await api.get(`/api/v4/leads/${leadId}`)).json.custom_fields_values).toBeNull();
    const again = await api.post('/api/v4/leads', [{ name: 'B', custom_fields_values: value }]);
    expect(again.status).toBe(400);
    expect(again.json['validation-errors'][0].errors[0].path).toBe(
      'custom_fields_values.0.field_id'
    );
    // Through the API it is an admin-only DELETE answering 204.
    const other = await api.post('/api/v4/leads/custom_fields', [{ name: 'Y', type: 'text' }]);
    const otherId = other.json._embedded.custom_fields[0].id as number;
    expect((await api.call('DELETE', `/api/v4/leads/custom_fields/${otherId}`)).status).toBe(204);
  });

  it.each([
    [false, 302, false],
    [true, 200, true],
  ])('followRedirects %s: the delivery ends with %s (ok %s)', async (follow, status, ok) => {
    await fake.admin.configure({ webhookFollowRedirects: follow });
    const receiver = await startRedirectingReceiver();
    try {
      await fake.admin.addWebhook({ destination: receiver.url, settings: ['status_lead'] });
      const [delivery] = await fake.admin.deliverRaw('leads[status][0][id]=1', undefined, T0);
      expect(delivery).toMatchObject({ status, ok });
      expect(receiver.posts).toHaveLength(1);
      expect(receiver.echoes).toHaveLength(follow ? 1 : 0);
      const retries = (await fake.admin.state()).pendingRetries;
      expect(retries.map(r => r.dueAt - T0)).toEqual(follow ? [] : [5 * MINUTE]);
      if (!follow) {
        const [second] = await fake.admin.deliverDueRetries(T0 + 5 * MINUTE);
        expect(second).toMatchObject({ attempt: 2, status: 302, ok: false });
        const next = (await fake.admin.state()).pendingRetries;
        expect(next.map(r => r.dueAt - T0)).toEqual([20 * MINUTE]);
      }
    } finally {
      await receiver.close();
    }
  });

  it('switches a 302-answering hook off past 100 failures in 2 hours, visible in GET /api/v4/webhooks', async () => {
    const receiver = await startRedirectingReceiver();
    try {
      await fake.admin.addWebhook({ destination: receiver.url, settings: ['status_lead'] });
      for (let i = 0; i < 101; i++) {
        await fake.admin.deliverRaw('leads[status][0][id]=1', undefined, T0 + i * 1000);
      }
      const list = await api.get('/api/v4/webhooks');
      expect(list.json._embedded.webhooks[0]).toMatchObject({
        destination: receiver.url,
        disabled: true,
      });
    } finally {
      await receiver.close();
    }
  });
});
