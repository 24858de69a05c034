// GET /api/v4/users and /api/v4/users/{id}: the account's users with their rights. amoCRM
// "Пользователи и роли" (crm_platform/users-api): «Метод доступен только с правами
// администратора аккаунта», so both are admin-only (403 for another user's token, see
// adminOnly in api-routes.ts). Rights are rendered from `isAdmin`: an admin may do
// everything ("A"), the others work with their own entities ("M" is AmoCRM's "only own").

import { link } from '../core/presenters';
import { ApiResponse, NO_CONTENT, hal } from '../core/problems';
import type { AccountUserConfig } from '../types';
import { countedPage } from './api-common';
import type { FakeWorld } from './fake-world';
import type { ApiRequest } from './route-table';

export function listUsers(world: FakeWorld, req: ApiRequest): ApiResponse {
  return countedPage(req, world.config.users, 'users', user => renderUser(user, req.base));
}

export function getUser(world: FakeWorld, req: ApiRequest): ApiResponse {
  const user = world.config.users.find(u => u.id === req.params.id);
  return user ? hal(renderUser(user, req.base)) : NO_CONTENT;
}

function renderUser(user: AccountUserConfig, base: string) {
  const level = user.isAdmin ? 'A' : 'M';
  const entity = { view: level, edit: level, add: 'A', delete: level, export: level };
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    lang: 'ru',
    rights: {
      leads: entity,
      contacts: entity,
      companies: entity,
      tasks: { edit: level, delete: level },
      mail_access: true,
      catalog_access: true,
      files_access: true,
      status_rights: [],
      catalog_rights: null,
      custom_fields_rights: null,
      oper_day_reports_view_access: false,
      oper_day_user_tracking: false,
      is_admin: user.isAdmin,
      is_free: false,
      is_active: user.isActive,
      group_id: null,
      role_id: null,
    },
    _links: link(`${base}/api/v4/users/${user.id}`),
  };
}
