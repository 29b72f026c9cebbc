// Running one operation over several identifiers: all run, each failure is reported, the exit code sums up.
import { CONCURRENCY, mapSettled, type Settled } from './concurrency.js';
import type { Context } from './context.js';
import { exitCodeFor, interruptOf, Interrupted, PartialFailure } from './errors.js';
import { reportError } from './report.js';

/** Thrown by an operation that was about to act when the run was interrupted: it did nothing. */
export class NotStarted extends Error {}

interface ForEachOptions<R> {
  /** Once aborted (SIGINT, SIGTERM), no further identifier is started, and finish() says so. */
  signal?: AbortSignal;
  /**
   * Takes each success as soon as it and every identifier before it are done, and failures are
   * reported at that point too, in argument order. Without it, the caller prints the successes and
   * finish() reports the failures after them.
   */
  emit?: (value: R) => void;
}

/** Runs fn over the ids (or what they name) with bounded concurrency; returns the successes in argument order, reports failures. */
export async function forEachId<T, R>(
  ctx: Context,
  ids: readonly T[],
  fn: (id: T) => Promise<R>,
  { signal, emit }: ForEachOptions<R> = {},
): Promise<{ values: R[]; finish: () => void }> {
  const report = (s: Settled<R>): void => {
    if (!s.ok && !(s.error instanceof NotStarted)) reportError(ctx, s.error);
  };
  const done: Settled<R>[] = [];
  let shown = 0;
  const show = (i: number, s: Settled<R>): void => {
    done[i] = s;
    for (; done[shown]; shown++) {
      const next = done[shown];
      if (next.ok) emit!(next.value);
      else report(next);
    }
  };
  const settled = await mapSettled(ids, CONCURRENCY, fn, { signal, onSettled: emit && show });
  const values: R[] = [];
  const codes: number[] = [];
  let untouched = ids.length - settled.length;
  for (const s of settled) {
    if (s.ok) values.push(s.value);
    else if (s.error instanceof NotStarted) untouched++;
    else codes.push(exitCodeFor(s.error));
  }
  return {
    values,
    /** Call after printing the successes: reports the failures and throws when there were any, or when interrupted. */
    finish: () => {
      if (!emit) settled.forEach(report);
      if (signal?.aborted) {
        const name = interruptOf(signal);
        throw new Interrupted(`interrupted by ${name}: ${untouched} of ${ids.length} triggers left untouched`, name);
      }
      if (codes.length === 0) return;
      const same = codes.every((c) => c === codes[0]);
      const code = codes.length === ids.length && same ? codes[0] : 1;
      throw new PartialFailure(`${codes.length} of ${ids.length} failed`, code);
    },
  };
}
