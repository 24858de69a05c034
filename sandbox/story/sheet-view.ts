// The sheet printed again and again through the story: each time as a table that fits the
// terminal, with the cells changed since it was last printed marked.
import { renderSheet } from './sheet-table';
import { TERMINAL_WIDTH } from './text';

const INDENT = '  ';

export class SheetView {
  private shown: string[][] | undefined;

  constructor(
    private readonly read: () => string[][],
    private readonly print: (line: string) => void
  ) {}

  /** Prints the sheet (to `print`, default the story's); `cause` names what changed it. */
  show(cause = 'this step', print = this.print): void {
    const grid = this.read();
    const table = renderSheet(grid, this.shown, TERMINAL_WIDTH - INDENT.length);
    for (const line of table.lines) print(INDENT + line);
    if (this.shown === undefined) {
      const leftOut = table.leftOut.length ? ` (not shown: ${table.leftOut.join(', ')})` : '';
      print(`${INDENT}↳ under each row: what the script wrote in it${leftOut}`);
    } else {
      print(
        table.changed > 0 ? `${INDENT}(* = changed by ${cause})` : `${INDENT}(no cell changed)`
      );
    }
    this.shown = grid;
  }
}
