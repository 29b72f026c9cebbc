// node:fs/promises itself would load with every command (it pulls in readline); fs.promises loads on use.
import { promises as fsp } from 'node:fs';
import { CALL_PATH_RE, triggerCallPath } from '../api/paths.js';
import type { Action, Trigger } from '../api/types.js';
import type { Context } from '../context.js';
import { ApiError, UsageError } from '../errors.js';
import { parseTimeout } from '../settings.js';
import { waitForAction } from './wait.js';
import { safeText } from '../io.js';
import { printJson } from '../output/render.js';
import { checkIdentifier, resolveService, resolveTrigger, serviceLabel } from '../resolve.js';
import { maskUrl } from '../api/mask.js';
import { readBytes } from '../prompt.js';

export interface CallOptions {
  scale?: string;
  data?: string;
  json?: boolean;
  wait?: boolean;
  waitTimeout?: string;
}

const MAX_SCALE = 1000;

function parseScale(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_SCALE) {
    throw new UsageError(`--scale must be a whole number from 1 to ${MAX_SCALE}, not '${safeText(value).slice(0, 40)}'`);
  }
  return Number(value);
}

/** The body to send: literal text, @file, or - for standard input. */
async function readData(value: string | undefined, ctx: Context): Promise<string | Buffer | undefined> {
  if (value === undefined) return undefined;
  if (value === '-') return readBytes(ctx.io.stdin);
  if (value.startsWith('@')) {
    const file = value.slice(1);
    try {
      return await fsp.readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : code;
      throw new UsageError(`cannot read the --data file '${safeText(file)}': ${why}`);
    }
  }
  return value;
}

/** A call URL the user gave: absolute, or a path under the REST host; it must be a trigger call path. */
function parseCallUrl(value: string, host: string): URL {
  let url: URL;
  try {
    url = value.startsWith('/') ? new URL(value, host) : new URL(value);
  } catch {
    throw new UsageError('the trigger URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('the trigger URL must be an http(s) URL');
  if (url.username || url.password || url.search || url.hash || !CALL_PATH_RE.test(url.pathname)) {
    throw new UsageError(
      'the trigger URL must be a trigger call URL, like https://cloud.docker.com/api/app/v1/service/<uuid>/trigger/<uuid>/call/',
    );
  }
  return url;
}

function looksLikeUrl(value: string): boolean {
  return value.includes('/') || /^https?:/i.test(value);
}

export async function runCall(first: string, second: string | undefined, opts: CallOptions, ctx: Context): Promise<void> {
  const scale = parseScale(opts.scale);
  const waitTimeout = opts.waitTimeout === undefined ? 300 : parseTimeout(opts.waitTimeout, '--wait-timeout');
  if (second === undefined && !looksLikeUrl(first)) {
    throw new UsageError("missing the trigger: use 'trigger call <service> <trigger>' or 'trigger call <trigger-url>'");
  }
  const given = second === undefined ? parseCallUrl(first, ctx.settings().host) : undefined;
  if (second !== undefined) {
    checkIdentifier('service', first);
    checkIdentifier('trigger', second);
  }
  const body = await readData(opts.data, ctx);
  const api = await ctx.api();
  let url: URL;
  let what: string;
  if (given) {
    url = given;
    if (scale !== undefined && CALL_PATH_RE.exec(url.pathname)![4] !== undefined) {
      throw new UsageError('the trigger URL already holds a count; drop --scale or the count');
    }
    what = `trigger ${maskUrl(url.pathname).split('/trigger/')[1]!.split('/')[0]}`;
  } else {
    const service = await resolveService(api, first);
    const trigger = (await resolveTrigger(api, service, second!)) as Trigger;
    if (scale !== undefined && trigger.operation !== 'SCALEUP') {
      throw new UsageError(`--scale applies to SCALEUP triggers only; ${safeText(trigger.name)} is a ${safeText(trigger.operation)} trigger`);
    }
    url = new URL(typeof trigger.url === 'string' && trigger.url ? trigger.url : triggerCallPath(service.uuid, trigger.uuid), api.host);
    what = `${safeText(trigger.name)} (${safeText(trigger.operation)}${scale ? ` +${scale}` : ''}) on ${serviceLabel(service)}`;
  }
  if (scale !== undefined) url = new URL(`${scale}/`, url);
  if (opts.wait) api.checkCredentials();
  const result = await api.call(url, body);
  if (!opts.json) {
    ctx.io.stdout.write(`Triggered ${what}\n`);
    if (result.actionUri) ctx.io.stdout.write(`Action: ${safeText(result.actionUri)}\n`);
  }
  let action: Action | undefined;
  let failure: unknown;
  if (opts.wait) {
    if (!result.actionUri) throw new ApiError('the call was accepted but the API named no action to wait for');
    try {
      action = await waitForAction(api, result.actionUri, waitTimeout, ctx);
      if (action.state !== 'Success') {
        failure = new ApiError(`the action ${safeText(action.action ?? '')} ended ${safeText(action.state)} (${safeText(result.actionUri)})`);
      }
    } catch (err) {
      failure = err;
    }
  }
  if (opts.json) {
    printJson(ctx.io, { status: result.status, action_uri: result.actionUri, body: result.body, ...(opts.wait ? { action: action ?? null } : {}) });
  } else if (action?.state === 'Success') {
    ctx.io.stdout.write(`State: ${safeText(action.state)}\n`);
  }
  if (failure) throw failure;
}
