// Webhooks over real HTTP: subscriptions through /api/v4/webhooks, the manager's changes
// delivered as AmoCRM's form-encoded bodies (key layout of the real deliveries) to a local
// receiver, the retry schedule on the clock, disabling after >100 failures in two hours,
// timeouts, delivery switched off, and API writes echoed on demand.

import { randomUUID } from 'node:crypto';
import type { FakeAmoHandle } from '../../sandbox/amo-fake';
import { MAIN_PIPELINE, decodeForm } from '../../sandbox/amo-fake';
import { AmoCaller, Receiver, T0, startReceiver, startTestFake } from './fake-helpers';

const S0 = Math.floor(T0 / 1000);
const MINUTE = 60_000;
const [, FIRST_STATUS, SECOND_STATUS] = MAIN_PIPELINE.statuses.map(s => s.id);

describe('fake AmoCRM webhooks', () => {
  let fake: FakeAmoHandle;
  let api: AmoCaller;
  let receiver: Receiver;

  beforeAll(async () => {
    fake = await startTestFake({
      subdomain: 'unirock',
      accountId: 16700680,
      webhookTimeoutMs: 300,
    });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await fake.stop();
    await receiver.close();
  });
  beforeEach(async () => {
    await fake.admin.reset();
    receiver.hooks.length = 0;
    receiver.reply = { status: 200, body: '{"ok":true}' };
    api = new AmoCaller(fake.url, await fake.admin.createLongLivedToken({ now: T0 }));
  });

  const subscribe = (settings: string[], destination = receiver.url) =>
    api.post('/api/v4/webhooks', { destination, settings });

  const seedLinked = () =>
    fake.admin.seed({
      contacts: [{ name: 'Иван Петров', phone: '+79123456789', email: 'ivan@example.com' }],
      leads: [{ name: 'Сделка (тест)', price: 1000, contact: 0, createdAt: S0 - 3600 }],
      now: T0,
    });

  it('subscribes, lists (204 when none), re-saves and unsubscribes', async () => {
    expect((await api.get('/api/v4/webhooks')).status).toBe(204);
    const created = await subscribe(['status_lead']);
    expect(created.status).toBe(200);
    expect(Object.keys(created.json)).toEqual([
      'id',
      'destination',
      'created_at',
      'updated_at',
      'account_id',
      'created_by',
      'sort',
      'disabled',
      'settings',
    ]);
    expect(created.json).toMatchObject({
      destination: receiver.url,
      disabled: false,
      settings: ['status_lead'],
    });
    const again = await subscribe(['status_lead', 'update_lead']);
    expect(again.json.id).toBe(created.json.id);
    const list = await api.get('/api/v4/webhooks');
    expect(list.json).toMatchObject({
      _total_items: 1,
      _embedded: { webhooks: [{ settings: ['status_lead', 'update_lead'] }] },
    });
    const removed = await api.call('DELETE', '/api/v4/webhooks', { destination: receiver.url });
    expect(removed.status).toBe(204);
    expect((await api.get('/api/v4/webhooks')).status).toBe(204);
  });

  it('delivers a status change in the real deliveries key layout', async () => {
    const { leadIds } = await seedLinked();
    await subscribe(['status_lead']);
    const now = T0 + 10 * MINUTE;
    const result = await fake.admin.setLeadStatus({
      leadId: leadIds[0],
      statusId: SECOND_STATUS,
      now,
    });
    expect(result.deliveries).toHaveLength(1);
    expect(result.deliveries[0]).toMatchObject({
      destination: receiver.url,
      status: 200,
      ok: true,
      responseBody: '{"ok":true}',
      attempt: 1,
    });

    expect(receiver.hooks).toHaveLength(1);
    const [hook] = receiver.hooks;
    expect(hook.url).toBe('/hook?secret=s3cret');
    expect(hook.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(hook.headers['user-agent']).toBe('amoCRM-Webhooks/3.0');
    expect(hook.headers['x-amocrm-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(hook.body).toContain(
      'account%5Bsubdomain%5D=unirock&account%5Bid%5D=16700680&account%5B_links%5D%5Bself%5D='
    );
    expect(hook.body).toContain(
      'leads%5Bstatus%5D%5B0%5D%5Bname%5D=%D0%A1%D0%B4%D0%B5%D0%BB%D0%BA%D0%B0+%28%D1%82%D0%B5%D1%81%D1%82%29'
    );

    const nowS = String(Math.floor(now / 1000));
    const item = (key: string) => `leads[status][0][${key}]`;
    expect(decodeForm(hook.body)).toEqual([
      ['account[subdomain]', 'unirock'],
      ['account[id]', '16700680'],
      ['account[_links][self]', fake.url],
      [item('id'), String(leadIds[0])],
      [item('name'), 'Сделка (тест)'],
      [item('status_id'), String(SECOND_STATUS)],
      [item('old_status_id'), String(FIRST_STATUS)],
      [item('price'), '1000'],
      [item('responsible_user_id'), '504141'],
      [item('last_modified'), nowS],
      [item('modified_user_id'), '504142'],
      [item('created_user_id'), '504141'],
      [item('date_create'), String(S0 - 3600)],
      [item('pipeline_id'), String(MAIN_PIPELINE.id)],
      [item('account_id'), '16700680'],
      [item('created_at'), String(S0 - 3600)],
      [item('updated_at'), nowS],
    ]);
    const lead = await api.get(`/api/v4/leads/${leadIds[0]}`);
    expect(lead.json).toMatchObject({ status_id: SECOND_STATUS, updated_at: Number(nowS) });
  });

  it('sends each destination only the events it subscribed to, in one body', async () => {
    const { leadIds } = await seedLinked();
    const other = await startReceiver();
    try {
      await subscribe(['status_lead', 'update_lead']);
      await subscribe(['update_lead'], other.url);
      await subscribe(['delete_lead'], `${other.url}&unused=1`);
      await fake.admin.setLeadStatus({ leadId: leadIds[0], statusId: 142, now: T0 });
      const keys = (body: string) => [...new Set(decodeForm(body).map(([k]) => k.split('[0]')[0]))];
      expect(keys(receiver.hooks[0].body)).toEqual([
        'account[subdomain]',
        'account[id]',
        'account[_links][self]',
        'leads[status]',
        'leads[update]',
      ]);
      expect(other.hooks).toHaveLength(1);
      expect(keys(other.hooks[0].body)).toEqual([
        'account[subdomain]',
        'account[id]',
        'account[_links][self]',
        'leads[update]',
      ]);
    } finally {
      await other.close();
    }
  });

  it('delivers price, name, delete, add and contact edits', async () => {
    const { leadIds, contactIds } = await seedLinked();
    await subscribe(['update_lead', 'delete_lead', 'add_lead', 'update_contact']);
    const form = () => new Map(decodeForm(receiver.hooks[receiver.hooks.length - 1].body));

    await fake.admin.setLeadPrice({ leadId: leadIds[0], price: 2500, now: T0 });
    expect(form().get('leads[update][0][price]')).toBe('2500');
    await fake.admin.renameLead({ leadId: leadIds[0], name: 'New name', now: T0 });
    expect(form().get('leads[update][0][name]')).toBe('New name');

    await fake.admin.editContact({ contactId: contactIds[0], phone: '8 912 000-00-00', now: T0 });
    const contact = form();
    expect(contact.get('contacts[update][0][type]')).toBe('contact');
    expect(contact.get('contacts[update][0][custom_fields][0][code]')).toBe('PHONE');
    expect(contact.get('contacts[update][0][custom_fields][0][values][0][value]')).toBe(
      '8 912 000-00-00'
    );
    expect(contact.get(`contacts[update][0][linked_leads_id][${leadIds[0]}][ID]`)).toBe(
      String(leadIds[0])
    );
    const stored = await fake.admin.contact(contactIds[0]);
    expect(stored?.custom_fields_values?.find(f => f.field_code === 'EMAIL')?.values[0].value).toBe(
      'ivan@example.com'
    );

    const created = await fake.admin.createLead({
      name: 'By hand',
      price: 10,
      contactId: contactIds[0],
      now: T0,
    });
    expect(form().get('leads[add][0][id]')).toBe(String(created.leadId));

    await fake.admin.deleteLead({ leadId: leadIds[0], now: T0 });
    expect([...form().keys()].slice(3)).toEqual([
      'leads[delete][0][id]',
      'leads[delete][0][status_id]',
      'leads[delete][0][pipeline_id]',
    ]);
    expect((await api.get(`/api/v4/leads/${leadIds[0]}`)).status).toBe(204);
    expect(await fake.admin.lead(leadIds[0])).toMatchObject({ is_deleted: true });
  });

  it('retries failures at 5 and 15 minutes on the clock; 5xx earns attempts 4 and 5', async () => {
    await subscribe(['update_lead']);
    const { leadIds } = await seedLinked();
    receiver.reply = { status: 500, body: 'boom' };
    const first = await fake.admin.setLeadPrice({ leadId: leadIds[0], price: 1, now: T0 });
    expect(first.deliveries[0]).toMatchObject({ ok: false, status: 500, responseBody: 'boom' });
    expect((await fake.admin.state()).pendingRetries).toMatchObject([
      { attempt: 2, dueAt: T0 + 5 * MINUTE },
    ]);

    expect(await fake.admin.deliverDueRetries(T0 + 4 * MINUTE)).toEqual([]);
    const second = await fake.admin.deliverDueRetries(T0 + 5 * MINUTE);
    expect(second).toMatchObject([
      { attempt: 2, status: 500, requestId: first.deliveries[0].requestId },
    ]);
    expect(receiver.hooks[1].body).toBe(receiver.hooks[0].body);
    const third = await fake.admin.deliverDueRetries(T0 + 20 * MINUTE);
    expect(third).toMatchObject([{ attempt: 3, status: 500 }]);
    expect((await fake.admin.state()).pendingRetries).toMatchObject([
      { attempt: 4, dueAt: T0 + 35 * MINUTE },
    ]);
    receiver.reply = { status: 200, body: 'ok' };
    expect(await fake.admin.deliverDueRetries(T0 + 35 * MINUTE)).toMatchObject([
      { attempt: 4, ok: true },
    ]);
    expect((await fake.admin.state()).pendingRetries).toEqual([]);
  });

  it('stops after attempt 3 for 4xx answers and counts timeouts as failures', async () => {
    await subscribe(['update_lead']);
    const { leadIds } = await seedLinked();
    receiver.reply = { status: 404, body: 'no' };
    await fake.admin.setLeadPrice({ leadId: leadIds[0], price: 1, now: T0 });
    await fake.admin.deliverDueRetries(T0 + 5 * MINUTE);
    await fake.admin.deliverDueRetries(T0 + 20 * MINUTE);
    expect((await fake.admin.state()).pendingRetries).toEqual([]);

    receiver.reply = { status: 200, body: 'late', delayMs: 1000 };
    const slow = await fake.admin.setLeadPrice({ leadId: leadIds[0], price: 2, now: T0 });
    expect(slow.deliveries[0]).toMatchObject({ ok: false, status: 0, error: 'timeout' });
  });

  it('disables a destination after more than 100 failures in two hours; re-saving enables it', async () => {
    await subscribe(['update_lead']);
    receiver.reply = { status: 500, body: 'down' };
    for (let i = 0; i < 100; i += 1) await fake.admin.deliverRaw('x=1', undefined, T0 + i * 1000);
    expect((await fake.admin.state()).webhooks[0].disabled).toBe(false);
    await fake.admin.deliverRaw('x=1', undefined, T0 + 100_000);
    const listed = await api.get('/api/v4/webhooks');
    expect(listed.json._embedded.webhooks[0].disabled).toBe(true);
    expect(await fake.admin.deliverRaw('x=1')).toEqual([]);
    await subscribe(['update_lead']);
    receiver.reply = { status: 200, body: 'ok' };
    expect(await fake.admin.deliverRaw('x=1')).toHaveLength(1);
  });

  it('does not disable when the failures are spread over more than two hours', async () => {
    await subscribe(['update_lead']);
    receiver.reply = { status: 500, body: 'down' };
    for (let i = 0; i < 120; i += 1)
      await fake.admin.deliverRaw('x=1', undefined, T0 + i * 2 * MINUTE);
    expect((await fake.admin.state()).webhooks[0].disabled).toBe(false);
  });

  it('can be switched off, toggled per destination, and sent odd raw bodies', async () => {
    const { leadIds } = await seedLinked();
    await subscribe(['update_lead']);
    await fake.admin.setWebhookDelivery(false);
    const missed = await fake.admin.setLeadPrice({ leadId: leadIds[0], price: 5, now: T0 });
    expect(missed.deliveries).toEqual([]);
    expect(receiver.hooks).toHaveLength(0);
    expect(await fake.admin.lead(leadIds[0])).toMatchObject({ price: 5 });
    await fake.admin.setWebhookDelivery(true);

    await fake.admin.setWebhookDisabled(receiver.url, true);
    expect(
      (await fake.admin.setLeadPrice({ leadId: leadIds[0], price: 6, now: T0 })).deliveries
    ).toEqual([]);
    await fake.admin.setWebhookDisabled(receiver.url, false);

    const raw = `{"not":"a form ${randomUUID()}"}`;
    const sent = await fake.admin.deliverRaw(raw, 'application/json');
    expect(sent).toHaveLength(1);
    expect(receiver.hooks[0]).toMatchObject({
      body: raw,
      headers: { 'content-type': 'application/json' },
    });
  });

  it('echoes API writes as webhooks on demand when configured', async () => {
    await fake.admin.configure({ apiChangeWebhooks: true });
    await fake.admin.addWebhook({
      destination: receiver.url,
      settings: ['add_lead', 'update_lead'],
    });
    const added = await api.post('/api/v4/leads', [{ name: 'From API' }]);
    await api.patch(`/api/v4/leads/${added.json._embedded.leads[0].id}`, { price: 9 });
    expect(receiver.hooks).toHaveLength(0);
    const sent = await fake.admin.deliverPending(T0);
    expect(sent).toHaveLength(1);
    const keys = decodeForm(receiver.hooks[0].body).map(([k]) => k);
    expect(keys).toContain('leads[add][0][id]');
    expect(keys).toContain('leads[update][0][price]');
    expect(
      new Map(decodeForm(receiver.hooks[0].body)).get('leads[update][0][modified_user_id]')
    ).toBe('504141');
  });
});
