// The run-wide secret scan: tests register the secrets they hand to the CLI, and every captured
// output is recorded; test/global-setup.ts checks at the end that none contains any secret.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

const id = `${process.pid}-${Math.random().toString(36).slice(2)}`;
let counter = 0;

function dir(): string | undefined {
  try {
    return inject('outputsDir');
  } catch {
    return undefined;
  }
}

/** Marks a value as secret for the whole run; returns it. */
export function registerSecret<T extends string>(value: T): T {
  const d = dir();
  if (d && value) appendFileSync(join(d, `secrets-${id}`), `${value}\n`);
  return value;
}

export function recordOutput(args: string[], stdout: string, stderr: string): void {
  const d = dir();
  if (d) appendFileSync(join(d, `out-${id}-${counter++}`), `${args.join(' ')}\n${stdout}\n${stderr}`);
}
