// Borderless, space-aligned tables like `docker ps`, fitted to the terminal when stdout is one.
import Table from 'cli-table3';
import { strlen } from 'cli-table3/src/utils.js';
import { Chalk } from 'chalk';
import type { IO } from '../io.js';
import { hasControlChars, safeText } from '../io.js';

const CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '   ',
};
const GAP = CHARS.middle.length;

/**
 * cli-table3 lays out a table in time quadratic in its rows (4 s for 10,000 triggers). Past this
 * many rows the same layout is computed directly, in one pass over rows made one at a time;
 * test/output.test.ts holds the two to the same bytes.
 */
export const CLI_TABLE3_MAX_ROWS = 200;

/** Rows of cells; an array, or rows made on demand so that a long list is not held twice. */
export interface Rows {
  readonly length: number;
  at(index: number): readonly string[] | undefined;
}

export interface TableOptions {
  header?: boolean;
  /** Index of the column to shorten with an ellipsis when the table is wider than the terminal. */
  shrink?: number;
  /** Force one way of laying out the table (tests compare them). */
  engine?: 'cli-table3' | 'direct';
}

/** Display width of a cell: its length for plain ASCII, else what cli-table3 measures. */
function width(text: string): number {
  return /^[\x20-\x7e]*$/.test(text) ? text.length : strlen(text);
}

function shorten(value: string, room: number): string {
  if (value.length <= room) return value;
  return room <= 1 ? '…'.slice(0, room) : `${value.slice(0, room - 1)}…`;
}

function columnWidths(rows: Rows): number[] {
  const widths: number[] = [];
  for (let j = 0; j < rows.length; j++) {
    const r = rows.at(j)!;
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, width(r[i]!));
  }
  return widths;
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
  const total = widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  if (total <= columns) return undefined;
  return Math.max(widths[shrink]! - (total - columns), Math.max(headers[shrink]!.length, 10));
}

function viaCliTable3(head: string[], rows: string[][]): string {
  const table = new Table({
    head,
    chars: CHARS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...rows);
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

/** Writes the lines in small batches: nothing of a long table is held longer than it takes to print. */
function direct(head: string[], plainHead: readonly string[], rows: Rows, widths: number[], write: (text: string) => void): void {
  const line = (cells: readonly string[], plain: readonly string[]): string => {
    let out = '';
    for (let i = 0; i < cells.length; i++) {
      out += i === cells.length - 1 ? cells[i] : cells[i] + ' '.repeat(widths[i]! - width(plain[i]!)) + CHARS.middle;
    }
    return out.trimEnd();
  };
  const lines: string[] = head.length > 0 ? [line(head, plainHead)] : [];
  for (let j = 0; j < rows.length; j++) {
    const r = rows.at(j)!;
    lines.push(line(r, r));
    if (lines.length === 100) {
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
  const clean: Rows = {
    length: rows.length,
    at: (j) => {
      const r = rows.at(j)!;
      return r.some(hasControlChars) ? r.map(safeText) : r;
    },
  };
  const rowWidths = columnWidths(clean);
  const widths = withHeaders(plainHead, rowWidths);
  const left = io.isTTY ? room(headers, withHeaders(headers, rowWidths), io.columns, options.shrink) : undefined;
  const fitted: Rows =
    left === undefined ? clean : { length: rows.length, at: (j) => clean.at(j)!.map((c, i) => (i === options.shrink ? shorten(c, left) : c)) };
  if (left !== undefined) widths[options.shrink!] = Math.min(widths[options.shrink!]!, left);
  const chalk = new Chalk({ level: io.color ? 1 : 0 });
  const head = plainHead.map((h) => chalk.bold(h));
  const engine = options.engine ?? (rows.length <= CLI_TABLE3_MAX_ROWS ? 'cli-table3' : 'direct');
  if (engine === 'direct') return direct(head, plainHead, fitted, widths, write);
  write(viaCliTable3(head, Array.from({ length: fitted.length }, (_, j) => [...fitted.at(j)!])));
}
