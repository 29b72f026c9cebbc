// Borderless, space-aligned tables like `docker ps`, fitted to the terminal when stdout is one.
// The layout is cli-table3's with no borders and no padding (test/output.test.ts holds the two to the
// same bytes). cli-table3 itself is not used: it took about 5 ms to load and lay out three rows, and
// its layout time grows with the square of the rows (4 s for 10,000 triggers).
import stringWidth from 'string-width';
import { Chalk, type ChalkInstance } from 'chalk';
import type { IO } from '../io.js';
import { hasControlChars, safeText } from '../io.js';

/** Between columns. */
const GAP = '   ';

/** Rows of cells. */
type Rows = readonly (readonly string[])[];

/** How the cells of a column are shortened to fit the terminal: in the middle, or as a trigger URL (see shortenUrl). */
export type Cut = 'text' | 'url';

/** How the cells of a column are coloured when colour is on: dimmed, or by the state they name (see stateColour). */
export type CellStyle = 'dim' | 'state';

export interface ColumnRule {
  /** Absent: the column keeps its width when the table is fitted. */
  cut?: Cut;
  style?: CellStyle;
}

export interface TableOptions {
  header?: boolean;
  /** Fit the table to the terminal's width when stdout is one, shortening the columns that have a cut. */
  fit?: boolean;
  /** Rules for the columns, by header. */
  columns?: Readonly<Record<string, ColumnRule>>;
}

