// Following an action until it ends: polls its URI, shows a spinner on a terminal. Returns the
// action in its final state; gives up with a network error (exit 5) when the time runs out.
import type { ApiClient } from '../api/client.js';
import type { Action } from '../api/types.js';
import type { Context } from '../context.js';
import { NetworkError } from '../errors.js';
import { safeText } from '../io.js';
import { setTimeout as sleep } from 'node:timers/promises';

const RUNNING = new Set(['Pending', 'In progress', 'Canceling']);
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export async function waitForAction(api: ApiClient, uri: string, timeoutS: number, ctx: Context): Promise<Action> {
  const deadline = Date.now() + timeoutS * 1000;
  const spinner = ctx.io.stderrTTY;
  let frame = 0;
  let delay = 200;
  try {
    for (;;) {
      const action = await api.getAction(uri);
      if (!RUNNING.has(action.state)) return action;
      if (spinner) ctx.io.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${safeText(action.action ?? 'action')}: ${safeText(action.state)}\u001b[K`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new NetworkError(`gave up waiting for the action after ${timeoutS} s; it is still ${safeText(action.state)} (${safeText(uri)})`);
      }
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 1.5, 2000);
    }
  } finally {
    if (spinner) ctx.io.stderr.write('\r\u001b[K');
  }
}
