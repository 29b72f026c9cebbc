// Printing data to stdout. One output spec, chosen once from --json [fields], -q, --format (a template,
// or docker's names `table` and `json`), --no-header and --no-trunc and checked before any request,
// drives every command's output.
import { Option } from '@commander-js/extra-typings';
import type { Trigger } from '../api/types.js';
import { UsageError } from '../errors.js';
import { fieldText, type IO } from '../io.js';
import { serviceName } from '../resolve.js';
import { parseTemplate, renderParts, unknownField, type Template } from './format.js';
import { jsonText } from './json.js';
import type { ColumnRule } from './table.js';

export type OutputSpec =
  | { kind: 'table'; header: boolean; trunc: boolean }
  /** --json: every field, or those listed. */
  | { kind: 'json'; fields?: readonly string[] }
  | { kind: 'quiet' }
  | { kind: 'template'; template: Template; header: boolean };

export interface OutputFlags {
  /** --json alone, or --json with its list of fields (see jsonOption). */
  json?: boolean | readonly string[];
  quiet?: boolean;
  format?: string;
  header?: boolean;
  trunc?: boolean;
}

/** A trigger as printed: the API's object, with its service (name, UUID and stack's name) when several services are listed. */
type TriggerRecord = Trigger & { service?: string; service_uuid?: string; stack?: string | null };

/** The help of every command's --format option. */
export const FORMAT_HELP =
  "'table' (the default), 'json' (one object per line), or a Go-style template: {{.name}}, {{json .}}; 'table ' prefix for columns";

export const TRIGGER_FIELDS = ['uuid', 'name', 'operation', 'url', 'resource_uri'] as const;
export const LISTED_FIELDS = [...TRIGGER_FIELDS, 'service', 'service_uuid', 'stack'] as const;

/**
 * The fields of `--json a,b`, checked against those the objects have. `afterArguments`: the command
 * takes arguments, which --json may have taken as its fields.
 */
function jsonFields(value: string | readonly string[], fields: readonly string[], afterArguments = true): string[] {
  const listed = typeof value === 'string' ? value.split(',').map((f) => f.trim()) : value;
  if (listed.length === 0 || listed.includes(''))
    throw new UsageError(`--json takes field names separated by commas; fields: ${fields.join(', ')}`);
  const unknown = listed.find((f) => !fields.includes(f));
  if (unknown !== undefined) {
    // `trigger list --json web` reads `web` as the fields.
    const hint =
      afterArguments && listed.length === 1
        ? `--json takes the word after it as its fields: put the arguments before --json, or write --json=FIELDS.`
        : undefined;
    throw new UsageError(unknownField(unknown, fields, '--json field'), hint);
  }
  return [...new Set(listed)];
}

/**
 * `--json [fields]`, with an optional list of fields, like gh's --json. With `fields`, the list is
 * checked as the command line is parsed, so that a required argument read as fields by mistake
 * (`trigger create --json web`) is reported as such rather than as missing; outputSpec checks it in
 * any case, against the fields of the run (list's depend on its argument). `afterArguments` is false
 * for a command that takes no arguments.
 */
export function jsonOption(description: string, fields?: readonly string[], afterArguments = true) {
  return new Option('--json [fields]', `${description}; with fields (name,uuid), only those`).argParser((value) =>
    fields ? jsonFields(value, fields, afterArguments) : value.split(',').map((f) => f.trim()),
  );
}

export function outputSpec(
  flags: OutputFlags,
  fields: readonly string[] = TRIGGER_FIELDS,
  fallback: OutputSpec['kind'] = 'table',
): OutputSpec {
  const chosen = [flags.json && '--json', flags.quiet && '--quiet', flags.format !== undefined && '--format'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`${chosen.join(' and ')} cannot be used together`);
  const header = flags.header !== false;
  const table: OutputSpec = { kind: 'table', header, trunc: flags.trunc !== false };
  // docker's two names: the default table, and one JSON object per line.
  if (flags.format?.trim() === 'table') return table;
  if (flags.format?.trim() === 'json') return { kind: 'template', template: parseTemplate('{{json .}}', fields), header };
  if (flags.format !== undefined) return { kind: 'template', template: parseTemplate(flags.format, fields), header };
  if (Array.isArray(flags.json)) return { kind: 'json', fields: jsonFields(flags.json, fields) };
  if (flags.json) return { kind: 'json' };
  if (flags.quiet) return { kind: 'quiet' };
  if (fallback === 'json') return { kind: 'json' };
  return table;
}

