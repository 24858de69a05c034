// doPost refuses what is not our AmoCRM account's webhook — wrong or missing secret, another
// account, a body it cannot read — with {"ok": false, "error": …} and changes nothing; and it
// reads every captured AmoCRM body, 2016 and 2025 layouts alike.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  leadIdOf,
  OUR_ACCOUNT,
  postToWebApp,
  snapshot,
  STATUS,
  webhookBody,
  WEBHOOK_SECRET,
  World,
  worldWithRows,
} from './pull-helpers';

const FIXTURES = '/work/shared/fixtures';
const BODIES = readdirSync(FIXTURES).filter(f => /^webhook_.*\.txt$/.test(f));
const PARSE_ERRORS = /body|key|missing|empty|not a number|form|JSON|subdomain|items/;

let w: World;
/** A real delivery's body (a status change), to tamper with. */
let realBody: string;

beforeAll(async () => {
  w = await worldWithRows([{ name: 'Ann Lee', phone: '8 912 345-67-89', budget: 1000 }]);
  const { deliveries } = await w.fake.admin.setLeadStatus({
    leadId: leadIdOf(w, 0),
    statusId: STATUS.talks.id,
    now: w.now(),
  });
  realBody = deliveries[0].body;
  w.nextMinute();
  expect(w.row(0).status).toBe(STATUS.talks.name);
});

afterAll(async () => {
  await w?.stop();
});

/** Posts and checks that the refusal changed nothing and asked AmoCRM nothing. */
async function refused(body: string, options: Parameters<typeof postToWebApp>[2] = {}) {
  const before = snapshot(w);
  const props = JSON.stringify(w.rt.properties.script.all());
  const answer = await postToWebApp(w, body, options);
  expect(answer.ok).toBe(false);
  expect(typeof answer.error).toBe('string');
  expect(snapshot(w)).toBe(before);
  // Nothing queued or remembered either.
  expect(JSON.stringify(w.rt.properties.script.all())).toBe(props);
  expect(w.rt.webExecutions[w.rt.webExecutions.length - 1].result?.counters.httpRequests).toBe(0);
  return answer.error as string;
}

describe('refused, with nothing changed', () => {
  it('a wrong secret', async () => {
    expect(await refused(realBody, { query: 'secret=wh-guess' })).toMatch(/secret/);
  });

  it('a secret that is only a prefix of ours', async () => {
    const query = `secret=${WEBHOOK_SECRET.slice(0, -1)}`;
    expect(await refused(realBody, { query })).toMatch(/secret/);
  });

  it('no secret', async () => {
    expect(await refused(realBody, { query: '' })).toMatch(/secret/);
  });

  it("another account's subdomain", async () => {
    const body = webhookBody([['leads.status', leadIdOf(w, 0)]], { subdomain: 'rival' });
    expect(await refused(body)).toBe('the webhook is from another account');
  });

  it('our subdomain with another account id', async () => {
    const body = webhookBody([['leads.status', leadIdOf(w, 0)]], {
      subdomain: OUR_ACCOUNT.subdomain,
      id: '999',
    });
    expect(await refused(body)).toBe('the webhook is from another account');
  });

  it('an empty body', async () => {
    expect(await refused('')).toBe('empty body');
  });

  it('a JSON body', async () => {
    const json = JSON.stringify({ leads: { status: [{ id: leadIdOf(w, 0) }] } });
    expect(await refused(json, { contentType: 'application/json' })).toMatch(/JSON/);
  });

  // Cut inside the first item's `[name]` key, so a complete `[id]` precedes every cut.
  it.each([
    ['inside a key', (b: string) => b.slice(0, b.indexOf('%5Bname%5D') + 5)],
    ['after a key, before "="', (b: string) => b.slice(0, b.indexOf('%5Bname%5D') + 10)],
    ['inside a %-escape', (b: string) => b.slice(0, b.indexOf('%5Bname%5D') + 2)],
    ['before the value of an id', (b: string) => b.slice(0, b.indexOf('%5D%5Bid%5D=') + 12)],
    ['before the account id', (b: string) => b.slice(0, b.indexOf('account%5Bid%5D=') + 16)],
  ])('a body cut off %s', async (_, cut) => {
    expect(cut(realBody).length).toBeLessThan(realBody.length);
    expect(await refused(cut(realBody))).toMatch(PARSE_ERRORS);
  });

  it('a 2016-layout body cut off before its account (which comes last)', async () => {
    const body = `leads%5Bstatus%5D%5B0%5D%5Bid%5D=${leadIdOf(w, 0)}&account%5Bsubdo`;
    expect(await refused(body)).toMatch(PARSE_ERRORS);
  });
});

describe("AmoCRM's captured bodies (shared/fixtures/webhook_*.txt)", () => {
  it('are all there', () => {
    expect(BODIES.length).toBeGreaterThanOrEqual(7);
  });

  it.each(BODIES)('%s parses and is refused only as another account', async file => {
    const body = readFileSync(join(FIXTURES, file), 'utf8').trim();
    expect(await refused(body)).toBe('the webhook is from another account');
  });

  it.each(BODIES)('%s, re-addressed to our account, is accepted item by item', async file => {
    const original = readFileSync(join(FIXTURES, file), 'utf8').trim();
    const body = original
      .replace(/account%5Bsubdomain%5D=[^&]*/, `account%5Bsubdomain%5D=${OUR_ACCOUNT.subdomain}`)
      .replace(/account%5Bid%5D=[^&]*/, `account%5Bid%5D=${OUR_ACCOUNT.id}`);
    const items = new Set(original.match(/(?:leads|contacts)%5B[a-z]+%5D%5B\d+%5D/g));
    const before = snapshot(w);

    const answer = await postToWebApp(w, body);

    // Accepted and queued; their leads and contacts are not in our sheet: read and ignored.
    expect(answer).toMatchObject({ ok: true, rows: 0 });
    expect(items.size).toBeGreaterThan(0);
    w.nextMinute();
    expect(snapshot(w)).toBe(before);
  });
});
