// Runs async work over a list with at most `limit` in flight, keeping the results in input order.

export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface MapOptions<R> {
  /** Once aborted, no further item is started; the results then stop at the first item not started. */
  signal?: AbortSignal;
  /** Called as each item settles, in the order they settle. */
  onSettled?: (index: number, result: Settled<R>) => void;
}

export async function mapSettled<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  { signal, onSettled }: MapOptions<R> = {},
): Promise<Settled<R>[]> {
  const results = new Array<Settled<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await fn(items[i], i) };
      } catch (error) {
        results[i] = { ok: false, error };
      }
      onSettled?.(i, results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results.slice(0, next);
}

/** Like mapSettled, but rejects with the first error (in input order) once all have finished. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const settled = await mapSettled(items, limit, fn);
  return settled.map((s) => {
    if (!s.ok) throw s.error;
    return s.value;
  });
}

export const CONCURRENCY = 8;

/**
 * The results of `fn` over `items`, in input order, as they can be had: at most `limit` run at once,
 * and a result is held only until those before it are out. The first failure, in input order, ends
 * the iteration; the work still running then is left to finish on its own.
 */
export async function* inOrder<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const running: Promise<R>[] = [];
  let next = 0;
  const start = (): void => {
    const result = fn(items[next++]);
    // Awaited in turn below; one that fails after the iteration ended is no unhandled rejection.
    result.catch(() => {});
    running.push(result);
  };
  while (next < items.length && running.length < limit) start();
  while (running.length > 0) {
    const value = await running.shift()!;
    if (next < items.length) start();
    yield value;
  }
}

/** At most `limit` callers at a time inside `run`; the others wait their turn in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
