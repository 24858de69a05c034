import { on, Stage, type Arena } from '../../sandbox/explorer';
import { startArena } from '../explorer/support';
let arena: Arena;
beforeAll(async () => { arena = await startArena(); });
afterAll(() => arena.stop());
const COMPLEX = /\/api\/v4\/leads\/complex/;
it('dbg', async () => {
  const s = new Stage(arena).reset();
  const shared = s.customer();
  s.at(on.fetch('handleEdit', 'before', COMPLEX), () => {
    s.type([{ ...s.customer(), name: shared.name, email: shared.email }]);
  });
  s.type([shared]);
  s.recover();
  console.log(JSON.stringify(arena.rt.spreadsheet.records('Leads')));
  const st = arena.admin.state() as any;
  for (const c of st.contacts) console.log(c.id, JSON.stringify(c.custom_fields_values));
  const reqs = await arena.fake.admin.requests();
  for (const q of reqs as any[]) if (q.method !== 'GET') console.log(q.method, q.path, JSON.stringify(q.body).slice(0, 300));
});
