// The flows of the fault matrix: what a person or AmoCRM does, its clean preconditions, and
// what the sheet and AmoCRM must hold once everything healed (on top of the shared
// invariants in kit.ts).
import type { WorldOptions } from './kit';
import type { Person } from './kit';
import { fieldValue, MINUTE, person, people, placeRows, SHEET, STATUS, World } from './kit';

/** Every AmoCRM request the script makes (API and OAuth). */
export const ANY_AMO_REQUEST = '^/(api/v4|oauth2)/';

export interface FlowState {
  leadId?: number;
  contactId?: number;
}

export interface Flow {
  key: string;
  title: string;
  world?: WorldOptions;
  /** false: the triggers are installed, but nothing of AmoCRM's is prepared or remembered. */
  prepared?: boolean;
  /** The requests the generic faults (429, 5xx, hang, drop…) aim at. */
  target: string;
  /** Clean preconditions, before any fault is armed. */
  setup(w: World): Promise<FlowState>;
  /** The flow itself, with the fault armed. */
  run(w: World, s: FlowState): Promise<void>;
  /** Flow-specific checks of the healed world; returns what broke. */
  check(w: World, s: FlowState): Promise<string[]>;
  /** The most AmoCRM requests the flow and its recovery may take (a loop guard). */
  maxRequests: number;
}

const NEW_PHONE = '8 (999) 555-44-33';
const PHONE_FROM_AMO = '+79990001122';
const EMAIL_FROM_AMO = 'manager.set@example.com';
const PRICE_FROM_AMO = 7777;

/** One synced row, typed by a person, then a minute later. */
async function oneSyncedRow(w: World): Promise<FlowState> {
  const [edit] = w.type([person(1, 'base')]);
  if (edit.error) throw new Error(`setup failed: ${edit.error}`);
  const row = w.row(0);
  if (!/^\d+$/.test(String(row.amo_deal_id))) throw new Error('setup: the row was not linked');
  w.rt.clock.advance(MINUTE);
  return { leadId: Number(row.amo_deal_id), contactId: Number(row.amo_contact_id) };
}

/** A manager changes price, status and the contact's phone and email in AmoCRM. */
async function managerChanges(w: World, s: FlowState): Promise<void> {
  const admin = w.fake.admin;
  await admin.setLeadPrice({ leadId: s.leadId!, price: PRICE_FROM_AMO, now: w.now() });
  await admin.setLeadStatus({ leadId: s.leadId!, statusId: STATUS.talks.id, now: w.now() });
  await admin.editContact({
    contactId: s.contactId!,
    phone: PHONE_FROM_AMO,
    email: EMAIL_FROM_AMO,
    now: w.now(),
  });
}

function managerChangesLanded(w: World): string[] {
  const row = w.row(0);
  const out: string[] = [];
  if (Number(row.budget) !== PRICE_FROM_AMO)
    out.push(`the manager's price is not in the sheet (${String(row.budget)})`);
  if (row.status !== STATUS.talks.name)
    out.push(`the manager's status is not in the sheet (${String(row.status)})`);
  if (String(row.phone) !== PHONE_FROM_AMO)
    out.push(`the manager's phone is not in the sheet (${String(row.phone)})`);
  if (String(row.email) !== EMAIL_FROM_AMO)
    out.push(`the manager's email is not in the sheet (${String(row.email)})`);
  return out;
}

/** Name, phone, email, budget: the first four columns, as a person pastes them. */
function personCells(p: Person): unknown[] {
  return [p.name, p.phone ?? '', p.email ?? '', p.budget ?? ''];
}

/** Contacts a manager made in AmoCRM before: same name and phone, no email. */
async function seedContacts(w: World, list: Person[]): Promise<void> {
  await w.fake.admin.seed({
    contacts: list.map(p => ({ name: p.name, phone: p.phone })),
    now: w.now(),
  });
}

function rowsCount(w: World, n: number): string[] {
  const count = w.rows().length;
  return count === n ? [] : [`${count} rows in the sheet, expected ${n}`];
}

