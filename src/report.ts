// Printing an error: one line `Error: ...`, hint lines after it, the stack only when debugging.
import type { Context } from './context.js';
import { CliError } from './errors.js';

export function reportError(ctx: Context, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  let text = `Error: ${message.replace(/\s*\n\s*/g, ' ')}\n`;
  if (err instanceof CliError && err.hint) text += `${err.hint}\n`;
  if (ctx.debugging && err instanceof Error && err.stack) text += `${err.stack}\n`;
  ctx.io.stderr.write(text);
}
