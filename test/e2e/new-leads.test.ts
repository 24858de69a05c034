// Issue 15, new deals from AmoCRM, end to end on the built bundle: with IMPORT_NEW_LEADS on, a
// lead a manager creates in AmoCRM becomes one row at the bottom, with webhooks (the next
// minute's background run) and without them (the reconciliation); only in the chosen
// pipelines; never for a lead a row links; never twice, also when executions overlap or one
// is killed; and the row then syncs both ways like any other.
import { MAIN_PIPELINE, SECOND_PIPELINE } from '../../sandbox/amo-fake';
import type { SeedContact } from '../../sandbox/amo-fake';
import { HEADERS } from '../../sandbox/world';
import { leadIdOf, SHEET, STATUS, World, worldWithRows } from './pull-helpers';

const ANN = { name: 'Ann Lee', phone: '8 912 345-67-89', email: 'ann@example.com', budget: 1000 };
const IVAN: SeedContact = { name: 'Иван Петров', phone: '+79161234567', email: 'ivan@example.ru' };
const MINUTE = 60_000;

let w: World;

afterEach(async () => {
  delete w?.rt.hooks.afterFetch;
  delete w?.rt.hooks.atBoundary;
  await w?.stop();
});

function turnOn(pipelines = ''): void {
  w.rt.properties.script.set('IMPORT_NEW_LEADS', 'true');
  w.rt.properties.script.set('IMPORT_PIPELINES', pipelines);
}

/** A manager creates a lead in AmoCRM's interface, with a new contact (or none). */
async function managerCreates(
  options: {
    contact?: SeedContact | null;
    price?: number;
    pipelineId?: number;
    statusId?: number;
  } = {}
): Promise<{ leadId: number; contactId: number | null }> {
  let contactId: number | null = null;
  if (options.contact !== null) {
    const seeded = await w.fake.admin.seed({ contacts: [options.contact ?? IVAN], now: w.now() });
    contactId = seeded.contactIds[0];
  }
  const created = await w.fake.admin.createLead({
    name: 'Заявка с сайта',
    price: options.price ?? 50000,
    pipelineId: options.pipelineId ?? MAIN_PIPELINE.id,
    statusId: options.statusId ?? STATUS.first.id,
    contactId: contactId ?? undefined,
    now: w.now(),
  });
  return { leadId: created.leadId as number, contactId };
}

function rowsOf(leadId: number): Array<Record<string, unknown>> {
  return w.rows().filter(r => String(r.amo_deal_id) === String(leadId));
}

/** Minutes of time-driven runs until `done` (Infinity when not within `max`). */
function minutesUntil(done: () => boolean, max: number): number {
  for (let minute = 1; minute <= max; minute++) {
    w.nextMinute();
    if (done()) return minute;
  }
  return Infinity;
}

/** Every run that could add a row once more: the background runs of 12 minutes, Sync now. */
function settle(): void {
  minutesUntil(() => false, 12);
  w.run('syncNow');
}

/** The sync's memory on a data row (the note of its sync_status cell). */
function noteOf(rowIndex: number): string {
  const column = HEADERS.indexOf('sync_status') + 1;
  return w.rt.spreadsheet.cell(SHEET, rowIndex + 2, column).note;
}

/** PATCH, POST and DELETE requests AmoCRM got so far. */
async function writesToAmo(): Promise<number> {
  const counts = await w.fake.admin.counts();
  return Object.entries(counts)
    .filter(([key]) => !key.startsWith('GET '))
    .reduce((sum, [, n]) => sum + n, 0);
}

async function liveLeads(): Promise<number> {
  return (await w.fake.admin.state()).leads.filter(l => !l.is_deleted).length;
}

