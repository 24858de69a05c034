// A fuller account for the "whole deal in the sheet" tests (issue 15): lead and contact custom
// fields of every type the sheet maps, several pipelines, companies. It is seeded on demand
// (`admin.seedDealAccount()`), so the default account, and every answer the older tests rely
// on, stay as they were. Users are in the default configuration (`config.users`), since they
// only show through GET /api/v4/users.

import type { CustomFieldDefinition, SeedFieldSpec } from '../types';
import type { FieldCatalog } from './custom-fields';

/** One lead field of each type (multitext lives on contacts, as in AmoCRM's own UI). */
export const DEAL_LEAD_FIELDS: SeedFieldSpec[] = [
  { name: 'Источник', type: 'text' },
  { name: 'Комментарий', type: 'textarea' },
  { name: 'Сайт', type: 'url' },
  { name: 'Количество', type: 'numeric' },
  { name: 'Оплачено', type: 'checkbox' },
  { name: 'Дата встречи', type: 'date' },
  { name: 'Время звонка', type: 'date_time' },
  { name: 'Город', type: 'select', enums: ['Москва', 'Казань', 'Пермь'] },
  { name: 'Канал', type: 'radiobutton', enums: ['Звонок', 'Форма', 'Почта'] },
  { name: 'Продукты', type: 'multiselect', enums: ['CRM', 'Телефония', 'Аналитика'] },
];

/**
 * One contact field of each type. `Комментарий` shares its name with a lead field (the sheet's
 * `lead:` / `contact:` prefixes), and the predefined PHONE field is named `Телефон`, the Russian
 * alias of the fixed `phone` column.
 */
export const DEAL_CONTACT_FIELDS: SeedFieldSpec[] = [
  { name: 'Должность', type: 'text' },
  { name: 'Комментарий', type: 'textarea' },
  { name: 'Профиль', type: 'url' },
  { name: 'Возраст', type: 'numeric' },
  { name: 'Согласие на рассылку', type: 'checkbox' },
  { name: 'День рождения', type: 'date' },
  { name: 'Последний визит', type: 'date_time' },
  { name: 'Язык', type: 'select', enums: ['Русский', 'English'] },
  { name: 'Пол', type: 'radiobutton', enums: ['Мужской', 'Женский'] },
  { name: 'Интересы', type: 'multiselect', enums: ['Скидки', 'Новинки', 'Мероприятия'] },
  {
    name: 'Мессенджер',
    type: 'multitext',
    code: 'IM',
    enums: ['SKYPE', 'ICQ', 'JABBER', 'GTALK', 'MSN', 'OTHER'],
  },
];

/** Companies already in the account. */
export const DEAL_COMPANIES = ['ООО «Ромашка»', 'ИП Иванов', 'Acme Corp'];

/** The definitions of these field ids, keyed by type (each type appears once per entity). */
export function fieldsByType(
  catalog: FieldCatalog,
  ids: number[]
): Record<string, CustomFieldDefinition> {
  const defs = catalog.list().filter(def => ids.includes(def.id));
  return Object.fromEntries(defs.map(def => [def.type, def]));
}
