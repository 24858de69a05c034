// RFC 4180 CSV reading and writing, shared by Utilities.parseCsv and the test helpers that load
// and save a sheet (`runtime.spreadsheet.loadCsv` / `toCsv`).

/** Parses CSV text into rows of strings; quoted fields may hold delimiters, quotes and newlines. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  const endRow = (): void => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) endField();
    else if (ch === '\n' || ch === '\r') {
      endRow();
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else field += ch;
    i += 1;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** Writes rows as CSV, quoting fields that need it. */
export function toCsv(rows: readonly (readonly string[])[], delimiter = ','): string {
  const quote = (field: string): string =>
    /["\r\n]/.test(field) || field.includes(delimiter) ? `"${field.replace(/"/g, '""')}"` : field;
  return rows.map(row => row.map(quote).join(delimiter)).join('\n') + (rows.length > 0 ? '\n' : '');
}
