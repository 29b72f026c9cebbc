// Running one operation over several identifiers: all run, each failure is reported, the exit code sums up.
import { CONCURRENCY, mapSettled, type Settled } from '../concurrency.js';
import type { Context } from '../context.js';
import { exitCodeFor, PartialFailure } from '../errors.js';
import { reportError } from '../report.js';

/** Runs fn over ids with bounded concurrency; returns the successes in argument order, reports failures. */
export async function forEachId<R>(ctx: Context, ids: string[], fn: (id: string) => Promise<R>): Promise<{ values: R[]; finish: () => void }> {
  const settled: Settled<R>[] = await mapSettled(ids, CONCURRENCY, fn);
  const values: R[] = [];
  const codes: number[] = [];
  for (const s of settled) {
    if (s.ok) values.push(s.value);
    else codes.push(exitCodeFor(s.error));
  }
  return {
    values,
    /** Call after printing the successes: reports the failures and throws when there were any. */
    finish: () => {
      for (const s of settled) if (!s.ok) reportError(ctx, s.error);
      if (codes.length === 0) return;
      const same = codes.every((c) => c === codes[0]);
      const code = codes.length === ids.length && same ? codes[0]! : 1;
      throw new PartialFailure(`${codes.length} of ${ids.length} failed`, code);
    },
  };
}
