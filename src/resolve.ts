// Turns what the user typed (a UUID, a UUID prefix, a name, name.stack, a trigger's call URL) into a
// service or trigger, and names services to a person: `name.stack` in a stack, the name alone outside one.
import type { ApiClient } from './api/client.js';
import { CALL_PATH_RE, isUuid, NAMESPACE_RE, triggerCallPath } from './api/paths.js';
import type { ListPage, Service, Trigger } from './api/types.js';
import { ApiError, NotFoundError, UsageError } from './errors.js';
import { fieldText, hasControlChars, safeText } from './io.js';
import { EXAMPLE_URL } from './help.js';
import { closestThings } from './suggest.js';

export const MAX_IDENTIFIER = 256;
const HEX_PREFIX = /^[0-9a-f-]+$/i;

/**
 * Rejects identifiers that could change the URL they are put into, before any request. `what` is
 * 'name' for a name being given to a new trigger, which must be usable as an identifier later.
 */
export function checkIdentifier(kind: string, id: string, what = 'identifier', hint?: string): void {
  const problem =
    id === ''
      ? 'is empty'
      : id.length > MAX_IDENTIFIER
        ? `is longer than ${MAX_IDENTIFIER} characters`
        : hasControlChars(id)
          ? 'contains control characters'
          : /\s/.test(id)
            ? 'contains white space'
            : /[/?#%\\]/.test(id)
              ? 'contains one of / ? # % \\'
              : id.includes('..')
                ? "contains '..'"
                : undefined;
  if (problem) throw new UsageError(`invalid ${kind} ${what} '${shown(kind, id.slice(0, 60))}': it ${problem}`, hint);
}

export interface ServiceRef {
  uuid: string;
  /** The full object when a lookup fetched it; a full UUID needs no lookup. */
  service?: Service;
}

// --- naming services to a person ---

/** `name.stack` for a service in a stack, its name alone for one outside any. */
export function serviceName(name: unknown, stack: string | null): string {
  return stack === null ? safeText(name) : `${safeText(name)}.${safeText(stack)}`;
}

/** A looked-up service as a person reads it; without its stack's name (an API without stacks, a failure), its name alone. */
async function labelOf(api: ApiClient, service: Service): Promise<string> {
  return serviceName(service.name, await api.stackName(service.stack).catch(() => null));
}

/** How messages name a service: `name.stack` or its name when it was looked up, else its short UUID. Never fails. */
export async function serviceLabel(api: ApiClient, ref: ServiceRef): Promise<string> {
  return ref.service ? labelOf(api, ref.service) : ref.uuid.slice(0, 8);
}

// --- not found, or more than one ---

/** The shortest prefixes (8 characters at least) that tell the UUIDs apart: what to type instead. */
function shortUuids(uuids: string[]): string[] {
  return uuids.map((u) => {
    let n = 8;
    while (n < u.length - 1 && uuids.some((o) => o !== u && o.startsWith(u.slice(0, n)))) n++;
    return u.slice(0, n);
  });
}

/**
 * What the user typed, as a message may repeat it: a trigger identifier that may be its UUID, or
 * part of it (hex digits and dashes, at most 36), is cut to 8 characters.
 */
function shown(kind: string, id: string): string {
  return kind === 'trigger' && HEX_PREFIX.test(id) && id.length > 8 && id.length <= 36 ? `${id.slice(0, 8)}…` : safeText(id);
}

/**
 * The candidates of an ambiguous identifier, one a line: the UUID prefix that tells each apart, then
 * its name. A trigger's UUID is half of its secret call URL, so it is never shown whole.
 */
function candidates(uuids: string[], names: string[], total: number): string {
  const prefixes = shortUuids(uuids);
  const width = Math.max(...prefixes.map((p) => p.length));
  const lines = prefixes.map((p, i) => `  ${p.padEnd(width)}  ${names[i]}`);
  if (total > uuids.length) lines.push(`  … and ${total - uuids.length} more`);
  return lines.join('\n');
}

async function ambiguousService(api: ApiClient, id: string, { objects, total }: Found<Service>): Promise<NotFoundError> {
  const stacks = await Promise.all(objects.map((s) => api.stackName(s.stack).catch(() => null)));
  const how = stacks.some((s) => s !== null) ? 'use name.stack or its UUID prefix' : 'use its UUID prefix';
  const names = objects.map((s, i) => serviceName(s.name, stacks[i]));
  return new NotFoundError(
    `more than one service matches '${safeText(id)}'; ${how}:`,
    candidates(
      objects.map((s) => s.uuid),
      names,
      total,
    ),
  );
}

async function ambiguousTrigger(
  api: ApiClient,
  service: ServiceRef,
  id: string,
  { objects, total }: Found<Trigger>,
): Promise<NotFoundError> {
  const where = await serviceLabel(api, service);
  return new NotFoundError(
    `more than one trigger matches '${shown('trigger', id)}' in service ${where}; use its UUID prefix:`,
    candidates(
      objects.map((t) => t.uuid),
      objects.map((t) => safeText(t.name)),
      total,
    ),
  );
}

function notFound(kind: string, id: string): NotFoundError {
  return new NotFoundError(`cannot find a ${kind} with the identifier '${shown(kind, id)}'`);
}

/** The most services a did-you-mean names. */
const MAX_SUGGESTIONS = 5;

/**
 * A service that matched nothing, with the services whose names are closest to it, as commander
 * suggests commands: '; did you mean web.demo?'. The suggestion is a help, not the error: when the
 * services cannot be listed, the error goes without it.
 */
async function serviceNotFound(api: ApiClient, id: string): Promise<NotFoundError> {
  let suggestion = '';
  try {
    const services = await api.allServices();
    const labels = await Promise.all(services.map((s) => labelOf(api, s)));
    const near = closestThings(
      id,
      services.map((s, i) => [fieldText(s.name), labels[i]]),
    );
    const names = [...new Set(near.map(({ index }) => labels[index]))].slice(0, MAX_SUGGESTIONS);
    if (names.length > 0) suggestion = `; did you mean ${names.length > 1 ? `${names.slice(0, -1).join(', ')} or ` : ''}${names.at(-1)}?`;
  } catch {
    // no suggestion
  }
  return new NotFoundError(`cannot find a service with the identifier '${safeText(id)}'${suggestion}`);
}

/** The first candidates of a filtered list, and how many there are in all. */
interface Found<T> {
  objects: T[];
  total: number;
}

const NONE: Found<never> = { objects: [], total: 0 };

function found<T>(page: ListPage<T>): Found<T> {
  return { objects: page.objects, total: page.meta.total_count ?? page.objects.length };
}

const single = <T>({ objects, total }: Found<T>): boolean => objects.length === 1 && total <= 1;

const CANDIDATES = 10;

// --- services and triggers by identifier ---

export async function resolveService(api: ApiClient, id: string): Promise<ServiceRef> {
  checkIdentifier('service', id);
  if (isUuid(id)) return { uuid: id.toLowerCase() };
  const lookup = async (query: Record<string, string>): Promise<Found<Service>> =>
    found(await api.listServices({ ...query, limit: CANDIDATES }));
  let match: Found<Service> = NONE;
  const dot = id.lastIndexOf('.');
  if (dot > 0 && dot < id.length - 1) {
    match = await lookup({ name: id.slice(0, dot), stack__name: id.slice(dot + 1) });
  }
  // A UUID prefix has only hex digits and dashes; anything else can only be a name.
  if (match.objects.length === 0 && HEX_PREFIX.test(id)) match = await lookup({ uuid__startswith: id.toLowerCase() });
  if (match.objects.length === 0) match = await lookup({ name: id });
  if (match.objects.length === 0) throw await serviceNotFound(api, id);
  if (!single(match)) throw await ambiguousService(api, id, match);
  const service = match.objects[0];
  return { uuid: service.uuid, service };
}

/** A trigger of a service, as the API has it. */
export async function resolveTrigger(api: ApiClient, service: ServiceRef, id: string): Promise<Trigger> {
  checkIdentifier('trigger', id);
  if (isUuid(id)) return withTrigger(api, service, id, () => api.getTrigger(service.uuid, id.toLowerCase()));
  return findTrigger(api, service, id);
}

/** The UUID of a trigger of a service: a full UUID needs no request, anything else is looked up. */
export async function resolveTriggerUuid(api: ApiClient, service: ServiceRef, id: string): Promise<string> {
  checkIdentifier('trigger', id);
  return isUuid(id) ? id.toLowerCase() : (await findTrigger(api, service, id)).uuid;
}

/** The one trigger a UUID prefix or a name stands for. */
async function findTrigger(api: ApiClient, service: ServiceRef, id: string): Promise<Trigger> {
  const lookup = async (query: Record<string, string>): Promise<Found<Trigger>> => {
    try {
      return found(await api.listTriggers(service.uuid, { ...query, limit: CANDIDATES }));
    } catch (err) {
      if (err instanceof NotFoundError) throw notFound('service', service.service?.name ?? service.uuid);
      throw err;
    }
  };
  let match: Found<Trigger> = NONE;
  if (HEX_PREFIX.test(id)) match = await lookup({ uuid__startswith: id.toLowerCase() });
  if (match.objects.length === 0) match = await lookup({ name: id });
  if (match.objects.length === 0) throw await notFoundTrigger(api, service, id);
  if (!single(match)) throw await ambiguousTrigger(api, service, id, match);
  return match.objects[0];
}

async function notFoundTrigger(api: ApiClient, service: ServiceRef, id: string): Promise<NotFoundError> {
  return new NotFoundError(
    `cannot find a trigger with the identifier '${shown('trigger', id)}' in service ${await serviceLabel(api, service)}`,
  );
}

/**
 * Runs `fn`, a request on the trigger's own path, turning the API's 404 into a not-found naming the
 * trigger or its service. The API answers 404 whether the trigger or its service is missing; when
 * the service was given by UUID alone (never looked up), one request tells which.
 */
export async function withTrigger<T>(api: ApiClient, service: ServiceRef, id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NotFoundError) throw await missingTrigger(api, service, id);
    throw err;
  }
}

