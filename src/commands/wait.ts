// Following an action until it ends: polls its URI, shows a spinner on a terminal. Returns the
// action in its final state; gives up with a network error (exit 5) when the time runs out, a poll
// still waiting for its answer included.
import type { ApiClient } from '../api/client.js';
import type { Action } from '../api/types.js';
import type { Context } from '../context.js';
import { NetworkError } from '../errors.js';
import { safeText } from '../io.js';
import { setTimeout as sleep } from 'node:timers/promises';

const RUNNING = new Set(['Pending', 'In progress', 'Canceling']);
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export async function waitForAction(api: ApiClient, uri: string, timeoutS: number, ctx: Context): Promise<Action> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutS * 1000);
  const spinner = ctx.io.stderrTTY;
  let frame = 0;
  let delay = 200;
  let last: Action | undefined;
  try {
    for (;;) {
      last = await api.getAction(uri, deadline.signal);
      if (!RUNNING.has(last.state)) return last;
      if (spinner) {
        ctx.io.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${safeText(last.action ?? 'action')}: ${safeText(last.state)}\u001b[K`);
      }
      await sleep(delay, undefined, { signal: deadline.signal });
      delay = Math.min(delay * 1.5, 2000);
    }
  } catch (err) {
    if (!deadline.signal.aborted) throw err;
    const where = last ? `it is still ${safeText(last.state)}` : 'no answer about it came in that time';
    throw new NetworkError(`gave up waiting for the action after ${timeoutS} s; ${where} (${safeText(uri)})`);
  } finally {
    clearTimeout(timer);
    if (spinner) ctx.io.stderr.write('\r\u001b[K');
  }
}
