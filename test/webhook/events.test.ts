// Webhook parsing: every captured AmoCRM body (2016 and 2025 layouts, copied byte for byte from
// /work/shared/fixtures into ./fixtures) gives the expected account, actions and ids; item
// order, sparse indexes and unknown events are handled; bad bodies are refused with the
// exact reason and nothing is thrown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAX_WEBHOOK_BODY_CHARS,
  MAX_WEBHOOK_ITEMS,
  parseWebhook,
  type WebhookPayload,
} from '../../src/webhook/events';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

function parsed(body: string): WebhookPayload {
  const result = parseWebhook(body);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.value;
}

/** The ids of a payload's events, `entity:action:id`, in payload order. */
function summary(payload: WebhookPayload): string[] {
  return [
    ...payload.leads.map(e => `leads:${e.action}:${e.id}`),
    ...payload.contacts.map(e => `contacts:${e.action}:${e.id}:${e.type}`),
  ];
}

/**
 * Re-encodes a body that someone parsed into nested JSON the way AmoCRM sends it: PHP bracket
 * keys, and values percent-encoded except `+`, which that parser had left in place of spaces.
 */
function toForm(value: unknown, prefix = ''): string[] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) =>
      toForm(inner, prefix === '' ? key : `${prefix}[${key}]`)
    );
  }
  const encoded = encodeURIComponent(String(value)).replace(/%2B/g, '+');
  return [`${encodeURIComponent(prefix)}=${encoded}`];
}

describe('parseWebhook: captured AmoCRM bodies', () => {
  it.each<[string, { subdomain: string; id: string | null }, string[]]>([
    ['webhook_leads_add_2016.txt', { subdomain: 'test000002', id: null }, ['leads:add:31926529']],
    [
      'webhook_leads_update_2016.txt',
      { subdomain: 'test000002', id: null },
      ['leads:update:31926520'],
    ],
    ['webhook_leads_delete_2016.txt', { subdomain: 'test', id: null }, ['leads:delete:52379505']],
    [
      'webhook_contacts_add_2016.txt',
      { subdomain: 'test000002', id: null },
      ['contacts:add:1112:contact'],
    ],
    [
      'webhook_leads_add_2025.txt',
      { subdomain: 'unirock', id: '16700680' },
      ['leads:add:30052055'],
    ],
    [
      'webhook_leads_update_2025.txt',
      { subdomain: 'unirock', id: '16700680' },
      ['leads:update:30052055'],
    ],
    [
      'webhook_leads_delete_2025.txt',
      { subdomain: 'unirock', id: '16700680' },
      ['leads:delete:30052055'],
    ],
  ])('%s', (name, account, events) => {
    const payload = parsed(fixture(name));
    expect(payload.account).toEqual(account);
    expect(summary(payload)).toEqual(events);
    expect(payload.unknown).toEqual([]);
  });

  it('keeps every field of a 2016 contact, as strings', () => {
    expect(parsed(fixture('webhook_contacts_add_2016.txt')).contacts).toEqual([
      {
        action: 'add',
        id: 1112,
        type: 'contact',
        fields: {
          id: '1112',
          name: 'wqds',
          responsible_user_id: '102525',
          date_create: '1456824964',
          last_modified: '1456824964',
          created_user_id: '102525',
          modified_user_id: '102525',
          type: 'contact',
        },
      },
    ]);
  });

  it('keeps nested custom fields flattened and decodes + as space', () => {
    const [lead] = parsed(fixture('webhook_leads_add_2016.txt')).leads;
    expect(lead.fields).toMatchObject({
      name: 'qaz',
      price: '24234',
      status_id: '10216993',
      pipeline_id: '2116',
      'custom_fields[0][id]': '1119321',
      'custom_fields[0][name]': 'Some text field',
      'custom_fields[0][values][0][value]': 'asdfdsf',
    });
    expect(parsed(fixture('webhook_leads_add_2025.txt')).leads[0].fields.name).toBe(
      'TEST MISHA (SORRY)'
    );
  });

  it('reads the delete layouts of 2016 (type=lead) and 2025 (status and pipeline)', () => {
    expect(parsed(fixture('webhook_leads_delete_2016.txt')).leads[0].fields).toEqual({
      id: '52379505',
      type: 'lead',
    });
    expect(parsed(fixture('webhook_leads_delete_2025.txt')).leads[0].fields).toEqual({
      id: '30052055',
      status_id: '17944873',
      pipeline_id: '936736',
    });
  });

  it('reads the 2023 status change, re-encoded from its parsed JSON capture', () => {
    const json = JSON.parse(fixture('webhook_leads_status_parsed.json')) as unknown;
    const payload = parsed(toForm(json).join('&'));
    expect(payload.account).toEqual({ subdomain: 'unirock', id: '16700680' });
    expect(summary(payload)).toEqual(['leads:status:26066553']);
    expect(payload.leads[0].fields).toMatchObject({
      name: 'Тест, удалю сам',
      status_id: '17944873',
      old_status_id: '17944876',
      'custom_fields[0][name]': 'Менеджер по продажам',
      'custom_fields[0][values][0][value]': 'Нефедова Алена',
      'custom_fields[0][values][0][enum]': '917607',
    });
  });
});

