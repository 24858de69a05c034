// /api/v4/contacts: list (AmoCRM's `query` over the filled fields as stored, filters, order,
// paging, `with=leads`, 204 when empty), one contact, batch add and batch / single update.
// Phones and emails are the PHONE / EMAIL multitext fields, written by field_id or
// field_code with enum_id or enum_code, read back with all four.

import { applyContact, planContact } from '../core/entity-writes';
import { contactSearchText } from '../core/listing';
import { contactChangedEvents } from '../core/manager-actions';
import { renderContact } from '../core/presenters';
import { queueEvents } from './api-common';
import { entityRoutes } from './api-entities';

export const contactRoutes = entityRoutes({
  path: 'contacts',
  all: world => world.account.contacts.values(),
  live: (world, id) => world.account.contact(id),
  searchText: contactSearchText,
  leadsOf: (world, contact) => world.account.leadsOfContact(contact.id),
  render: renderContact,
  plan: (raw, requestId, world) => planContact(raw, requestId, world.account),
  create: ctx => ctx.state.newContact(ctx.nowS, ctx.userId),
  apply: applyContact,
  addedExtras: { is_deleted: false, is_unsorted: false },
  changed: (world, ctx, contact, action) =>
    queueEvents(world, contactChangedEvents(ctx, contact, action)),
});
