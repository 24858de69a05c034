// What a person reads about a mapped column (a custom field, status, pipeline): why a value
// does not fit, in the person's language, naming the column as its header is written and
// saying what fits. Kept beside messages.ts, with the same two languages.
import type { Lang } from './lang';

const en = {
  column: (header: string, reason: string) => `column "${header}": ${reason}`,
  notNumber: (quoted: string) => `${quoted} is not a number`,
  notCheckbox: (quoted: string) => `${quoted} is not TRUE or FALSE (tick or untick the box)`,
  notDate: (quoted: string) => `${quoted} is not a date (e.g. 2026-12-31)`,
  notDateTime: (quoted: string) => `${quoted} is not a date and time (e.g. 2026-12-31 14:30)`,
  notUrl: (quoted: string) => `${quoted} is not a web address (e.g. https://example.com)`,
  notOption: (quoted: string, options: string) => `${quoted} is not one of: ${options}`,
  notStage: (quoted: string, pipeline: string, stages: string) =>
    `${quoted} is not a stage of the pipeline "${pipeline}"; its stages: ${stages}`,
  fixedColumn: (key: string) => `fixed: ${key}`,
  unknownField: (header: string, target: string) =>
    `Column "${header}": AmoCRM has no field "${target}".`,
  /** Starts with "AmoCRM:" in every language: that is how the script knows its own dropdowns. */
  dropdownHelp: 'AmoCRM: pick a value; the list follows AmoCRM',
  usersNotRead: "AmoCRM's users are not read yet: the next background run reads them",
  usersNeedAdmin:
    "AmoCRM's users can be read only with an administrator's token (connect the integration as an AmoCRM administrator)",
};

export type FieldMessages = typeof en;

const ru: FieldMessages = {
  column: (header: string, reason: string) => `столбец «${header}»: ${reason}`,
  notNumber: (quoted: string) => `${quoted} — не число`,
  notCheckbox: (quoted: string) => `${quoted} — не TRUE и не FALSE (поставьте или снимите флажок)`,
  notDate: (quoted: string) => `${quoted} — не дата (например, 31.12.2026)`,
  notDateTime: (quoted: string) => `${quoted} — не дата со временем (например, 31.12.2026 14:30)`,
  notUrl: (quoted: string) => `${quoted} — не веб-адрес (например, https://example.com)`,
  notOption: (quoted: string, options: string) =>
    `${quoted} — нет такого варианта; есть: ${options}`,
  notStage: (quoted: string, pipeline: string, stages: string) =>
    `${quoted} — нет такого этапа в воронке «${pipeline}»; этапы: ${stages}`,
  fixedColumn: (key: string) => `основной: ${key}`,
  unknownField: (header: string, target: string) =>
    `Столбец «${header}»: в AmoCRM нет поля «${target}».`,
  dropdownHelp: 'AmoCRM: выберите значение; список обновляется из AmoCRM',
  usersNotRead: 'пользователи AmoCRM ещё не прочитаны: их прочитает следующий фоновый запуск',
  usersNeedAdmin:
    'список пользователей AmoCRM доступен только с токеном администратора (подключите интеграцию от имени администратора AmoCRM)',
};

export function fieldMessages(lang: Lang): FieldMessages {
  return lang === 'ru' ? ru : en;
}
