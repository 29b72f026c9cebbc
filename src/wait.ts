// Following an action until it ends: polls its URI and shows how it goes on stderr (a spinner with
// the elapsed time on a terminal, else a line per change of state). Returns the action in its final
// state; gives up with a network error (exit 5) when the time runs out, and stops on SIGINT or
// SIGTERM, a poll still waiting for its answer cancelled in both cases.
import { Chalk } from 'chalk';
import type { ApiClient } from './api/client.js';
import type { Action } from './api/types.js';
import type { Context } from './context.js';
import { interruptOf, Interrupted, NetworkError } from './errors.js';
import { safeText } from './io.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** Time as a wait sees it: what it reads to tell the elapsed time, and how it pauses between polls. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const REAL_CLOCK: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

const RUNNING = new Set(['Pending', 'In progress', 'Canceling']);
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 100;
/** Without a terminal, a state that lasts is repeated at most this often, so a log shows the wait is alive. */
const STILL_EVERY_MS = 60_000;
const STATE_COLORS: Record<string, 'green' | 'red' | 'yellow'> = { Success: 'green', Failed: 'red', 'In progress': 'yellow' };

/** An action's state as text, coloured (Success green, Failed red, In progress yellow) when `color` is on. */
export function stateText(state: unknown, color: boolean): string {
  const text = safeText(state);
  const hue = typeof state === 'string' ? STATE_COLORS[state] : undefined;
  return color && hue ? new Chalk({ level: 1 })[hue](text) : text;
}

/** How the wait shows its progress: told each state the action is seen in, and when the wait ends. */
interface Progress {
  seen(action: Action): void;
  end(): void;
}

const label = (action: Action): string => {
  const name = safeText(action.action ?? 'action');
  return name.length > 40 ? `${name.slice(0, 39)}…` : name;
};
const seconds = (ms: number): string => `${Math.floor(ms / 1000)} s`;

/** On a terminal: one line redrawn in place, the frame and the elapsed time moving on their own. */
function spinner(out: NodeJS.WritableStream, clock: Clock, color: boolean): Progress {
  const start = clock.now();
  let last: Action | undefined;
  let frame = 0;
  const draw = (): void => {
    if (!last) return;
    const elapsed = seconds(clock.now() - start);
    out.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label(last)}: ${stateText(last.state, color)} (${elapsed})\u001b[K`);
  };
  const timer = setInterval(draw, FRAME_MS);
  return {
    seen(action) {
      last = action;
      draw();
    },
    end() {
      clearInterval(timer);
      if (last) out.write('\r\u001b[K');
    },
  };
}

/** Without a terminal (a pipe, a CI log, TERM=dumb): a line per change of state, and a reminder per minute. */
function lines(out: NodeJS.WritableStream, clock: Clock, color: boolean): Progress {
  const start = clock.now();
  let state: unknown;
  let lineAt = start;
  return {
    seen(action) {
      const now = clock.now();
      if (action.state !== state) {
        out.write(`${label(action)}: ${stateText(action.state, color)}\n`);
      } else if (now - lineAt >= STILL_EVERY_MS) {
        out.write(`${label(action)}: still ${stateText(action.state, color)} (${seconds(now - start)})\n`);
      } else {
        return;
      }
      state = action.state;
      lineAt = now;
    },
    end() {},
  };
}

export async function waitForAction(api: ApiClient, uri: string, timeoutS: number, ctx: Context): Promise<Action> {
  const interrupted = ctx.interruption();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutS * 1000);
  const stop = AbortSignal.any([deadline.signal, interrupted]);
  const clock = ctx.clock ?? REAL_CLOCK;
  const color = ctx.stderrColor;
  const progress = ctx.io.stderrTTY && ctx.env.TERM !== 'dumb' ? spinner(ctx.io.stderr, clock, color) : lines(ctx.io.stderr, clock, color);
  let delay = 200;
  let last: Action | undefined;
  try {
    for (;;) {
      last = await api.getAction(uri, stop);
      progress.seen(last);
      if (!RUNNING.has(last.state)) return last;
      await clock.sleep(delay, stop);
      delay = Math.min(delay * 1.5, 2000);
    }
  } catch (err) {
    if (interrupted.aborted) throw new Interrupted(`stopped waiting; the action goes on: ${safeText(uri)}`, interruptOf(interrupted));
    if (!deadline.signal.aborted) throw err;
    const where = last ? `it is still ${safeText(last.state)}` : 'no answer about it came in that time';
    throw new NetworkError(`gave up waiting for the action after ${timeoutS} s; ${where} (${safeText(uri)})`);
  } finally {
    clearTimeout(timer);
    progress.end();
  }
}