describe('parseWebhook: structure', () => {
  it('reads every index of every action, out of order and sparse, into a fixed order', () => {
    const body = [
      'leads[status][3][id]=30',
      'contacts[update][2][id]=7',
      'contacts[update][2][type]=company',
      'leads[status][0][id]=10',
      'leads[delete][0][id]=99',
      'leads[add][7][id]=5',
      'contacts[add][0][id]=6',
      'leads[status][3][name]=late',
      'account[subdomain]=Example',
    ].join('&');
    const payload = parsed(body);
    expect(payload.account).toEqual({ subdomain: 'example', id: null });
    expect(summary(payload)).toEqual([
      'leads:add:5',
      'leads:status:10',
      'leads:status:30',
      'leads:delete:99',
      'contacts:add:6:null',
      'contacts:update:7:company',
    ]);
    expect(payload.leads[2].fields).toEqual({ id: '30', name: 'late' });
  });

  it('reads every lead and contact action', () => {
    const leads = ['add', 'update', 'status', 'responsible', 'restore', 'delete'];
    const contacts = ['add', 'update', 'restore', 'delete'];
    const body = [
      'account[subdomain]=x',
      ...leads.map((action, i) => `leads[${action}][0][id]=${i + 1}`),
      ...contacts.map((action, i) => `contacts[${action}][0][id]=${i + 11}`),
    ].join('&');
    expect(summary(parsed(body))).toEqual([
      'leads:add:1',
      'leads:update:2',
      'leads:status:3',
      'leads:responsible:4',
      'leads:restore:5',
      'leads:delete:6',
      'contacts:add:11:null',
      'contacts:update:12:null',
      'contacts:restore:13:null',
      'contacts:delete:14:null',
    ]);
  });

  it('lists events it does not read and accepts a body with only those', () => {
    const body = [
      'account[subdomain]=x',
      'account[id]=42',
      'account[_links][self]=https%3A%2F%2Fx.amocrm.ru',
      'task[add][0][id]=1',
      'leads[note][0][note][text]=hi',
      'task[add][1][id]=2',
      'unsorted[add][0][uid]=u',
      'contacts[note][0][id]=3',
      'contacts[responsible][0][id]=4',
      'foo=1',
    ].join('&');
    expect(parsed(body)).toEqual({
      account: { subdomain: 'x', id: '42' },
      leads: [],
      contacts: [],
      unknown: [
        'task[add]',
        'leads[note]',
        'unsorted[add]',
        'contacts[note]',
        'contacts[responsible]',
        'foo',
      ],
    });
  });

  it('accepts a body with only account info', () => {
    expect(parsed('account%5Bsubdomain%5D=x')).toEqual({
      account: { subdomain: 'x', id: null },
      leads: [],
      contacts: [],
      unknown: [],
    });
  });

  it('lets a repeated key win with its last value and keeps odd field names as fields', () => {
    const body =
      'account[subdomain]=x&leads[add][0][id]=1&leads[add][0][name]=a&leads[add][0][name]=b';
    expect(parsed(body).leads[0].fields).toEqual({ id: '1', name: 'b' });
    const proto = parsed('account[subdomain]=x&leads[add][0][id]=1&leads[add][0][__proto__]=p');
    expect(Object.keys(proto.leads[0].fields)).toEqual(['id', '__proto__']);
    expect(Object.getPrototypeOf(proto.leads[0].fields)).toBe(Object.prototype);
  });

  it(`accepts ${MAX_WEBHOOK_ITEMS} items`, () => {
    const items = Array.from(
      { length: MAX_WEBHOOK_ITEMS },
      (_, i) => `leads[update][${i}][id]=${i + 1}`
    );
    const payload = parsed(['account[subdomain]=x', ...items].join('&'));
    expect(payload.leads).toHaveLength(MAX_WEBHOOK_ITEMS);
    expect(payload.leads[MAX_WEBHOOK_ITEMS - 1].id).toBe(MAX_WEBHOOK_ITEMS);
  });
});