export const FLOWS: Flow[] = [
  {
    key: 'edit',
    title: 'single-row edit',
    target: ANY_AMO_REQUEST,
    async setup(w) {
      // AmoCRM's search is a substring match, so it finds a look-alike contact for both the
      // email and the phone of the new row, which the script must not reuse. (It also keeps
      // both searches from answering 204: a kill-after on a 204 puts the kill header on every
      // later 204 of the fake, a fake bug reported with the matrix.)
      await w.fake.admin.seed({
        contacts: [
          { name: 'Клиент c1 (старый)', email: 'old.c1@example.com', phone: '+7916000000199' },
        ],
        now: w.now(),
      });
      return {};
    },
    async run(w) {
      // A person types one new row: the installed on-edit trigger syncs it.
      w.type([person(1)]);
    },
    async check(w) {
      return rowsCount(w, 1);
    },
    maxRequests: 40,
  },
  {
    key: 'first',
    title: 'first edit, nothing prepared',
    prepared: false,
    target: ANY_AMO_REQUEST,
    async setup(w) {
      // The account has a lead field of its own (so the field list is not empty) and a
      // look-alike contact; the script has not made its "Sheet row ID" field yet.
      await w.fake.admin.seed({
        leadFields: [{ name: 'Источник' }],
        contacts: [
          { name: 'Клиент f1 (старый)', email: 'old.f1@example.com', phone: '+7916000000199' },
        ],
        now: w.now(),
      });
      return {};
    },
    async run(w) {
      w.type([person(1, 'f')]);
    },
    async check(w) {
      const fields = (await w.fake.admin.state()).leadFields.filter(f => f.name === 'Sheet row ID');
      return [
        ...rowsCount(w, 1),
        ...(fields.length === 1 ? [] : [`${fields.length} "Sheet row ID" fields`]),
      ];
    },
    maxRequests: 40,
  },
  {
    key: 'paste',
    title: '50-row paste',
    target: ANY_AMO_REQUEST,
    async setup(w) {
      // 5 synced rows (the paste changes them), and 5 contacts AmoCRM already has, without email.
      const [edit] = w.type(people(5, 'p'));
      if (edit.error) throw new Error(`setup failed: ${edit.error}`);
      await seedContacts(w, people(5, 'q', 100));
      w.rt.clock.advance(MINUTE);
      return {};
    },
    async run(w) {
      // Name..budget of 50 rows from row 2: 5 edits (budget and phone), 5 rows whose
      // contact exists (a lead linked to it, its email added), 40 new rows.
      const edited = people(5, 'p').map((p, i) => ({
        ...p,
        phone: person(500 + i).phone,
        budget: 5000 + i,
      }));
      const block = [...edited, ...people(5, 'q', 100), ...people(40, 'n', 200)];
      w.rt.userEdit({ sheet: SHEET, row: 2, column: 1, values: block.map(personCells) });
    },
    async check(w) {
      const out = rowsCount(w, 50);
      const state = await w.fake.admin.state();
      if (state.contacts.length !== 50) out.push(`${state.contacts.length} contacts, expected 50`);
      return out;
    },
    maxRequests: 80,
  },
  {
    key: 'import',
    title: 'import of 300 rows',
    target: ANY_AMO_REQUEST,
    async setup(w) {
      placeRows(w, people(300, 'i'));
      // 10 of them already have a contact in AmoCRM (without email).
      await seedContacts(w, people(10, 'i'));
      return {};
    },
    async run(w) {
      w.rt.run('importExistingRows');
    },
    async check(w) {
      const out = rowsCount(w, 300);
      const state = await w.fake.admin.state();
      if (state.contacts.length !== 300)
        out.push(`${state.contacts.length} contacts, expected 300`);
      return out;
    },
    maxRequests: 120,
  },
  {
    key: 'webhook',
    title: 'webhook (manager changes), applied by the next minute',
    target: ANY_AMO_REQUEST,
    setup: oneSyncedRow,
    async run(w, s) {
      // doPost only queues (it must answer within AmoCRM's 2 s); the next minute's background
      // run reads AmoCRM and applies, so that is where the fault meets the flow.
      await managerChanges(w, s);
      w.rt.clock.advance(MINUTE);
      w.rt.run('runBackgroundWork', { type: 'time' });
    },
    async check(w) {
      return managerChangesLanded(w);
    },
    maxRequests: 60,
  },
  {
    key: 'reconcile',
    title: 'reconciliation (webhooks lost)',
    target: ANY_AMO_REQUEST,
    async setup(w) {
      const s = await oneSyncedRow(w);
      await w.fake.admin.setWebhookDelivery(false);
      await managerChanges(w, s);
      w.rt.clock.advance(MINUTE);
      return s;
    },
    async run(w) {
      w.rt.run('runBackgroundWork', { type: 'time' });
    },
    async check(w) {
      return managerChangesLanded(w);
    },
    maxRequests: 60,
  },
  {
    key: 'sync',
    title: 'Sync now (menu)',
    target: ANY_AMO_REQUEST,
    async setup(w) {
      // A synced row the manager changed while webhooks were lost, and three rows no trigger
      // has seen (typed while the script was not installed).
      const s = await oneSyncedRow(w);
      await w.fake.admin.setWebhookDelivery(false);
      await managerChanges(w, s);
      placeRows(w, people(3, 's'), 3);
      w.rt.clock.advance(MINUTE);
      return s;
    },
    async run(w) {
      w.rt.run('syncNow');
    },
    async check(w) {
      return [...rowsCount(w, 4), ...managerChangesLanded(w)];
    },
    maxRequests: 60,
  },
  {
    key: 'token',
    title: 'token refresh (OAuth)',
    world: { oauth: true },
    target: '^/oauth2/access_token',
    async setup(w) {
      const s = await oneSyncedRow(w);
      await w.fake.admin.expireAccessTokens(w.now());
      return s;
    },
    async run(w) {
      // AmoCRM already expired the access token: 401, renew, and the phone and budget edit
      // (one paste over phone, email, budget) goes through.
      const p = person(1, 'base');
      w.rt.userEdit({ sheet: SHEET, row: 2, column: 2, values: [[NEW_PHONE, p.email, 2500]] });
    },
    async check(w, s) {
      const out: string[] = [];
      const lead = await w.fake.admin.lead(s.leadId!);
      if (lead?.price !== 2500) out.push(`the edited budget did not reach AmoCRM (${lead?.price})`);
      const contact = await w.fake.admin.contact(s.contactId!);
      const phone = contact ? fieldValue(contact, 'PHONE') : '';
      if (phone !== '+79995554433') out.push(`the edited phone did not reach AmoCRM (${phone})`);
      return out;
    },
    maxRequests: 40,
  },
];