export function printJson(io: IO, value: unknown): void {
  io.stdout.write(`${jsonText(value, 2)}\n`);
}

function printLines(io: IO, lines: string[]): void {
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
}

/** Prints values as they come: one per line, or as a JSON array laid out as printJson lays it out. */
export interface StreamPrinter {
  add(value: string): void;
  /** Ends the output (the JSON array is closed), whether or not every value came. */
  end(): void;
}

export function streamPrinter(io: IO, json: boolean): StreamPrinter {
  if (!json) return { add: (value) => void io.stdout.write(`${value}\n`), end: () => {} };
  let count = 0;
  return {
    add: (value) => void io.stdout.write(`${count++ === 0 ? '[' : ','}\n  ${jsonText(value)}`),
    end: () => void io.stdout.write(count === 0 ? '[]\n' : '\n]\n'),
  };
}

/**
 * The row of a trigger: [service,] UUID (cut to 8 unless full), name, operation and absolute call URL.
 * A field that is not a string shows as its JSON text.
 */
export function triggerRow(t: TriggerRecord, host: string, full: boolean, withService = false): string[] {
  const url: unknown = t.url;
  const row = [
    full ? t.uuid : t.uuid.slice(0, 8),
    fieldText(t.name),
    fieldText(t.operation),
    typeof url === 'string' ? absoluteUrl(url, host) : fieldText(url),
  ];
  return withService ? [serviceCell(t.service, t.stack ?? null), ...row] : row;
}

let lastService: { name: unknown; stack: string | null; cell: string } = { name: undefined, stack: null, cell: '' };
/** The SERVICE cell, `name.stack`: the rows of a service come together, so one string serves them all rather than one per row. */
function serviceCell(name: unknown, stack: string | null): string {
  if (lastService.name !== name || lastService.stack !== stack) lastService = { name, stack, cell: serviceName(name, stack) };
  return lastService.cell;
}

// Segments of letters, digits, '-', '_', '~' and inner dots: what the URL parser leaves as it is.
const PLAIN_PATH = /^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?$/;

/** The URL of an API path on `host` (a root URL). The usual plain path is joined as text, which
 * matters at 10,000 rows; anything else goes through the URL parser. */
export function absoluteUrl(path: string, host: string): string {
  if (!PLAIN_PATH.test(path) || !host.endsWith('/')) {
    // What the server gave is shown as it is when it is no URL at all.
    return URL.canParse(path, host) ? new URL(path, host).href : path;
  }
  // One flat string now: `a + b` would be a pair that V8 copies into one string when the table
  // first measures the cell, late in a long list, when the copies only add to its peak memory.
  return [rootOf(host), path].join('');
}

let lastRoot = { host: '', root: '' };
/** `host` without its final slash, made once per host rather than once per row. */
function rootOf(host: string): string {
  if (lastRoot.host !== host) lastRoot = { host, root: host.slice(0, -1) };
  return lastRoot.root;
}

export const TRIGGER_HEADERS = ['UUID', 'NAME', 'OPERATION', 'URL'];

/**
 * How the trigger table fits a terminal and is coloured: names shortened in the middle, URLs as
 * shortenUrl says, UUIDs (8 characters) and operations kept whole; the operation dimmed.
 */
export const TRIGGER_COLUMNS: Readonly<Record<string, ColumnRule>> = {
  SERVICE: { cut: 'text' },
  NAME: { cut: 'text' },
  OPERATION: { style: 'dim' },
  URL: { cut: 'url' },
};