describe('a lead a manager creates in AmoCRM', () => {
  it('becomes one row at the bottom within two minutes of its webhook, with every mapped column', async () => {
    w = await worldWithRows([ANN]);
    turnOn();
    const { leadId, contactId } = await managerCreates({ contact: IVAN, price: 50000 });

    const runs: string[] = [];
    const minutes = minutesUntil(() => {
      runs.push(...w.rt.executions.slice(-1).map(e => String(e.returned ?? '')));
      return rowsOf(leadId).length > 0;
    }, 5);
    expect(minutes).toBeLessThanOrEqual(2);
    expect(runs[runs.length - 1]).toMatch(/^background: .*, new leads 1$/);
    const rows = w.rows();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual(
      expect.objectContaining({
        name: IVAN.name,
        phone: '+79161234567',
        email: IVAN.email,
        budget: 50000,
        Комментарий: '',
        amo_deal_id: String(leadId),
        amo_contact_id: String(contactId),
        amo_link: `${w.fake.url}/leads/detail/${leadId}`,
        status: STATUS.first.name,
      })
    );
    expect(rows[1].external_id).toMatch(/^r-[0-9a-f]{27}$/);
    expect(rows[1].sync_status).toMatch(/^✓ synced/);
    expect(noteOf(1)).toMatch(/^AmoCRM sync \(do not edit\): /);

    // More background runs and Sync now: still one row, and nothing sent back to AmoCRM.
    const before = await writesToAmo();
    settle();
    expect(rowsOf(leadId)).toHaveLength(1);
    expect(w.rows()).toHaveLength(2);
    expect(await writesToAmo()).toBe(before);
  });

  it("then follows its contact's changes and sends a person's edit as an update of that lead", async () => {
    w = await worldWithRows([ANN]);
    turnOn();
    const { leadId, contactId } = await managerCreates();
    minutesUntil(() => rowsOf(leadId).length > 0, 5);
    const leadsBefore = await liveLeads();

    await w.fake.admin.editContact({
      contactId: contactId as number,
      phone: '+79990001122',
      now: w.now(),
    });
    expect(minutesUntil(() => rowsOf(leadId)[0].phone === '+79990001122', 3)).toBeLessThan(3);

    w.rt.clock.advance(MINUTE);
    const [edit] = w.edit(3, 'budget', 77000);
    expect(edit.error).toBeNull();
    expect((await w.fake.admin.lead(leadId))?.price).toBe(77000);
    expect(await liveLeads()).toBe(leadsBefore);
    expect(w.row(1).sync_status).toMatch(/^✓ synced/);
  });

  it('becomes a row within 5 minutes when the script has no webhook at all', async () => {
    w = await worldWithRows([ANN], { webhooks: false });
    turnOn();
    const { leadId } = await managerCreates();

    expect(minutesUntil(() => rowsOf(leadId).length > 0, 5)).toBeLessThanOrEqual(5);
    expect(rowsOf(leadId)).toHaveLength(1);
    expect(rowsOf(leadId)[0].name).toBe(IVAN.name);
  });

  it('becomes a row within 10 minutes when its webhook is lost', async () => {
    w = await worldWithRows([ANN]);
    await w.fake.admin.setWebhookDelivery(false);
    turnOn();
    const { leadId } = await managerCreates();

    expect(minutesUntil(() => rowsOf(leadId).length > 0, 10)).toBeLessThanOrEqual(10);
    minutesUntil(() => false, 10);
    expect(rowsOf(leadId)).toHaveLength(1);
  });

  it('is added by Sync now at once, which says so', async () => {
    w = await worldWithRows([ANN]);
    await w.fake.admin.setWebhookDelivery(false);
    turnOn();
    const { leadId } = await managerCreates();
    w.rt.clock.advance(MINUTE);

    const sync = w.run('syncNow');
    expect(sync.returned).toMatch(/^1 lead created in AmoCRM added as a row at the bottom\.$/m);
    expect(rowsOf(leadId)).toHaveLength(1);
  });

  it('without a contact becomes a row with the lead fields only', async () => {
    w = await worldWithRows([ANN]);
    turnOn();
    const { leadId } = await managerCreates({ contact: null, price: 700 });

    minutesUntil(() => rowsOf(leadId).length > 0, 3);
    expect(rowsOf(leadId)).toEqual([
      expect.objectContaining({ name: '', phone: '', email: '', budget: 700, amo_contact_id: '' }),
    ]);
  });
});

describe('what does not become a row', () => {
  it('a lead in a pipeline that is not chosen (the chosen one still does)', async () => {
    w = await worldWithRows([ANN], { fake: { pipelines: [MAIN_PIPELINE, SECOND_PIPELINE] } });
    turnOn(String(MAIN_PIPELINE.id));
    const other = await managerCreates({
      pipelineId: SECOND_PIPELINE.id,
      statusId: SECOND_PIPELINE.statuses[1].id,
      contact: { name: 'Other Pipeline', email: 'other@example.com' },
    });
    const chosen = await managerCreates();

    settle();
    expect(rowsOf(other.leadId)).toHaveLength(0);
    expect(rowsOf(chosen.leadId)).toHaveLength(1);
  });

  it('anything, while IMPORT_NEW_LEADS is off', async () => {
    w = await worldWithRows([ANN]);
    const { leadId } = await managerCreates();

    settle();
    expect(rowsOf(leadId)).toHaveLength(0);
    expect(w.rows()).toHaveLength(1);
  });

  it('a lead a row already links, changed by a manager, or made by a person typing a row', async () => {
    w = await worldWithRows([ANN]);
    turnOn();
    await w.fake.admin.setLeadPrice({ leadId: leadIdOf(w, 0), price: 4200, now: w.now() });
    const [typed] = w.type([{ name: 'Boris Orlov', email: 'boris@example.com' }]);
    expect(typed.error).toBeNull();

    settle();
    expect(w.rows()).toHaveLength(2);
    expect(w.row(0).budget).toBe(4200);
    expect(new Set(w.rows().map(r => r.amo_deal_id)).size).toBe(2);
  });
});

