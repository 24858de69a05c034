// AmoCRM's webhook body, read into typed events. AmoCRM posts PHP-style bracket keys
// (`leads[status][0][id]=…`) in whatever order and layout its version of the day uses: 2016
// deliveries put `account[subdomain]` last and have no `account[id]`, 2025 deliveries start
// with `account[...]`; item indexes need not be in order or dense. So every key is read on
// its own and items are grouped by entity, action and index. Only ids matter downstream (the
// sync re-reads each lead and contact from the API, never trusting the body's values), but
// each item's flat fields are kept for logging. A body we cannot read is refused as a whole.
import { fail, ok, quote, type Parsed } from '../domain/parsed';
import { parseFormBody } from './form';

export const LEAD_ACTIONS = [
  'add',
  'update',
  'status',
  'responsible',
  'restore',
  'delete',
] as const;
export const CONTACT_ACTIONS = ['add', 'update', 'restore', 'delete'] as const;

export type LeadAction = (typeof LEAD_ACTIONS)[number];
export type ContactAction = (typeof CONTACT_ACTIONS)[number];

/**
 * One item's fields as sent, all strings; nested keys are flattened below the item, e.g.
 * `custom_fields[0][values][0][value]`.
 */
export type WebhookFields = Record<string, string>;

export type LeadEvent = { action: LeadAction; id: number; fields: WebhookFields };

/** `type` is `contact` or `company`: AmoCRM reports companies under `contacts[...]` too. */
export type ContactEvent = {
  action: ContactAction;
  id: number;
  type: string | null;
  fields: WebhookFields;
};

export type WebhookPayload = {
  /** `subdomain` is lower-cased and always present; `id` is absent in older deliveries. */
  account: { subdomain: string; id: string | null };
  /** In the order of LEAD_ACTIONS, then by index within an action. */
  leads: LeadEvent[];
  /** In the order of CONTACT_ACTIONS, then by index within an action. */
  contacts: ContactEvent[];
  /** Events this parser does not read, e.g. `task[add]`, `leads[note]`, in body order. */
  unknown: string[];
};

/** Bodies above this are refused before parsing (AmoCRM's real ones are a few KB). */
export const MAX_WEBHOOK_BODY_CHARS = 1024 * 1024;
/** More lead and contact items than this in one body are refused. */
export const MAX_WEBHOOK_ITEMS = 1000;

type Entity = 'leads' | 'contacts';

type RawItem = { entity: Entity; action: string; index: string; fields: Map<string, string> };

type Collected = {
  account: Map<string, string>;
  items: Map<string, RawItem>;
  unknown: string[];
};

const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

/**
 * Parses AmoCRM's form-encoded webhook body. Refused, with the reason: an empty body, a
 * body over 1 MB or with more than 1000 items, a JSON body, malformed form data, a body cut
 * off in transit (a part without `=`, a key with unbalanced brackets), no
 * `account[subdomain]`, an item without index or field (`leads[add][x]`), and an item whose
 * id is missing or not a positive integer. A body with only events we do not read (tasks,
 * notes, …) is accepted with empty `leads` and `contacts`.
 */
