// The rest of the deal (issue 15) over real HTTP: users (admin-only) and the responsible user,
// tags, companies and a lead's company, several pipelines and moves between them, and the
// manager's actions that change them, with the webhooks AmoCRM sends.

import {
  MAIN_PIPELINE,
  PARTNER_PIPELINE,
  SECOND_PIPELINE,
  decodeForm,
} from '../../sandbox/amo-fake';
import { SyncFakeAdmin } from '../../sandbox/explorer/sync-admin';
import { T0, dealWorld, startReceiver, type Receiver } from './fake-helpers';

const IVAN = 504143;
const OLGA = 504145;

describe('fake AmoCRM: the whole deal', () => {
  const w = dealWorld();

  const leadOf = async (id: number) => (await w.api.get(`/api/v4/leads/${id}`)).json;

  describe('users', () => {
    it('lists the users with their rights to an admin', async () => {
      const answer = await w.api.get('/api/v4/users');
      expect(answer.status).toBe(200);
      expect(answer.json._total_items).toBe(4);
      const users = answer.json._embedded.users;
      expect(users.map((u: { id: number }) => u.id)).toEqual(w.deal.userIds);
      expect(users[2]).toMatchObject({
        id: IVAN,
        name: 'Иван Петров',
        rights: { is_admin: false, is_active: true },
      });
      expect((await w.api.get(`/api/v4/users/${OLGA}`)).json.name).toBe('Ольга Смирнова');
    });

    it('answers 403 to a non-admin token', async () => {
      await w.fake.admin.configure({ apiUserIsAdmin: false });
      const answer = await w.api.get('/api/v4/users');
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ status: 403, title: 'Forbidden' });
    });

    it('sets the responsible on create and PATCH; refuses an unknown or inactive user', async () => {
      const created = await w.api.post('/api/v4/leads', [{ name: 'A', responsible_user_id: IVAN }]);
      const id = created.json._embedded.leads[0].id;
      expect((await leadOf(id)).responsible_user_id).toBe(IVAN);
      await w.api.patch(`/api/v4/leads/${id}`, { responsible_user_id: OLGA });
      expect((await leadOf(id)).responsible_user_id).toBe(OLGA);
      const unknown = await w.api.patch(`/api/v4/leads/${id}`, { responsible_user_id: 1 });
      expect(unknown.status).toBe(400);
      expect(unknown.json['validation-errors'][0].errors[0]).toMatchObject({
        code: 'NotSupportedChoice',
        path: 'responsible_user_id',
      });
      const users = (await w.fake.admin.state()).config.users;
      await w.fake.admin.configure({
        users: users.map(u => (u.id === IVAN ? { ...u, isActive: false } : u)),
      });
      expect((await w.api.patch(`/api/v4/leads/${id}`, { responsible_user_id: IVAN })).status).toBe(
        400
      );
      expect((await leadOf(id)).responsible_user_id).toBe(OLGA);
    });
  });

  describe('tags', () => {
    it('sets tags by name or id, lists them per entity, and an empty list clears them', async () => {
      const created = await w.api.post('/api/v4/leads', [
        { name: 'A', _embedded: { tags: [{ name: 'VIP' }, { name: 'выставка' }] } },
      ]);
      const id = created.json._embedded.leads[0].id;
      const tags = (await leadOf(id))._embedded.tags;
      expect(tags).toEqual([
        { id: expect.any(Number), name: 'VIP', color: null },
        { id: expect.any(Number), name: 'выставка', color: null },
      ]);
      const listed = await w.api.get('/api/v4/leads/tags');
      expect(listed.json._embedded.tags.map((t: { name: string }) => t.name)).toEqual([
        'VIP',
        'выставка',
      ]);
      expect((await w.api.get('/api/v4/leads/tags?query=выст')).json._embedded.tags).toHaveLength(
        1
      );
      expect((await w.api.get('/api/v4/contacts/tags')).status).toBe(204);
      // by id and by a name differing only in case: the same tag, once
      await w.api.patch(`/api/v4/leads/${id}`, {
        _embedded: { tags: [{ id: tags[0].id }, { name: 'vip' }] },
      });
      expect((await leadOf(id))._embedded.tags).toEqual([tags[0]]);
      await w.api.patch(`/api/v4/leads/${id}`, { _embedded: { tags: [] } });
      expect((await leadOf(id))._embedded.tags).toEqual([]);
      expect((await w.api.get('/api/v4/leads/tags')).json._embedded.tags).toHaveLength(2);
    });

    it('keeps tags when a PATCH does not name them, and refuses an unknown tag id', async () => {
      const { leadIds } = await w.fake.admin.seed({ leads: [{ name: 'A', tags: ['VIP'] }] });
      await w.api.patch(`/api/v4/leads/${leadIds[0]}`, { price: 5 });
      expect((await leadOf(leadIds[0]))._embedded.tags).toHaveLength(1);
      const bad = await w.api.patch(`/api/v4/leads/${leadIds[0]}`, {
        _embedded: { tags: [{ id: 999 }] },
      });
      expect(bad.status).toBe(400);
      expect(bad.json['validation-errors'][0].errors[0].path).toBe('_embedded.tags.0.id');
    });
  });

  describe('companies', () => {
    it('lists, finds by query, adds and renames companies', async () => {
      const list = await w.api.get('/api/v4/companies');
      expect(list.json._embedded.companies.map((c: { name: string }) => c.name)).toEqual([
        'ООО «Ромашка»',
        'ИП Иванов',
        'Acme Corp',
      ]);
      const found = await w.api.get(`/api/v4/companies?query=${encodeURIComponent('иванов')}`);
      expect(found.json._embedded.companies.map((c: { id: number }) => c.id)).toEqual([
        w.deal.companyIds[1],
      ]);
      expect((await w.api.get('/api/v4/companies?query=nobody')).status).toBe(204);
      const added = await w.api.post('/api/v4/companies', [{ name: 'Новая' }]);
      expect(added.json._embedded.companies[0]).toMatchObject({ request_id: '0' });
      const newId = added.json._embedded.companies[0].id;
      const renamed = await w.api.patch(`/api/v4/companies/${newId}`, { name: 'Новая 2' });
      expect(renamed.json).toMatchObject({ id: newId, name: 'Новая 2' });
      expect((await w.api.get(`/api/v4/companies/${newId}`)).json.name).toBe('Новая 2');
    });

    it("links a lead's one company on create, PATCH and /link; [] unlinks", async () => {
      const [romashka, ivanov] = w.deal.companyIds;
      const created = await w.api.post('/api/v4/leads', [
        { name: 'A', _embedded: { companies: [{ id: romashka }] } },
      ]);
      const id = created.json._embedded.leads[0].id;
      expect((await leadOf(id))._embedded.companies).toEqual([
        { id: romashka, _links: { self: { href: `${w.fake.url}/api/v4/companies/${romashka}` } } },
      ]);
      await w.api.post(`/api/v4/leads/${id}/link`, [
        { to_entity_id: ivanov, to_entity_type: 'companies' },
      ]);
      expect((await leadOf(id))._embedded.companies.map((c: { id: number }) => c.id)).toEqual([
        ivanov,
      ]);
      const withLeads = await w.api.get(`/api/v4/companies/${ivanov}?with=leads`);
      expect(withLeads.json._embedded.leads.map((l: { id: number }) => l.id)).toEqual([id]);
      await w.api.patch(`/api/v4/leads/${id}`, { _embedded: { companies: [] } });
      expect((await leadOf(id))._embedded.companies).toEqual([]);
      const two = await w.api.patch(`/api/v4/leads/${id}`, {
        _embedded: { companies: [{ id: romashka }, { id: ivanov }] },
      });
      expect(two.status).toBe(400);
    });
  });

  describe('pipelines', () => {
    it('lists every pipeline with incoming first and 142/143 in each', async () => {
      const answer = await w.api.get('/api/v4/leads/pipelines');
      const pipelines = answer.json._embedded.pipelines;
      expect(pipelines.map((p: { id: number }) => p.id)).toEqual([
        MAIN_PIPELINE.id,
        SECOND_PIPELINE.id,
        PARTNER_PIPELINE.id,
      ]);
      for (const pipeline of pipelines) {
        const statuses = pipeline._embedded.statuses;
        expect(statuses[0].type).toBe(1);
        expect(statuses.slice(-2).map((s: { id: number }) => s.id)).toEqual([142, 143]);
      }
    });

    it('moves a lead to another pipeline by PATCH, to its first working status without one', async () => {
      const { leadIds } = await w.fake.admin.seed({ leads: [{ name: 'A' }] });
      const id = leadIds[0];
      await w.api.patch(`/api/v4/leads/${id}`, { pipeline_id: PARTNER_PIPELINE.id });
      expect(await leadOf(id)).toMatchObject({
        pipeline_id: PARTNER_PIPELINE.id,
        status_id: PARTNER_PIPELINE.statuses[1].id,
      });
      await w.api.patch(`/api/v4/leads/${id}`, { pipeline_id: SECOND_PIPELINE.id, status_id: 142 });
      expect(await leadOf(id)).toMatchObject({ pipeline_id: SECOND_PIPELINE.id, status_id: 142 });
      const foreign = await w.api.patch(`/api/v4/leads/${id}`, {
        pipeline_id: MAIN_PIPELINE.id,
        status_id: PARTNER_PIPELINE.statuses[2].id,
      });
      expect(foreign.status).toBe(400);
    });
  });

  describe('manager actions', () => {
    let receiver: Receiver;
    beforeEach(async () => {
      receiver = await startReceiver();
      await w.fake.admin.addWebhook({
        destination: receiver.url,
        settings: ['add_lead', 'update_lead', 'status_lead', 'responsible_lead'],
      });
    });
    afterEach(() => receiver.close());

    it('set responsible fires leads[responsible] with the old user, and leads[update]', async () => {
      const { leadIds } = await w.fake.admin.seed({
        leads: [{ name: 'A', responsibleUserId: IVAN }],
      });
      await w.fake.admin.setResponsible({ leadId: leadIds[0], userId: OLGA, now: T0 + 1000 });
      const body = decodeForm(receiver.hooks[0].body);
      expect(body).toContainEqual(['leads[responsible][0][responsible_user_id]', String(OLGA)]);
      expect(body).toContainEqual(['leads[responsible][0][old_responsible_user_id]', String(IVAN)]);
      expect(body).toContainEqual(['leads[update][0][responsible_user_id]', String(OLGA)]);
      await expect(
        w.fake.admin.setResponsible({ leadId: leadIds[0], userId: 7 })
      ).rejects.toMatchObject({
        status: 400,
      });
    });

    it('moves a lead to another pipeline with leads[status] naming the old pipeline', async () => {
      const { leadIds } = await w.fake.admin.seed({ leads: [{ name: 'A' }] });
      const to = SECOND_PIPELINE.statuses[2].id;
      await w.fake.admin.setLeadStatus({
        leadId: leadIds[0],
        pipelineId: SECOND_PIPELINE.id,
        statusId: to,
      });
      const body = decodeForm(receiver.hooks[0].body);
      expect(body).toContainEqual(['leads[status][0][pipeline_id]', String(SECOND_PIPELINE.id)]);
      expect(body).toContainEqual(['leads[status][0][old_pipeline_id]', String(MAIN_PIPELINE.id)]);
      expect(body).toContainEqual(['leads[status][0][status_id]', String(to)]);
    });

    it('creates a lead in any pipeline with fields, tags, company and responsible', async () => {
      const city = w.deal.leadFields.select;
      const result = await w.fake.admin.createLead({
        name: 'С сайта',
        price: 9000,
        pipelineId: PARTNER_PIPELINE.id,
        responsibleUserId: OLGA,
        customFieldsValues: [{ field_id: city.id, values: [{ value: 'Казань' }] }],
        tags: ['форма'],
        companyId: w.deal.companyIds[2],
      });
      const lead = await leadOf(result.leadId as number);
      expect(lead).toMatchObject({
        name: 'С сайта',
        pipeline_id: PARTNER_PIPELINE.id,
        status_id: PARTNER_PIPELINE.statuses[1].id,
        responsible_user_id: OLGA,
        custom_fields_values: [
          expect.objectContaining({ values: [expect.objectContaining({ value: 'Казань' })] }),
        ],
      });
      expect(lead._embedded.tags.map((t: { name: string }) => t.name)).toEqual(['форма']);
      expect(lead._embedded.companies[0].id).toBe(w.deal.companyIds[2]);
      const body = decodeForm(receiver.hooks[0].body);
      expect(body).toContainEqual(['leads[add][0][pipeline_id]', String(PARTNER_PIPELINE.id)]);
      expect(body).toContainEqual(['leads[add][0][responsible_user_id]', String(OLGA)]);
    });

    it('edits tags and company of a lead as a PATCH would, with leads[update]', async () => {
      const { leadIds } = await w.fake.admin.seed({ leads: [{ name: 'A', tags: ['old'] }] });
      await w.fake.admin.editLead({
        leadId: leadIds[0],
        body: { _embedded: { tags: [{ name: 'new' }], companies: [{ id: w.deal.companyIds[0] }] } },
      });
      const lead = await leadOf(leadIds[0]);
      expect(lead._embedded.tags.map((t: { name: string }) => t.name)).toEqual(['new']);
      expect(lead._embedded.companies.map((c: { id: number }) => c.id)).toEqual([
        w.deal.companyIds[0],
      ]);
      expect(decodeForm(receiver.hooks[0].body).map(([key]) => key)).toContain(
        'leads[update][0][id]'
      );
    });
  });

  it('the synchronous admin client (for boundary hooks) drives the same actions', async () => {
    const sync = new SyncFakeAdmin(w.fake.url);
    try {
      const { leadIds } = await w.fake.admin.seed({ leads: [{ name: 'A' }] });
      sync.setResponsible(leadIds[0], OLGA, T0);
      sync.editLead(leadIds[0], { _embedded: { tags: [{ name: 'sync' }] } }, T0);
      sync.setCustomField({
        id: leadIds[0],
        fieldId: w.deal.leadFields.checkbox.id,
        values: [{ value: true }],
      });
      const created = sync.createLead({ name: 'B', pipelineId: SECOND_PIPELINE.id });
      const lead = sync.lead(leadIds[0]);
      expect(lead).toMatchObject({ responsible_user_id: OLGA, tags: [{ name: 'sync' }] });
      expect(lead?.custom_fields_values?.[0].values).toEqual([{ value: true }]);
      expect(sync.lead(created.leadId as number)?.pipeline_id).toBe(SECOND_PIPELINE.id);
    } finally {
      await sync.dispose();
    }
  });
});
