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
export type Rows = readonly (readonly string[])[];

export interface TableOptions {
  header?: boolean;
  /** Index of the column to shorten with an ellipsis when the table is wider than the terminal. */
  shrink?: number;
}

/** Display width of a cell (wide CJK and emoji take two columns): its length for plain ASCII. */
function width(text: string): number {
  return /^[\x20-\x7e]*$/.test(text) ? text.length : stringWidth(text);
}

function shorten(value: string, room: number): string {
  if (value.length <= room) return value;
  return room <= 1 ? '…'.slice(0, room) : `${value.slice(0, room - 1)}…`;
}

/** The rows with control characters made visible, and the widest cell of each column. */
function cleanAndMeasure(rows: Rows): { clean: Rows; widths: number[] } {
  const widths: number[] = [];
  const clean = rows.map((r) => {
    const safe = r.some(hasControlChars) ? r.map(safeText) : r;
    for (let i = 0; i < safe.length; i++) widths[i] = Math.max(widths[i] ?? 0, width(safe[i]!));
    return safe;
  });
  return { clean, widths };
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

/** Writes the lines in batches: nothing of a long table's text is held longer than it takes to print. */
function writeLines(head: string[], plainHead: readonly string[], rows: Rows, widths: number[], write: (text: string) => void): void {
  const line = (shown: readonly string[], plain: readonly string[]): string => {
    let out = '';
    const last = shown.length - 1;
    for (let i = 0; i < last; i++) out += shown[i] + ' '.repeat(widths[i]! - width(plain[i]!)) + GAP;
    return last < 0 ? '' : (out + shown[last]).trimEnd();
  };
  const lines: string[] = head.length > 0 ? [line(head, plainHead)] : [];
  for (const row of rows) {
    lines.push(line(row, row));
    if (lines.length === 500) {
      write(`${lines.join('\n')}\n`);
      lines.length = 0;
    }
  }
  if (lines.length > 0) write(`${lines.join('\n')}\n`);
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
  const { clean, widths: rowWidths } = cleanAndMeasure(rows);
  const widths = withHeaders(plainHead, rowWidths);
  const left = io.isTTY ? room(headers, withHeaders(headers, rowWidths), io.columns, options.shrink) : undefined;
  const fitted = left === undefined ? clean : clean.map((r) => r.map((c, i) => (i === options.shrink ? shorten(c, left) : c)));
  if (left !== undefined) widths[options.shrink!] = Math.min(widths[options.shrink!]!, left);
  const chalk = new Chalk({ level: io.color ? 1 : 0 });
  const head = plainHead.map((h) => chalk.bold(h));
  writeLines(head, plainHead, fitted, widths, write);
}
