// --format templates in the style of `docker --format`: {{.field}}, {{json .}}, {{json .field}},
// \t and \n escapes, and a `table ` prefix for aligned columns with a header.
import { UsageError } from '../errors.js';
import { safeText } from '../io.js';

type Part = { text: string } | { field: string; json: boolean } | { whole: true };

export interface Template {
  table: boolean;
  /** One list of parts per column for a table; a single list otherwise. */
  columns: Part[][];
  headers: string[];
}

const ACTION = /\{\{\s*(.*?)\s*\}\}/g;

function unescape(text: string): string {
  return text.replace(/\\([tn\\])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : '\\'));
}

function parseParts(source: string, fields: readonly string[]): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of source.matchAll(ACTION)) {
    if (m.index! > last) parts.push({ text: source.slice(last, m.index) });
    last = m.index! + m[0].length;
    const body = m[1]!;
    const action = /^(json\s+)?\.([A-Za-z_][A-Za-z0-9_]*)?$/.exec(body);
    if (!action) throw new UsageError(`invalid --format template: cannot read '{{${body}}}'; use {{.field}} or {{json .}}`);
    const [, json, field] = action;
    if (field === undefined) {
      if (!json) throw new UsageError("invalid --format template: '{{.}}' needs json, as in '{{json .}}'");
      parts.push({ whole: true });
      continue;
    }
    if (!fields.includes(field)) {
      throw new UsageError(`invalid --format template: unknown field '${field}'; fields: ${fields.join(', ')}`);
    }
    parts.push({ field, json: !!json });
  }
  const rest = source.slice(last);
  if (rest.includes('{{') || rest.includes('}}')) throw new UsageError('invalid --format template: unbalanced {{ or }}');
  if (rest) parts.push({ text: rest });
  return parts;
}

function headerOf(parts: Part[]): string {
  return parts
    .map((p) => ('text' in p ? p.text : 'whole' in p ? 'JSON' : p.field.toUpperCase()))
    .join('')
    .trim();
}

/** Parses and checks a template against the fields the objects have; throws a usage error before any request. */
export function parseTemplate(source: string, fields: readonly string[]): Template {
  if (source.trim() === '') throw new UsageError('invalid --format template: it is empty');
  const table = /^table(\s|$)/.test(source);
  const body = unescape(table ? source.replace(/^table\s?/, '') : source);
  if (!table) return { table, columns: [parseParts(body, fields)], headers: [] };
  const columns = (body.trim() === '' ? fields.map((f) => `{{.${f}}}`) : body.split('\t')).map((c) => parseParts(c, fields));
  return { table, columns, headers: columns.map(headerOf) };
}

/** A field's text; control characters the server put in it are neutralised (JSON escapes its own). */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : safeText(value);
}

export function renderParts(parts: Part[], object: Record<string, unknown>): string {
  return parts
    .map((p) => ('text' in p ? p.text : 'whole' in p ? JSON.stringify(object) : p.json ? JSON.stringify(object[p.field] ?? null) : valueText(object[p.field])))
    .join('');
}
