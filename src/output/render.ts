// Printing data to stdout. One output spec, chosen once from --json, -q, --format, --no-header and
// --no-trunc and checked before any request, drives every command's output.
import type { Trigger } from '../api/types.js';
import { UsageError } from '../errors.js';
import type { IO } from '../io.js';
import { parseTemplate, renderParts, type Template } from './format.js';

export type OutputSpec =
  | { kind: 'table'; header: boolean; trunc: boolean }
  | { kind: 'json' }
  | { kind: 'quiet' }
  | { kind: 'template'; template: Template; header: boolean };

export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
  format?: string;
  header?: boolean;
  trunc?: boolean;
}

/** A trigger as printed: the API's object, with its service when several services are listed. */
export type TriggerRecord = Trigger & { service?: string; service_uuid?: string };

export const TRIGGER_FIELDS = ['uuid', 'name', 'operation', 'url', 'resource_uri'] as const;
export const LISTED_FIELDS = [...TRIGGER_FIELDS, 'service', 'service_uuid'] as const;

export function outputSpec(flags: OutputFlags, fields: readonly string[] = TRIGGER_FIELDS, fallback: OutputSpec['kind'] = 'table'): OutputSpec {
  const chosen = [flags.json && '--json', flags.quiet && '--quiet', flags.format !== undefined && '--format'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`${chosen.join(' and ')} cannot be used together`);
  const header = flags.header !== false;
  if (flags.format !== undefined) return { kind: 'template', template: parseTemplate(flags.format, fields), header };
  if (flags.json) return { kind: 'json' };
  if (flags.quiet) return { kind: 'quiet' };
  if (fallback === 'json') return { kind: 'json' };
  return { kind: 'table', header, trunc: flags.trunc !== false };
}

export function printJson(io: IO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(io: IO, lines: string[]): void {
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
}

/** The row of a trigger: [service,] UUID (cut to 8 unless full), name, operation and absolute call URL. */
export function triggerRow(t: TriggerRecord, host: string, full: boolean, withService = false): string[] {
  const row = [full ? t.uuid : t.uuid.slice(0, 8), t.name, t.operation, absoluteUrl(t.url, host)];
  return withService ? [t.service ?? '', ...row] : row;
}

// Segments of letters, digits, '-', '_', '~' and inner dots: what the URL parser leaves as it is.
const PLAIN_PATH = /^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?$/;

/** The URL of an API path on `host` (a root URL). The usual plain path is joined as text, which
 * matters at 10,000 rows; anything else goes through the URL parser. */
export function absoluteUrl(path: string, host: string): string {
  return PLAIN_PATH.test(path) && host.endsWith('/') ? host.slice(0, -1) + path : new URL(path, host).href;
}

export const TRIGGER_HEADERS = ['UUID', 'NAME', 'OPERATION', 'URL'];

/**
 * Prints triggers as the spec says. `single` is one trigger just made (create, rotate): one object
 * rather than an array in JSON, and shown whole in a table, since its URL is what the user needs.
 * `withService` adds the SERVICE column (list of every service).
 */
export async function printTriggers(
  io: IO,
  spec: OutputSpec,
  triggers: TriggerRecord[],
  host: string,
  options: { single?: boolean; withService?: boolean } = {},
): Promise<void> {
  switch (spec.kind) {
    case 'json':
      return printJson(io, options.single ? triggers[0] : triggers);
    case 'quiet':
      return printLines(io, triggers.map((t) => t.uuid));
    case 'template': {
      const { template } = spec;
      const records = triggers as unknown as Record<string, unknown>[];
      if (!template.table) {
        io.stdout.write(records.map((r) => `${renderParts(template.columns[0]!, r)}\n`).join(''));
        return;
      }
      const { writeTable } = await import('./table.js');
      const rows = { length: records.length, at: (i: number) => template.columns.map((c) => renderParts(c, records[i]!)) };
      writeTable(io, template.headers, rows, { header: spec.header });
      return;
    }
    case 'table': {
      const { writeTable } = await import('./table.js');
      const headers = options.withService ? ['SERVICE', ...TRIGGER_HEADERS] : TRIGGER_HEADERS;
      const trunc = spec.trunc && !options.single;
      // Rows are made when the table asks for them, so 10,000 triggers are not held twice.
      const rows = { length: triggers.length, at: (i: number) => triggerRow(triggers[i]!, host, !trunc, options.withService) };
      // --no-trunc keeps the URL column whole on a terminal too.
      writeTable(io, headers, rows, { header: spec.header, shrink: trunc ? headers.length - 1 : undefined });
    }
  }
}

