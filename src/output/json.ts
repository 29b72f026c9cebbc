// The one JSON writer of every JSON output (--json, inspect, {{json .}}, call's answer): the text
// JSON.stringify makes, with DEL and the C1 controls escaped too, and without a stack overflow for an
// answer nested thousands of levels deep.

/** JSON.stringify leaves U+007F–U+009F raw; a terminal takes U+009B as the start of an escape sequence. */
const RAW_CONTROLS = /[\u007f-\u009f]/g;
const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `value` as JSON text: on one line, or laid out with `indent` spaces per level as
 * JSON.stringify(value, null, indent) lays it out; undefined alone is `null`.
 */
export function jsonText(value: unknown, indent = 0): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, indent) ?? 'null';
  } catch (err) {
    // JSON.stringify recurses, and runs out of stack near 5,000 levels; the same text is then
    // written without recursion, which is many times slower for the usual shallow answers.
    if (!(err instanceof RangeError)) throw err;
    text = flatJsonText(value, indent);
  }
  // In JSON text these characters can only stand inside strings, where \u escapes are valid.
  return text.replace(RAW_CONTROLS, escape);
}

/** What JSON leaves out of objects, and writes as null in arrays. */
const omitted = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

interface Frame {
  items: unknown[];
  /** The keys of an object (items are then its values), or undefined for an array. */
  keys?: string[];
  next: number;
}

/** Levels laid out on lines of their own; deeper ones are written on one line. */
const LAID_OUT_LEVELS = 100;

/**
 * JSON.stringify's text, made with a stack of its own; when laid out, levels past LAID_OUT_LEVELS
 * stay on one line, since the layout of n levels takes n² characters. Only what JSON.parse makes is
 * expected (no toJSON).
 */
function flatJsonText(value: unknown, indent: number): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  /** The items of a container at `depth` are laid out, or on one line. */
  const laidOut = (depth: number): boolean => indent > 0 && depth <= LAID_OUT_LEVELS;
  const newline = (depth: number): string => `\n${' '.repeat(indent * depth)}`;
  const write = (v: unknown): void => {
    if (v === null || omitted(v)) out.push('null');
    else if (typeof v !== 'object') out.push(JSON.stringify(v));
    else if (Array.isArray(v)) {
      out.push(v.length === 0 ? '[]' : '[');
      if (v.length > 0) stack.push({ items: v, next: 0 });
    } else {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => !omitted(record[k]));
      out.push(keys.length === 0 ? '{}' : '{');
      if (keys.length > 0) stack.push({ items: keys.map((k) => record[k]), keys, next: 0 });
    }
  };
  write(value);
  while (stack.length > 0) {
    const depth = stack.length;
    const frame = stack[depth - 1];
    if (frame.next === frame.items.length) {
      stack.pop();
      out.push(laidOut(depth) ? newline(depth - 1) : '', frame.keys ? '}' : ']');
      continue;
    }
    const i = frame.next++;
    out.push(i > 0 ? ',' : '', laidOut(depth) ? newline(depth) : '');
    if (frame.keys) out.push(JSON.stringify(frame.keys[i]), laidOut(depth) ? ': ' : ':');
    write(frame.items[i]);
  }
  return out.join('');
}
