// `npm start`'s story, played end to end on the built bundle (fake AmoCRM + local runtime over
// loopback): it must leave every valid sample row linked to its own lead, the bad row marked
// as an error, the person who appears twice on one contact, and the manager's move in the row.
import { playStory, SEED_CONTACTS, StoryOutcome } from '../../sandbox/story';
import type { FakeAmoState } from '../../sandbox/amo-fake';
import { admin } from '../../bench/harness';

describe('npm start: the sandbox story', () => {
  let outcome: StoryOutcome;
  let state: FakeAmoState;
  const lines: string[] = [];

  beforeAll(async () => {
    outcome = await playStory({ print: line => lines.push(line), keep: true });
    state = await admin(() => outcome.world.fake.admin.state());
  });

  afterAll(async () => {
    await outcome?.world.stop();
  });

  const byName = (name: string) => outcome.rows.filter(r => r.name === name);
  const text = (v: unknown) => String(v ?? '');

  it('links every valid sample row to a lead of its own, and AmoCRM has no other lead', () => {
    const valid = outcome.rows.filter(r => r.name !== 'Ошибочная строка');
    expect(valid).toHaveLength(7);
    const ids = valid.map(r => text(r.amo_deal_id));
    for (const id of ids) expect(id).toMatch(/^\d+$/);
    expect(new Set(ids).size).toBe(ids.length);
    const live = state.leads.filter(l => !l.is_deleted).map(l => String(l.id));
    expect(live.sort()).toEqual([...ids].sort());
    for (const row of valid) {
      expect(text(row.sync_status)).not.toMatch(/^error/);
      expect(text(row.amo_link)).toBe(`${outcome.world.fake.url}/leads/detail/${row.amo_deal_id}`);
      expect(text(row.external_id)).not.toBe('');
    }
  });

  it('marks the bad row with an error a person understands and sends nothing for it', () => {
    const [bad] = byName('Ошибочная строка');
    expect(text(bad.sync_status)).toMatch(/^error/);
    expect(text(bad.sync_status)).toContain('12ab');
    expect(text(bad.amo_deal_id)).toBe('');
    expect(state.contacts.some(c => c.name === 'Ошибочная строка')).toBe(false);
  });

  it('reuses the existing contact for both rows of the same person (e-mail in other capitals)', () => {
    const ivan = byName('Иван Петров');
    expect(ivan).toHaveLength(2);
    const seededIvan = outcome.seededContactIds[0];
    expect(ivan.map(r => Number(r.amo_contact_id))).toEqual([seededIvan, seededIvan]);
    expect(ivan[0].amo_deal_id).not.toBe(ivan[1].amo_deal_id);
    const withEmail = state.contacts.filter(c =>
      (c.custom_fields_values ?? []).some(f =>
        f.values.some(v => String(v.value).toLowerCase() === 'ivan.petrov@example.com')
      )
    );
    expect(withEmail.map(c => c.id)).toEqual([seededIvan]);
  });

  it('reuses the existing contact found by a phone stored in another format', () => {
    const [alexey] = byName('Алексей Смирнов');
    expect(Number(alexey.amo_contact_id)).toBe(outcome.seededContactIds[1]);
    expect(state.contacts).toHaveLength(SEED_CONTACTS.length + 4);
  });

  it("shows the manager's status in the row, and the person's budget reached AmoCRM", () => {
    const row = outcome.rows[outcome.movedRow];
    expect(row.status).toBe(outcome.statusName);
    const lead = state.leads.find(l => l.id === outcome.movedLeadId);
    expect(lead?.price).toBe(1400000);
    expect(text(row.budget)).toBe('1 400 000');
  });

  it('prints the sheet and the counts after each of the five steps', () => {
    const output = lines.join('\n');
    for (let n = 1; n <= 5; n++) expect(output).toContain(`Step ${n}/5`);
    const counts = lines.filter(l =>
      /AmoCRM \d+ requests? .*Spreadsheet \d+ calls .*virtual s/.test(l)
    );
    expect(counts).toHaveLength(5);
    expect(output).toMatch(/POST \/api\/v4\/leads\/complex \d/);
    expect(output).toContain('↳ amo_deal_id · amo_contact_id · status · sync_status');
    // Step 4: doPost, then the background minute that applies the webhook.
    expect(outcome.steps.map(s => s.results.length)).toEqual([1, 1, 1, 2, 1]);
  });

  it("fits 120 columns and shows every row's whole sync_status", () => {
    const wide = lines.filter(l => [...l].length > 120);
    expect(wide).toEqual([]);
    // Wrapped lines break at spaces: joined again, each status is there in full.
    const flat = lines.map(l => l.trim()).join(' ');
    for (const row of outcome.rows) expect(flat).toContain(text(row.sync_status));
  });
});

describe('npm start: a failing step', () => {
  it('stops the story with the step and the reason', async () => {
    const story = playStory({ csv: 'name,phone\nАнна,89120000000\n', print: () => undefined });
    await expect(story).rejects.toThrow(
      /^step "Import existing rows[^"]*": importExistingRows failed: .*needs the column/
    );
  });
});
