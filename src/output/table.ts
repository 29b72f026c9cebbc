// Borderless, space-aligned tables like `docker ps`, fitted to the terminal when stdout is one.
import Table from 'cli-table3';
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

export interface TableOptions {
  header?: boolean;
  /** Index of the column to shorten with an ellipsis when the table is wider than the terminal. */
  shrink?: number;
}

function shorten(value: string, width: number): string {
  if (value.length <= width) return value;
  return width <= 1 ? '…'.slice(0, width) : `${value.slice(0, width - 1)}…`;
}

/** Fits rows into `columns` by shortening one column; other columns keep their width. */
export function fitRows(headers: string[], rows: string[][], columns: number | undefined, shrink: number | undefined): string[][] {
  if (columns === undefined || shrink === undefined) return rows;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const total = widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  if (total <= columns) return rows;
  const room = Math.max(widths[shrink]! - (total - columns), Math.max(headers[shrink]!.length, 10));
  return rows.map((r) => r.map((cell, i) => (i === shrink ? shorten(cell, room) : cell)));
}

export function renderTable(io: IO, headers: string[], rows: string[][], options: TableOptions = {}): string {
  const clean = rows.map((r) => r.map(safeText));
  const fitted = io.isTTY ? fitRows(headers, clean, io.columns, options.shrink) : clean;
  const chalk = new Chalk({ level: io.color ? 1 : 0 });
  const table = new Table({
    head: options.header === false ? [] : headers.map((h) => chalk.bold(h)),
    chars: CHARS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...fitted);
  if (options.header === false && fitted.length === 0) return '';
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}
