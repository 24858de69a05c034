// Contacts over real HTTP: AmoCRM's `query` is a substring search over values as stored
// (so '+7912…' does not find a stored '8912…', but the national digits find both), writes by
// field_code/enum_code come back with field_id/field_name/enum_id/enum_code, name from
// first_name + last_name, batch and single updates, and `with=leads`.

import type { FakeAmoHandle } from '../../sandbox/amo-fake';
import { EMAIL_FIELD_ID, PHONE_FIELD_ID } from '../../sandbox/amo-fake';
import { AmoCaller, T0, startTestFake } from './fake-helpers';

describe('fake AmoCRM contacts', () => {
  let fake: FakeAmoHandle;
  let api: AmoCaller;

  beforeAll(async () => {
    fake = await startTestFake();
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    await fake.admin.reset();
    api = new AmoCaller(fake.url, await fake.admin.createLongLivedToken({ now: T0 }));
  });

  const ids = (answer: {
    status: number;
    json: { _embedded: { contacts: Array<{ id: number }> } };
  }) => (answer.status === 204 ? [] : answer.json._embedded.contacts.map(c => c.id));

  it('searches values as stored: +7 does not find 8, national digits find both', async () => {
    const { contactIds } = await fake.admin.seed({
      contacts: [
        { name: 'Stored with 8', phone: '89123456789' },
        { name: 'Stored with +7', phone: '+7 912 345-67-00' },
        { name: 'Email person', email: 'Ivan.Petrov@Example.com' },
      ],
    });
    const plus7 = await api.get(`/api/v4/contacts?query=${encodeURIComponent('+79123456789')}`);
    expect(plus7.status).toBe(204);
    expect(plus7.text).toBe('');
    expect(ids(await api.get('/api/v4/contacts?query=89123456789'))).toEqual([contactIds[0]]);
    expect(ids(await api.get('/api/v4/contacts?query=912'))).toEqual([
      contactIds[0],
      contactIds[1],
    ]);
    expect(ids(await api.get('/api/v4/contacts?query=ivan.petrov@example.com'))).toEqual([
      contactIds[2],
    ]);
    expect(ids(await api.get('/api/v4/contacts?query=with'))).toEqual([
      contactIds[0],
      contactIds[1],
    ]);
  });

  it('stores PHONE/EMAIL written by code with id, name, code, type and both enum keys', async () => {
    const added = await api.post('/api/v4/contacts', [
      {
        first_name: 'Анна',
        last_name: 'Кузнецова',
        custom_fields_values: [
          { field_code: 'PHONE', values: [{ value: '+79001112233', enum_code: 'WORK' }] },
          { field_id: EMAIL_FIELD_ID, values: [{ value: 'anna@example.com', enum_code: 'PRIV' }] },
        ],
      },
    ]);
    expect(added.status).toBe(200);
    const [item] = added.json._embedded.contacts;
    expect(item).toMatchObject({ request_id: '0' });
    const read = await api.get(`/api/v4/contacts/${item.id}`);
    expect(read.json.name).toBe('Анна Кузнецова');
    expect(read.json.custom_fields_values).toEqual([
      {
        field_id: PHONE_FIELD_ID,
        field_name: 'Телефон',
        field_code: 'PHONE',
        field_type: 'multitext',
        values: [{ value: '+79001112233', enum_id: expect.any(Number), enum_code: 'WORK' }],
      },
      {
        field_id: EMAIL_FIELD_ID,
        field_name: 'Email',
        field_code: 'EMAIL',
        field_type: 'multitext',
        values: [{ value: 'anna@example.com', enum_id: expect.any(Number), enum_code: 'PRIV' }],
      },
    ]);
  });

  it('lists the contact custom fields with their enums', async () => {
    const fields = (await api.get('/api/v4/contacts/custom_fields')).json._embedded.custom_fields;
    const phone = fields.find((f: { code: string }) => f.code === 'PHONE');
    expect(phone.enums.map((e: { value: string }) => e.value)).toEqual([
      'WORK',
      'WORKDD',
      'MOB',
      'FAX',
      'HOME',
      'OTHER',
    ]);
    const email = fields.find((f: { code: string }) => f.code === 'EMAIL');
    expect(email.enums.map((e: { value: string }) => e.value)).toEqual(['WORK', 'PRIV', 'OTHER']);
  });

  it('refuses unknown enum codes and fields', async () => {
    const bad = await api.post('/api/v4/contacts', [
      {
        name: 'x',
        custom_fields_values: [
          { field_code: 'PHONE', values: [{ value: '1', enum_code: 'NOPE' }] },
        ],
      },
      { name: 'y', custom_fields_values: [{ field_code: 'NOPE', values: [{ value: '1' }] }] },
    ]);
    expect(bad.status).toBe(400);
    expect(
      bad.json['validation-errors'].map(
        (e: { errors: Array<{ path: string }> }) => e.errors[0].path
      )
    ).toEqual(['custom_fields_values.0.values.0.enum_code', 'custom_fields_values.0.field_code']);
  });

  it('updates in batch and singly; a field write replaces only that field', async () => {
    const { contactIds } = await fake.admin.seed({
      contacts: [{ name: 'A', phone: '111', email: 'a@x.ru' }, { name: 'B' }],
    });
    api.clock = T0 + 60_000;
    const batch = await api.patch('/api/v4/contacts', [
      {
        id: contactIds[0],
        custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '222' }] }],
      },
      { id: contactIds[1], name: 'B2' },
    ]);
    expect(batch.json._embedded.contacts[1]).toMatchObject({
      id: contactIds[1],
      name: 'B2',
      request_id: '1',
    });
    const a = await fake.admin.contact(contactIds[0]);
    expect(a?.custom_fields_values?.map(f => [f.field_code, f.values[0].value])).toEqual([
      ['PHONE', '222'],
      ['EMAIL', 'a@x.ru'],
    ]);
    const single = await api.patch(`/api/v4/contacts/${contactIds[0]}`, { name: 'A2' });
    expect(single.json).toMatchObject({
      id: contactIds[0],
      name: 'A2',
      updated_at: Math.floor((T0 + 60_000) / 1000),
    });
  });

  it('shows linked leads with=leads and filters by id', async () => {
    const { contactIds, leadIds } = await fake.admin.seed({
      contacts: [{ name: 'Linked' }, { name: 'Alone' }],
      leads: [{ name: 'L', contact: 0 }],
    });
    const list = await api.get(`/api/v4/contacts?with=leads&filter[id][]=${contactIds[0]}`);
    expect(list.json._embedded.contacts).toHaveLength(1);
    expect(list.json._embedded.contacts[0]._embedded.leads).toEqual([
      { id: leadIds[0], _links: { self: { href: `${fake.url}/api/v4/leads/${leadIds[0]}` } } },
    ]);
    expect((await api.get(`/api/v4/contacts/${contactIds[1]}`)).json._embedded).toEqual({
      tags: [],
      companies: [],
    });
  });
});