async function missingTrigger(api: ApiClient, service: ServiceRef, id: string): Promise<NotFoundError> {
  if (!service.service) {
    try {
      await api.getService(service.uuid);
    } catch (err) {
      if (err instanceof NotFoundError) return notFound('service', service.uuid);
      throw err;
    }
  }
  return notFoundTrigger(api, service, id);
}

/** Runs `fn`, turning the API's 404 for the service's own path into a not-found naming the service. */
export async function withService<T>(service: ServiceRef, id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NotFoundError && !service.service) throw notFound('service', id);
    throw err;
  }
}

// --- triggers by call URL ---

/** Whether an argument is a trigger URL: an identifier can hold no '/'. */
export function looksLikeUrl(value: string): boolean {
  return value.includes('/') || /^https?:/i.test(value);
}

/** A trigger named by its call URL. */
export interface TriggerUrl {
  url: URL;
  /** The namespace its path names, if any. */
  namespace?: string;
  service: string;
  trigger: string;
  /** The count of a SCALEUP call URL (`.../call/3/`), if any. */
  count?: string;
}

/**
 * A call URL the user gave: absolute, or a path under the REST host; it must be a trigger call path.
 * The URL is a secret: no message repeats it.
 */
export function parseTriggerUrl(value: string, host: string): TriggerUrl {
  let url: URL;
  try {
    url = value.startsWith('/') ? new URL(value, host) : new URL(value);
  } catch {
    throw new UsageError('the trigger URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('the trigger URL must be an http(s) URL');
  const parts = url.username || url.password || url.search || url.hash ? null : CALL_PATH_RE.exec(url.pathname);
  const [, namespace, service, trigger, count] = parts ?? [];
  if (!service || !trigger || !isUuid(service) || !isUuid(trigger) || (namespace !== undefined && !NAMESPACE_RE.test(namespace))) {
    throw new UsageError(`the trigger URL must be a trigger call URL, like ${EXAMPLE_URL}`);
  }
  return { url, namespace, service: service.toLowerCase(), trigger: trigger.toLowerCase(), count };
}

/**
 * Where to call a trigger the API found: its `url`, which must be its own call URL, on the REST host,
 * for its service and its UUID, without a count (or its call path when the API gives none). Anything
 * else (another host or scheme, a user and password, another path) is never called: the call would
 * take the body, and the secret, elsewhere.
 */
export function callUrlOf(trigger: Trigger, serviceUuid: string, host: string): URL {
  const value: unknown = trigger.url;
  if (typeof value !== 'string' || value === '') return new URL(triggerCallPath(serviceUuid, trigger.uuid), host);
  let given: TriggerUrl | undefined;
  try {
    given = parseTriggerUrl(value, host);
  } catch {
    // not a call URL
  }
  if (
    !given ||
    given.url.origin !== new URL(host).origin ||
    given.service !== serviceUuid.toLowerCase() ||
    given.trigger !== trigger.uuid.toLowerCase() ||
    given.count !== undefined
  ) {
    throw new ApiError(`the API gave trigger ${safeText(trigger.name)} a call URL that is not its own; it was not called`);
  }
  return given.url;
}

/** Triggers as a command line names them: a service and triggers of it, or call URLs. */
export type TriggerArgs = { service: string; triggers: string[] } | { urls: TriggerUrl[] };

/**
 * Reads `<service> <trigger>...` or `<trigger-url>...` before any request; `usage` shows both forms.
 * A URL must be on the REST host, where the request it leads to takes the credentials.
 */
export function triggerArgs(first: string, rest: string[], host: () => string, usage: string): TriggerArgs {
  // As for `call`: the URL form is URLs alone; anything else is a service and its triggers.
  if (!looksLikeUrl(first) || !rest.every(looksLikeUrl)) {
    if (rest.length === 0) throw new UsageError(`missing the trigger: ${usage}`);
    checkIdentifier('service', first);
    for (const id of rest) {
      if (looksLikeUrl(id) && isCallUrl(id, host()))
        throw new UsageError(`give a service and its triggers, or trigger URLs alone: ${usage}`);
      checkIdentifier('trigger', id);
    }
    return { service: first, triggers: rest };
  }
  const origin = new URL(host()).origin;
  const urls = [first, ...rest].map((value) => {
    const t = parseTriggerUrl(value, host());
    if (t.url.origin !== origin) {
      throw new UsageError(
        `the trigger URL is on ${t.url.origin}, not on the REST host ${origin}`,
        `Give --host ${t.url.origin}/ to act on a trigger there.`,
      );
    }
    return t;
  });
  return { urls };
}

function isCallUrl(value: string, host: string): boolean {
  try {
    parseTriggerUrl(value, host);
    return true;
  } catch {
    return false;
  }
}

/** A trigger to act on: through the client of its namespace, in its service, by its identifier. */
interface TriggerTarget {
  api: ApiClient;
  service: ServiceRef;
  id: string;
}

/** The triggers the arguments name: their service looked up once, or the service and namespace each URL names. */
export async function triggerTargets(api: ApiClient, args: TriggerArgs): Promise<TriggerTarget[]> {
  if ('urls' in args) return args.urls.map((t) => ({ api: api.inNamespace(t.namespace), service: { uuid: t.service }, id: t.trigger }));
  const service = await resolveService(api, args.service);
  return args.triggers.map((id) => ({ api, service, id }));
}
