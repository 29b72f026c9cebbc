import { basic } from '../credentials.js';
import type { Context } from '../context.js';
import { AuthError, interruptOf, Interrupted, UsageError, type Interrupt } from '../errors.js';
import { nonEmpty, profileToChange } from '../config/file.js';
import { ask, readAll } from '../prompt.js';
import { DEFAULT_HOST, isUserName as validUser, parseUser } from '../settings.js';
import { examples } from '../help.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('login')
    .description('Log in: check a user name and API key and save them in the profile')
    .option('-u, --username <user>', 'user name (asked for when not given)')
    .option('--password-stdin', 'read the API key from standard input')
    .addHelpText('after', examples(['trigger login', 'echo "$DOCKERCLOUD_APIKEY" | trigger login --username alice --password-stdin']));
}

/** The options of `trigger login`, typed from their definitions. */
export type LoginOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((opts) => runLogin(opts, ctx));
}

/** An API key is short: `--password-stdin` reads no further than this (`yes |` ends at once). */
const MAX_KEY = {
  bytes: 4096,
  error: () => new UsageError('the API key on standard input is larger than 4 KiB, the most --password-stdin reads'),
};

export async function runLogin(opts: LoginOptions, ctx: Context): Promise<void> {
  const { io } = ctx;
  // Logging in to a profile that does not exist yet makes it.
  ctx.allowNewProfile();
  if (opts.username !== undefined) parseUser(opts.username);
  if (opts.passwordStdin && io.stdinTTY) {
    throw new UsageError('stdin is a terminal; pipe the key in, or leave out --password-stdin to be asked');
  }
  if (!opts.passwordStdin && !io.stdinTTY) {
    throw new UsageError('standard input is not a terminal: pass the API key on it with --password-stdin (and the user with --username)');
  }
  if (opts.passwordStdin && opts.username === undefined) {
    throw new UsageError('--password-stdin needs --username');
  }
  const profile = ctx.profileName();
  const settings = ctx.settings();
  // At the prompts, or while the key is read from stdin, SIGINT (Ctrl-C) and SIGTERM cancel the login,
  // and they still do until the credentials are saved.
  const interrupted = ctx.interruption();
  // Outside a prompt, the terminal echoed ^C where the cursor was: the error starts on a line of its own.
  const stopped = (signal: AbortSignal): Interrupted => {
    if (io.stderrTTY && signal.reason === 'SIGINT') io.stderr.write('\n');
    return cancelled(signal);
  };
  const question = async (text: string, hidden = false): Promise<string> => {
    try {
      return await ask(io.stdin, io.stderr, text, hidden, interrupted);
    } catch (err) {
      throw err instanceof Interrupted ? cancelled(err.signal) : err;
    }
  };
  const keyFromStdin = async (): Promise<string> => {
    ctx.debug('reading the API key from standard input');
    try {
      return await readAll(io.stdin, { max: MAX_KEY, signal: interrupted });
    } catch (err) {
      throw err instanceof Interrupted ? stopped(interrupted) : err;
    }
  };
  const user = opts.username ?? (await question('Username: '));
  if (!validUser(user)) throw new UsageError('the user name must not be empty or hold spaces, colons or control characters');
  const apikey = nonEmpty(opts.passwordStdin ? await keyFromStdin() : await question('API key: ', true), 'the API key');

  // Check the credentials with a small authenticated request before keeping them.
  const probe = await ctx.newClient(() => basic(user, apikey));
  try {
    await unlessCancelled(probe.listServices({ limit: 1 }), interrupted, stopped);
  } catch (err) {
    if (err instanceof AuthError) throw new AuthError(`login failed: the API at ${settings.host} refused the user name or API key`);
    throw err;
  } finally {
    await probe.close();
  }

  await ctx.updateConfig((data) => {
    if (interrupted.aborted) throw stopped(interrupted);
    const p = profileToChange(data, profile);
    p.user = user;
    p.apikey = apikey;
    // The credentials were checked against this host: they are sent to it alone.
    p.loginHost = settings.host;
    // And it becomes the profile's host, wherever it came from.
    if (settings.host !== DEFAULT_HOST || p.host !== undefined) p.host = settings.host;
    if (ctx.globals.namespace !== undefined) p.namespace = settings.namespace;
  });
  io.stdout.write(`Logged in as ${user} at ${settings.host} (profile ${profile})\n`);
}

/** The login stopped by Ctrl-C (SIGINT, exit 130) or SIGTERM (exit 143). */
function cancelled(signal: AbortSignal | Interrupt): Interrupted {
  const name = typeof signal === 'string' ? signal : interruptOf(signal);
  return new Interrupted('login cancelled', name);
}

/** What `work` gives, unless `signal` aborts first: then the error `stopped` makes. */
function unlessCancelled<T>(work: Promise<T>, signal: AbortSignal, stopped: (signal: AbortSignal) => Error): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(stopped(signal));
      signal.addEventListener('abort', () => reject(stopped(signal)), { once: true });
    }),
  ]);
}
