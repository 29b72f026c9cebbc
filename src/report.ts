// Printing an error: one line `Error: ...`, hint lines after it, the stack only when debugging.
import { Chalk } from 'chalk';
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import type { Context } from './context.js';
import { CliError } from './errors.js';
import { withoutControlChars } from './io.js';

/** Each line neutralised, the line breaks kept. */
const lines = (text: string): string =>
  text
    .split('\n')
    .map((line) => withoutControlChars(line))
    .join('\n');

export function reportError(ctx: Context, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  // Messages neutralise what the server chose where they quote it; this is the last line of defence.
  const red = new Chalk({ level: ctx.stderrColor ? 1 : 0 }).red;
  let text = `${red('Error:')} ${withoutControlChars(message.replace(/\s*\n\s*/g, ' '))}\n`;
  const hint = ctx.nextStep(err) ?? (err instanceof CliError ? err.hint : undefined);
  if (hint) text += `${lines(hint)}\n`;
  if (ctx.debugging && err instanceof Error && err.stack) text += `${lines(inSources(err.stack, ctx.bundle))}\n`;
  ctx.io.stderr.write(scrub(text, [...ctx.authorizations].flatMap(secretsOf)));
}

/** Shorter than this, a secret cannot be told from the other text of a message, and is left in it. */
const MIN_SECRET = 6;

/**
 * The forms in which a server could echo an Authorization value it was sent: whole, its token and,
 * for Basic, the `user:secret` the token decodes to and the secret alone.
 */
function secretsOf(authorization: string): string[] {
  const value = authorization.trim();
  const [, scheme, token] = /^(\S+)\s+(\S+)$/.exec(value) ?? [];
  const forms = [value];
  if (token) forms.push(token);
  if (token && /^basic$/i.test(scheme)) {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) forms.push(decoded, decoded.slice(colon + 1));
  }
  return forms.filter((form) => form.length >= MIN_SECRET);
}

/** `text` with each secret replaced by `***`, the longest first, so that none is left in part. */
function scrub(text: string, secrets: string[]): string {
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) text = text.replaceAll(secret, '***');
  return text;
}

/** The source map beside `bundle`, read once a run; undefined without one (the positions are then the bundle's). */
const sourceMaps = new Map<string, SourceMap | undefined>();
function sourceMapOf(bundle: string): SourceMap | undefined {
  if (!sourceMaps.has(bundle)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
    } catch {
      map = undefined;
    }
    sourceMaps.set(bundle, map);
  }
  return sourceMaps.get(bundle);
}

/**
 * A stack with each position in the built CLI's bundle turned into its position in the TypeScript
 * sources, through the source map beside the bundle, read here alone, for --debug. A position in the
 * bundle is known by the bundle's file name: on Node 20, code loaded from the code cache keeps the
 * path of the bundle the build ran, wherever it runs now.
 */
function inSources(stack: string, bundle: string | undefined): string {
  if (!bundle) return stack;
  const map = sourceMapOf(bundle);
  return stack.replace(/(\/[^\s():]+):(\d+):(\d+)/g, (position, file: string, line: string, column: string) => {
    if (basename(file) !== basename(bundle)) return position;
    const entry = map?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return `${bundle}:${line}:${column}`;
    return `${resolve(dirname(bundle), entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
