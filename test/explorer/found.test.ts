// Cases the explorer found beyond the ten, each a scripted schedule through the built
// bundle, asserting what a person and a manager would see. Each failed before its fix.
import { lines, stagedWorld } from './support';

const world = stagedWorld();

function patchedPrices(): number[] {
  return world.arena.admin
    .requests()
    .filter(r => r.method === 'PATCH' && r.path === '/api/v4/leads')
    .flatMap(r => (r.body as Array<{ price?: number }>).flatMap(l => l.price ?? []));
}

it("a manager's price over a budget the person keeps as a formula stays in AmoCRM, and the formula stays (seed 166)", () => {
  const { stage: s, arena } = world;
  const {
    tags: [a],
  } = s.type([s.customer(1000)]);
  s.edit(a, { budget: '=5000+900' });
  expect(patchedPrices()).toEqual([5900]);
  s.post(s.managerPrice(a, 11500));
  s.run('runBackgroundWork');
  s.run('syncNow');
  s.recover();
  expect(s.formula(a, 'budget')).toBe('=5000+900');
  expect(s.row(a).budget).toBe(5900);
  expect(arena.admin.lead(s.leadOf(a))?.price).toBe(11500);
  // The formula's unchanged value is not an edit: it never goes back over the manager's price.
  expect(patchedPrices()).toEqual([5900]);
  expect(lines(s.check())).toEqual([]);
});

it('a row matched to a contact by email does not copy onto it a phone another contact holds (seed 639)', () => {
  const { stage: s, arena } = world;
  const first = s.customer();
  const second = s.customer();
  s.type([first, second]);
  // A third row: the second customer's email, but the first customer's phone.
  const {
    tags: [c],
  } = s.type([{ ...second, phone: first.phone }]);
  const holdersOf = (phone: string) =>
    arena.admin
      .state()
      .contacts.filter(k =>
        (k.custom_fields_values ?? []).some(
          f => f.field_code === 'PHONE' && f.values.some(v => String(v.value) === phone)
        )
      );
  expect(holdersOf('+79165550001')).toHaveLength(1);
  expect(s.row(c).amo_contact_id).toBe(String(holdersOf('+79165550002')[0].id));
  expect(s.row(c).sync_status).toMatch(/^✓/);
});
