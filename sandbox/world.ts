// A whole offline world for end-to-end runs: the AmoCRM fake (over real HTTP, in a worker),
// the local Apps Script runtime with the built bundle, a configured spreadsheet, and the
// web-app front that the fake's webhooks reach. Used by the tests, the sandbox story and the
// benchmark alike, so all three exercise exactly the same wiring.
import { FakeAmoHandle, MAIN_PIPELINE, startFakeAmo } from './amo-fake';
import type { FakeAmoConfigPatch } from './amo-fake';
import { LocalRuntime, RunResult } from './runtime';
import type { LocalRuntimeOptions, WebApp } from './runtime';

export const SHEET = 'Leads';
export const HEADERS = [
  'name',
  'phone',
  'email',
  'budget',
  'Комментарий',
  'amo_deal_id',
  'amo_contact_id',
  'amo_link',
  'status',
  'external_id',
  'sync_status',
];
export const WEBHOOK_SECRET = 'wh-9f2c1b7e5d3a4c68';
export const START_STATUS = MAIN_PIPELINE.statuses[1];
export const WEBHOOK_SETTINGS = [
  'add_lead',
  'update_lead',
  'status_lead',
  'delete_lead',
  'update_contact',
];

export interface WorldOptions {
  /** OAuth with an auth code instead of a long-lived token. */
  oauth?: boolean;
  headers?: string[];
  runtime?: LocalRuntimeOptions;
  fake?: FakeAmoConfigPatch;
  /** Start the web-app front and subscribe it in the fake. Default true. */
  webhooks?: boolean;
}

export class World {
  private constructor(
    readonly rt: LocalRuntime,
    readonly fake: FakeAmoHandle,
    readonly web: WebApp | null,
    readonly headers: string[]
  ) {}

  static async start(options: WorldOptions = {}): Promise<World> {
    // The front answers 302 as Google does; whether AmoCRM follows it is unknown, so the world
    // follows by default and the tests of the pessimistic case set `webhookFollowRedirects: false`.
    const fake = await startFakeAmo({ config: { webhookFollowRedirects: true, ...options.fake } });
    const rt = new LocalRuntime({
      startTime: Date.UTC(2026, 10, 24, 9, 0, 0),
      sheets: [SHEET, 'Notes'],
      ...options.runtime,
    });
    const headers = options.headers ?? HEADERS;
    rt.spreadsheet.setValues(SHEET, 1, 1, [headers]);
    // As a person setting up such a sheet would: phones are text, or Sheets turns
    // '+7 912 …' into a formula error and '79123456789' into a number.
    const phone = headers.indexOf('phone');
    if (phone >= 0) {
      const col = String.fromCharCode(65 + phone);
      rt.spreadsheet.setNumberFormat(SHEET, `${col}2:${col}`, '@');
    }
    const props: Record<string, string> = {
      AMO_BASE_URL: fake.url,
      AMO_PIPELINE_ID: String(MAIN_PIPELINE.id),
      AMO_STATUS_ID: String(START_STATUS.id),
      WEBHOOK_SECRET,
      SHEET_NAME: SHEET,
    };
    const now = rt.clock.now();
    if (options.oauth) {
      const cfg = (await fake.admin.state()).config.integration;
      Object.assign(props, {
        AMO_CLIENT_ID: cfg.clientId,
        AMO_CLIENT_SECRET: cfg.clientSecret,
        AMO_REDIRECT_URI: cfg.redirectUri,
        AMO_AUTH_CODE: await fake.admin.issueAuthCode({ now }),
      });
    } else {
      props.AMO_LONG_LIVED_TOKEN = await fake.admin.createLongLivedToken({ now });
    }
    rt.properties.script.setAll(props);
    let web: WebApp | null = null;
    if (options.webhooks !== false) {
      web = await rt.startWebApp();
      // The set-up step: the person opens the web app URL once, so doGet learns its /exec URL
      // (outside doGet/doPost getUrl() answers the /dev URL).
      await fetch(web.url);
      await fake.admin.addWebhook({
        destination: `${web.url}?secret=${WEBHOOK_SECRET}`,
        settings: WEBHOOK_SETTINGS,
        now,
      });
    }
    return new World(rt, fake, web, headers);
  }

  async stop(): Promise<void> {
    await this.rt.dispose();
    await this.fake.stop();
  }

  run(fn: string, event?: Parameters<LocalRuntime['run']>[1]): RunResult {
    const result = this.rt.run(fn, event);
    if (result.error && !result.killed) throw new Error(`${fn} failed: ${result.error}`);
    return result;
  }

  /** Appends rows below the last one, typed by a person, firing the on-edit triggers. */
  type(rows: Array<Record<string, unknown>>, at?: number): RunResult[] {
    const top = at ?? this.rt.spreadsheet.values(SHEET).length + 1;
    const grid = rows.map(r => this.headers.map(h => (h in r ? r[h] : '')));
    return this.rt.userEdit({ sheet: SHEET, row: top, column: 1, values: grid });
  }

  /** A person edits one cell of a row by header name. */
  edit(row: number, header: string, value: unknown): RunResult[] {
    const column = this.headers.indexOf(header) + 1;
    return this.rt.userEdit({ sheet: SHEET, row, column, values: [[value]] });
  }

  /** The data rows as records by header. */
  rows(): Array<Record<string, unknown>> {
    return this.rt.spreadsheet.records(SHEET);
  }

  row(i: number): Record<string, unknown> {
    return this.rows()[i];
  }

  /**
   * A minute passes and the time-driven triggers fire: how queued webhook deliveries reach
   * the rows (doPost only queues them).
   */
  nextMinute(): RunResult[] {
    this.rt.clock.advance(60_000);
    const results = this.rt.fireTimeTriggers();
    for (const r of results) {
      if (r.error && !r.killed) throw new Error(`${r.fnName} failed: ${r.error}`);
    }
    return results;
  }

  /** The clock the fake should use for manager actions: the runtime's virtual now. */
  now(): number {
    return this.rt.clock.now();
  }
}
