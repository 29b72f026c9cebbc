// Printing an error: one line `Error: ...`, hint lines after it, the stack only when debugging.
import { Chalk } from 'chalk';
import type { Context } from './context.js';
import { CliError } from './errors.js';
import { withoutControlChars } from './io.js';

/** Each line neutralised, the line breaks kept. */
const lines = (text: string): string => text.split('\n').map((line) => withoutControlChars(line)).join('\n');

export function reportError(ctx: Context, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  // Messages neutralise what the server chose where they quote it; this is the last line of defence.
  const red = new Chalk({ level: ctx.stderrColor ? 1 : 0 }).red;
  let text = `${red('Error:')} ${withoutControlChars(message.replace(/\s*\n\s*/g, ' '))}\n`;
  if (err instanceof CliError && err.hint) text += `${lines(err.hint)}\n`;
  if (ctx.debugging && err instanceof Error && err.stack) text += `${lines(err.stack)}\n`;
  ctx.io.stderr.write(text);
}
