import { createReadStream } from 'node:fs';
import type { Action } from '../api/types.js';
import type { Context } from '../context.js';
import { ApiError, UsageError } from '../errors.js';
import { clip, parseTimeout } from '../settings.js';
import { stateText, waitForAction } from '../wait.js';
import { safeText } from '../io.js';
import { printJson } from '../output/render.js';
import { callUrlOf, checkIdentifier, looksLikeUrl, parseTriggerUrl, resolveService, resolveTrigger, serviceLabel } from '../resolve.js';
import { maskUrl } from '../api/mask.js';
import { readBytes } from '../prompt.js';
import { EXAMPLE_URL, examples } from '../help.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('call')
    .description('Call a trigger: redeploy or scale up its service')
    .usage('[options] <service> <trigger> | <trigger-url>')
    .argument('<service|url>', 'service identifier, or the full call URL of a trigger')
    .argument('[trigger]', 'trigger UUID, UUID prefix or name')
    .option('--scale <n>', 'containers to add (SCALEUP triggers only)')
    .option('--data <body>', 'body to send, at most 4 MiB: text, @file, or - for standard input')
    .option('--wait', 'wait for the action the call started to end; exit 0 on Success, 1 on Failed')
    .option('--wait-timeout <seconds>', 'give up waiting after this long (default: 300); exit 5')
    .option('--json', 'print the status, action URI and body as JSON')
    .addHelpText('after', examples(['trigger call web deploy-hook', `trigger call ${EXAMPLE_URL} --data '{"ref":"main"}'`]));
}

/** The options of `trigger call`, typed from their definitions. */
export type CallOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((first, second, opts) => runCall(first, second, opts, ctx));
}

const MAX_SCALE = 1000;

function parseScale(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_SCALE) {
    throw new UsageError(`--scale must be a whole number from 1 to ${MAX_SCALE}, not '${clip(value)}'`);
  }
  return Number(value);
}

/** The most a call sends: the API takes far less (the emulator 1 MiB), and a body is read whole first. */
export const MAX_CALL_BODY = 4 * 1024 * 1024;

const tooLarge = (): UsageError =>
  new UsageError(`the --data body is larger than ${MAX_CALL_BODY / 1024 / 1024} MiB, the most a call sends`);

/** A body is read no further than the limit: /dev/zero or `yes |` end at once. */
const CAPPED = { max: { bytes: MAX_CALL_BODY, error: tooLarge } };

/** The body to send: literal text, @file, or - for standard input. */
async function readData(value: string | undefined, ctx: Context): Promise<string | Buffer | undefined> {
  if (value === undefined) return undefined;
  if (value === '-') {
    if (ctx.io.stdinTTY) ctx.io.stderr.write('reading the body from standard input (Ctrl-D to end)\n');
    return readBytes(ctx.io.stdin, CAPPED);
  }
  if (value.startsWith('@')) {
    const file = value.slice(1);
    try {
      return await readBytes(createReadStream(file), CAPPED);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : code;
      throw new UsageError(`cannot read the --data file '${clip(file)}': ${why}`);
    }
  }
  if (Buffer.byteLength(value) > MAX_CALL_BODY) throw tooLarge();
  return value;
}

export async function runCall(first: string, second: string | undefined, opts: CallOptions, ctx: Context): Promise<void> {
  const scale = parseScale(opts.scale);
  const waitTimeout = opts.waitTimeout === undefined ? 300 : parseTimeout(opts.waitTimeout, '--wait-timeout');
  if (second === undefined && !looksLikeUrl(first)) {
    throw new UsageError("missing the trigger: use 'trigger call <service> <trigger>' or 'trigger call <trigger-url>'");
  }
  const given = second === undefined ? parseTriggerUrl(first, ctx.settings().host) : undefined;
  if (second !== undefined) {
    checkIdentifier('service', first);
    checkIdentifier('trigger', second);
  }
  const body = await readData(opts.data, ctx);
  const api = await ctx.api();
  let url: URL;
  let what: string;
  // The service's name, asked for before the call and printed after it; it never fails.
  let on: Promise<string> | undefined;
  if (given) {
    url = given.url;
    if (scale !== undefined && given.count !== undefined)
      throw new UsageError('the trigger URL already holds a count; drop --scale or the count');
    what = `trigger ${maskUrl(url.pathname).split('/trigger/')[1].split('/')[0]}`;
  } else {
    const service = await resolveService(api, first);
    if (!opts.json) on = serviceLabel(api, service);
    const trigger = await resolveTrigger(api, service, second!);
    if (scale !== undefined && trigger.operation !== 'SCALEUP') {
      throw new UsageError(
        `--scale applies to SCALEUP triggers only; ${safeText(trigger.name)} is a ${safeText(trigger.operation)} trigger`,
      );
    }
    url = callUrlOf(trigger, service.uuid, api.host);
    what = `${safeText(trigger.name)} (${safeText(trigger.operation)}${scale ? ` +${scale}` : ''})`;
  }
  if (scale !== undefined) url = new URL(`${scale}/`, url);
  if (opts.wait) api.checkCredentials();
  const result = await api.call(url, body);
  if (!opts.json) {
    ctx.io.stdout.write(`Triggered ${what}${on ? ` on ${await on}` : ''}\n`);
    if (result.actionUri) ctx.io.stdout.write(`Action: ${safeText(result.actionUri)}\n`);
  }
  let action: Action | undefined;
  let failure: Error | undefined;
  if (opts.wait) {
    if (!result.actionUri) throw new ApiError('the call was accepted but the API named no action to wait for');
    try {
      action = await waitForAction(api, result.actionUri, waitTimeout, ctx);
      if (action.state !== 'Success') {
        failure = new ApiError(
          `the action ${safeText(action.action ?? '')} ended ${safeText(action.state)} (${safeText(result.actionUri)})`,
        );
      }
    } catch (err) {
      failure = err as Error;
    }
  }
  if (opts.json) {
    printJson(ctx.io, {
      status: result.status,
      action_uri: result.actionUri,
      body: result.body,
      ...(opts.wait ? { action: action ?? null } : {}),
    });
  } else if (action) {
    ctx.io.stdout.write(`State: ${stateText(action.state, ctx.io.color)}\n`);
  }
  if (failure) throw failure;
}
