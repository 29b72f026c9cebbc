// Turns what the user typed (a UUID, a UUID prefix, a name, name.stack) into a service or trigger.
import type { ApiClient } from './api/client.js';
import { isUuid } from './api/paths.js';
import type { ListPage, Service, Trigger } from './api/types.js';
import { NotFoundError, UsageError } from './errors.js';
import { hasControlChars, safeText } from './io.js';

export const MAX_IDENTIFIER = 256;
const HEX_PREFIX = /^[0-9a-f-]+$/i;

/** Rejects identifiers that could change the URL they are put into, before any request. */
export function checkIdentifier(kind: string, id: string): void {
  const problem =
    id === '' ? 'is empty'
    : id.length > MAX_IDENTIFIER ? `is longer than ${MAX_IDENTIFIER} characters`
    : hasControlChars(id) ? 'contains control characters'
    : /\s/.test(id) ? 'contains white space'
    : /[/?#%\\]/.test(id) ? "contains one of / ? # % \\"
    : id.includes('..') ? "contains '..'"
    : undefined;
  if (problem) throw new UsageError(`invalid ${kind} identifier '${safeText(id).slice(0, 60)}': it ${problem}`);
}

export interface ServiceRef {
  uuid: string;
  /** The full object when a lookup fetched it; a full UUID needs no lookup. */
  service?: Service;
}

/**
 * A trigger's UUID is half of its secret call URL, so messages show trigger UUIDs only as far as it
 * takes to tell them apart (8 characters at least), never whole.
 */
function shortUuids(uuids: string[]): string[] {
  return uuids.map((u) => {
    let n = 8;
    while (n < u.length - 1 && uuids.some((o) => o !== u && o.startsWith(u.slice(0, n)))) n++;
    return `${u.slice(0, n)}…`;
  });
}

/** What the user typed, as a message may repeat it: a full trigger UUID is cut short. */
function shown(kind: string, id: string): string {
  return kind === 'trigger' && isUuid(id) ? `${id.slice(0, 8)}…` : safeText(id);
}

function ambiguous(kind: string, id: string, candidates: { uuid: string; name: string }[], total: number): NotFoundError {
  const ids = kind === 'trigger' ? shortUuids(candidates.map((c) => c.uuid)) : candidates.map((c) => c.uuid);
  const lines = candidates.map((c, i) => `  ${ids[i]}  ${safeText(c.name)}`);
  if (total > candidates.length) lines.push(`  … and ${total - candidates.length} more`);
  return new NotFoundError(
    `more than one ${kind} matches '${shown(kind, id)}'; use a longer UUID prefix or the full UUID`,
    lines.join('\n'),
  );
}

function notFound(kind: string, id: string): NotFoundError {
  return new NotFoundError(`cannot find a ${kind} with the identifier '${shown(kind, id)}'`);
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

/** One match, or a not-found or ambiguity error. */
function single<T extends { uuid: string; name: string }>(kind: string, id: string, { objects, total }: Found<T>): T {
  if (objects.length === 1 && total <= 1) return objects[0]!;
  if (objects.length === 0) throw notFound(kind, id);
  throw ambiguous(kind, id, objects, total);
}

const CANDIDATES = 10;

export async function resolveService(api: ApiClient, id: string): Promise<ServiceRef> {
  checkIdentifier('service', id);
  if (isUuid(id)) return { uuid: id.toLowerCase() };
  const lookup = async (query: Record<string, string>): Promise<Found<Service>> => found(await api.listServices({ ...query, limit: CANDIDATES }));
  let match: Found<Service> = NONE;
  const dot = id.lastIndexOf('.');
  if (dot > 0 && dot < id.length - 1) {
    match = await lookup({ name: id.slice(0, dot), stack__name: id.slice(dot + 1) });
  }
  // A UUID prefix has only hex digits and dashes; anything else can only be a name.
  if (match.objects.length === 0 && HEX_PREFIX.test(id)) match = await lookup({ uuid__startswith: id.toLowerCase() });
  if (match.objects.length === 0) match = await lookup({ name: id });
  const service = single('service', id, match);
  return { uuid: service.uuid, service };
}

/** A service's display name: its name when known, else its short UUID. */
export function serviceLabel(ref: ServiceRef): string {
  return ref.service ? safeText(ref.service.name) : ref.uuid.slice(0, 8);
}

/**
 * Finds a trigger of a service. With a full UUID no lookup is made unless `fetch` asks for the object,
 * in which case the returned object is the server's.
 */
export async function resolveTrigger(api: ApiClient, service: ServiceRef, id: string, fetch = true): Promise<Trigger | { uuid: string }> {
  checkIdentifier('trigger', id);
  if (isUuid(id)) {
    if (!fetch) return { uuid: id.toLowerCase() };
    return withTrigger(api, service, id, () => api.getTrigger(service.uuid, id.toLowerCase()));
  }
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
  if (match.objects.length === 0) throw notFoundTrigger(service, id);
  return single('trigger', id, match);
}

function notFoundTrigger(service: ServiceRef, id: string): NotFoundError {
  return new NotFoundError(`cannot find a trigger with the identifier '${shown('trigger', id)}' in service ${serviceLabel(service)}`);
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
  return notFoundTrigger(service, id);
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