export function parseWebhook(body: string): Parsed<WebhookPayload> {
  if (body.trim() === '') return fail('empty body');
  if (body.length > MAX_WEBHOOK_BODY_CHARS) return fail('the body is larger than 1 MB');
  if (/^\s*[{[]/.test(body)) return fail("expected AmoCRM's form-encoded webhook, got JSON");
  const cut = cutOffPart(body);
  if (cut !== null) return fail(`${quote(cut)} is not a key=value pair: the body is cut off`);
  const pairs = parseFormBody(body);
  if (!pairs.ok) return pairs;
  const collected = collect(pairs.value);
  if (!collected.ok) return collected;
  return buildPayload(collected.value);
}

/**
 * AmoCRM writes every pair as `key=value`, so a part without `=` (`…&leads%5Bsta`) means the
 * body was cut off in transit; it is reported (shortened) rather than read as an odd event.
 */
function cutOffPart(body: string): string | null {
  return body.split('&').find(p => p !== '' && !p.includes('=')) ?? null;
}

function collect(pairs: Array<[string, string]>): Parsed<Collected> {
  const collected: Collected = { account: new Map(), items: new Map(), unknown: [] };
  for (const [key, value] of pairs) {
    const added = addPair(collected, key, value);
    if (!added.ok) return added;
  }
  return ok(collected);
}

function addPair(collected: Collected, key: string, value: string): Parsed<true> {
  const match = KEY.exec(key);
  // Unbalanced brackets (`leads[status][0][na`) are a key cut short, never an event we skip.
  if (!match && /[[\]]/.test(key)) return fail(`${quote(key)} is not a valid webhook key`);
  const root = match ? match[1] : key;
  const segments = match ? splitSegments(match[2]) : [];
  if (root === 'account') {
    if (segments.length === 1) collected.account.set(segments[0], value);
    return ok(true);
  }
  if (match && isKnownEvent(root, segments[0])) {
    return addItemField(collected, key, root, segments, value);
  }
  const event = segments.length > 0 ? `${root}[${segments[0]}]` : root;
  if (!collected.unknown.includes(event)) collected.unknown.push(event);
  return ok(true);
}

function splitSegments(brackets: string): string[] {
  return brackets === '' ? [] : brackets.slice(1, -1).split('][');
}

function isKnownEvent(root: string, action: string | undefined): root is Entity {
  if (root === 'leads') return (LEAD_ACTIONS as readonly string[]).includes(action ?? '');
  if (root === 'contacts') return (CONTACT_ACTIONS as readonly string[]).includes(action ?? '');
  return false;
}

function addItemField(
  collected: Collected,
  key: string,
  entity: Entity,
  segments: string[],
  value: string
): Parsed<true> {
  const [action, index, field, ...nested] = segments;
  if (index === undefined || !/^\d+$/.test(index) || !field) {
    return fail(`${quote(key)} is not a valid webhook key`);
  }
  const itemKey = `${entity}[${action}][${index}]`;
  let item = collected.items.get(itemKey);
  if (!item) {
    if (collected.items.size >= MAX_WEBHOOK_ITEMS) {
      return fail(`the body has more than ${MAX_WEBHOOK_ITEMS} items`);
    }
    item = { entity, action, index, fields: new Map() };
    collected.items.set(itemKey, item);
  }
  item.fields.set(field + nested.map(part => `[${part}]`).join(''), value);
  return ok(true);
}

function buildPayload(collected: Collected): Parsed<WebhookPayload> {
  const subdomain = (collected.account.get('subdomain') ?? '').trim().toLowerCase();
  if (subdomain === '') return fail('the body has no account[subdomain]');
  const accountId = (collected.account.get('id') ?? '').trim();
  // AmoCRM never sends an empty id: `…&account[id]=` is a body cut off right there.
  if (collected.account.has('id') && accountId === '') return fail('account[id] is empty');
  const payload: WebhookPayload = {
    account: { subdomain, id: accountId === '' ? null : accountId },
    leads: [],
    contacts: [],
    unknown: collected.unknown,
  };
  for (const item of sortItems([...collected.items.values()])) {
    const id = itemId(item);
    if (!id.ok) return id;
    addEvent(payload, item, id.value);
  }
  return ok(payload);
}

function sortItems(items: RawItem[]): RawItem[] {
  const rank = (item: RawItem): number =>
    (item.entity === 'leads' ? LEAD_ACTIONS : CONTACT_ACTIONS).findIndex(a => a === item.action);
  return items.sort((a, b) => rank(a) - rank(b) || Number(a.index) - Number(b.index));
}

function itemId(item: RawItem): Parsed<number> {
  const key = `${item.entity}[${item.action}][${item.index}][id]`;
  const raw = item.fields.get('id');
  if (raw === undefined || raw.trim() === '') return fail(`${key} is missing`);
  const id = Number(raw.trim());
  const valid = /^\s*\d+\s*$/.test(raw) && Number.isSafeInteger(id) && id > 0;
  return valid ? ok(id) : fail(`${key} is not a number`);
}

function addEvent(payload: WebhookPayload, item: RawItem, id: number): void {
  // Object.fromEntries defines own properties, so a field named `__proto__` stays a field.
  const fields: WebhookFields = Object.fromEntries(item.fields);
  if (item.entity === 'leads') {
    payload.leads.push({ action: item.action as LeadAction, id, fields });
  } else {
    const type = item.fields.get('type') ?? null;
    payload.contacts.push({ action: item.action as ContactAction, id, type, fields });
  }
}
