// The one message catalogue: every text a person reads (menu, toasts, alerts, the Settings…
// dialog, the log sheet, row errors), one object per language with the same keys. A text with
// values in it is a function, so no sentence is ever assembled from pieces of two languages.
// AmoCRM's screens are named as that language's AmoCRM interface names them.
import type { Lang } from './lang';

/** The fields a person fills in, as the dialog labels them (errors name these, not properties). */
export type FieldName =
  | 'baseUrl'
  | 'token'
  | 'clientId'
  | 'clientSecret'
  | 'redirectUri'
  | 'authCode'
  | 'pipeline'
  | 'status'
  | 'sheetName'
  | 'region'
  | 'webhookSecret'
  | 'importNewLeads'
  | 'importPipelines';

/** What a first run still lacks, in the order a person fixes it. */
export type SetupStep = 'address' | 'credentials' | 'pipeline' | 'triggers';

const en = {
  lang: 'en' as Lang,
  menu: {
    title: 'AmoCRM',
    syncNow: 'Sync now',
    importRows: 'Import existing rows',
    exportLeads: 'Add AmoCRM leads as rows',
    settings: 'Settings…',
    settingsFirst: 'Settings… (start here)',
    installTriggers: 'Install triggers',
    installTriggersNext: 'Install triggers (next step)',
    webhookUrl: 'Show webhook URL',
    openLog: 'Open sync log',
  },
  titles: {
    sync: 'AmoCRM sync',
    importRows: 'AmoCRM import',
    exportLeads: 'AmoCRM leads to rows',
    error: 'AmoCRM: error',
    setup: 'AmoCRM: set-up',
    triggers: 'AmoCRM triggers',
    webhookUrl: 'AmoCRM webhook URL',
    settings: 'AmoCRM settings',
    columns: 'AmoCRM: columns',
  },
  fields: {
    baseUrl: 'Account address',
    token: 'Long-lived token',
    clientId: 'Integration ID',
    clientSecret: 'Secret key',
    redirectUri: 'Redirect URI',
    authCode: 'Authorization code',
    pipeline: 'Pipeline',
    status: 'Starting status',
    sheetName: 'Sheet name',
    region: 'Phone region',
    webhookSecret: 'Webhook secret',
    importNewLeads: 'Add leads created in AmoCRM as rows',
    importPipelines: 'Pipelines to add (ids, comma-separated; empty: all)',
  } satisfies Record<FieldName, string>,
  setup: {
    missing: {
      address: 'the AmoCRM account address',
      credentials: 'a long-lived token (or the OAuth fields)',
      pipeline: 'the pipeline and starting status for new leads',
      triggers: 'the triggers',
    } satisfies Record<SetupStep, string>,
    /** Sync now / Import before the settings are saved. */
    notConfigured: (missing: string[]) =>
      `Nothing was synced: the script is not set up yet. Open AmoCRM → Settings… and fill in ${missing.join(', ')}, then press Save.`,
    triggersMissing:
      'The settings are saved, but the triggers are not installed: edits will not sync by themselves. Use AmoCRM → Install triggers.',
    triggersRefused: (missing: string[]) =>
      `Triggers not installed: the script is not set up yet. Open AmoCRM → Settings… and fill in ${missing.join(', ')} first; saving offers to install the triggers.`,
    triggersReady: (created: number, removed: number) =>
      created === 0 && removed === 0
        ? "The triggers were already installed: edits sync at once; a background run every minute applies AmoCRM's webhooks and retries, and every 10 minutes catches up."
        : `Triggers installed: edits sync at once; a background run every minute applies AmoCRM's webhooks and retries, and every 10 minutes catches up (created ${created}, removed ${removed}).`,
    prepareFailed: (reason: string) =>
      `The triggers are installed, but AmoCRM could not be checked: ${reason}`,
    webhookUrlMissing:
      'There is no webhook URL yet: deploy the script as a web app (Deploy → New deployment → Web app), then open the web app URL (ending in /exec) once in a browser, or paste it in AmoCRM → Settings…, and save.',
    nothingLogged: 'Nothing has been logged yet.',
    backgroundIdle: 'not set up yet: nothing to do',
    openHint: (missing: string[]) =>
      `AmoCRM sync is not set up yet: open AmoCRM → Settings… (start here) and fill in ${missing.join(', ')}.`,
  },
  sync: {
    summary: (s: {
      created: number;
      updated: number;
      unchanged: number;
      errors: number;
      pending: number;
      pulled: number;
    }) =>
      `Created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}, errors ${s.errors}, waiting ${s.pending}; rows updated from AmoCRM ${s.pulled}.`,
    rowErrors: (n: number) =>
      `${n} ${n === 1 ? 'row has' : 'rows have'} an error: see sync_status and the AmoCRM log sheet.`,
    leadsAdded: (n: number) =>
      `${n} ${n === 1 ? 'lead' : 'leads'} created in AmoCRM added as ${n === 1 ? 'a row' : 'rows'} at the bottom.`,
    progress: (done: number, total: number) => `Working: ${done} of ${total} rows done…`,
    busy: 'Another run of the script is working on the sheet right now; the next background run (within a minute or two) does this.',
    continues: (done: number, total: number) =>
      `${done} of ${total} rows done; the background run (every minute) does the rest and says here when it has finished.`,
    backgroundFinished: (flow: 'import' | 'sync', total: number) =>
      `${flow === 'import' ? 'The import' : 'Sync now'} started from the menu has finished: ${total} rows done.`,
  },
  importRows: {
    summary: (s: { created: number; errors: number; left: number }) =>
      `Imported ${s.created}, errors ${s.errors}, left ${s.left}.`,
    nothingToDo: 'Every row already has a lead: nothing to import.',
  },
  exportLeads: {
    finished: (added: number, total: number) =>
      added === total
        ? `Added ${added} ${added === 1 ? 'row' : 'rows'} for AmoCRM leads that no row had.`
        : `Added ${added} more rows; ${total} rows for AmoCRM leads that no row had are in the sheet now.`,
    nothingToDo: 'Every lead of the chosen pipelines already has a row: nothing to add.',
    continues: (added: number, total: number) =>
      `Added ${added} rows (${total} so far); the background run (every minute) adds the rest and says here when it has finished.`,
  },
  columns: {
    offer: (missing: string[], sheet: string) =>
      `The sheet "${sheet}" lacks the columns the script writes: ${missing.join(', ')}. Add them at the right of row 1?`,
    added: (n: number) => `Added ${n} ${n === 1 ? 'column' : 'columns'}.`,
    headers: {
      name: 'name',
      phone: 'phone',
      email: 'email',
      budget: 'budget',
      amo_deal_id: 'amo_deal_id',
      amo_contact_id: 'amo_contact_id',
      amo_link: 'amo_link',
      status: 'status',
      external_id: 'external_id',
      sync_status: 'sync_status',
    } as Record<string, string>,
  },
  settings: {
    baseUrlBad: (given: string) =>
      given
        ? `"${given}" is not an AmoCRM address: type it as your browser shows it, like mycompany.amocrm.ru.`
        : 'Fill in the account address, like mycompany.amocrm.ru.',
    redirectBad: 'The redirect URI must be a web address: the one saved in the AmoCRM integration.',
    pipelineBad: (given: string) =>
      `Choose a pipeline from the list (press Load pipelines), not "${given}".`,
    statusBad: (given: string) =>
      `Choose a starting status from the list (press Load pipelines), not "${given}".`,
    pipelineBoth: 'Choose both the pipeline and its starting status, or neither.',
    regionBad: (given: string) =>
      `Type a two-letter country code such as RU or KZ, not "${given}".`,
    importPipelinesBad: (given: string) =>
      `Pipelines are given by their ids (numbers, as Load pipelines shows them), separated by commas; not "${given}".`,
    sheetMissing: (name: string) =>
      `This spreadsheet has no sheet named "${name}"; leave the field empty for the first sheet.`,
    credentialsMissing:
      'Choose how the script signs in to AmoCRM: paste a long-lived token, or fill in the OAuth fields.',
    oauthIncomplete: (missing: string[]) => `For OAuth, fill in ${missing.join(', ')}.`,
    notDeployed:
      'The script is not deployed as a web app yet, so there is no webhook URL to subscribe: deploy it (Deploy → New deployment → Web app), or untick "Subscribe this URL in AmoCRM".',
    noPipeline: (id: number) =>
      `AmoCRM has no pipeline ${id} in this account: press Load pipelines and choose one.`,
    statusIncoming: (pipeline: string) =>
      `The chosen status of "${pipeline}" is the incoming stage, where AmoCRM does not let the API add leads: choose another.`,
    statusMissing: (pipeline: string) =>
      `The chosen status no longer exists in "${pipeline}": press Load pipelines and choose another.`,
    unreachable: (host: string) =>
      `Could not reach ${host}: check the account address and the network.`,
    tooSlow: (host: string) => `${host} did not answer in time; try again in a minute.`,
    notAmo: (host: string) =>
      `${host} answered, but it is not an AmoCRM account: check the account address.`,
    tokenRefused:
      'AmoCRM did not accept the long-lived token: check that it was copied whole (your integration → Keys and scopes), or make a new one.',
    oauthRefused:
      'AmoCRM did not accept the OAuth values: check the integration ID, the secret key and the redirect URI, and paste a fresh authorization code (it is valid for 20 minutes; your integration → Keys and scopes).',
    blocked:
      'AmoCRM refused access: the account may be blocked or the token lacks the rights (only an administrator can make one).',
    tokenExpired:
      'AmoCRM no longer accepts the long-lived token: it has expired or was revoked. Make a new one (your integration → Keys and scopes) and paste it in AmoCRM → Settings….',
    oauthLost:
      'AmoCRM no longer accepts the script’s access: paste a fresh authorization code (your integration → Keys and scopes) in AmoCRM → Settings… and save.',
    renewing:
      'Another run of the script is renewing the AmoCRM access right now; the work is retried later.',
    retryLater: (host: string) =>
      `${host} could not be reached or was busy; the script retries by itself.`,
    amoAnswered: (status: number) =>
      `AmoCRM answered with an error (HTTP ${status}); try again, and check the settings if it repeats.`,
    unexpected: 'Something went wrong; try again in a minute.',
    fixFields: (n: number) => (n === 1 ? 'Fix the marked field.' : `Fix the ${n} marked fields.`),
    saved: (account: string) => `Saved. Connected to the AmoCRM account "${account}".`,
    secretGenerated: 'A webhook secret was generated.',
    deployForUrl: 'Deploy the script as a web app to get the webhook URL.',
    subscribed: 'AmoCRM now sends lead and contact changes to the webhook URL.',
    copyUrl: 'Copy the webhook URL into AmoCRM, or tick "Subscribe this URL in AmoCRM" and save.',
    choosePipeline: 'Choose the pipeline and starting status for new leads before syncing.',
    triggersInstalled: 'The triggers are installed: edits sync by themselves.',
    columnsAdded: (names: string[]) => `Columns added to the sheet: ${names.join(', ')}.`,
    nextImport: 'Next: AmoCRM → Import existing rows, or type a new row.',
    connected: (account: string) => `Connected to the AmoCRM account "${account}".`,
  },
  state: {
    hookOn: 'Webhook: subscribed in AmoCRM',
    hookOff: 'Webhook: not subscribed',
    hookUnknown: 'Webhook: not checked yet',
    hookDisabled: (minutes: number) =>
      `Webhook: switched off by AmoCRM after failed deliveries; the script switches it back on and pulls changes every ${minutes} minutes meanwhile`,
    hookAdminNeeded: (minutes: number) =>
      `Webhook: subscribing needs an AmoCRM administrator; the script pulls changes every ${minutes} minutes instead`,
    hookNoUrl:
      'Webhook: deploy the script as a web app and open its URL (ending in /exec) once in a browser',
    hookOnSave: 'Webhook: its URL appears when you save',
    triggersOn: 'Triggers: installed',
    triggersOff: 'Triggers: not installed (saving installs them)',
    lastSync: (when: string) => `Last sync: ${when}`,
    neverSynced: 'Last sync: never',
  },
  log: {
    sheet: 'AmoCRM log',
    header: ['time', 'flow', 'row or lead', 'outcome', 'message'],
    flows: {
      edit: 'edit',
      sync: 'sync',
      import: 'import',
      background: 'background',
      webhook: 'webhook',
      reconcile: 'reconcile',
      export: 'leads to rows',
    } as Record<string, string>,
    outcomes: {
      failed: 'failed',
      recovered: 'recovered',
      refused: 'refused',
      queued: 'queued',
      deferred: 'deferred',
      finished: 'finished',
    } as Record<string, string>,
    rows: (count: number, first: string, last: string) => `rows ×${count}: ${first} … ${last}`,
    /** Targets, for the sync core's entries: `row 5`, `lead 123`. */
    row: (row: number) => `row ${row}`,
    lead: (id: number) => `lead ${id}`,
    rowRecovered: 'the row had an error and is synced again',
  },
  dates: {
    months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  },
  /**
   * The texts of a row's sync_status, for the sync core: a failed row begins with `error` /
   * `ошибка` (the contract), a synced one says when in the spreadsheet's time zone
   * (`when` from shortDate).
   */
  status: {
    synced: (when: string) => `✓ synced ${when}`,
    error: (reason: string) => `error: ${reason}`,
    retrying: (reason: string) => `error: ${reason}; will retry automatically`,
    pending: (reason: string) => `pending: ${reason}`,
    nextRun: 'will continue on the next run',
    checkFirst: (reason: string) => `${reason}; the next run checks AmoCRM before retrying`,
    contactBusy: 'another run is creating a contact with this email or phone',
    syncing: 'syncing…',
    deleted: 'deleted: the lead was deleted in AmoCRM (clear amo_deal_id to create a new one)',
  },
  row: {
    cellError: (field: string, error: string) =>
      `${field} shows the error ${error}: fix the cell's formula or value`,
    nameDate: 'name is a date: format the cell as plain text',
    nameNotText: 'name is not text',
    nameTooLong: (length: number, max: number) =>
      `name is too long: ${length} characters, at most ${max} allowed`,
    emailNotAddress: 'email is not an address',
    emailBad: (quoted: string) => `email ${quoted} is not a valid address`,
    budgetBoolean: (value: string) => `budget ${value} is not a number`,
    budgetDate: 'budget is a date, not a number: format the cell as a number',
    budgetNotNumber: (quoted: string) => `budget ${quoted} is not a number`,
    budgetOther: 'budget is not a number',
    budgetNegative: (quoted: string) => `budget ${quoted} is negative`,
    budgetAmbiguous: (quoted: string) =>
      `budget ${quoted} is ambiguous: write it without separators, e.g. 1500`,
    budgetTooBig: (quoted: string, max: number) =>
      `budget ${quoted} is more than AmoCRM allows (${max})`,
    phoneBoolean: (value: string) => `phone ${value} is not a phone number`,
    phoneDate: 'phone is a date, not a phone number: format the cell as plain text',
    phoneOther: 'phone is not a phone number',
    phoneExtension: (quoted: string) =>
      `phone ${quoted} has an extension: keep only the main number`,
    phoneBad: (quoted: string) => `phone ${quoted} is not a valid number`,
    phoneShort: (quoted: string) => `phone ${quoted} is too short`,
    phoneLong: (quoted: string) => `phone ${quoted} is too long`,
    phoneNoCountry: (quoted: string) => `phone ${quoted} has no country code: add it with +`,
    phoneNotInRegion: (quoted: string, country: string) =>
      `phone ${quoted} is not a valid ${country} number: for a foreign number add the country code with +`,
    phoneUnknownCountry: (quoted: string) => `phone ${quoted} has an unknown country code`,
    phoneWrongLength: (quoted: string) => `phone ${quoted} has the wrong number of digits`,
    errorPrefix: 'error',
  },
  dialog: {
    title: 'AmoCRM settings',
    legendColumns: 'Columns',
    showColumns: 'Show columns',
    saveColumns: 'Save columns',
    columnsHint:
      'A column syncs with the lead or contact field of its header. Choose a field for a column whose header differs.',
    columnByHeader: '(by its header)',
    columnNotSynced: 'not synced',
    columnLead: "the lead's own",
    columnsNoSheet: 'The synced sheet was not found: check the sheet name.',
    columnsSaved: 'Columns saved; the next sync uses them.',
    legendAccount: 'AmoCRM account',
    legendLeads: 'New leads',
    legendSheet: 'Sheet',
    legendWebhook: 'Webhook',
    legendFromAmo: 'Leads created in AmoCRM',
    importHint:
      'A lead a web form, a manager or a robot creates in these pipelines becomes a row at the bottom within a minute or two. AmoCRM → Add AmoCRM leads as rows adds the leads that exist already.',
    authChoice: 'How the script signs in',
    authToken: 'Long-lived token (private integration)',
    authOauth: 'OAuth (integration ID, secret key, code)',
    baseUrlHint: 'As your browser shows it, e.g. mycompany.amocrm.ru',
    tokenHint: 'Your integration in AmoCRM → Keys and scopes; paste it whole.',
    oauthHint:
      'From your integration → Keys and scopes; the authorization code is valid for 20 minutes.',
    clear: 'clear',
    newSecret: 'make a new one',
    secretHint: 'Left empty, a random secret is generated on save.',
    webhookUrl: 'Webhook URL',
    subscribe:
      'Subscribe this URL in AmoCRM (leads: add, update, status, delete; contacts: update)',
    test: 'Test connection',
    loadPipelines: 'Load pipelines',
    save: 'Save',
    close: 'Close',
    copy: 'Copy',
    saved: 'saved — leave empty to keep',
    notSet: 'not set',
    generated: 'generated on save',
    firstSheet: 'the first sheet',
    deployFirst: 'deploy the script as a web app, then save',
    urlOnSave: 'appears when you save',
    addColumns: 'Add columns',
    adding: 'Adding the columns…',
    choose: '— choose —',
    pressLoad: '— press Load pipelines —',
    notInList: '(not in AmoCRM’s list)',
    loading: 'Loading the settings…',
    connecting: 'Connecting to AmoCRM…',
    reading: 'Reading the pipelines…',
    saving: 'Checking and saving…',
    pipelinesLoaded: 'Pipelines loaded: {n}.',
    connectedTo: 'Connected to the AmoCRM account “{account}”.',
    copied: 'Copied.',
    copyByHand: 'Select the URL and copy it (Ctrl+C).',
    noAnswer: 'The server gave no answer.',
  },
};

