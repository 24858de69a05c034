// The call builders: the requests they describe (paths, bracket-key queries, bodies,
// idempotency) and how they read AmoCRM's answers, using captured payloads. 204 is always an
// empty result.

import {
  createComplexLeads,
  createContacts,
  createLeadCustomFields,
  createLeads,
  getLead,
  linkContactsToLeads,
  listContacts,
  listLeads,
  listPipelines,
  listWebhooks,
  searchContacts,
  subscribeWebhook,
  updateLeads,
} from '../../src/amo/calls';
import type { AmoCall, AmoResponse } from '../../src/amo/calls';
import { encodeQuery } from '../../src/amo/query-string';
import { phoneEmailFields, contactPhones, mainContactId } from '../../src/amo/fields';
import type { Contact, Lead } from '../../src/amo/types';
import leadsList from './fixtures/leads_list_docs_example.json';
import leadDetail from './fixtures/lead_detail.json';
import leadsAdd from './fixtures/leads_add_response.json';
import leadsUpdate from './fixtures/leads_update_response.json';
import contactsList from './fixtures/contacts_list.json';
import contactDetail from './fixtures/contact_detail.json';
import pipelines from './fixtures/pipelines_list.json';
import webhooks from './fixtures/webhooks_list.json';

const ok = (body: unknown, status = 200): AmoResponse => ({ status, headers: {}, body });
const empty: AmoResponse = { status: 204, headers: {}, body: null };
const queryOf = (call: AmoCall<unknown>) => decodeURIComponent(encodeQuery(call.query ?? {}));

describe('query string', () => {
  test('nested objects and arrays become bracket keys, brackets percent-encoded', () => {
    expect(encodeQuery({ filter: { id: [1, 2], updated_at: { from: 10 } }, query: 'a b&c' })).toBe(
      'filter%5Bid%5D%5B%5D=1&filter%5Bid%5D%5B%5D=2&filter%5Bupdated_at%5D%5Bfrom%5D=10&query=a%20b%26c'
    );
  });

  test('null and undefined are left out; an empty query is empty', () => {
    expect(encodeQuery({ a: undefined, b: null, c: { d: undefined } })).toBe('');
    expect(encodeQuery({ with: 'contacts', page: 2 })).toBe('with=contacts&page=2');
  });
});

describe('leads', () => {
  test('list: filters, with, order and paging', () => {
    const call = listLeads({
      ids: [5, 6],
      updatedFrom: 100,
      updatedTo: 200,
      with: ['contacts'],
      page: 3,
      limit: 50,
      order: { field: 'updated_at', direction: 'desc' },
    });
    expect(call.method).toBe('get');
    expect(call.path).toBe('/api/v4/leads');
    expect(call.idempotent).toBe(true);
    expect(queryOf(call)).toBe(
      'page=3&limit=50&with=contacts&filter[id][]=5&filter[id][]=6&filter[updated_at][from]=100&filter[updated_at][to]=200&order[updated_at]=desc'
    );
  });

  test('list: limit defaults to 250 and cannot exceed it', () => {
    expect(queryOf(listLeads())).toBe('page=1&limit=250');
    expect(() => listLeads({ limit: 251 })).toThrow(RangeError);
  });

  test('list: reads a page and whether a next one exists', () => {
    const page = listLeads({ page: 2 }).parse(ok(leadsList));
    expect(page.page).toBe(2);
    expect(page.hasNext).toBe(true);
    expect(page.items.map(l => l.id)).toEqual([19619, 14460]);
  });

  test('list: 204 is an empty last page', () => {
    expect(listLeads({ page: 4 }).parse(empty)).toEqual({ items: [], page: 4, hasNext: false });
  });

  test('by id: reads the lead and its main contact; 204 and 404 are null', () => {
    const call = getLead(3912171, { with: ['contacts'] });
    expect(call.path).toBe('/api/v4/leads/3912171');
    expect(queryOf(call)).toBe('with=contacts');
    const lead = call.parse(ok(leadDetail)) as Lead;
    expect(lead.status_id).toBe(143);
    expect(mainContactId(lead)).toBe(10971465);
    expect(call.parse(empty)).toBeNull();
    expect(call.acceptStatuses).toContain(404);
    expect(call.parse(ok({ status: 404 }, 404))).toBeNull();
  });

  test('create: not idempotent, a JSON array, answers ids with request ids', () => {
    const call = createLeads([
      {
        name: 'A',
        price: 10,
        pipeline_id: 1,
        status_id: 2,
        _embedded: { contacts: [{ id: 9, is_main: true }] },
      },
      { name: 'B' },
    ]);
    expect(call).toMatchObject({ method: 'post', path: '/api/v4/leads', idempotent: false });
    expect(call.parse(ok(leadsAdd))).toEqual([
      { id: 10185151, request_id: '0' },
      { id: 10185153, request_id: '1' },
    ]);
  });

  test('create: at most 250 per request, at least one', () => {
    expect(() => createLeads(Array.from({ length: 251 }, () => ({ name: 'x' })))).toThrow(
      RangeError
    );
    expect(() => createLeads([])).toThrow(RangeError);
  });

  test('create: an answer without ids is an error, not an empty success', () => {
    expect(() => createLeads([{ name: 'x' }]).parse(ok({ _embedded: { leads: [{}] } }))).toThrow();
    expect(() => createLeads([{ name: 'x' }]).parse(ok({}))).toThrow();
  });

  test('update: PATCH, idempotent, answers ids and updated_at', () => {
    const call = updateLeads([{ id: 54886, price: 5 }]);
    expect(call).toMatchObject({ method: 'patch', idempotent: true });
    expect(call.parse(ok(leadsUpdate))[0]).toEqual({
      id: 54886,
      updated_at: 1589556420,
      request_id: '0',
    });
  });

  test('complex: at most 50, answer is a top-level array', () => {
    expect(() => createComplexLeads(Array.from({ length: 51 }, () => ({})))).toThrow(RangeError);
    const call = createComplexLeads([
      {
        name: 'L',
        request_id: 'r1',
        _embedded: {
          contacts: [
            { name: 'C', custom_fields_values: phoneEmailFields({ phone: '+79123456789' }) },
          ],
        },
      },
    ]);
    expect(call).toMatchObject({ path: '/api/v4/leads/complex', idempotent: false });
    const answer = [
      { id: 41353987, contact_id: 72845935, company_id: null, request_id: ['r1'], merged: false },
    ];
    expect(call.parse(ok(answer))).toEqual(answer);
    expect(() => call.parse(ok({ _embedded: {} }))).toThrow();
  });

  test('link: bulk body with entity ids and the main-contact flag', () => {
    const call = linkContactsToLeads([
      { leadId: 1, contactId: 2, isMain: true },
      { leadId: 3, contactId: 4 },
    ]);
    expect(call).toMatchObject({ method: 'post', path: '/api/v4/leads/link' });
    expect(call.body).toEqual([
      {
        entity_id: 1,
        to_entity_id: 2,
        to_entity_type: 'contacts',
        metadata: { main_contact: true },
      },
      { entity_id: 3, to_entity_id: 4, to_entity_type: 'contacts' },
    ]);
    expect(call.parse(empty)).toEqual([]);
  });
});

