// --format templates in the style of `docker --format`: {{.field}}, {{json .}}, {{json .field}},
// \t and \n escapes, and a `table ` prefix for aligned columns with a header.
import { UsageError } from '../errors.js';
import { safeText } from '../io.js';
import { jsonText } from './json.js';

type Part = { text: string } | { field: string; json: boolean } | { whole: true };

export interface Template {
  table: boolean;
  /** One list of parts per column for a table; a single list otherwise. */
  columns: Part[][];
  headers: string[];
}

function unescape(text: string): string {
  return text.replace(/\\([tn\\])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : '\\'));
}

const invalid = (why: string): UsageError => new UsageError(`invalid --format template: ${why}`);

/** What an action holds, as an error may quote it. */
const quoted = (body: string): string => (body.length > 40 ? `${safeText(body.slice(0, 40))}…` : safeText(body));

/** The message for a field the objects do not have: a suggestion when only its case is wrong (docker's `Name`), else the fields. */
export function unknownField(field: string, fields: readonly string[], what = 'field'): string {
  const shown = quoted(field);
  const near = fields.find((f) => f.toLowerCase() === field.toLowerCase());
  return `unknown ${what} '${shown}'; ${near ? `did you mean '${near}'?` : `fields: ${fields.join(', ')}`}`;
}

/** The part an action stands for: `.field`, `json .field` or `json .`, with spaces around. */
function actionPart(body: string, fields: readonly string[]): Part {
  const action = body.trim();
  const json = /^json\s/.test(action);
  const target = json ? action.slice(4).trimStart() : action;
  if (target === '.') {
    if (!json) throw invalid("'{{.}}' needs json, as in '{{json .}}'");
    return { whole: true };
  }
  const field = target.slice(1);
  if (!target.startsWith('.') || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) {
    throw invalid(`cannot read '{{${quoted(body)}}}'; use {{.field}} or {{json .}}`);
  }
  if (!fields.includes(field)) throw invalid(unknownField(field, fields));
  return { field, json };
}

/** The text and actions of a template, read in one pass from left to right. */
function parseParts(source: string, fields: readonly string[]): Part[] {
  const parts: Part[] = [];
  let at = 0;
  for (;;) {
    const open = source.indexOf('{{', at);
    const close = source.indexOf('}}', at);
    if (close !== -1 && (open === -1 || close < open)) throw invalid('unbalanced {{ or }}');
    if (open === -1) break;
    const end = source.indexOf('}}', open + 2);
    const body = end === -1 ? '' : source.slice(open + 2, end);
    if (end === -1 || body.includes('{{')) throw invalid('unbalanced {{ or }}');
    if (open > at) parts.push({ text: source.slice(at, open) });
    parts.push(actionPart(body, fields));
    at = end + 2;
  }
  if (at < source.length) parts.push({ text: source.slice(at) });
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
  const table = /^table\s/.test(source);
  const body = unescape(table ? source.replace(/^table\s/, '') : source);
  if (!table) return { table, columns: [parseParts(body, fields)], headers: [] };
  const columns = body.split('\t').map((c) => parseParts(c, fields));
  return { table, columns, headers: columns.map(headerOf) };
}

export function renderParts(parts: Part[], object: Record<string, unknown>): string {
  return parts
    .map((p) => ('text' in p ? p.text : 'whole' in p ? jsonText(object) : p.json ? jsonText(object[p.field]) : safeText(object[p.field])))
    .join('');
}
