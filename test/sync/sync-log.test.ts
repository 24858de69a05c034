import type { SheetPort, SpreadsheetPort } from '../../src/ports';
import { LOG_SHEET, SyncLog } from '../../src/sync/sync-log';
import { MemorySheet } from '../support/memory-sheet';

function world(locale = 'en_US') {
  const sheets = new Map<string, MemorySheet>();
  let now = Date.UTC(2026, 10, 24, 9, 0, 0);
  const spreadsheet: SpreadsheetPort = {
    sheet: name => (name ? (sheets.get(name) ?? null) : null),
    sheetOrCreate(name): SheetPort {
      if (!sheets.has(name)) sheets.set(name, new MemorySheet([], name));
      return sheets.get(name) as MemorySheet;
    },
    toast: () => undefined,
    locale: () => locale,
    timeZone: () => 'Europe/Moscow',
  };
  const clock = { now: () => (now += 1000), sleep: () => undefined };
  const props = new Map<string, string>();
  const store = {
    get: (k: string) => props.get(k) ?? null,
    getAll: () => Object.fromEntries(props),
    set: (k: string, v: string) => void props.set(k, v),
    setAll: (v: Record<string, string>) => Object.entries(v).forEach(([k, x]) => props.set(k, x)),
    delete: (k: string) => void props.delete(k),
  };
  return { sheets, log: new SyncLog(spreadsheet, clock, store) };
}

describe('SyncLog', () => {
  it('creates its sheet on first need and writes newest first', () => {
    const { sheets, log } = world();
    log.add({ flow: 'edit', target: 'row 2', outcome: 'failed', message: 'AmoCRM did not answer' });
    log.flush();
    log.add({ flow: 'background', target: 'row 2', outcome: 'recovered', message: 'linked' });
    log.flush();
    const cells = (sheets.get(LOG_SHEET) as MemorySheet).cells;
    expect(cells[0]).toEqual(['time', 'flow', 'row or lead', 'outcome', 'message']);
    expect(cells.slice(1).map(r => r[3])).toEqual(['recovered', 'failed']);
  });

  it('writes nothing and creates no sheet when there is nothing to say', () => {
    const { sheets, log } = world();
    log.flush();
    expect(sheets.size).toBe(0);
  });

  it('keeps at most 3,000 entries', () => {
    const { sheets, log } = world();
    for (let i = 0; i < 3005; i++) {
      log.add({ flow: 'sync', target: `row ${i}`, outcome: 'failed', message: `reason ${i}` });
    }
    log.flush();
    log.add({ flow: 'sync', target: 'last', outcome: 'failed', message: 'x' });
    log.flush();
    const cells = (sheets.get(LOG_SHEET) as MemorySheet).cells;
    expect(cells).toHaveLength(3001);
    expect(cells[1][2]).toBe('last');
  });
});

describe('SyncLog summaries', () => {
  it('sums up many alike entries of one run in one line', () => {
    const { sheets, log } = world();
    for (let i = 0; i < 1050; i++) {
      log.add({
        flow: 'import',
        target: `row ${i + 2}`,
        outcome: 'failed',
        message: 'AmoCRM did not answer',
      });
    }
    log.add({ flow: 'import', target: 'row 9', outcome: 'failed', message: 'other' });
    log.flush();
    const cells = (sheets.get(LOG_SHEET) as MemorySheet).cells;
    expect(cells).toHaveLength(3);
    expect(cells.map(r => r[2])).toContain('rows ×1050: row 2 … row 1051');
  });
});

describe("SyncLog in the person's language", () => {
  it('writes a Russian header, flow and outcome for a ru_RU spreadsheet', () => {
    const { sheets, log } = world('ru_RU');
    log.add({ flow: 'background', target: 'row 2', outcome: 'recovered', message: 'linked' });
    log.add({ flow: 'import', target: '', outcome: 'finished', message: 'done' });
    log.flush();
    const cells = (sheets.get(LOG_SHEET) as MemorySheet).cells;
    expect(cells[0]).toEqual(['время', 'действие', 'строка или сделка', 'итог', 'сообщение']);
    expect(cells.slice(1).map(r => [r[1], r[3]])).toEqual([
      ['импорт', 'завершено'],
      ['фоновый запуск', 'восстановлено'],
    ]);
  });

  it('sums up in Russian too', () => {
    const { sheets, log } = world('ru_RU');
    for (let i = 0; i < 25; i++) {
      log.add({ flow: 'import', target: `${i}`, outcome: 'failed', message: 'same' });
    }
    log.flush();
    const cells = (sheets.get(LOG_SHEET) as MemorySheet).cells;
    expect(cells[1][2]).toBe('строк ×25: 0 … 24');
  });
});