/** The narrowest a shortened column gets (its header, when wider, or its widest cell, when narrower). */
const LEAST_WIDTH = 6;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Display width of a cell (wide CJK and emoji take two columns): its length for printable ASCII. */
function width(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

let graphemes: Intl.Segmenter | undefined;

/** The longest start of `text` (or end, `fromEnd`) that takes at most `room` columns, split between characters as seen. */
function within(text: string, room: number, fromEnd = false): string {
  if (PRINTABLE_ASCII.test(text)) return fromEnd ? text.slice(text.length - room) : text.slice(0, room);
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const chars = Array.from(graphemes.segment(text), (s) => s.segment);
  if (fromEnd) chars.reverse();
  const kept: string[] = [];
  let used = 0;
  for (const c of chars) {
    used += width(c);
    if (used > room) break;
    kept.push(c);
  }
  return (fromEnd ? kept.reverse() : kept).join('');
}

/** `text` in at most `room` columns, its end replaced by '…' when it is too wide. */
export function cutEnd(text: string, room: number): string {
  if (width(text) <= room) return text;
  return room <= 0 ? '' : `${within(text, room - 1)}…`;
}

/** `text` in at most `room` columns, its middle replaced by '…' when it is too wide: both ends tell names apart. */
export function cutMiddle(text: string, room: number): string {
  if (width(text) <= room) return text;
  if (room <= 1) return room === 1 ? '…' : '';
  const kept = room - 1;
  return `${within(text, Math.ceil(kept / 2))}…${within(text, Math.floor(kept / 2), true)}`;
}

/** The part of a call URL that tells triggers apart; what comes before it is the same for every trigger of a service. */
const TRIGGER_PART = '/trigger/';
/** The least of the trigger part kept before the host is given up: `/trigger/` and 8 characters of its UUID. */
const LEAST_TRIGGER_PART = TRIGGER_PART.length + 8;
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\//i;

/**
 * A call URL in at most `room` columns. What goes first is the path between the host and the
 * trigger part (`/api/app/v1/service/<uuid>`, the same on every row of a service), then the end of
 * the trigger part (down to 8 characters of the trigger's UUID), then the host:
 * `http://127.0.0.1:8080/api/…/trigger/3c80c7b4-968c-4c5a-b20b-701cfdbda11a/call/`,
 * `http://127.0.0.1:8080/…/trigger/3c80c7b4-9…`, `…/trigger/3c80c7b4-968c…`, `…/3c80c7b4…`.
 */
export function shortenUrl(url: string, room: number): string {
  if (url.length <= room) return url;
  const head = ORIGIN.exec(url)?.[0];
  const at = url.lastIndexOf(TRIGGER_PART);
  if (!PRINTABLE_ASCII.test(url) || head === undefined || at < head.length - 1) return cutMiddle(url, room);
  const tail = url.slice(at);
  if (room >= head.length + 1 + tail.length) return `${url.slice(0, room - 1 - tail.length)}…${tail}`;
  if (room >= head.length + 1 + LEAST_TRIGGER_PART + 1) return `${head}…${tail.slice(0, room - head.length - 2)}…`;
  if (room >= LEAST_TRIGGER_PART + 2) return `…${cutEnd(tail, room - 1)}`;
  // Too narrow for the word: the UUID alone still tells rows apart.
  return room > 2 ? `…${cutEnd(tail.slice(TRIGGER_PART.length - 1), room - 1)}` : cutEnd(url, room);
}

const CUTS: Record<Cut | 'end', (text: string, room: number) => string> = { text: cutMiddle, url: shortenUrl, end: cutEnd };

/** States, as the API names those of services and actions, and their colours. */
const STATE_COLOURS: Readonly<Record<string, 'green' | 'red' | 'yellow'>> = {
  Success: 'green',
  Running: 'green',
  Failed: 'red',
  'In progress': 'yellow',
  Pending: 'yellow',
  Starting: 'yellow',
  Scaling: 'yellow',
  Redeploying: 'yellow',
  Stopping: 'yellow',
  Terminating: 'yellow',
  'Partly running': 'yellow',
};

/** The colour of a state (of a service or an action), or undefined for one shown plain. */
export function stateColour(state: string): 'green' | 'red' | 'yellow' | undefined {
  return Object.hasOwn(STATE_COLOURS, state) ? STATE_COLOURS[state] : undefined;
}

function styled(chalk: ChalkInstance, style: CellStyle | undefined, cell: string): string {
  if (style === 'dim') return chalk.dim(cell);
  const colour = style === 'state' ? stateColour(cell) : undefined;
  return colour ? chalk[colour](cell) : cell;
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
    for (let i = 0; i < safe.length; i++) widths[i] = Math.max(widths[i] ?? 0, ascii[j] ? safe[i].length : width(safe[i]));
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

/** A table fitted to the terminal: how each column is cut, and where lines end when even the narrowest columns are too wide. */
interface Fit {
  widths: number[];
  cuts: (Cut | undefined)[];
  /** The last column shown and the room left for it, when the columns at their narrowest are still too wide. */
  clip?: { column: number; room: number };
}

/** What a URL column asks for while other columns are cut: `…/trigger/` and 8 characters of its UUID, as shortenUrl shows it. */
const URL_DEMAND = LEAST_TRIGGER_PART + 2;

/**
 * The widths of a table fitted to `columns`, or undefined when it fits as it is. The columns without
 * a cut keep their width; the room left is shared out among the others, narrowest first: one that
 * needs less than an even share of what is left keeps its width, the others get the even share, and
 * at least LEAST_WIDTH (or their header). A URL column asks only for URL_DEMAND until the others are
 * whole, and gets what is left over then: names tell rows apart better than the rest of a URL.
 */
function fitted(natural: number[], shown: readonly string[], cuts: (Cut | undefined)[], columns: number): Fit | undefined {
  const gaps = GAP.length * (natural.length - 1);
  if (natural.reduce((a, b) => a + b, 0) + gaps <= columns) return undefined;
  const widths = [...natural];
  const demand = natural.map((w, i) => (cuts[i] === 'url' ? Math.min(w, URL_DEMAND) : w));
  const flexible = natural.map((_, i) => i).filter((i) => cuts[i] !== undefined);
  flexible.sort((a, b) => demand[a] - demand[b]);
  let room = columns - gaps - natural.reduce((sum, w, i) => (cuts[i] === undefined ? sum + w : sum), 0);
  flexible.forEach((i, k) => {
    const least = Math.min(natural[i], Math.max(shown[i] === undefined ? 0 : width(shown[i]), LEAST_WIDTH));
    widths[i] = Math.max(least, Math.min(demand[i], Math.floor(room / (flexible.length - k))));
    room -= widths[i];
  });
  for (const i of flexible) {
    const more = Math.min(Math.max(room, 0), natural[i] - widths[i]);
    widths[i] += more;
    room -= more;
  }
  return { widths, cuts, clip: clipAt(widths, columns) };
}

/** Where lines must end to stay within `columns`, or undefined when the columns fit. */
function clipAt(widths: number[], columns: number): Fit['clip'] {
  let start = 0;
  for (let i = 0; i < widths.length; i++) {
    if (start + widths[i] <= columns) {
      start += widths[i] + GAP.length;
      continue;
    }
    // A column that would start within the gap before the edge is left out, with that gap.
    return start < columns ? { column: i, room: columns - start } : { column: i - 1, room: widths[i - 1] };
  }
  return undefined;
}

/** The cells of a row as a fitted table shows them: shortened to their column's width, and cut at the edge. */
function fitRow(row: readonly string[], fit: Fit, isAscii: boolean, header = false): readonly string[] {
  const { widths, cuts, clip } = fit;
  const shown = clip ? row.slice(0, clip.column + 1) : row;
  let copy: string[] | undefined;
  for (let i = 0; i < shown.length; i++) {
    const room = i === clip?.column ? clip.room : widths[i];
    const cell = shown[i];
    if ((isAscii ? cell.length : width(cell)) <= room) continue;
    copy ??= [...shown];
    copy[i] = CUTS[header ? 'end' : (cuts[i] ?? 'end')](cell, room);
  }
  return copy ?? shown;
}

/**
 * Writes the lines in batches of 500 rows: the text of a batch is made in one piece from its cells,
 * so the text of a long table is neither held whole nor copied line by line. A cell cut to fit is
 * cut as its row is written.
 */
function writeLines(
  head: readonly string[],
  rows: Rows,
  ascii: boolean[],
  widths: number[],
  fit: Fit | undefined,
  styles: { head: (column: number, cell: string) => string; row?: (column: number, cell: string) => string },
  write: (text: string) => void,
): void {
  const pads: string[] = [];
  const pad = (n: number): string => (pads[n] ??= ' '.repeat(Math.max(n, 0)));
  const parts: string[] = [];
  // A row of printable ASCII stays as wide as it is long when cut: '…' is one column.
  const add = (cells: readonly string[], isAscii: boolean, styleOf: ((column: number, cell: string) => string) | undefined): void => {
    const last = cells.length - 1;
    const start = parts.length;
    for (let i = 0; i < last; i++) {
      const cell = cells[i];
      parts.push(styleOf ? styleOf(i, cell) : cell, pad(widths[i] - (isAscii ? cell.length : width(cell))), GAP);
    }
    if (last >= 0) {
      const cell = cells[last];
      // No trailing blanks: only an empty or blank-ended last cell leaves any.
      const blankEnded = cell === '' || /\s$/.test(cell);
      const text = blankEnded ? cell.trimEnd() : cell;
      parts.push(styleOf ? styleOf(last, text) : text);
      if (blankEnded) parts.push(parts.splice(start).join('').trimEnd());
    }
    parts.push('\n');
  };
  if (head.length > 0) add(fit ? fitRow(head, fit, false, true) : head, false, styles.head);
  let lines = 0;
  for (let j = 0; j < rows.length; j++) {
    add(fit ? fitRow(rows[j], fit, ascii[j]) : rows[j], ascii[j], styles.row);
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

/** Writes the table to stdout (or `write`). Colours (a bold header, the columns' styles) take no columns. */
export function writeTable(
  io: IO,
  headers: string[],
  rows: Rows,
  options: TableOptions = {},
  write = (text: string): void => void io.stdout.write(text),
): void {
  if (options.header === false && rows.length === 0) return;
  const shown = options.header === false ? [] : headers;
  const { clean, widths: rowWidths, ascii } = cleanAndMeasure(rows);
  const natural = withHeaders(shown, rowWidths);
  const rules = headers.map((h) => (options.columns && Object.hasOwn(options.columns, h) ? options.columns[h] : undefined));
  const fit =
    options.fit && io.isTTY && io.columns !== undefined && io.columns > 0
      ? fitted(
          natural,
          shown,
          rules.map((r) => r?.cut),
          io.columns,
        )
      : undefined;
  const chalk = new Chalk({ level: io.color ? 1 : 0 });
  const styles = rules.map((r) => r?.style);
  const row = io.color && styles.some(Boolean) ? (i: number, cell: string): string => styled(chalk, styles[i], cell) : undefined;
  writeLines(shown, clean, ascii, fit?.widths ?? natural, fit, { head: (_, cell) => chalk.bold(cell), row }, write);
}
