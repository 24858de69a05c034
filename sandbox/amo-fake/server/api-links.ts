// AmoCRM's links API: `POST /api/v4/{leads|contacts}/{id}/link` (items `{to_entity_id,
// to_entity_type, metadata}`) and the collection form `POST /api/v4/{leads|contacts}/link`
// (items also carry `entity_id`), plus `unlink`. Lead ⇄ contact links (the main contact follows
// `metadata.is_main`) and a lead's company (`to_entity_type: companies`; a lead has one company,
// so linking another replaces it).

import { isObject } from '../core/custom-fields';
import {
  ApiResponse,
  ItemErrors,
  NO_CONTENT,
  fieldError,
  hal,
  throwIfInvalid,
} from '../core/problems';
import { batchItems } from './api-common';
import type { FakeWorld } from './fake-world';
import type { ApiRequest } from './route-table';

type Side = 'leads' | 'contacts';
type Other = 'contacts' | 'companies';

interface LinkPlan {
  leadId: number;
  other: Other;
  otherId: number;
  isMain: boolean | undefined;
  echo: Record<string, unknown>;
}

export function linkHandler(from: Side, action: 'link' | 'unlink') {
  return (world: FakeWorld, req: ApiRequest): ApiResponse => {
    const items = batchItems(req, 250);
    const errors = items.map((_, i) => new ItemErrors(String(i)));
    const plans = items.map((raw, i) => planLink(world, req, from, raw, errors[i]));
    throwIfInvalid(errors);
    const done = plans as LinkPlan[];
    for (const plan of done) applyLink(world, req.now, plan, action);
    if (action === 'unlink') return NO_CONTENT;
    return hal({ _total_items: done.length, _embedded: { links: done.map(p => p.echo) } });
  };
}

/** What a link from this side may point at: a lead links contacts and its company. */
const TARGETS: Record<Side, string[]> = { leads: ['contacts', 'companies'], contacts: ['leads'] };

function planLink(
  world: FakeWorld,
  req: ApiRequest,
  from: Side,
  raw: unknown,
  errors: ItemErrors
): LinkPlan | null {
  if (!isObject(raw)) {
    errors.add(fieldError.type('', 'array'));
    return null;
  }
  const entityId = req.params.id ?? raw.entity_id;
  const toId = raw.to_entity_id;
  const toType = String(raw.to_entity_type);
  if (!TARGETS[from].includes(toType)) {
    errors.add(fieldError.choice('to_entity_type'));
    return null;
  }
  const other: Other = from === 'leads' ? (toType as Other) : 'contacts';
  const leadId = from === 'leads' ? entityId : toId;
  const otherId = from === 'leads' ? toId : entityId;
  const find = other === 'contacts' ? world.account.contact : world.account.company;
  const leadOk = typeof leadId === 'number' && world.account.lead(leadId);
  const otherOk = typeof otherId === 'number' && find.call(world.account, otherId);
  if (!leadOk) errors.add(fieldError.notFound(from === 'leads' ? 'entity_id' : 'to_entity_id'));
  if (!otherOk) errors.add(fieldError.notFound(from === 'leads' ? 'to_entity_id' : 'entity_id'));
  if (!errors.ok) return null;
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  const flag = metadata.is_main ?? metadata.main_contact;
  const isMain = typeof flag === 'boolean' ? flag : undefined;
  const echo = {
    entity_id: entityId,
    entity_type: from,
    to_entity_id: toId,
    to_entity_type: toType,
    metadata: isMain === undefined ? null : { main_contact: isMain },
  };
  return { leadId: leadId as number, other, otherId: otherId as number, isMain, echo };
}

function applyLink(world: FakeWorld, now: number, plan: LinkPlan, action: 'link' | 'unlink') {
  const lead = world.account.lead(plan.leadId);
  if (!lead) return;
  if (plan.other === 'companies') {
    const linked = lead.companies.some(c => c.id === plan.otherId);
    if (action === 'link') world.account.setCompany(lead, plan.otherId);
    else if (linked) world.account.setCompany(lead, null);
  } else if (action === 'link') world.account.link(lead, plan.otherId, plan.isMain);
  else world.account.unlink(lead, plan.otherId);
  lead.updated_at = Math.floor(now / 1000);
}
