// Borderless, space-aligned tables like `docker ps`, fitted to the terminal when stdout is one.
// The layout is cli-table3's with no borders and no padding (test/output.test.ts holds the two to the
// same bytes). cli-table3 itself is not used: it took about 5 ms to load and lay out three rows, and
// its layout time grows with the square of the rows (4 s for 10,000 triggers).
import stringWidth from 'string-width';
import { Chalk } from 'chalk';
import type { IO } from '../io.js';
import { hasControlChars, safeText } from '../io.js';

/** Between columns. */
const GAP = '   ';

/** Rows of cells. */
type Rows = readonly (readonly string[])[];

interface TableOptions {
  header?: boolean;
  /** Index of the column to shorten with an ellipsis when the table is wider than the terminal. */
  shrink?: number;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Display width of a cell (wide CJK and emoji take two columns): its length for printable ASCII. */
function width(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

function shorten(value: string, room: number): string {
  if (value.length <= room) return value;
  return room <= 1 ? '…'.slice(0, room) : `${value.slice(0, room - 1)}…`;
}

/**
 * The rows with control characters made visible, the widest cell of each column, and which rows are
 * printable ASCII alone (most are), whose cells are as wide as they are long.
 */
function cleanAndMeasure(rows: Rows): { clean: Rows; widths: number[]; ascii: boolean[] } {
  const widths: number[] = [];
  const ascii: boolean[] = [];
  const clean = rows.map((r, j) => {
    ascii[j] = r.every((c) => PRINTABLE_ASCII.test(c));
    const safe = ascii[j] || !r.some(hasControlChars) ? r : r.map(safeText);
    for (let i = 0; i < safe.length; i++) widths[i] = Math.max(widths[i] ?? 0, ascii[j] ? safe[i]!.length : width(safe[i]!));
    return safe;
  });
  return { clean, widths, ascii };
}

/** The widths of the rows, widened where a header is wider. */
function withHeaders(headers: readonly string[], rowWidths: number[]): number[] {
  return Array.from({ length: Math.max(headers.length, rowWidths.length) }, (_, i) =>
    Math.max(headers[i] === undefined ? 0 : width(headers[i]), rowWidths[i] ?? 0),
  );
}

/** The width left for column `shrink` in `columns`, or undefined when the table fits. */
function room(headers: readonly string[], widths: number[], columns: number | undefined, shrink: number | undefined): number | undefined {
  if (columns === undefined || shrink === undefined) return undefined;
  const total = widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  if (total <= columns) return undefined;
  return Math.max(widths[shrink]! - (total - columns), Math.max(headers[shrink]!.length, 10));
}

/** Where a table too wide for the terminal is cut: the column, and the width left for it. */
interface Fit {
  column: number;
  room: number;
}

/**
 * Writes the lines in batches of 500 rows: the text of a batch is made in one piece from its cells,
 * so the text of a long table is neither held whole nor copied line by line. A cell cut to fit is
 * cut as its row is written.
 */
function writeLines(head: string[], plainHead: readonly string[], rows: Rows, ascii: boolean[], widths: number[], fit: Fit | undefined, write: (text: string) => void): void {
  const pads: string[] = [];
  const pad = (n: number): string => (pads[n] ??= ' '.repeat(Math.max(n, 0)));
  const parts: string[] = [];
  // A row of printable ASCII stays as wide as it is long when cut: '…' is one column.
  const add = (shown: readonly string[], plain: readonly string[], isAscii = false): void => {
    const last = shown.length - 1;
    const start = parts.length;
    for (let i = 0; i < last; i++) parts.push(shown[i]!, pad(widths[i]! - (isAscii ? plain[i]!.length : width(plain[i]!))), GAP);
    if (last >= 0) parts.push(shown[last]!);
    // No trailing blanks: only an empty or blank-ended last cell leaves any.
    if (last >= 0 && (shown[last] === '' || /\s$/.test(shown[last]!))) parts.push(parts.splice(start).join('').trimEnd());
    parts.push('\n');
  };
  const cut = (row: readonly string[]): readonly string[] => {
    const cell = fit && row[fit.column];
    if (!fit || cell === undefined || cell.length <= fit.room) return row;
    const copy = [...row];
    copy[fit.column] = shorten(cell, fit.room);
    return copy;
  };
  if (head.length > 0) add(head, plainHead);
  let lines = 0;
  for (let j = 0; j < rows.length; j++) {
    const row = cut(rows[j]!);
    add(row, row, ascii[j]);
    if (++lines === 500) {
      write(parts.join(''));
      parts.length = 0;
      lines = 0;
    }
  }
  if (parts.length > 0) write(parts.join(''));
}

/** The table as one string. */
export function renderTable(io: IO, headers: string[], rows: Rows, options: TableOptions = {}): string {
  let text = '';
  writeTable(io, headers, rows, options, (chunk) => (text += chunk));
  return text;
}

/** Writes the table to stdout (or `write`). */
export function writeTable(io: IO, headers: string[], rows: Rows, options: TableOptions = {}, write = (text: string): void => void io.stdout.write(text)): void {
  if (options.header === false && rows.length === 0) return;
  const plainHead = options.header === false ? [] : headers;
  const { clean, widths: rowWidths, ascii } = cleanAndMeasure(rows);
  const full = withHeaders(headers, rowWidths);
  const left = io.isTTY ? room(headers, full, io.columns, options.shrink) : undefined;
  const widths = options.header === false ? withHeaders([], rowWidths) : full;
  const fit = left === undefined ? undefined : { column: options.shrink!, room: left };
  if (fit) widths[fit.column] = Math.min(widths[fit.column]!, fit.room);
  const chalk = new Chalk({ level: io.color ? 1 : 0 });
  const head = plainHead.map((h) => chalk.bold(h));
  writeLines(head, plainHead, clean, ascii, widths, fit, write);
}
