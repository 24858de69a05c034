// The lead's responsible user, tags and company as columns, end to end, both ways; and what a token
// that may not read the account's users (not an administrator's) does to the responsible
// column: its cells get an error saying so, and the rest of the row still syncs.
import { World } from '../../sandbox/world';
import { firstRowLead, SCRIPT_COLUMNS_WITH_STATUS, typeOneRow } from './columns-helpers';

const HEADERS = [
  'name',
  'email',
  'budget',
  'Ответственный',
  'tags',
  'Компания',
  ...SCRIPT_COLUMNS_WITH_STATUS,
];

const MARIA = { id: 504142, name: 'Мария Соколова' };
const IVAN = { id: 504143, name: 'Иван Петров' };

let w: World;

async function world(admin = true): Promise<void> {
  w = await World.start({ headers: HEADERS, fake: { apiUserIsAdmin: admin } });
  w.run('installTriggers');
}

afterEach(async () => {
  await w?.stop();
});

const leadNow = () => firstRowLead(w);

const tagNames = async () => ((await leadNow()).tags ?? []).map(t => t.name).sort();

const typeRow = (values: Record<string, unknown> = {}) => typeOneRow(w, values);

describe('responsible', () => {
  it('a user named in the sheet (any case) becomes the lead responsible; a manager change shows back', async () => {
    await world();
    typeRow({ Ответственный: ' мария соколова ' });
    expect((await leadNow()).responsible_user_id).toBe(MARIA.id);
    await w.fake.admin.resetRequests();
    const [edit] = w.edit(2, 'Ответственный', IVAN.name);
    expect(edit.counters.httpByEndpoint).toEqual({ 'PATCH /api/v4/leads': 1 });
    expect((await leadNow()).responsible_user_id).toBe(IVAN.id);

    w.rt.clock.advance(60_000);
    await w.fake.admin.setResponsible({
      leadId: Number(w.row(0).amo_deal_id),
      userId: MARIA.id,
      now: w.now(),
    });
    w.nextMinute();
    expect(w.row(0)['Ответственный']).toBe(MARIA.name);
  });

  it('an unknown name: the row names the column and the users; the rest of the row syncs', async () => {
    await world();
    typeRow();
    w.edit(2, 'Ответственный', 'Пётр');
    expect(w.row(0).sync_status).toMatch(
      /^error: column "Ответственный": "Пётр" is not one of: Администратор, Мария Соколова/
    );
    w.edit(2, 'budget', 700);
    expect((await leadNow()).price).toBe(700);
    expect(w.row(0)['Ответственный']).toBe('Пётр');
  });

  it('without an administrator token the column says users cannot be read; nothing else is held back', async () => {
    await world(false);
    typeRow({ Ответственный: MARIA.name, tags: 'vip' });
    expect(w.row(0).sync_status).toMatch(
      /^error: column "Ответственный": AmoCRM's users can be read only with an administrator's token/
    );
    expect(await tagNames()).toEqual(['vip']);
    w.edit(2, 'budget', 800);
    expect((await leadNow()).price).toBe(800);
    expect(w.row(0)['Ответственный']).toBe(MARIA.name);
  });
});

describe('tags', () => {
  it('tags typed joined by commas go to the lead; an edit replaces them; an empty cell removes them', async () => {
    await world();
    typeRow({ tags: 'vip, опт' });
    expect(await tagNames()).toEqual(['vip', 'опт']);
    w.edit(2, 'tags', 'опт, новый');
    expect(await tagNames()).toEqual(['новый', 'опт']);
    w.edit(2, 'tags', '');
    expect(await tagNames()).toEqual([]);
  });

  it("a manager's tags show in the cell joined by ', '", async () => {
    await world();
    typeRow();
    w.rt.clock.advance(60_000);
    await w.fake.admin.editLead({
      leadId: Number(w.row(0).amo_deal_id),
      body: { _embedded: { tags: [{ name: 'горячий' }, { name: 'vip' }] } },
      now: w.now(),
    });
    w.nextMinute();
    expect(w.row(0).tags).toBe('горячий, vip');
  });
});

describe('company', () => {
  async function companies(): Promise<Array<{ id: number; name: string }>> {
    return (await w.fake.admin.state()).companies;
  }

  it('an existing company by name (any case) is linked; an unknown name creates it once; empty unlinks', async () => {
    await world();
    await w.fake.admin.seedDealAccount();
    w.run('installTriggers');
    const before = await companies();
    const romashka = before.find(c => c.name === 'ООО «Ромашка»');
    typeRow({ Компания: ' ооо «ромашка» ' });
    expect(await companyOfLead()).toBe(romashka?.id);

    w.edit(2, 'Компания', 'Новая компания');
    const made = (await companies()).filter(c => c.name === 'Новая компания');
    expect(made).toHaveLength(1);
    expect(await companyOfLead()).toBe(made[0].id);
    w.edit(2, 'Компания', 'новая компания ');
    expect((await companies()).filter(c => c.name === 'Новая компания')).toHaveLength(1);

    w.edit(2, 'Компания', '');
    expect(await companyOfLead()).toBeNull();
  });

  it("a manager's company shows by name", async () => {
    await world();
    await w.fake.admin.seedDealAccount();
    w.run('installTriggers');
    typeRow();
    const acme = (await companies()).find(c => c.name === 'Acme Corp');
    w.rt.clock.advance(60_000);
    await w.fake.admin.editLead({
      leadId: Number(w.row(0).amo_deal_id),
      body: { _embedded: { companies: [{ id: acme?.id }] } },
      now: w.now(),
    });
    w.nextMinute();
    expect(w.row(0)['Компания']).toBe('Acme Corp');
  });
});

async function companyOfLead(): Promise<number | null> {
  const lead = (await w.fake.admin.lead(Number(w.row(0).amo_deal_id))) as unknown as Record<
    string,
    unknown
  >;
  const linked = (lead.companies ?? []) as Array<{ id: number }>;
  return linked[0]?.id ?? null;
}
