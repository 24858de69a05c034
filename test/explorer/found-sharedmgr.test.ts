// A customer typed twice: a manager's change of the shared contact while the second row's lead
// is being made (the row does not link the contact yet) must still reach that row. Scripted
// schedules through the built bundle; each failed before its fix.
import { on } from '../../sandbox/explorer';
import { contactValues, lines, stagedWorld } from './support';

const world = stagedWorld();

function emailsOf(contactId: unknown): string[] {
  return contactValues(world.arena, contactId, 'EMAIL');
}

it("a manager renames a customer while the customer's second row is being created: both rows show the new name (seed 8402)", () => {
  const { stage: s, arena } = world;
  const person = s.customer(1000);
  const {
    tags: [a],
  } = s.type([person]);
  arena.rt.clock.advance(1_000);
  // AmoCRM has made the second row's lead, linked to the known contact; before the on-edit run
  // writes the row back, the manager renames the customer and a background run applies the
  // webhook (to the first row: the second does not link the contact yet).
  s.at(on.fetch('handleEdit', 'after', /\/api\/v4\/leads$/, 'POST'), () => {
    arena.rt.clock.advance(1_000);
    s.post(s.managerContact(a, 'name', 'Renamed Customer'));
    // A second later: its catch-up of changed contacts moves past the change.
    arena.rt.clock.advance(1_000);
    s.run('runBackgroundWork');
  });
  const {
    tags: [b],
  } = s.type([{ ...person, budget: 2000 }]);
  expect(s.row(b).amo_contact_id).toBe(s.row(a).amo_contact_id);
  s.recover();
  expect(arena.admin.contact(Number(s.row(a).amo_contact_id))?.name).toBe('Renamed Customer');
  expect(s.row(a).name).toBe('Renamed Customer');
  expect(s.row(b).name).toBe('Renamed Customer');
  expect(lines(s.check())).toEqual([]);
});

it("a manager replaces a customer's email while the customer's second row looks the customer up: both rows show the manager's email (seed 5327)", () => {
  const { stage: s, arena } = world;
  const person = s.customer(1000);
  const {
    tags: [a],
  } = s.type([person]);
  arena.rt.clock.advance(1_000);
  // The second row's on-edit run has read the row and is about to look the customer up: the
  // manager replaces the email (after the row was typed), and a background run applies the
  // webhook before the row links the contact. The lookup still finds it by phone.
  s.at(on.fetch('handleEdit', 'before', /query=/), () => {
    arena.rt.clock.advance(1_000);
    s.post(s.managerContact(a, 'email', 'new@example.com'));
    // A second later: its catch-up of changed contacts moves past the change.
    arena.rt.clock.advance(1_000);
    s.run('runBackgroundWork');
  });
  const {
    tags: [b],
  } = s.type([{ ...person, budget: 2000 }]);
  expect(s.row(b).amo_contact_id).toBe(s.row(a).amo_contact_id);
  s.recover();
  // The second row's old email is not added back: it was typed before the manager's change.
  expect(emailsOf(s.row(a).amo_contact_id)).toEqual(['new@example.com']);
  expect(s.row(a).email).toBe('new@example.com');
  expect(s.row(b).email).toBe('new@example.com');
  expect(lines(s.check())).toEqual([]);
});

it('Sync now while new customers are being created does not make the next background minute read their new contacts again', () => {
  const { stage: s, arena } = world;
  s.type([s.customer(1000)]);
  s.run('syncNow');
  arena.rt.clock.advance(60_000);
  // AmoCRM has made the new customers' contacts; before the on-edit run writes the rows back,
  // Sync now's catch-up lists those contacts as changed.
  s.at(on.fetch('handleEdit', 'after', /\/api\/v4\/leads\/complex/, 'POST'), () => {
    arena.rt.clock.advance(1_000);
    s.run('syncNow');
  });
  s.type([s.customer(2000), s.customer(3000)]);
  const before = arena.admin.requests().length;
  arena.rt.clock.advance(1_000);
  s.run('runBackgroundWork');
  const contactReads = arena.admin
    .requests()
    .slice(before)
    .filter(r => r.path === '/api/v4/contacts');
  expect(contactReads).toEqual([]);
  expect(lines(s.check())).toEqual([]);
});
