// A copy of a row pasted as values (no memory note) whose original row is then deleted: the
// copy is the only row linking the lead, and the sync does not know which of its values are
// the person's. Each failed before its fix.
import { SHEET } from '../../sandbox/explorer/arena';
import { lines, stagedWorld } from './support';

const world = stagedWorld();

function patchedPrices(lead: number): number[] {
  return world.arena.admin
    .requests()
    .filter(r => r.method === 'PATCH' && r.path === '/api/v4/leads')
    .flatMap(r => r.body as Array<{ id: number; price?: number }>)
    .filter(l => l.id === lead && l.price !== undefined)
    .map(l => l.price as number);
}

it("a copy left alone after its original row was deleted: the manager's later price reaches it and is not sent back over (seed 7340)", () => {
  const { stage: s, arena } = world;
  const {
    tags: [a],
  } = s.type([s.customer(1000)]);
  s.edit(a, { budget: 8700 });
  const lead = s.leadOf(a);
  expect(patchedPrices(lead)).toEqual([8700]);
  // The person pastes a copy below (its on-edit run comes later) and deletes the original.
  const copy = s.pasteCopy(a, s.rowOf(a) + 1, 'later');
  arena.rt.spreadsheet.deleteRowAt(SHEET, s.rowOf(a), 1);
  arena.rt.clock.advance(1_000);
  s.post(s.managerPrice(copy, 500));
  s.run('syncNow');
  s.recover();
  expect(s.leadOf(copy)).toBe(lead);
  expect(arena.admin.lead(lead)?.price).toBe(500);
  expect(s.row(copy).budget).toBe(500);
  expect(patchedPrices(lead)).toEqual([8700]);
  expect(lines(s.check())).toEqual([]);
});

it("a copy made a new customer, its original row deleted: the new customer reaches AmoCRM and the manager's later price reaches the row (seed 5937)", () => {
  const { stage: s, arena } = world;
  const {
    tags: [a],
  } = s.type([s.customer(3144)]);
  const lead = s.leadOf(a);
  const copy = s.pasteCopy(a, s.rowOf(a) + 1, 'later');
  const fresh = { name: 'Другой Клиент', phone: '8 (916) 777-00-13', email: 'other@example.com' };
  const event = s.convert(copy, fresh, 'later');
  // The original goes before the conversion's on-edit run comes: its rows have moved up.
  arena.rt.spreadsheet.deleteRowAt(SHEET, s.rowOf(a), 1);
  arena.rt.clock.advance(1_000);
  s.post(s.managerPrice(copy, 32500));
  s.fireEdit(event);
  s.recover();
  expect(s.leadOf(copy)).toBe(lead);
  expect(arena.admin.lead(lead)?.price).toBe(32500);
  expect(s.row(copy).budget).toBe(32500);
  expect(s.row(copy).name).toBe(fresh.name);
  const contact = arena.admin.contact(Number(s.row(copy).amo_contact_id));
  expect(contact?.name).toBe(fresh.name);
  expect(patchedPrices(lead)).toEqual([]);
  expect(lines(s.check())).toEqual([]);
});

it("a copy pasted above a row whose original is deleted before the paste's on-edit run: the pasted values are no edit and do not go over the manager's later price", () => {
  const { stage: s, arena } = world;
  const {
    tags: [a],
  } = s.type([s.customer(1000)]);
  const lead = s.leadOf(a);
  const at = s.rowOf(a);
  const copy = s.pasteCopy(a, at, 'later');
  arena.rt.spreadsheet.deleteRowAt(SHEET, s.rowOf(a), 1);
  arena.rt.clock.advance(1_000);
  s.post(s.managerPrice(copy, 500));
  // The paste's on-edit run comes now: its event names every column of the copy's row.
  s.fireEdit({
    row: at,
    column: 1,
    numRows: 1,
    numColumns: arena.rt.spreadsheet.values(SHEET)[0].length,
  });
  s.recover();
  expect(s.leadOf(copy)).toBe(lead);
  expect(arena.admin.lead(lead)?.price).toBe(500);
  expect(s.row(copy).budget).toBe(500);
  expect(patchedPrices(lead)).toEqual([]);
  expect(lines(s.check())).toEqual([]);
});

it('a copy made a new customer, its original deleted, whose on-edit run never comes, after a manager renamed the customer: the new customer wins, first seen by the next run (seeds 6084, 6428)', () => {
  const { stage: s, arena } = world;
  const {
    tags: [a],
  } = s.type([s.customer(1000)]);
  const copy = s.pasteCopy(a, s.rowOf(a) + 1, 'later');
  arena.rt.clock.advance(1_000);
  // The manager renames the customer (the webhook is lost) before the person's conversion.
  s.managerContact(a, 'name', 'Имя от менеджера');
  arena.rt.clock.advance(1_000);
  const fresh = { name: 'Новый Клиент', phone: '8 (916) 777-00-14', email: 'new@example.com' };
  s.convert(copy, fresh, 'later');
  arena.rt.spreadsheet.deleteRowAt(SHEET, s.rowOf(a), 1);
  arena.rt.clock.advance(1_000);
  s.recover();
  expect(s.row(copy).name).toBe(fresh.name);
  expect(s.row(copy).email).toBe(fresh.email);
  const contact = arena.admin.contact(Number(s.row(copy).amo_contact_id));
  expect(contact?.name).toBe(fresh.name);
  expect(lines(s.check())).toEqual([]);
});