describe('parseWebhook: refused bodies', () => {
  const tooManyItems = [
    'account[subdomain]=x',
    ...Array.from({ length: MAX_WEBHOOK_ITEMS + 1 }, (_, i) => `leads[update][${i}][id]=${i + 1}`),
  ].join('&');

  it.each<[string, string, string]>([
    ['empty', '', 'empty body'],
    ['whitespace', '  \r\n', 'empty body'],
    [
      'JSON object',
      '{"leads":{"add":[{"id":1}]}}',
      "expected AmoCRM's form-encoded webhook, got JSON",
    ],
    ['JSON array', ' [1, 2]', "expected AmoCRM's form-encoded webhook, got JSON"],
    [
      'bad percent-encoding',
      'account[subdomain]=x&leads[add][0][id]=%zz',
      'the body is not valid form data',
    ],
    ['no account', 'leads%5Badd%5D%5B0%5D%5Bid%5D=1', 'the body has no account[subdomain]'],
    [
      'blank subdomain',
      'account[subdomain]=+&leads[add][0][id]=1',
      'the body has no account[subdomain]',
    ],
    ['account id only', 'account[id]=42&leads[add][0][id]=1', 'the body has no account[subdomain]'],
    [
      'text id',
      'account[subdomain]=x&leads[status][0][id]=abc',
      'leads[status][0][id] is not a number',
    ],
    [
      'zero id',
      'account[subdomain]=x&leads[status][0][id]=0',
      'leads[status][0][id] is not a number',
    ],
    [
      'negative id',
      'account[subdomain]=x&leads[add][0][id]=-1',
      'leads[add][0][id] is not a number',
    ],
    [
      'decimal id',
      'account[subdomain]=x&leads[add][0][id]=1.5',
      'leads[add][0][id] is not a number',
    ],
    [
      'exponent id',
      'account[subdomain]=x&leads[add][0][id]=1e3',
      'leads[add][0][id] is not a number',
    ],
    [
      'unsafe id',
      'account[subdomain]=x&contacts[update][2][id]=99999999999999999999',
      'contacts[update][2][id] is not a number',
    ],
    ['missing id', 'account[subdomain]=x&leads[add][0][name]=a', 'leads[add][0][id] is missing'],
    ['empty id', 'account[subdomain]=x&contacts[add][4][id]=', 'contacts[add][4][id] is missing'],
    [
      'item without index',
      'account[subdomain]=x&leads[add][id]=1',
      '"leads[add][id]" is not a valid webhook key',
    ],
    [
      'non-numeric index',
      'account[subdomain]=x&leads[add][x][id]=1',
      '"leads[add][x][id]" is not a valid webhook key',
    ],
    [
      'action without item',
      'account[subdomain]=x&leads[add]=1',
      '"leads[add]" is not a valid webhook key',
    ],
    ['too many items', tooManyItems, `the body has more than ${MAX_WEBHOOK_ITEMS} items`],
    ['over 1 MB', 'a'.repeat(MAX_WEBHOOK_BODY_CHARS + 1), 'the body is larger than 1 MB'],
  ])('%s', (_, body, error) => {
    expect(parseWebhook(body)).toEqual({ ok: false, error });
  });
});