/** How records of one kind are laid out in a table: the headers, each record's row, and how the columns fit and are coloured. */
export interface TableLayout<T> {
  headers: readonly string[];
  /** The cells of a record; `full` asks for whole UUIDs. */
  row(record: T, full: boolean): string[];
  columns: Readonly<Record<string, ColumnRule>>;
}

/**
 * How records are printed for one output spec. Each record is added as it arrives, and only what the
 * output shows of it is kept (its table row, its UUID, its line, or itself for JSON), so that a long
 * list is never held as the API's objects; `print` then writes what was kept.
 */
export interface RecordPrinter<T> {
  add(record: T): void;
  /** How many records were added. */
  readonly count: number;
  print(io: IO): Promise<void>;
}

/** A printer that keeps `keep(record)` of each record, and prints them with `print`. */
function keeping<T, K>(keep: (record: T) => K, print: (io: IO, kept: K[]) => Promise<void> | void): RecordPrinter<T> {
  const kept: K[] = [];
  return {
    add: (record) => void kept.push(keep(record)),
    get count() {
      return kept.length;
    },
    print: async (io) => print(io, kept),
  };
}

/**
 * The printer of records for `spec`: JSON (the records, or the fields asked for), UUIDs (-q), a
 * template, or the table of `layout`. `single` is one record just made (create, rotate): one object
 * rather than an array in JSON, and shown whole in a table, since its URL is what the user needs.
 */
export function recordPrinter<T extends { uuid: string }>(
  spec: OutputSpec,
  layout: TableLayout<T>,
  options: { single?: boolean } = {},
): RecordPrinter<T> {
  switch (spec.kind) {
    case 'json': {
      const { fields } = spec;
      const keep = fields ? (r: T): unknown => Object.fromEntries(fields.map((f) => [f, r[f as keyof T]])) : (r: T): unknown => r;
      return keeping(keep, (io, kept) => printJson(io, options.single ? kept[0] : kept));
    }
    case 'quiet':
      return keeping((r) => r.uuid, printLines);
    case 'template': {
      const { template } = spec;
      const fields = (r: T): Record<string, unknown> => r;
      if (!template.table) return keeping((r) => renderParts(template.columns[0], fields(r)), printLines);
      return keeping(
        (r) => template.columns.map((c) => renderParts(c, fields(r))),
        async (io, rows) => {
          const { writeTable } = await import('./table.js');
          writeTable(io, template.headers, rows, { header: spec.header });
        },
      );
    }
    case 'table': {
      const trunc = spec.trunc && !options.single;
      return keeping(
        (r) => layout.row(r, !trunc),
        async (io, rows) => {
          const { writeTable } = await import('./table.js');
          // --no-trunc keeps every cell whole on a terminal too.
          writeTable(io, [...layout.headers], rows, { header: spec.header, fit: trunc, columns: layout.columns });
        },
      );
    }
  }
}

/** The printer of triggers (see recordPrinter). `withService` adds the SERVICE column (list of every service). */
export function triggerPrinter(
  spec: OutputSpec,
  host: string,
  options: { single?: boolean; withService?: boolean } = {},
): RecordPrinter<TriggerRecord> {
  const headers = options.withService ? ['SERVICE', ...TRIGGER_HEADERS] : TRIGGER_HEADERS;
  const row = (t: TriggerRecord, full: boolean): string[] => triggerRow(t, host, full, options.withService);
  return recordPrinter(spec, { headers, row, columns: TRIGGER_COLUMNS }, options);
}

/** Prints triggers as the spec says (see triggerPrinter). */
export async function printTriggers(
  io: IO,
  spec: OutputSpec,
  triggers: TriggerRecord[],
  host: string,
  options: { single?: boolean } = {},
): Promise<void> {
  const printer = triggerPrinter(spec, host, options);
  for (const t of triggers) printer.add(t);
  await printer.print(io);
}
