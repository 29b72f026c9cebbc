// Printing data to stdout: JSON, UUIDs one per line, and the trigger table shared by list and create.
import type { Trigger } from '../api/types.js';
import type { IO } from '../io.js';

export function printJson(io: IO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(io: IO, lines: string[]): void {
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
}

export const TRIGGER_HEADERS = ['UUID', 'NAME', 'OPERATION', 'URL'];

/** The row of a trigger: its UUID (cut to 8 unless full), name, operation and absolute call URL. */
export function triggerRow(t: Trigger, host: string, full: boolean): string[] {
  return [full ? t.uuid : t.uuid.slice(0, 8), t.name, t.operation, new URL(t.url, host).href];
}

export async function printTriggerTable(io: IO, triggers: Trigger[], host: string, full: boolean, header = true): Promise<void> {
  const { renderTable } = await import('./table.js');
  const rows = triggers.map((t) => triggerRow(t, host, full));
  io.stdout.write(renderTable(io, TRIGGER_HEADERS, rows, { header, shrink: 3 }));
}
