// The runtime's cost model (sandbox/runtime/README.md, "Virtual clock and counting rules"): each
// Spreadsheet call costs a fixed time plus a time per cell it reads, writes or searches, and
// the cells are counted per execution. Judged on the counters and the virtual clock a script
// of known reads and writes produces.

import { LocalRuntime } from '../../sandbox/runtime';
import { makeBundle } from './helpers';

const BUNDLE = `
function sheet() { return SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Data'); }
function fillRows(rows) {
  var grid = [];
  for (var r = 0; r < rows; r++) {
    var line = [];
    for (var c = 0; c < 10; c++) line.push('r' + r + 'c' + c);
    grid.push(line);
  }
  sheet().getRange(1, 1, rows, 10).setValues(grid);
}
function fill() { fillRows(10000); }
function fillSmall() { fillRows(500); }
function readAll() { return sheet().getDataRange().getValues().length; }
function readColumn() { return sheet().getRange(1, 3, sheet().getLastRow(), 1).getValues().length; }
function readNotesOfOneRow() { return sheet().getRange(5, 1, 1, 10).getNotes().length; }
function find() {
  return sheet().getRange(1, 3, 10000, 1).createTextFinder('r77c2').matchEntireCell(true).findAll().length;
}
`;

describe('the per-cell cost model', () => {
  let runtime: LocalRuntime;
  beforeEach(() => {
    runtime = new LocalRuntime({
      bundleDir: makeBundle(BUNDLE),
      sheets: ['Data'],
      startTime: Date.UTC(2025, 0, 1),
    });
    runtime.spreadsheet.insertRowsAt('Data', 1, 10000 - 1000);
  });
  afterEach(() => runtime.dispose());

  it('counts the cells each call writes and reads, values and notes alike', () => {
    const filled = runtime.run('fill');
    expect(filled.error).toBeNull();
    expect(filled.counters.cellsWritten).toBe(100000);
    expect(filled.counters.cellsRead).toBe(0);

    const all = runtime.run('readAll');
    expect(all.returned).toBe(10000);
    expect(all.counters.cellsRead).toBe(100000);

    const column = runtime.run('readColumn');
    expect(column.counters.cellsRead).toBe(10000);

    const notes = runtime.run('readNotesOfOneRow');
    expect(notes.counters.cellsRead).toBe(10);
  });

  it('charges time per call and per cell: a whole sheet costs more than one of its columns', () => {
    runtime.run('fill');
    const all = runtime.run('readAll');
    const column = runtime.run('readColumn');
    // 100,000 cells at 5 µs each beside the calls' fixed 20 ms (getDataRange and getValues).
    expect(all.counters.virtualMs).toBe(2 * 20 + 500);
    // getLastRow (no cells) and the column's 10,000 cells.
    expect(column.counters.virtualMs).toBe(2 * 20 + 50);
  });

  it('counts the cells a TextFinder looks through apart from the cells it returns', () => {
    runtime.run('fill');
    const found = runtime.run('find');
    expect(found.returned).toBe(1);
    expect(found.counters.cellsSearched).toBe(10000);
    expect(found.counters.cellsRead).toBe(0);
    expect(found.counters.virtualMs).toBe(20 + 50);
  });

  it('keeps the per-call model alone when the per-cell cost is set to 0', async () => {
    const flat = new LocalRuntime({
      bundleDir: makeBundle(BUNDLE),
      sheets: ['Data'],
      sheetCellUs: 0,
    });
    try {
      flat.run('fillSmall');
      const all = flat.run('readAll');
      expect(all.counters.cellsRead).toBe(5000);
      expect(all.counters.virtualMs).toBe(2 * 20);
    } finally {
      await flat.dispose();
    }
  });
});
