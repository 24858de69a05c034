// The lead's own columns from the sheet, end to end: a stage name typed or picked in `status`
// moves the lead (won and lost too) for one AmoCRM request; `pipeline` moves it to another
// pipeline, at the stage of that name or else the first one after the incoming stage, and
// the status cell shows where it went; names that fit nothing give the row an error.
import { MAIN_PIPELINE, PARTNER_PIPELINE, SECOND_PIPELINE } from '../../sandbox/amo-fake';
import { World } from '../../sandbox/world';
import { firstRowLead, SCRIPT_COLUMNS, typeOneRow } from './columns-helpers';

const HEADERS = ['name', 'email', 'budget', 'Воронка', 'Статус', ...SCRIPT_COLUMNS];

const stage = (pipeline: typeof MAIN_PIPELINE, name: string) =>
  pipeline.statuses.find(s => s.name === name) as { id: number; name: string };

let w: World;

async function world(lang: 'en' | 'ru' = 'en'): Promise<void> {
  w = await World.start({
    headers: HEADERS,
    runtime: lang === 'ru' ? { spreadsheetLocale: 'ru_RU' } : {},
  });
  await w.fake.admin.seedDealAccount();
  w.run('installTriggers');
}

afterEach(async () => {
  await w?.stop();
});

const leadNow = () => firstRowLead(w);

const typeRow = (values: Record<string, unknown> = {}) => typeOneRow(w, values);

describe('status', () => {
  it('a new row shows its pipeline and first stage; a stage picked in the sheet moves the lead for 1 request', async () => {
    await world();
    typeRow();
    expect(w.row(0)['Воронка']).toBe(MAIN_PIPELINE.name);
    expect(w.row(0)['Статус']).toBe('Первичный контакт');
    await w.fake.admin.resetRequests();

    const [edit] = w.edit(2, 'Статус', 'переговоры');
    expect(edit.counters.httpRequests).toBe(1);
    expect(edit.counters.httpByEndpoint).toEqual({ 'PATCH /api/v4/leads': 1 });
    expect(await leadNow()).toMatchObject({
      status_id: stage(MAIN_PIPELINE, 'Переговоры').id,
      pipeline_id: MAIN_PIPELINE.id,
      price: 500,
    });
    expect(w.row(0).sync_status).toMatch(/^✓/);
  });

  it.each([
    ['Успешно реализовано', 142],
    ['Закрыто и не реализовано', 143],
  ])('%s (won or lost) from the sheet closes the lead', async (name, id) => {
    await world();
    typeRow();
    w.edit(2, 'Статус', name);
    expect((await leadNow()).status_id).toBe(id);
  });

  it('a new row typed with a stage is created there', async () => {
    await world();
    typeRow({ Статус: 'Принимают решение' });
    expect((await leadNow()).status_id).toBe(stage(MAIN_PIPELINE, 'Принимают решение').id);
    expect(w.row(0)['Статус']).toBe('Принимают решение');
  });

  it('a name that is no stage of the row pipeline: an error naming the column and its stages; the lead stays, the cell too', async () => {
    await world();
    typeRow();
    w.edit(2, 'Статус', 'Договор');
    expect(w.row(0).sync_status).toMatch(
      /^error: column "Статус": "Договор" is not a stage of the pipeline "Воронка"; its stages: Первичный контакт, Переговоры/
    );
    expect(w.row(0)['Статус']).toBe('Договор');
    expect((await leadNow()).status_id).toBe(stage(MAIN_PIPELINE, 'Первичный контакт').id);
    // The rest of the row still syncs.
    w.edit(2, 'budget', 900);
    expect((await leadNow()).price).toBe(900);
    expect(w.row(0)['Статус']).toBe('Договор');
  });

  it('in Russian', async () => {
    await world('ru');
    typeRow();
    w.edit(2, 'Статус', 'Нет такого');
    expect(w.row(0).sync_status).toMatch(
      /^ошибка: столбец «Статус»: "Нет такого" — нет такого этапа в воронке «Воронка»/
    );
  });

  it("a manager's move shows in the cell, and the person's next pick moves it again", async () => {
    await world();
    typeRow();
    w.rt.clock.advance(60_000);
    const talks = stage(MAIN_PIPELINE, 'Согласование договора');
    await w.fake.admin.setLeadStatus({
      leadId: Number(w.row(0).amo_deal_id),
      statusId: talks.id,
      now: w.now(),
    });
    w.nextMinute();
    expect(w.row(0)['Статус']).toBe(talks.name);
    w.rt.clock.advance(60_000);
    w.edit(2, 'Статус', 'Переговоры');
    expect((await leadNow()).status_id).toBe(stage(MAIN_PIPELINE, 'Переговоры').id);
    w.nextMinute();
    expect(w.row(0)['Статус']).toBe('Переговоры');
  });
});

describe('pipeline', () => {
  it('another pipeline without the row stage: its first stage after incoming, shown in the status cell', async () => {
    await world();
    typeRow({ Статус: 'Переговоры' });
    w.edit(2, 'Воронка', PARTNER_PIPELINE.name);
    expect(await leadNow()).toMatchObject({
      pipeline_id: PARTNER_PIPELINE.id,
      status_id: stage(PARTNER_PIPELINE, 'Заявка').id,
    });
    expect(w.row(0)['Статус']).toBe('Заявка');
    expect(w.row(0).sync_status).toMatch(/^✓/);
    // And a stage of the new pipeline is now what the status cell may name.
    w.edit(2, 'Статус', 'Договор');
    expect((await leadNow()).status_id).toBe(stage(PARTNER_PIPELINE, 'Договор').id);
  });

  it('another pipeline that has the row stage by name keeps it', async () => {
    await world();
    typeRow({ Статус: 'Принимают решение' });
    w.edit(2, 'Воронка', SECOND_PIPELINE.name);
    expect(await leadNow()).toMatchObject({
      pipeline_id: SECOND_PIPELINE.id,
      status_id: stage(SECOND_PIPELINE, 'Принимают решение').id,
    });
  });

  it('a new row typed with a pipeline goes there instead of the settings pipeline', async () => {
    await world();
    typeRow({ Воронка: 'партнёры' });
    expect(await leadNow()).toMatchObject({
      pipeline_id: PARTNER_PIPELINE.id,
      status_id: stage(PARTNER_PIPELINE, 'Заявка').id,
    });
    expect(w.row(0)['Статус']).toBe('Заявка');
  });

  it('an unknown pipeline name: an error naming the column and the pipelines', async () => {
    await world();
    typeRow();
    w.edit(2, 'Воронка', 'Опт');
    expect(w.row(0).sync_status).toMatch(
      /^error: column "Воронка": "Опт" is not one of: Воронка, Воронка 2, Партнёры/
    );
    expect((await leadNow()).pipeline_id).toBe(MAIN_PIPELINE.id);
  });
});