describe('contacts', () => {
  test('search: query parameter; 204 is no match', () => {
    const call = searchContacts('9123456789', { limit: 10 });
    expect(queryOf(call)).toBe('page=1&limit=10&query=9123456789');
    expect(call.parse(empty).items).toEqual([]);
  });

  test('list by ids reads the page', () => {
    const call = listContacts({ ids: [7143599, 7767065], with: ['leads'] });
    expect(queryOf(call)).toContain('filter[id][]=7143599&filter[id][]=7767065');
    expect(queryOf(listContacts({ updatedFrom: 100 }))).toBe(
      'page=1&limit=250&filter[updated_at][from]=100'
    );
    const page = call.parse(ok(contactsList));
    expect(page.items).toHaveLength(2);
    expect(page.hasNext).toBe(true);
  });

  test('create: PHONE and EMAIL as multitext by field_code with enum_code WORK', () => {
    const fields = phoneEmailFields({ phone: '+79123456789', email: 'a@b.ru' });
    expect(fields).toEqual([
      { field_code: 'PHONE', values: [{ value: '+79123456789', enum_code: 'WORK' }] },
      { field_code: 'EMAIL', values: [{ value: 'a@b.ru', enum_code: 'WORK' }] },
    ]);
    const call = createContacts([{ name: 'Ivan', custom_fields_values: fields, request_id: 'x' }]);
    expect(call).toMatchObject({ method: 'post', path: '/api/v4/contacts', idempotent: false });
    expect(call.parse(ok({ _embedded: { contacts: [{ id: 7, request_id: 'x' }] } }))).toEqual([
      { id: 7, request_id: 'x' },
    ]);
  });

  test('reading phones of a contact', () => {
    expect(contactPhones(contactDetail as unknown as Contact)).toEqual(['+79123']);
  });
});

describe('pipelines, custom fields, webhooks', () => {
  test('pipelines come with their statuses', () => {
    const list = listPipelines().parse(ok(pipelines));
    expect(list[0].id).toBe(3177727);
    expect(list[0]._embedded.statuses.map(s => s.id)).toContain(142);
  });

  test('custom fields: create is not idempotent and reads _embedded.custom_fields', () => {
    const call = createLeadCustomFields([
      { name: 'external_id', type: 'text', code: 'EXTERNAL_ID' },
    ]);
    expect(call).toMatchObject({ path: '/api/v4/leads/custom_fields', idempotent: false });
    const field = { id: 5, name: 'external_id', type: 'text', code: 'EXTERNAL_ID', sort: 1 };
    expect(call.parse(ok({ _embedded: { custom_fields: [field] } }))).toEqual([field]);
  });

  test('webhooks: list (filter by destination) and subscribe', () => {
    const list = listWebhooks({ destination: 'https://x/exec?secret=s' });
    expect(queryOf(list)).toBe('filter[destination]=https://x/exec?secret=s');
    expect(list.parse(ok(webhooks)).map(w => w.settings)).toEqual([['add_task'], ['update_lead']]);
    expect(list.parse(empty)).toEqual([]);
    const sub = subscribeWebhook('https://x/exec', ['add_lead', 'update_contact']);
    expect(sub).toMatchObject({ method: 'post', path: '/api/v4/webhooks', idempotent: true });
    expect(sub.body).toEqual({
      destination: 'https://x/exec',
      settings: ['add_lead', 'update_contact'],
    });
  });
});
