// One AmoCRM fake and one local runtime, reused across thousands of schedules: reset() puts both
// back to a fresh account and an empty sheet with the headers, the settings and (unless asked
// not to) the triggers installed and AmoCRM prepared — in a few milliseconds instead of starting
// a world. Webhooks are subscribed to a dead address, so every manager action reports the exact
// body AmoCRM would post; the explorer decides when (and whether) doPost receives it, because
// the web-app front cannot answer while the main thread is blocked in an execution.

import { MAIN_PIPELINE, startFakeAmo, type FakeAmoHandle } from '../amo-fake';
import { FORM_CONTENT_TYPE, LocalRuntime, type RunResult } from '../runtime';
import {
  HEADERS as WORLD_HEADERS,
  SHEET,
  START_STATUS,
  WEBHOOK_SECRET,
  WEBHOOK_SETTINGS,
} from '../world';
import { SyncFakeAdmin } from './sync-admin';

export { SHEET, WEBHOOK_SECRET };
/**
 * A lead custom field of the account (text) that the sheet maps by its header: people type it,
 * managers change it in AmoCRM, and it syncs field by field like the fixed columns.
 */
export const SOURCE = 'Источник';
/** The world's headers with the mapped column after the comment (the rows' tag). */
export const HEADERS = [
  ...WORLD_HEADERS.slice(0, WORLD_HEADERS.indexOf('Комментарий') + 1),
  SOURCE,
  ...WORLD_HEADERS.slice(WORLD_HEADERS.indexOf('Комментарий') + 1),
];
/** The column where the explorer tags each row a person filled (t1, t2, …). */
export const TAG = 'Комментарий';
/** The fixed fields people type, and `source`: the mapped lead field (SOURCE's column). */
export type Field = 'name' | 'phone' | 'email' | 'budget' | 'source';
/** 1-based column of each header, and of each Field (`source` is SOURCE's column). */
export const COL = Object.fromEntries(HEADERS.map((h, i) => [h, i + 1])) as Record<string, number>;
COL.source = COL[SOURCE];
export const START_TIME = Date.UTC(2026, 10, 24, 9, 0, 0);
const MINUTE = 60_000;
/** Nothing listens there: deliveries fail at once and keep their body. */
const DEAD_DESTINATION = `http://127.0.0.1:9/exec?secret=${WEBHOOK_SECRET}`;

export class Arena {
  /** The id of the lead field the SOURCE column maps to (made at each reset). */
  sourceFieldId = 0;

  private constructor(
    readonly rt: LocalRuntime,
    readonly fake: FakeAmoHandle,
    readonly admin: SyncFakeAdmin
  ) {}

  static async start(bundleDir = 'dist'): Promise<Arena> {
    const fake = await startFakeAmo();
    const rt = new LocalRuntime({ bundleDir, startTime: START_TIME, sheets: [SHEET, 'Notes'] });
    return new Arena(rt, fake, new SyncFakeAdmin(fake.url));
  }

  /** A fresh account and sheet; `prepared` false leaves the "Sheet row ID" field uncreated. */
  reset(prepared = true): void {
    this.rt.hooks.atBoundary = undefined;
    this.rt.reset(START_TIME);
    this.admin.reset();
    // The deal account's fields (one is SOURCE), before the triggers' set-up reads them.
    this.sourceFieldId = this.admin.seedDealAccount().leadFields.text.id;
    const now = this.rt.clock.now();
    this.rt.spreadsheet.setValues(SHEET, 1, 1, [HEADERS]);
    const phone = String.fromCharCode(65 + HEADERS.indexOf('phone'));
    this.rt.spreadsheet.setNumberFormat(SHEET, `${phone}2:${phone}`, '@');
    const props = this.rt.properties.script;
    props.setAll({
      AMO_BASE_URL: this.fake.url,
      AMO_PIPELINE_ID: String(MAIN_PIPELINE.id),
      AMO_STATUS_ID: String(START_STATUS.id),
      WEBHOOK_SECRET,
      SHEET_NAME: SHEET,
      AMO_LONG_LIVED_TOKEN: this.admin.longLivedToken(now),
    });
    this.admin.addWebhook(DEAD_DESTINATION, WEBHOOK_SETTINGS, now);
    const install = this.rt.run('installTriggers');
    if (install.error) throw new Error(`installTriggers failed: ${install.error}`);
    if (!prepared) {
      // As if the triggers were installed before AmoCRM could be prepared: no row-id field yet.
      const field = Number(props.get('SYNC_ROW_ID_FIELD'));
      if (field > 0) this.admin.deleteCustomField(field);
      props.delete('SYNC_ROW_ID_FIELD');
      this.rt.cache.evictAll();
    }
  }

  /** The installed on-edit trigger's id (handleEdit). */
  editTrigger(): string {
    const [trigger] = this.rt.triggers.byEventType('ON_EDIT');
    if (!trigger) throw new Error('no on-edit trigger installed');
    return trigger.uid;
  }

  /**
   * Recovery: past claim staleness (8 minutes), then background runs and Sync now, a minute
   * apart, until the sheet and AmoCRM stop changing (at most 5 rounds). `afterRound` sees each
   * round's result. Returns whether it settled.
   */
  recover(afterRound: () => void = () => undefined): boolean {
    this.rt.clock.advance(8 * MINUTE);
    let before = this.fingerprint();
    for (let round = 0; round < 5; round++) {
      this.rt.run('runBackgroundWork', { type: 'time' });
      this.rt.clock.advance(MINUTE);
      this.rt.run('syncNow');
      this.rt.clock.advance(MINUTE);
      afterRound();
      const after = this.fingerprint();
      if (after === before) return true;
      before = after;
    }
    return false;
  }

  /** The sheet's values and every lead's and contact's last change: equal means nothing moved. */
  private fingerprint(): string {
    const state = this.admin.state();
    const amo = [...state.leads, ...state.contacts].map(e => `${e.id}:${e.updated_at}`).join();
    return JSON.stringify(this.rt.spreadsheet.values(SHEET)) + amo;
  }

  /** AmoCRM posts a webhook body to doPost (called directly: see the header comment). */
  post(body: string): RunResult {
    return this.rt.run('doPost', {
      type: 'post',
      query: `secret=${encodeURIComponent(WEBHOOK_SECRET)}`,
      contentType: FORM_CONTENT_TYPE,
      body,
    });
  }

  async stop(): Promise<void> {
    await this.admin.dispose();
    await this.rt.dispose();
    await this.fake.stop();
  }
}

/** Whether the row of this tag has no lead yet (see Intent.unlinked). */
export function unlinkedRow(rt: LocalRuntime, tag: string): boolean {
  const line = rt.spreadsheet.records(SHEET).find(r => String(r[TAG] ?? '') === tag);
  return String(line?.amo_deal_id ?? '') === '';
}
