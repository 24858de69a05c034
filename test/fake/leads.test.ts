// Leads over real HTTP: 204 with an empty body when nothing matches, paging with `_links.next`
// only while there is more, filters (id in every spelling, updated_at range), query over
// custom-field values, batch add/update shapes and limits, validation errors, complex add,
// pipelines, and AmoCRM's 404 / 405 / empty-body answers.

import type { FakeAmoHandle } from '../../sandbox/amo-fake';
import { MAIN_PIPELINE, PHONE_FIELD_ID } from '../../sandbox/amo-fake';
import { AmoCaller, T0, startTestFake } from './fake-helpers';

const S0 = Math.floor(T0 / 1000);

describe('fake AmoCRM leads', () => {
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

  const seedLeads = (count: number) =>
    fake.admin.seed({
      leads: Array.from({ length: count }, (_, i) => ({
        name: `Lead ${i}`,
        price: i * 100,
        updatedAt: S0 + i * 60,
      })),
    });

  it('answers 204 with an empty body when nothing matches or past the last page', async () => {
    const empty = await api.get('/api/v4/leads?query=nothing');
    expect(empty.status).toBe(204);
    expect(empty.text).toBe('');
    await seedLeads(2);
    expect((await api.get('/api/v4/leads?query=nothing')).status).toBe(204);
    expect((await api.get('/api/v4/leads?page=2&limit=2')).status).toBe(204);
    expect((await api.get('/api/v4/leads/123')).status).toBe(204);
  });

  it('pages with _links.next until the last page', async () => {
    const { leadIds } = await seedLeads(5);
    const seen: number[] = [];
    let path: string | null = '/api/v4/leads?limit=2';
    let pages = 0;
    while (path) {
      const page = await api.get(path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('application/hal+json');
      seen.push(...page.json._embedded.leads.map((lead: { id: number }) => lead.id));
      const next = page.json._links.next?.href as string | undefined;
      path = next ? next.slice(fake.url.length) : null;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(leadIds);
    const second = await api.get('/api/v4/leads?limit=2&page=2');
    expect(second.json._page).toBe(2);
    expect(Object.keys(second.json._links)).toEqual(['self', 'next', 'first', 'prev']);
    expect(second.json._links.self.href).toBe(`${fake.url}/api/v4/leads?limit=2&page=2`);
  });

  it('filters by updated_at range and orders', async () => {
    const { leadIds } = await seedLeads(5);
    const from = await api.get(`/api/v4/leads?filter[updated_at][from]=${S0 + 120}`);
    expect(from.json._embedded.leads.map((l: { id: number }) => l.id)).toEqual(leadIds.slice(2));
    const range = await api.get(
      `/api/v4/leads?filter[updated_at][from]=${S0 + 60}&filter[updated_at][to]=${S0 + 120}&order[updated_at]=desc`
    );
    expect(range.json._embedded.leads.map((l: { id: number }) => l.id)).toEqual([
      leadIds[2],
      leadIds[1],
    ]);
  });

  it('filters by id in all three spellings', async () => {
    const { leadIds } = await seedLeads(4);
    const ids = (answer: { json: { _embedded: { leads: Array<{ id: number }> } } }) =>
      answer.json._embedded.leads.map(l => l.id);
    const list = await api.get(
      `/api/v4/leads?filter[id][]=${leadIds[0]}&filter[id][]=${leadIds[2]}`
    );
    expect(ids(list)).toEqual([leadIds[0], leadIds[2]]);
    expect(ids(await api.get(`/api/v4/leads?filter[id]=${leadIds[1]}`))).toEqual([leadIds[1]]);
    const indexed = await api.get(`/api/v4/leads?filter%5Bid%5D%5B0%5D=${leadIds[3]}`);
    expect(ids(indexed)).toEqual([leadIds[3]]);
  });

  it('refuses a page limit over 250 with 422', async () => {
    const answer = await api.get('/api/v4/leads?limit=251');
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({
      title: 'Unprocessable Entity',
      detail: 'Limit 250 per page',
    });
  });

  it('adds leads in the fixtures shape and reads them back', async () => {
    const added = await api.post('/api/v4/leads', [
      { name: 'A', price: 1500 },
      { name: 'B', request_id: 'row-7', status_id: 142, pipeline_id: MAIN_PIPELINE.id },
    ]);
    expect(added.status).toBe(200);
    const [a, b] = added.json._embedded.leads;
    expect(Object.keys(a)).toEqual(['id', 'request_id', '_links']);
    expect(a.request_id).toBe('0');
    expect(b.request_id).toBe('row-7');
    expect(added.json._links.self.href).toBe(`${fake.url}/api/v4/leads`);
    const read = await api.get(`/api/v4/leads/${b.id}`);
    expect(read.json).toMatchObject({
      id: b.id,
      name: 'B',
      status_id: 142,
      closed_at: S0,
      created_at: S0,
    });
    expect(read.json._embedded).toEqual({ tags: [], companies: [] });
  });

  it('validates each item and rejects the whole batch', async () => {
    const answer = await api.post('/api/v4/leads', [
      { name: 'fine' },
      {
        name: 'bad',
        price: '12.5',
        status_id: 999,
        custom_fields_values: [{ field_id: 1, values: [{ value: 'x' }] }],
      },
      { name: 'bad contact', _embedded: { contacts: [{ id: 5 }] } },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      'validation-errors': [
        {
          request_id: '1',
          errors: [
            {
              code: 'NotSupportedChoice',
              path: 'custom_fields_values.0.field_id',
              detail: 'The value you selected is not a valid choice.',
            },
            { code: 'InvalidType', path: 'price', detail: 'This value should be of type int.' },
            {
              code: 'NotSupportedChoice',
              path: 'status_id',
              detail: 'The value you selected is not a valid choice.',
            },
          ],
        },
        {
          request_id: '2',
          errors: [
            {
              code: 'NotSupportedChoice',
              path: '_embedded.contacts.0.id',
              detail: 'The value you selected is not a valid choice.',
            },
          ],
        },
      ],
      title: 'Bad Request',
      type: 'https://httpstatus.es/400',
      status: 400,
      detail: 'Request validation failed',
    });
    expect((await fake.admin.state()).leads).toHaveLength(0);
  });

  it('refuses batches over 250 and empty bodies', async () => {
    const big = Array.from({ length: 251 }, (_, i) => ({ name: `L${i}` }));
    const tooMany = await api.post('/api/v4/leads', big);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json['validation-errors'][0].errors[0].code).toBe('TooManyElements');
    expect((await api.post('/api/v4/leads', big.slice(0, 250))).status).toBe(200);
    const empty = await api.call('POST', '/api/v4/leads');
    expect(empty.status).toBe(400);
    expect(empty.json.detail).toBe('Request data can not be empty');
    expect((await api.post('/api/v4/leads', [])).json.detail).toBe('Request data can not be empty');
  });

  it('updates in batch and singly, bumping updated_at on the clock', async () => {
    const { leadIds } = await seedLeads(2);
    api.clock = T0 + 3_600_000;
    const batch = await api.patch('/api/v4/leads', [
      { id: leadIds[0], price: 777 },
      { id: leadIds[1], name: 'Renamed', request_id: 'x' },
    ]);
    expect(batch.status).toBe(200);
    expect(batch.json._embedded.leads[1]).toEqual({
      id: leadIds[1],
      updated_at: S0 + 3600,
      request_id: 'x',
      _links: { self: { href: `${fake.url}/api/v4/leads/${leadIds[1]}` } },
    });
    const single = await api.patch(`/api/v4/leads/${leadIds[0]}`, { status_id: 143 });
    expect(Object.keys(single.json)).toEqual(['id', 'updated_at', '_links']);
    expect(await fake.admin.lead(leadIds[0])).toMatchObject({
      price: 777,
      status_id: 143,
      updated_at: S0 + 3600,
    });
    const unknown = await api.patch('/api/v4/leads', [{ id: 1, price: 1 }]);
    expect(unknown.status).toBe(400);
  });

  it('creates a custom field and finds a lead by its value through query', async () => {
    const created = await api.post('/api/v4/leads/custom_fields', [
      { name: 'external_id', type: 'text', code: 'EXT' },
    ]);
    expect(created.status).toBe(200);
    const field = created.json._embedded.custom_fields[0];
    expect(field).toMatchObject({
      name: 'external_id',
      type: 'text',
      code: 'EXT',
      entity_type: 'leads',
      request_id: '0',
    });
    await api.post('/api/v4/leads', [
      {
        name: 'Row A',
        custom_fields_values: [{ field_id: field.id, values: [{ value: 'row-abc-123' }] }],
      },
      {
        name: 'Row B',
        custom_fields_values: [{ field_code: 'EXT', values: [{ value: 'row-def-456' }] }],
      },
    ]);
    const found = await api.get('/api/v4/leads?query=abc-123');
    expect(found.json._embedded.leads).toHaveLength(1);
    expect(found.json._embedded.leads[0].custom_fields_values).toEqual([
      {
        field_id: field.id,
        field_name: 'external_id',
        field_code: 'EXT',
        field_type: 'text',
        values: [{ value: 'row-abc-123' }],
      },
    ]);
    const list = await api.get('/api/v4/leads/custom_fields');
    expect(list.json._embedded.custom_fields.map((f: { id: number }) => f.id)).toEqual([field.id]);
  });

  it('creates lead + contact linked through complex, answering a top-level array', async () => {
    const answer = await api.post('/api/v4/leads/complex', [
      {
        name: 'Deal',
        price: 5000,
        _embedded: {
          contacts: [
            {
              name: 'Пётр',
              custom_fields_values: [
                { field_code: 'PHONE', values: [{ value: '+79123456789', enum_code: 'WORK' }] },
              ],
            },
          ],
        },
      },
    ]);
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.json)).toBe(true);
    const [item] = answer.json;
    expect(Object.keys(item)).toEqual(['id', 'contact_id', 'company_id', 'request_id', 'merged']);
    expect(item).toMatchObject({ company_id: null, request_id: ['0'], merged: false });
    const lead = await api.get(`/api/v4/leads/${item.id}?with=contacts`);
    expect(lead.json._embedded.contacts).toEqual([
      {
        id: item.contact_id,
        is_main: true,
        _links: { self: { href: `${fake.url}/api/v4/contacts/${item.contact_id}` } },
      },
    ]);
    const contact = await fake.admin.contact(item.contact_id);
    expect(contact?.custom_fields_values?.[0]).toMatchObject({
      field_id: PHONE_FIELD_ID,
      field_code: 'PHONE',
    });
  });

  it('limits complex to 50 leads and one contact each', async () => {
    const many = Array.from({ length: 51 }, () => ({ name: 'x' }));
    expect((await api.post('/api/v4/leads/complex', many)).status).toBe(400);
    const two = await api.post('/api/v4/leads/complex', [
      { _embedded: { contacts: [{ name: 'a' }, { name: 'b' }] } },
    ]);
    expect(two.status).toBe(400);
    expect(two.json['validation-errors'][0].errors[0].path).toBe('_embedded.contacts');
  });

  it('links contacts through the links API and with=contacts shows them', async () => {
    const { contactIds, leadIds } = await fake.admin.seed({
      contacts: [{ name: 'One' }, { name: 'Two' }],
      leads: [{ name: 'L' }],
    });
    const linked = await api.post(`/api/v4/leads/${leadIds[0]}/link`, [
      { to_entity_id: contactIds[0], to_entity_type: 'contacts', metadata: { is_main: true } },
    ]);
    expect(linked.status).toBe(200);
    expect(linked.json._embedded.links[0]).toMatchObject({
      entity_id: leadIds[0],
      to_entity_id: contactIds[0],
    });
    await api.post('/api/v4/leads/link', [
      {
        entity_id: leadIds[0],
        to_entity_id: contactIds[1],
        to_entity_type: 'contacts',
        metadata: { is_main: true },
      },
    ]);
    const lead = await api.get(`/api/v4/leads?with=contacts&filter[id]=${leadIds[0]}`);
    expect(
      lead.json._embedded.leads[0]._embedded.contacts.map((c: { id: number; is_main: boolean }) => [
        c.id,
        c.is_main,
      ])
    ).toEqual([
      [contactIds[0], false],
      [contactIds[1], true],
    ]);
    const bad = await api.post(`/api/v4/leads/${leadIds[0]}/link`, [
      { to_entity_id: 1, to_entity_type: 'contacts' },
    ]);
    expect(bad.status).toBe(400);
  });

  it('serves the fixture pipeline with 142/143 and the account', async () => {
    const list = await api.get('/api/v4/leads/pipelines');
    expect(list.json._total_items).toBe(1);
    const pipeline = (await api.get(`/api/v4/leads/pipelines/${MAIN_PIPELINE.id}`)).json;
    expect(pipeline.name).toBe('Воронка');
    expect(pipeline._embedded.statuses.map((s: { id: number }) => s.id)).toEqual([
      51909133, 51909136, 51909139, 51909142, 51909145, 142, 143,
    ]);
    expect(pipeline._links.self.href).toBe(
      `${fake.url}/api/v4/leads/pipelines/${MAIN_PIPELINE.id}`
    );
  });

  it('answers 404 and 405 as problem+json', async () => {
    const missing = await api.get('/api/v4/nothing');
    expect(missing.status).toBe(404);
    expect(missing.json.detail).toBe(`Cannot GET ${fake.url}/api/v4/nothing`);
    const wrong = await api.call('DELETE', '/api/v4/leads');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
  });

  it('counts requests per METHOD template', async () => {
    const { leadIds } = await seedLeads(1);
    await api.get(`/api/v4/leads/${leadIds[0]}`);
    await api.patch(`/api/v4/leads/${leadIds[0]}`, { price: 1 });
    await api.get('/api/v4/leads');
    expect(await fake.admin.counts()).toEqual({
      'GET /api/v4/leads/{id}': 1,
      'PATCH /api/v4/leads/{id}': 1,
      'GET /api/v4/leads': 1,
    });
    const [, patch] = await fake.admin.requests();
    expect(patch).toMatchObject({ method: 'PATCH', body: { price: 1 }, status: 200, clock: T0 });
  });
});
