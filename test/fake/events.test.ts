// The account's event list over real HTTP (GET /api/v4/events; amoCRM «События и Примечания»):
// every update of a lead or contact, by a manager or through the API, records one event per
// field whose value changed, at the change's own time and by its own user; creating records none,
// an unchanged value none. Filters by entity, entity id, type (one custom field by its own type),
// created_at; newest first; paging; 204 when none; limit over 100 is 422.

import { MAIN_PIPELINE, PHONE_FIELD_ID } from '../../sandbox/amo-fake';
import { T0, dealWorld } from './fake-helpers';

const S0 = Math.floor(T0 / 1000);
const MANAGER = 504142;
const API_USER = 504141;
const IVAN = 504143;

type Event = {
  id: string;
  type: string;
  entity_id: number;
  entity_type: string;
  created_by: number;
  created_at: number;
  value_before: unknown[];
  value_after: unknown[];
};

describe('fake AmoCRM: the event list', () => {
  const w = dealWorld();

  const events = async (query = ''): Promise<Event[]> => {
    const answer = await w.api.get(`/api/v4/events${query}`);
    if (answer.status === 204) return [];
    expect(answer.status).toBe(200);
    return answer.json._embedded.events;
  };
  const seedLead = async (extra: object = {}) =>
    (await w.fake.admin.seed({ leads: [{ name: 'Сделка', price: 1000, ...extra }], now: T0 }))
      .leadIds[0];
  const movedStatus = MAIN_PIPELINE.statuses[2].id;

  it("keeps a manager's budget change and a later stage move apart, each at its own time", async () => {
    const leadId = await seedLead();
    const before = (await w.fake.admin.lead(leadId))!;
    await w.fake.admin.setLeadPrice({ leadId, price: 2500, now: T0 + 60_000 });
    await w.fake.admin.setLeadStatus({ leadId, statusId: movedStatus, now: T0 + 120_000 });

    const answer = await w.api.get(
      `/api/v4/events?filter[entity]=lead&filter[entity_id]=${leadId}`
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/hal+json');
    expect(answer.json._page).toBe(1);
    const [moved, priced] = answer.json._embedded.events;
    expect(answer.json._embedded.events).toHaveLength(2);
    expect(moved).toMatchObject({
      type: 'lead_status_changed',
      entity_id: leadId,
      entity_type: 'lead',
      created_by: MANAGER,
      created_at: S0 + 120,
      value_before: [{ lead_status: { id: before.status_id, pipeline_id: MAIN_PIPELINE.id } }],
      value_after: [{ lead_status: { id: movedStatus, pipeline_id: MAIN_PIPELINE.id } }],
      account_id: 31234567,
      _embedded: { entity: { id: leadId } },
    });
    expect(priced).toMatchObject({
      type: 'sale_field_changed',
      created_at: S0 + 60,
      value_before: [{ sale_field_value: { sale: 1000 } }],
      value_after: [{ sale_field_value: { sale: 2500 } }],
    });
    expect(typeof priced.id).toBe('string');
    expect(priced.id).not.toBe(moved.id);
  });

  it('records API updates by the API user, one event per changed field, none for the same value', async () => {
    const leadId = await seedLead();
    w.api.clock = T0 + 30_000;
    await w.api.patch(`/api/v4/leads/${leadId}`, { name: 'Сделка', price: 1000 });
    expect(await events()).toEqual([]);
    await w.api.patch('/api/v4/leads', [{ id: leadId, name: 'Новая', price: 1000 }]);
    await w.api.patch(`/api/v4/leads/${leadId}`, { responsible_user_id: IVAN });
    const found = await events();
    expect(found.map(e => [e.type, e.created_by, e.created_at])).toEqual([
      ['entity_responsible_changed', API_USER, S0 + 30],
      ['name_field_changed', API_USER, S0 + 30],
    ]);
    expect(found[1]).toMatchObject({
      value_before: [{ name_field_value: { name: 'Сделка' } }],
      value_after: [{ name_field_value: { name: 'Новая' } }],
    });
    expect(found[0].value_after).toEqual([{ responsible_user: { id: IVAN } }]);
  });

  it('records no field event when a lead or contact is created, in any way', async () => {
    await seedLead({ customFields: [{ fieldId: w.deal.leadFields.text.id, values: ['x'] }] });
    await w.fake.admin.seed({ contacts: [{ name: 'Анна', phone: '+79001234567' }] });
    await w.api.post('/api/v4/leads', [{ name: 'API', price: 5 }]);
    await w.api.post('/api/v4/contacts', [{ name: 'Борис' }]);
    await w.api.post('/api/v4/leads/complex', [
      { name: 'Комплекс', _embedded: { contacts: [{ name: 'Вера' }] } },
    ]);
    await w.fake.admin.createLead({ name: 'Менеджер', price: 7 });
    expect(await w.fake.admin.events()).toEqual([]);
    const empty = await w.api.get('/api/v4/events');
    expect(empty.status).toBe(204);
    expect(empty.text).toBe('');
  });

  it("records a contact's phone change as the PHONE field's custom_field_value_changed", async () => {
    const { contactIds } = await w.fake.admin.seed({
      contacts: [{ name: 'Анна', phone: '+79001234567' }],
    });
    const contactId = contactIds[0];
    const stored = (await w.fake.admin.contact(contactId))!;
    const workEnum = stored.custom_fields_values![0].values[0].enum_id;
    await w.fake.admin.editContact({ contactId, phone: '+79007654321', now: T0 + 60_000 });
    await w.fake.admin.editContact({ contactId, phone: '+79007654321', now: T0 + 90_000 });
    await w.fake.admin.editContact({ contactId, phone: null, now: T0 + 120_000 });

    const found = await events(`?filter[entity][]=contact&filter[entity_id][]=${contactId}`);
    const phone = (text: string) => ({
      custom_field_value: { field_id: PHONE_FIELD_ID, field_type: 8, enum_id: workEnum, text },
    });
    expect(found).toMatchObject([
      {
        type: 'custom_field_value_changed',
        entity_type: 'contact',
        created_at: S0 + 120,
        value_before: [phone('+79007654321')],
        value_after: [],
      },
      {
        type: 'custom_field_value_changed',
        created_at: S0 + 60,
        created_by: MANAGER,
        value_before: [phone('+79001234567')],
        value_after: [phone('+79007654321')],
      },
    ]);
  });

  it('selects one custom field by its own type custom_field_{ID}_value_changed', async () => {
    const { text, select } = w.deal.leadFields;
    const leadId = await seedLead();
    await w.fake.admin.setCustomField({ id: leadId, fieldId: text.id, values: [{ value: 'a' }] });
    await w.fake.admin.editLead({
      leadId,
      body: {
        custom_fields_values: [
          { field_id: text.id, values: [{ value: 'b' }] },
          { field_id: select.id, values: [{ value: 'Казань' }] },
        ],
      },
    });
    const textOnly = await events(`?filter[type]=custom_field_${text.id}_value_changed`);
    expect(textOnly.map(e => e.value_after)).toEqual([
      [{ custom_field_value: { field_id: text.id, field_type: 1, enum_id: null, text: 'b' } }],
      [{ custom_field_value: { field_id: text.id, field_type: 1, enum_id: null, text: 'a' } }],
    ]);
    const kazan = select.enums!.find(e => e.value === 'Казань')!.id;
    const selectOnly = await events(`?filter[type][]=custom_field_${select.id}_value_changed`);
    expect(selectOnly.map(e => [e.type, e.value_before, e.value_after])).toEqual([
      [
        'custom_field_value_changed',
        [],
        [
          {
            custom_field_value: {
              field_id: select.id,
              field_type: 4,
              enum_id: kazan,
              text: 'Казань',
            },
          },
        ],
      ],
    ]);
    expect(await events('?filter[type]=custom_field_value_changed')).toHaveLength(3);
  });

  it('filters by entity, entity id (every spelling), type lists and created_at', async () => {
    const [a, b] = (await w.fake.admin.seed({ leads: [{ name: 'A' }, { name: 'B' }], now: T0 }))
      .leadIds;
    const { contactIds } = await w.fake.admin.seed({ contacts: [{ name: 'К' }], now: T0 });
    await w.fake.admin.renameLead({ leadId: a, name: 'A2', now: T0 + 10_000 });
    await w.fake.admin.setLeadPrice({ leadId: b, price: 9, now: T0 + 20_000 });
    await w.fake.admin.editContact({ contactId: contactIds[0], name: 'К2', now: T0 + 30_000 });
    const ids = async (query: string) => (await events(query)).map(e => [e.entity_id, e.type]);
    const nameA = [a, 'name_field_changed'];
    const saleB = [b, 'sale_field_changed'];
    const nameC = [contactIds[0], 'name_field_changed'];

    expect(await ids('')).toEqual([nameC, saleB, nameA]);
    expect(await ids('?filter[entity]=lead')).toEqual([saleB, nameA]);
    expect(await ids('?filter[entity]=contact')).toEqual([nameC]);
    expect(await ids(`?filter[entity]=lead&filter[entity_id]=${a},${b}`)).toEqual([saleB, nameA]);
    const both = `filter[entity_id][]=${a}&filter[entity_id][]=${b}`;
    expect(await ids(`?filter[entity][]=lead&${both}`)).toEqual([saleB, nameA]);
    expect(await ids('?filter[type]=sale_field_changed')).toEqual([saleB]);
    const types = 'filter[type][]=sale_field_changed&filter[type][]=name_field_changed';
    expect(await ids(`?${types}&filter[entity]=lead`)).toEqual([saleB, nameA]);
    expect(await ids('?filter[type]=sale_field_changed,name_field_changed')).toEqual([
      nameC,
      saleB,
      nameA,
    ]);
    expect(await ids(`?filter[created_at]=${S0 + 20}`)).toEqual([nameC, saleB]);
    const range = `filter[created_at][from]=${S0 + 10}&filter[created_at][to]=${S0 + 20}`;
    expect(await ids(`?${range}`)).toEqual([saleB, nameA]);
    expect(await ids(`?filter[created_by]=${API_USER}`)).toEqual([]);
  });

  it('refuses entity_id without exactly one entity, and a limit over 100', async () => {
    const onlyId = await w.api.get('/api/v4/events?filter[entity_id]=1');
    expect(onlyId.status).toBe(400);
    expect(onlyId.json['validation-errors'][0].errors[0].path).toBe('filter[entity_id]');
    const twoEntities = await w.api.get(
      '/api/v4/events?filter[entity][]=lead&filter[entity][]=contact&filter[entity_id]=1'
    );
    expect(twoEntities.status).toBe(400);
    expect((await w.api.get('/api/v4/events?filter[entity]=leads')).status).toBe(400);
    const tooMany = await w.api.get('/api/v4/events?limit=101');
    expect(tooMany.status).toBe(422);
    expect(tooMany.headers.get('content-type')).toBe('application/problem+json');
    expect((await w.api.get('/api/v4/events?limit=100')).status).toBe(204);
  });

  it('pages newest first with _links.next, and a reset clears the list', async () => {
    const leadId = await seedLead();
    for (let i = 1; i <= 3; i += 1) {
      await w.fake.admin.setLeadPrice({ leadId, price: i, now: T0 + i * 1000 });
    }
    const first = await w.api.get('/api/v4/events?limit=2');
    expect(first.json._embedded.events.map((e: Event) => e.created_at)).toEqual([S0 + 3, S0 + 2]);
    expect(first.json._links.next.href).toBe(`${w.fake.url}/api/v4/events?limit=2&page=2`);
    const second = await w.api.get('/api/v4/events?limit=2&page=2');
    expect(second.json._embedded.events.map((e: Event) => e.created_at)).toEqual([S0 + 1]);
    expect(second.json._links.next).toBeUndefined();
    expect((await w.api.get('/api/v4/events?limit=2&page=3')).status).toBe(204);
    expect(await w.fake.admin.events()).toHaveLength(3);
    await w.fake.admin.reset();
    expect(await w.fake.admin.events()).toEqual([]);
  });
});
