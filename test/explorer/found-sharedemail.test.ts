// Explorer-found cases of a customer typed twice (one contact, two rows), each a scripted
// schedule through the built bundle, asserting what a person would see. Each failed before
// its fix.
import { on } from '../../sandbox/explorer';
import { contactValues, lines, stagedWorld } from './support';

const world = stagedWorld();

function emailsOf(contactId: unknown): string[] {
  return contactValues(world.arena, contactId, 'EMAIL');
}

it("a customer typed again with another email while the person changes the first row's email: each row keeps its own email (seeds 4205, 1988)", () => {
  const { stage: s, arena } = world;
  const person = s.customer(1000);
  const {
    tags: [a],
  } = s.type([person]);
  // The same customer (same phone) typed again with a second email; its on-edit run starts...
  const {
    tags: [b],
    event,
  } = s.type([{ ...person, email: 'second@example.com', budget: 2000 }], 'later');
  // ...and before it reads the row, the person changes the first row's email, which that
  // row's own run sends to the contact at once.
  s.at(on.call('handleEdit', 'Lock.tryLock'), () => {
    arena.rt.clock.advance(1_000);
    s.edit(a, { email: 'changed@example.com' });
  });
  s.fireEdit(event);
  expect(s.row(b).amo_contact_id).toBe(s.row(a).amo_contact_id);
  s.recover();
  expect(emailsOf(s.row(a).amo_contact_id).sort()).toEqual([
    'changed@example.com',
    'second@example.com',
  ]);
  expect(s.row(a).email).toBe('changed@example.com');
  expect(s.row(b).email).toBe('second@example.com');
  expect(lines(s.check())).toEqual([]);
});