describe('never a second row', () => {
  it('when Sync now runs while the webhook-applying background run reads the contact', async () => {
    w = await worldWithRows([ANN]);
    turnOn();
    const { leadId } = await managerCreates();
    let nested = false;
    w.rt.hooks.afterFetch = request => {
      if (nested || !/\/api\/v4\/contacts\?/.test(request.url)) return;
      nested = true;
      w.run('syncNow');
    };

    w.nextMinute();
    delete w.rt.hooks.afterFetch;
    expect(nested).toBe(true);
    expect(rowsOf(leadId)).toHaveLength(1);
    minutesUntil(() => false, 11);
    expect(rowsOf(leadId)).toHaveLength(1);
    expect(w.rows()).toHaveLength(2);
  });

  it('when a person sorts and inserts rows while the run reads AmoCRM', async () => {
    w = await worldWithRows([ANN, { name: 'Boris Orlov', email: 'boris@example.com' }]);
    turnOn();
    const { leadId } = await managerCreates();
    let acted = false;
    w.rt.hooks.afterFetch = request => {
      if (acted || !/\/api\/v4\/contacts\?/.test(request.url)) return;
      acted = true;
      w.rt.spreadsheet.sortBy(SHEET, 1, false); // Boris first, then Ann
      w.rt.spreadsheet.insertRowsAt(SHEET, 3, 1); // an empty row between them
    };

    w.nextMinute();
    delete w.rt.hooks.afterFetch;
    expect(acted).toBe(true);
    const rows = w.rows();
    expect(rows.map(r => r.name)).toEqual(['Boris Orlov', '', ANN.name, IVAN.name]);
    expect(rows[3].amo_deal_id).toBe(String(leadId));
    expect(rows[1].amo_deal_id).toBe('');
    settle();
    expect(rowsOf(leadId)).toHaveLength(1);
  });

  it.each([
    ['with the Sheet row ID field', true],
    ['without it (no administrator)', false],
  ])(
    "when a manager creates a lead while a person's row is half created (%s)",
    async (_case, admin) => {
      w = await worldWithRows([ANN], { fake: { apiUserIsAdmin: admin } });
      turnOn();
      // The person's new row dies right after AmoCRM made its lead: the lead exists, unlinked.
      await w.fake.admin.inject({
        match: { method: 'POST', path: '/api/v4/leads/complex' },
        action: 'kill-after',
      });
      const [typed] = w.type([{ name: 'Boris Orlov', email: 'boris@example.com' }]);
      await w.fake.admin.clearFaults();
      expect(typed.killed).toBe(true);
      expect(w.row(1).amo_deal_id).toBe('');
      const { leadId } = await managerCreates();

      const done = () => w.row(1).amo_deal_id !== '' && rowsOf(leadId).length === 1;
      expect(minutesUntil(done, 20)).toBeLessThanOrEqual(20);
      settle();
      expect(w.rows()).toHaveLength(3);
      expect(new Set(w.rows().map(r => r.amo_deal_id)).size).toBe(3);
      expect(await liveLeads()).toBe(3);
    }
  );

  it('when the run adding the row is killed right after writing it, before its cursor moved', async () => {
    w = await worldWithRows([ANN]);
    turnOn();
    const { leadId } = await managerCreates();
    // Killed at the first call after the row's notes were written (its flush).
    let wrote = false;
    w.rt.hooks.atBoundary = info => {
      if (info.method === 'Range.setNotes') wrote = true;
      else if (wrote) return { fault: 'kill', reason: 'killed after adding the row' };
      return undefined;
    };

    w.rt.clock.advance(MINUTE);
    const [run] = w.rt.fireTimeTriggers();
    delete w.rt.hooks.atBoundary;
    expect(run.killed).toBe(true);
    expect(rowsOf(leadId)).toHaveLength(1);
    settle();
    expect(rowsOf(leadId)).toHaveLength(1);
    expect(w.rows()).toHaveLength(2);
  });
});
