// Text for a terminal of a given width: the story's lines are wrapped at spaces, never cut, so
// what a cell or a message says is always there in full.

/** The width `npm start` keeps to. */
export const TERMINAL_WIDTH = 120;

/** Columns a text takes (one per code point: Cyrillic, box drawing and ↳ are one wide). */
export function width(text: string): number {
  return [...text].length;
}

export function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}

/** `text` (its spaces folded) cut to `max` columns, ending in '…' when it was longer. */
export function cut(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  if (chars.length <= max) return chars.join('');
  return chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/**
 * `text` in lines of at most `max` columns, broken at spaces (a longer word is split); each
 * line break in `text` starts a new line.
 */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (width(candidate) <= max) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      let rest = [...word];
      while (rest.length > max) {
        lines.push(rest.slice(0, max).join(''));
        rest = rest.slice(max);
      }
      line = rest.join('');
    }
    lines.push(line);
  }
  return lines;
}

/**
 * A line wider than `max` as several, the next ones indented two columns deeper than the
 * first, so a wrapped line still reads as one item.
 */
export function fold(line: string, max = TERMINAL_WIDTH): string[] {
  if (width(line) <= max) return [line];
  const indent = /^ */.exec(line)?.[0] ?? '';
  const [first, ...rest] = wrap(line.slice(indent.length), max - indent.length - 2);
  return [indent + first, ...rest.map(l => `${indent}  ${l}`)];
}