export type Messages = typeof en;

const ru: Messages = {
  lang: 'ru',
  menu: {
    title: 'AmoCRM',
    syncNow: 'Синхронизировать сейчас',
    importRows: 'Импортировать строки',
    exportLeads: 'Добавить сделки AmoCRM строками',
    settings: 'Настройки…',
    settingsFirst: 'Настройки… (начните здесь)',
    installTriggers: 'Установить триггеры',
    installTriggersNext: 'Установить триггеры (следующий шаг)',
    webhookUrl: 'Показать адрес вебхука',
    openLog: 'Открыть журнал',
  },
  titles: {
    sync: 'AmoCRM: синхронизация',
    importRows: 'AmoCRM: импорт',
    exportLeads: 'AmoCRM: сделки в строки',
    error: 'AmoCRM: ошибка',
    setup: 'AmoCRM: настройка',
    triggers: 'AmoCRM: триггеры',
    webhookUrl: 'AmoCRM: адрес вебхука',
    settings: 'Настройки AmoCRM',
    columns: 'AmoCRM: столбцы',
  },
  fields: {
    baseUrl: 'Адрес аккаунта',
    token: 'Долгосрочный токен',
    clientId: 'ID интеграции',
    clientSecret: 'Секретный ключ',
    redirectUri: 'Адрес перенаправления (Redirect URI)',
    authCode: 'Код авторизации',
    pipeline: 'Воронка',
    status: 'Начальный этап',
    sheetName: 'Имя листа',
    region: 'Страна телефонов',
    webhookSecret: 'Секрет вебхука',
    importNewLeads: 'Добавлять строками сделки, созданные в AmoCRM',
    importPipelines: 'Воронки для добавления (ID через запятую; пусто — все)',
  },
  setup: {
    missing: {
      address: 'адрес аккаунта AmoCRM',
      credentials: 'долгосрочный токен (или поля OAuth)',
      pipeline: 'воронку и начальный этап для новых сделок',
      triggers: 'триггеры',
    },
    notConfigured: (missing: string[]) =>
      `Ничего не синхронизировано: скрипт ещё не настроен. Откройте AmoCRM → Настройки…, укажите ${missing.join(', ')} и нажмите «Сохранить».`,
    triggersMissing:
      'Настройки сохранены, но триггеры не установлены: правки сами не синхронизируются. Выберите AmoCRM → Установить триггеры.',
    triggersRefused: (missing: string[]) =>
      `Триггеры не установлены: скрипт ещё не настроен. Сначала откройте AmoCRM → Настройки… и укажите ${missing.join(', ')}; при сохранении будет предложено установить триггеры.`,
    triggersReady: (created: number, removed: number) =>
      created === 0 && removed === 0
        ? 'Триггеры уже были установлены: правки синхронизируются сразу, фоновый запуск каждую минуту применяет вебхуки AmoCRM и повторяет неудачное, а раз в 10 минут догоняет изменения.'
        : `Триггеры установлены: правки синхронизируются сразу, фоновый запуск каждую минуту применяет вебхуки AmoCRM и повторяет неудачное, а раз в 10 минут догоняет изменения (создано ${created}, удалено ${removed}).`,
    prepareFailed: (reason: string) =>
      `Триггеры установлены, но проверить AmoCRM не удалось: ${reason}`,
    webhookUrlMissing:
      'Адреса вебхука ещё нет: разверните скрипт как веб-приложение (Начать развертывание → Новое развертывание → Веб-приложение), затем один раз откройте адрес веб-приложения (оканчивается на /exec) в браузере или вставьте его в AmoCRM → Настройки… и сохраните.',
    nothingLogged: 'В журнале пока ничего нет.',
    backgroundIdle: 'скрипт ещё не настроен: делать нечего',
    openHint: (missing: string[]) =>
      `Синхронизация с AmoCRM ещё не настроена: откройте AmoCRM → Настройки… (начните здесь) и укажите ${missing.join(', ')}.`,
  },
  sync: {
    summary: s =>
      `Создано ${s.created}, обновлено ${s.updated}, без изменений ${s.unchanged}, ошибок ${s.errors}, ожидают ${s.pending}; строк обновлено из AmoCRM ${s.pulled}.`,
    rowErrors: (n: number) =>
      `Строк с ошибкой: ${n}. Причина — в столбце sync_status и на листе журнала AmoCRM.`,
    leadsAdded: (n: number) => `Сделок, созданных в AmoCRM, добавлено строками внизу листа: ${n}.`,
    progress: (done: number, total: number) => `Идёт работа: готово ${done} из ${total} строк…`,
    busy: 'Сейчас с листом работает другой запуск скрипта; это сделает следующий фоновый запуск (через минуту-две).',
    continues: (done: number, total: number) =>
      `Готово ${done} из ${total} строк; остальное сделает фоновый запуск (каждую минуту) и сообщит здесь, когда закончит.`,
    backgroundFinished: (flow: 'import' | 'sync', total: number) =>
      `${flow === 'import' ? 'Импорт, запущенный' : 'Синхронизация, запущенная'} из меню, завершён${flow === 'import' ? '' : 'а'}: готово строк — ${total}.`,
  },
  importRows: {
    summary: s => `Импортировано ${s.created}, ошибок ${s.errors}, осталось ${s.left}.`,
    nothingToDo: 'У каждой строки уже есть сделка: импортировать нечего.',
  },
  exportLeads: {
    finished: (added: number, total: number) =>
      added === total
        ? `Добавлено строк для сделок AmoCRM, которых не было в таблице: ${added}.`
        : `Добавлено ещё строк: ${added}; всего добавлено строк для сделок AmoCRM: ${total}.`,
    nothingToDo: 'У каждой сделки выбранных воронок уже есть строка: добавлять нечего.',
    continues: (added: number, total: number) =>
      `Добавлено строк: ${added} (всего ${total}); остальное добавит фоновый запуск (каждую минуту) и сообщит здесь, когда закончит.`,
  },
  columns: {
    offer: (missing: string[], sheet: string) =>
      `На листе «${sheet}» нет столбцов, в которые пишет скрипт: ${missing.join(', ')}. Добавить их справа в первой строке?`,
    added: (n: number) => `Добавлено столбцов: ${n}.`,
    headers: {
      name: 'Имя',
      phone: 'Телефон',
      email: 'Эл. почта',
      budget: 'Бюджет',
      amo_deal_id: 'ID сделки',
      amo_contact_id: 'ID контакта',
      amo_link: 'Ссылка на сделку',
      status: 'Статус',
      external_id: 'Внешний ID',
      sync_status: 'Статус синхронизации',
    },
  },
  settings: {
    baseUrlBad: (given: string) =>
      given
        ? `«${given}» — не адрес AmoCRM: введите его так, как он виден в браузере, например mycompany.amocrm.ru.`
        : 'Укажите адрес аккаунта, например mycompany.amocrm.ru.',
    redirectBad:
      'Адрес перенаправления должен быть веб-адресом — тем, что сохранён в интеграции AmoCRM.',
    pipelineBad: (given: string) =>
      `Выберите воронку из списка (кнопка «Загрузить воронки»), а не «${given}».`,
    statusBad: (given: string) =>
      `Выберите начальный этап из списка (кнопка «Загрузить воронки»), а не «${given}».`,
    pipelineBoth: 'Выберите и воронку, и её начальный этап — или ни то, ни другое.',
    regionBad: (given: string) =>
      `Введите двухбуквенный код страны, например RU или KZ, а не «${given}».`,
    importPipelinesBad: (given: string) =>
      `Воронки указываются номерами (ID, как их показывает «Загрузить воронки») через запятую, а не «${given}».`,
    sheetMissing: (name: string) =>
      `В таблице нет листа «${name}»; оставьте поле пустым, чтобы использовать первый лист.`,
    credentialsMissing:
      'Выберите, как скрипт входит в AmoCRM: вставьте долгосрочный токен или заполните поля OAuth.',
    oauthIncomplete: (missing: string[]) => `Для OAuth заполните: ${missing.join(', ')}.`,
    notDeployed:
      'Скрипт ещё не развёрнут как веб-приложение, поэтому адреса вебхука нет: разверните его (Начать развертывание → Новое развертывание → Веб-приложение) или снимите флажок «Подписать этот адрес в AmoCRM».',
    noPipeline: (id: number) =>
      `В этом аккаунте AmoCRM нет воронки ${id}: нажмите «Загрузить воронки» и выберите другую.`,
    statusIncoming: (pipeline: string) =>
      `Выбранный этап воронки «${pipeline}» — «Неразобранное», куда AmoCRM не даёт добавлять сделки через API: выберите другой.`,
    statusMissing: (pipeline: string) =>
      `Выбранного этапа больше нет в воронке «${pipeline}»: нажмите «Загрузить воронки» и выберите другой.`,
    unreachable: (host: string) =>
      `Не удалось связаться с ${host}: проверьте адрес аккаунта и подключение к сети.`,
    tooSlow: (host: string) => `${host} не ответил вовремя; попробуйте ещё раз через минуту.`,
    notAmo: (host: string) =>
      `${host} ответил, но это не аккаунт AmoCRM: проверьте адрес аккаунта.`,
    tokenRefused:
      'AmoCRM не принял долгосрочный токен: проверьте, что он скопирован целиком (ваша интеграция → «Ключи и доступы»), или создайте новый.',
    oauthRefused:
      'AmoCRM не принял данные OAuth: проверьте ID интеграции, секретный ключ и адрес перенаправления и вставьте свежий код авторизации (он действует 20 минут; ваша интеграция → «Ключи и доступы»).',
    blocked:
      'AmoCRM отказал в доступе: аккаунт может быть заблокирован, или у токена нет прав (создать его может только администратор).',
    tokenExpired:
      'AmoCRM больше не принимает долгосрочный токен: срок его действия истёк или он отозван. Создайте новый (ваша интеграция → «Ключи и доступы») и вставьте его в AmoCRM → Настройки….',
    oauthLost:
      'AmoCRM больше не принимает доступ скрипта: вставьте свежий код авторизации (ваша интеграция → «Ключи и доступы») в AmoCRM → Настройки… и сохраните.',
    renewing: 'Другой запуск скрипта сейчас обновляет доступ к AmoCRM; работа продолжится позже.',
    retryLater: (host: string) => `${host} недоступен или занят; скрипт повторит попытку сам.`,
    amoAnswered: (status: number) =>
      `AmoCRM ответил ошибкой (HTTP ${status}); попробуйте ещё раз, а если повторится — проверьте настройки.`,
    unexpected: 'Что-то пошло не так; попробуйте ещё раз через минуту.',
    fixFields: (n: number) =>
      n === 1 ? 'Исправьте отмеченное поле.' : `Исправьте отмеченные поля (${n}).`,
    saved: (account: string) => `Сохранено. Подключено к аккаунту AmoCRM «${account}».`,
    secretGenerated: 'Создан секрет вебхука.',
    deployForUrl: 'Разверните скрипт как веб-приложение, чтобы получить адрес вебхука.',
    subscribed: 'Теперь AmoCRM отправляет изменения сделок и контактов на адрес вебхука.',
    copyUrl:
      'Вставьте адрес вебхука в AmoCRM или отметьте «Подписать этот адрес в AmoCRM» и сохраните.',
    choosePipeline: 'Перед синхронизацией выберите воронку и начальный этап для новых сделок.',
    triggersInstalled: 'Триггеры установлены: правки синхронизируются сами.',
    columnsAdded: (names: string[]) => `На лист добавлены столбцы: ${names.join(', ')}.`,
    nextImport: 'Дальше: AmoCRM → Импортировать строки, или введите новую строку.',
    connected: (account: string) => `Подключено к аккаунту AmoCRM «${account}».`,
  },
  state: {
    hookOn: 'Вебхук: подписан в AmoCRM',
    hookOff: 'Вебхук: не подписан',
    hookUnknown: 'Вебхук: ещё не проверен',
    hookDisabled: (minutes: number) =>
      `Вебхук: AmoCRM отключил его после неудачных доставок; скрипт включает его снова, а пока забирает изменения каждые ${minutes} мин.`,
    hookAdminNeeded: (minutes: number) =>
      `Вебхук: подписку может сделать только администратор AmoCRM; скрипт забирает изменения каждые ${minutes} мин.`,
    hookNoUrl:
      'Вебхук: разверните скрипт как веб-приложение и один раз откройте его адрес (оканчивается на /exec) в браузере',
    hookOnSave: 'Вебхук: адрес появится после сохранения',
    triggersOn: 'Триггеры: установлены',
    triggersOff: 'Триггеры: не установлены (сохранение их установит)',
    lastSync: (when: string) => `Последняя синхронизация: ${when}`,
    neverSynced: 'Последняя синхронизация: ещё не было',
  },
  log: {
    sheet: 'AmoCRM log',
    header: ['время', 'действие', 'строка или сделка', 'итог', 'сообщение'],
    flows: {
      edit: 'правка',
      sync: 'синхронизация',
      import: 'импорт',
      background: 'фоновый запуск',
      webhook: 'вебхук',
      reconcile: 'сверка',
      export: 'сделки в строки',
    },
    outcomes: {
      failed: 'ошибка',
      recovered: 'восстановлено',
      refused: 'отклонено',
      queued: 'в очереди',
      deferred: 'отложено',
      finished: 'завершено',
    },
    rows: (count: number, first: string, last: string) => `строк ×${count}: ${first} … ${last}`,
    row: (row: number) => `строка ${row}`,
    lead: (id: number) => `сделка ${id}`,
    rowRecovered: 'в строке была ошибка, теперь она снова синхронизирована',
  },
  dates: {
    months: ['янв', 'фев', 'мар', 'апр', 'мая', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'],
  },
  status: {
    synced: (when: string) => `✓ синхронизировано ${when}`,
    error: (reason: string) => `ошибка: ${reason}`,
    retrying: (reason: string) => `ошибка: ${reason}; повторим автоматически`,
    pending: (reason: string) => `ожидает: ${reason}`,
    nextRun: 'продолжится при следующем запуске',
    checkFirst: (reason: string) =>
      `${reason}; следующий запуск сначала проверит AmoCRM, потом повторит`,
    contactBusy: 'другой запуск сейчас создаёт контакт с этим email или телефоном',
    syncing: 'синхронизация…',
    deleted: 'удалена: сделка удалена в AmoCRM (очистите «ID сделки», чтобы создать новую)',
  },
  row: {
    cellError: (field: string, error: string) =>
      `в ячейке «${field}» ошибка ${error}: исправьте формулу или значение`,
    nameDate: 'имя — это дата: задайте ячейке формат «Обычный текст»',
    nameNotText: 'имя — не текст',
    nameTooLong: (length: number, max: number) =>
      `имя слишком длинное: ${length} символов, можно не больше ${max}`,
    emailNotAddress: 'email — не адрес',
    emailBad: (quoted: string) => `email ${quoted} — неверный адрес`,
    budgetBoolean: (value: string) => `бюджет ${value} — не число`,
    budgetDate: 'бюджет — это дата, а не число: задайте ячейке числовой формат',
    budgetNotNumber: (quoted: string) => `бюджет ${quoted} — не число`,
    budgetOther: 'бюджет — не число',
    budgetNegative: (quoted: string) => `бюджет ${quoted} отрицательный`,
    budgetAmbiguous: (quoted: string) =>
      `бюджет ${quoted} можно прочитать двояко: напишите его без разделителей, например 1500`,
    budgetTooBig: (quoted: string, max: number) =>
      `бюджет ${quoted} больше, чем допускает AmoCRM (${max})`,
    phoneBoolean: (value: string) => `телефон ${value} — не номер телефона`,
    phoneDate: 'телефон — это дата, а не номер: задайте ячейке формат «Обычный текст»',
    phoneOther: 'телефон — не номер телефона',
    phoneExtension: (quoted: string) =>
      `в телефоне ${quoted} есть добавочный номер: оставьте только основной`,
    phoneBad: (quoted: string) => `телефон ${quoted} — неверный номер`,
    phoneShort: (quoted: string) => `телефон ${quoted} слишком короткий`,
    phoneLong: (quoted: string) => `телефон ${quoted} слишком длинный`,
    phoneNoCountry: (quoted: string) => `у телефона ${quoted} нет кода страны: добавьте его с +`,
    phoneNotInRegion: (quoted: string, country: string) =>
      `телефон ${quoted} — неверный номер для ${country}: для иностранного номера добавьте код страны с +`,
    phoneUnknownCountry: (quoted: string) => `у телефона ${quoted} неизвестный код страны`,
    phoneWrongLength: (quoted: string) => `в телефоне ${quoted} неверное число цифр`,
    errorPrefix: 'ошибка',
  },
  dialog: {
    title: 'Настройки AmoCRM',
    legendColumns: 'Столбцы',
    showColumns: 'Показать столбцы',
    saveColumns: 'Сохранить столбцы',
    columnsHint:
      'Столбец синхронизируется с полем сделки или контакта, названным как его заголовок. Для столбца с другим заголовком выберите поле.',
    columnByHeader: '(по заголовку)',
    columnNotSynced: 'не синхронизируется',
    columnLead: 'поле самой сделки',
    columnsNoSheet: 'Синхронизируемый лист не найден: проверьте имя листа.',
    columnsSaved: 'Столбцы сохранены; следующая синхронизация их учтёт.',
    legendAccount: 'Аккаунт AmoCRM',
    legendLeads: 'Новые сделки',
    legendSheet: 'Лист',
    legendWebhook: 'Вебхук',
    legendFromAmo: 'Сделки, созданные в AmoCRM',
    importHint:
      'Сделка, которую в этих воронках создаёт веб-форма, менеджер или робот, через минуту-две становится строкой внизу листа. AmoCRM → «Добавить сделки AmoCRM строками» добавляет уже существующие сделки.',
    authChoice: 'Как скрипт входит в AmoCRM',
    authToken: 'Долгосрочный токен (частная интеграция)',
    authOauth: 'OAuth (ID интеграции, секретный ключ, код)',
    baseUrlHint: 'Как в адресной строке браузера, например mycompany.amocrm.ru',
    tokenHint: 'Ваша интеграция в AmoCRM → «Ключи и доступы»; вставьте его целиком.',
    oauthHint: 'Из вашей интеграции → «Ключи и доступы»; код авторизации действует 20 минут.',
    clear: 'удалить',
    newSecret: 'создать новый',
    secretHint: 'Если оставить пустым, при сохранении будет создан случайный секрет.',
    webhookUrl: 'Адрес вебхука',
    subscribe:
      'Подписать этот адрес в AmoCRM (сделки: добавление, изменение, смена этапа, удаление; контакты: изменение)',
    test: 'Проверить подключение',
    loadPipelines: 'Загрузить воронки',
    save: 'Сохранить',
    close: 'Закрыть',
    copy: 'Копировать',
    saved: 'сохранено — оставьте пустым, чтобы не менять',
    notSet: 'не задано',
    generated: 'будет создан при сохранении',
    firstSheet: 'первый лист',
    deployFirst: 'разверните скрипт как веб-приложение и сохраните',
    urlOnSave: 'появится после сохранения',
    addColumns: 'Добавить столбцы',
    adding: 'Добавляю столбцы…',
    choose: '— выберите —',
    pressLoad: '— нажмите «Загрузить воронки» —',
    notInList: '(нет в списке AmoCRM)',
    loading: 'Загрузка настроек…',
    connecting: 'Подключение к AmoCRM…',
    reading: 'Чтение воронок…',
    saving: 'Проверка и сохранение…',
    pipelinesLoaded: 'Воронок загружено: {n}.',
    connectedTo: 'Подключено к аккаунту AmoCRM «{account}».',
    copied: 'Скопировано.',
    copyByHand: 'Выделите адрес и скопируйте его (Ctrl+C).',
    noAnswer: 'Сервер не ответил.',
  },
};

export const MESSAGES: Record<Lang, Messages> = { en, ru };

/** The catalogue of one language. */
export function messages(lang: Lang): Messages {
  return MESSAGES[lang];
}

/** `3 Dec 12:04` / `3 дек 12:04` from a zoned date's parts (the caller formats the numbers). */
export function shortDate(lang: Lang, day: number, month: number, time: string): string {
  return `${day} ${MESSAGES[lang].dates.months[month - 1]} ${time}`;
}
