// Custom fields of every type the sheet maps (issue 15), over real HTTP: the definitions with
// their options, each type written and read back in AmoCRM's shapes, the 400 validation-errors
// of a value that does not fit, and an admin's new option and a manager's field edit.

import type { CustomFieldDefinition } from '../../sandbox/amo-fake';
import { decodeForm } from '../../sandbox/amo-fake';
import { T0, dealWorld, startReceiver, type Receiver } from './fake-helpers';

describe('fake AmoCRM custom fields of every type', () => {
  const w = dealWorld();

  const option = (def: CustomFieldDefinition, text: string) =>
    def.enums?.find(e => e.value === text)?.id as number;

  /** Writes one lead with these fields and answers its custom_fields_values as read back. */
  async function roundTrip(values: unknown[]) {
    const created = await w.api.post('/api/v4/leads', [
      { name: 'Typed', custom_fields_values: values },
    ]);
    expect(created.status).toBe(200);
    const id = created.json._embedded.leads[0].id;
    return (await w.api.get(`/api/v4/leads/${id}`)).json.custom_fields_values;
  }

  it('lists lead and contact fields of every type with their options', async () => {
    const leads = await w.api.get('/api/v4/leads/custom_fields');
    const types = leads.json._embedded.custom_fields.map((f: { type: string }) => f.type);
    expect(types).toEqual([
      'text',
      'textarea',
      'url',
      'numeric',
      'checkbox',
      'date',
      'date_time',
      'select',
      'radiobutton',
      'multiselect',
    ]);
    const city = leads.json._embedded.custom_fields.find(
      (f: { type: string }) => f.type === 'select'
    );
    expect(city.enums.map((e: { value: string }) => e.value)).toEqual([
      'Москва',
      'Казань',
      'Пермь',
    ]);
    const contacts = await w.api.get('/api/v4/contacts/custom_fields');
    const contactTypes = contacts.json._embedded.custom_fields.map((f: { type: string }) => f.type);
    expect(contactTypes).toEqual(expect.arrayContaining(['multitext', 'checkbox', 'multiselect']));
    expect(contactTypes.filter((t: string) => t === 'multitext')).toHaveLength(3); // PHONE, EMAIL, IM
  });

  it('reads each type back in AmoCRM shape', async () => {
    const f = w.deal.leadFields;
    const read = await roundTrip([
      { field_id: f.text.id, values: [{ value: 'Выставка' }] },
      { field_id: f.textarea.id, values: [{ value: 'две\nстроки' }] },
      { field_id: f.url.id, values: [{ value: 'https://example.com' }] },
      { field_id: f.numeric.id, values: [{ value: 12.5 }] },
      { field_id: f.checkbox.id, values: [{ value: true }] },
      { field_id: f.date.id, values: [{ value: 1767225600 }] },
      { field_id: f.date_time.id, values: [{ value: '2026-01-15T09:30:00+03:00' }] },
      { field_id: f.select.id, values: [{ value: 'Казань' }] },
      { field_id: f.radiobutton.id, values: [{ enum_id: option(f.radiobutton, 'Почта') }] },
      {
        field_id: f.multiselect.id,
        values: [{ value: 'Аналитика' }, { enum_id: option(f.multiselect, 'CRM') }],
      },
    ]);
    const byType = Object.fromEntries(
      read.map((v: { field_type: string; values: unknown[] }) => [v.field_type, v.values])
    );
    expect(byType).toEqual({
      text: [{ value: 'Выставка' }],
      textarea: [{ value: 'две\nстроки' }],
      url: [{ value: 'https://example.com' }],
      numeric: [{ value: '12.5' }],
      checkbox: [{ value: true }],
      date: [{ value: 1767225600 }],
      date_time: [{ value: Date.UTC(2026, 0, 15, 6, 30) / 1000 }],
      select: [{ value: 'Казань', enum_id: option(f.select, 'Казань'), enum_code: null }],
      radiobutton: [{ value: 'Почта', enum_id: option(f.radiobutton, 'Почта'), enum_code: null }],
      // multiselect comes back in the field's option order, whatever the written order
      multiselect: [
        { value: 'CRM', enum_id: option(f.multiselect, 'CRM'), enum_code: null },
        { value: 'Аналитика', enum_id: option(f.multiselect, 'Аналитика'), enum_code: null },
      ],
    });
    expect(read[0]).toMatchObject({
      field_id: f.text.id,
      field_name: 'Источник',
      field_code: null,
    });
  });

  it('writes contact multitext by enum code and a contact checkbox as false', async () => {
    const f = w.deal.contactFields;
    const created = await w.api.post('/api/v4/contacts', [
      {
        name: 'Анна',
        custom_fields_values: [
          { field_code: 'IM', values: [{ value: 'anna.tg', enum_code: 'OTHER' }] },
          { field_id: f.checkbox.id, values: [{ value: false }] },
        ],
      },
    ]);
    const id = created.json._embedded.contacts[0].id;
    const read = (await w.api.get(`/api/v4/contacts/${id}`)).json.custom_fields_values;
    expect(read).toEqual([
      expect.objectContaining({
        field_code: 'IM',
        values: [{ value: 'anna.tg', enum_id: option(f.multitext, 'OTHER'), enum_code: 'OTHER' }],
      }),
      expect.objectContaining({ field_type: 'checkbox', values: [{ value: false }] }),
    ]);
  });

  it.each([
    ['numeric', { value: 'двенадцать' }, 'values.0.value', 'InvalidType'],
    ['checkbox', { value: 'да' }, 'values.0.value', 'InvalidType'],
    ['date', { value: '15.01.2026' }, 'values.0.value', 'InvalidType'],
    ['date_time', { value: 'tomorrow' }, 'values.0.value', 'InvalidType'],
    ['select', { value: 'Уфа' }, 'values.0.value', 'NotSupportedChoice'],
    ['radiobutton', { enum_id: 1 }, 'values.0.enum_id', 'NotSupportedChoice'],
    ['multiselect', { value: 'Касса' }, 'values.0.value', 'NotSupportedChoice'],
    ['text', { value: { nested: true } }, 'values.0.value', 'InvalidType'],
  ])('refuses a %s value that does not fit with a 400 naming it', async (type, value, at, code) => {
    const field = w.deal.leadFields[type];
    const answer = await w.api.post('/api/v4/leads', [
      { name: 'Bad', custom_fields_values: [{ field_id: field.id, values: [value] }] },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.json['validation-errors']).toEqual([
      {
        request_id: '0',
        errors: [expect.objectContaining({ code, path: `custom_fields_values.0.${at}` })],
      },
    ]);
    expect((await w.fake.admin.state()).leads).toHaveLength(0);
  });

  it('refuses two values for a single-value field', async () => {
    const answer = await w.api.post('/api/v4/leads', [
      {
        custom_fields_values: [
          {
            field_id: w.deal.leadFields.select.id,
            values: [{ value: 'Москва' }, { value: 'Пермь' }],
          },
        ],
      },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.json['validation-errors'][0].errors[0]).toMatchObject({
      code: 'TooManyElements',
      path: 'custom_fields_values.0.values',
    });
  });

  it('clears a field with values null and keeps the others', async () => {
    const f = w.deal.leadFields;
    const created = await w.api.post('/api/v4/leads', [
      {
        custom_fields_values: [
          { field_id: f.text.id, values: [{ value: 'x' }] },
          { field_id: f.checkbox.id, values: [{ value: true }] },
        ],
      },
    ]);
    const id = created.json._embedded.leads[0].id;
    await w.api.patch(`/api/v4/leads/${id}`, {
      custom_fields_values: [{ field_id: f.text.id, values: null }],
    });
    const read = (await w.api.get(`/api/v4/leads/${id}`)).json.custom_fields_values;
    expect(read.map((v: { field_type: string }) => v.field_type)).toEqual(['checkbox']);
  });

  describe('changes made in AmoCRM', () => {
    let receiver: Receiver;
    beforeEach(async () => {
      receiver = await startReceiver();
      await w.fake.admin.addWebhook({
        destination: receiver.url,
        settings: ['update_lead', 'update_contact'],
      });
    });
    afterEach(() => receiver.close());

    it('an admin adds a select option: the field lists it and a lead may use it', async () => {
      const city = w.deal.leadFields.select;
      const changed = await w.fake.admin.addFieldOption({ fieldId: city.id, value: 'Уфа' });
      expect(changed.enums?.map(e => e.value)).toEqual(['Москва', 'Казань', 'Пермь', 'Уфа']);
      const listed = await w.api.get(`/api/v4/leads/custom_fields/${city.id}`);
      expect(listed.json.enums.at(-1)).toMatchObject({ value: 'Уфа', sort: 40 });
      const read = await roundTrip([{ field_id: city.id, values: [{ value: 'Уфа' }] }]);
      expect(read[0].values[0]).toMatchObject({ value: 'Уфа' });
      expect(receiver.hooks).toHaveLength(0); // AmoCRM sends no webhook for a field's options
    });

    it('a manager sets and clears a lead field, each time with leads[update]', async () => {
      const { leadIds } = await w.fake.admin.seed({ leads: [{ name: 'Deal' }] });
      const city = w.deal.leadFields.select;
      const set = await w.fake.admin.setCustomField({
        id: leadIds[0],
        fieldId: city.id,
        values: [{ value: 'Пермь' }],
        now: T0 + 60_000,
      });
      expect(set.deliveries).toHaveLength(1);
      const body = decodeForm(receiver.hooks[0].body);
      expect(body).toContainEqual([
        'leads[update][0][custom_fields][0][values][0][value]',
        'Пермь',
      ]);
      const lead = await w.fake.admin.lead(leadIds[0]);
      expect(lead?.updated_at).toBe((T0 + 60_000) / 1000);
      await w.fake.admin.setCustomField({ id: leadIds[0], fieldId: city.id, values: null });
      expect((await w.fake.admin.lead(leadIds[0]))?.custom_fields_values).toBeNull();
      expect(receiver.hooks).toHaveLength(2);
    });

    it('a manager sets a contact field with contacts[update]; a bad value is refused', async () => {
      const { contactIds } = await w.fake.admin.seed({ contacts: [{ name: 'Анна' }] });
      const language = w.deal.contactFields.select;
      await w.fake.admin.setCustomField({
        entity: 'contacts',
        id: contactIds[0],
        fieldId: language.id,
        values: [{ value: 'English' }],
      });
      expect(decodeForm(receiver.hooks[0].body)).toContainEqual([
        'contacts[update][0][custom_fields][0][values][0][value]',
        'English',
      ]);
      await expect(
        w.fake.admin.setCustomField({
          entity: 'contacts',
          id: contactIds[0],
          fieldId: language.id,
          values: [{ value: 'Deutsch' }],
        })
      ).rejects.toMatchObject({ status: 400 });
    });
  });
});
