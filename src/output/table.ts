// Borderless, space-aligned tables like `docker ps`, fitted to the terminal when stdout is one.
import Table from 'cli-table3';
import { strlen } from 'cli-table3/src/utils.js';
import { Chalk } from 'chalk';
import type { IO } from '../io.js';
import { safeText } from '../io.js';

const CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '   ',
};
const GAP = CHARS.middle.length;

/**
 * cli-table3 lays out a table in time quadratic in its rows (4 s for 10,000 triggers). Past this
 * many rows the same layout is computed directly, in one pass; test/output.test.ts holds the two
 * to the same bytes.
 */
export const CLI_TABLE3_MAX_ROWS = 200;

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

/** Fits rows into `columns` by shortening one column; other columns keep their width. */
export function fitRows(headers: string[], rows: string[][], columns: number | undefined, shrink: number | undefined): string[][] {
  if (columns === undefined || shrink === undefined) return rows;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => width(r[i]!))));
  const total = widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  if (total <= columns) return rows;
  const room = Math.max(widths[shrink]! - (total - columns), Math.max(headers[shrink]!.length, 10));
  return rows.map((r) => r.map((cell, i) => (i === shrink ? shorten(cell, room) : cell)));
}

function viaCliTable3(head: string[], rows: string[][]): string {
  const table = new Table({
    head,
    chars: CHARS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...rows);
  return table.toString();
}

function direct(head: string[], plainHead: string[], rows: string[][]): string {
  const columns = Math.max(head.length, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(plainHead[i] ? width(plainHead[i]) : 0, ...rows.map((r) => width(r[i] ?? ''))),
  );
  const line = (cells: string[], plain: string[]): string =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i]! - width(plain[i] ?? '')))
      .join(CHARS.middle)
      .trimEnd();
  let text = head.length > 0 ? `${line(head, plainHead)}\n` : '';
  for (const r of rows) text += `${line(r, r)}\n`;
  return text;
}

export function renderTable(io: IO, headers: string[], rows: string[][], options: TableOptions = {}): string {
  const clean = rows.map((r) => r.map(safeText));
  const fitted = io.isTTY ? fitRows(headers, clean, io.columns, options.shrink) : clean;
  if (options.header === false && fitted.length === 0) return '';
  const chalk = new Chalk({ level: io.color ? 1 : 0 });
  const plainHead = options.header === false ? [] : headers;
  const head = plainHead.map((h) => chalk.bold(h));
  const engine = options.engine ?? (fitted.length <= CLI_TABLE3_MAX_ROWS ? 'cli-table3' : 'direct');
  if (engine === 'direct') return direct(head, plainHead, fitted);
  const text = viaCliTable3(head, fitted);
  return `${text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}
