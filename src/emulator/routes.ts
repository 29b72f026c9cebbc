// The endpoints the emulator serves: services and their triggers, trigger calls, stacks and actions,
// each with and without a namespace segment.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { actionPath, actionsPath, isUuid, NAMESPACE_RE, servicesPath, stacksPath, triggersPath } from '../api/paths.js';
import { ACTION_URI_HEADER, isOperation } from '../api/types.js';
import { parseDate } from './dates.js';
import {
  defaultTriggerName,
  isName,
  MAX_CONTAINERS,
  NAME_MAX,
  refusal,
  type StoredAction,
  type StoredService,
  type StoredTrigger,
} from './model.js';
import { HttpError, notFound, readBody, readJsonBody, send, type BodyLimits } from './http.js';
import { actionJson, actionState, FIELDS, serviceJson, serviceOfContainer, stackJson, triggerJson, type View } from './objects.js';
import {
  filterBy,
  filtersOf,
  NAME_FILTER,
  page,
  param,
  relatedTo,
  UUID_FILTER,
  type FieldFilter,
  type Filtering,
  type PageSizes,
} from './paging.js';
import type { Origin, Store } from './store.js';

/** What `lookup` finds for the UUID of a path; a 404 when it is no UUID or names nothing. */
function find<T>(uuid: string | undefined, lookup: (uuid: string) => T | undefined): T {
  const found = uuid !== undefined && isUuid(uuid) ? lookup(uuid) : undefined;
  if (found === undefined) throw notFound();
  return found;
}

const RESOURCES = { app: ['service', 'stack'], audit: ['action'] } as const;

export interface Route {
  namespace?: string;
  resource: 'service' | 'stack' | 'action';
  /** The segments after the resource, e.g. [uuid, 'trigger'] for a service's triggers. */
  segments: string[];
}

/** `path` with each run of slashes made one, as the API took them. */
export const squeezeSlashes = (path: string): string => path.replace(/\/{2,}/g, '/');

/** The route of a path whose repeated slashes were made one; undefined for a path the API does not have. */
export function parseRoute(pathname: string): Route | undefined {
  const m = /^\/api\/(app|audit)\/v1\/(.+)\/$/.exec(pathname);
  if (!m) return undefined;
  const resources: readonly string[] = RESOURCES[m[1] as 'app' | 'audit'];
  const segments = m[2].split('/');
  let namespace: string | undefined;
  // A first segment that is no resource, or is followed by one, is a namespace.
  if (!resources.includes(segments[0]) || (segments.length > 1 && resources.includes(segments[1]))) {
    namespace = segments.shift();
    if (!NAMESPACE_RE.test(namespace!) || !resources.includes(segments[0] ?? '')) return undefined;
  }
  return { namespace, resource: segments[0] as Route['resource'], segments: segments.slice(1) };
}

/** Whether the route is a trigger call, the one endpoint that takes no credentials. */
export function isCall(route: Route): boolean {
  return route.resource === 'service' && route.segments[1] === 'trigger' && route.segments[3] === 'call';
}

/** The UUID in a resource URI of the app API (`/api/app/v1/[ns/]stack/(uuid)/`), if it is one of `resource`. */
function uriUuid(uri: string, resource: string): string | undefined {
  const m = new RegExp(`^/api/app/v1/(?:[^/]+/)?${resource}/([0-9a-fA-F-]{36})/$`).exec(squeezeSlashes(uri));
  return m && isUuid(m[1]) ? m[1].toLowerCase() : undefined;
}

/**
 * The methods a path of this shape allows, whatever objects it names; undefined for a shape the API
 * does not have. Known from the path alone, they are checked before the credentials, as Tastypie does.
 */
export function methodsOf(route: Route): string[] | undefined {
  const s = route.segments;
  if (s.length <= 1) return ['GET'];
  if (route.resource !== 'service' || s[1] !== 'trigger') return undefined;
  if (s.length === 2) return ['GET', 'POST'];
  if (s.length === 3) return ['GET', 'DELETE'];
  const count = s.length === 5 && /^[1-9][0-9]{0,5}$/.test(s[4]);
  return s[3] === 'call' && (s.length === 4 || count) ? ['POST'] : undefined;
}

/** Dates are shown to the second, so they are compared to the second. */
const toSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** The `gte` and `lte` lookups of an action's date; an action in progress has no end date yet. */
function dateFilter(field: 'start_date' | 'end_date'): FieldFilter<StoredAction> {
  const at = (a: StoredAction): number | undefined =>
    field === 'start_date' ? a.start_ms : actionState(a) === 'In progress' ? undefined : a.end_ms;
  const lookup = (name: 'gte' | 'lte') => (value: string) => {
    const limit = parseDate(value);
    const example = '"Tue, 01 Dec 2026 13:48:39 +0000" or 2026-12-01T13:48:39Z';
    if (limit === undefined) throw new HttpError(400, `${field}__${name} must be a date such as ${example}`);
    return (a: StoredAction): boolean => {
      const ms = at(a);
      return ms !== undefined && (name === 'gte' ? toSecond(ms) >= limit : toSecond(ms) <= limit);
    };
  };
  return { lookups: { gte: lookup('gte'), lte: lookup('lte') } };
}

const STACK_FILTERING: Filtering<{ uuid: string; name: string }> = {
  fields: FIELDS.stack,
  filters: { uuid: UUID_FILTER, name: NAME_FILTER },
};
const TRIGGER_FILTERING: Filtering<StoredTrigger> = { fields: FIELDS.trigger, filters: { uuid: UUID_FILTER, name: NAME_FILTER } };

/** Where a request came from, for the action it records; `user` is the user that action names. */
function originOf(req: IncomingMessage, view: View, user: string): Origin {
  const ip = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  return { namespace: view.namespace, user, ip, userAgent: (req.headers['user-agent'] ?? '').slice(0, 512) };
}

/** The header that names the action a request recorded (action.md: every call that creates one has it). */
const actionHeader = (action: StoredAction, view: View): Record<string, string> => ({
  [ACTION_URI_HEADER]: actionPath(action.uuid, view.namespace),
});

export interface RouteOptions {
  pages: PageSizes;
  limits: BodyLimits;
}

export function routes(store: Store, options: RouteOptions) {
  const list = <T, J>(res: ServerResponse, url: URL, items: T[], basePath: string, json: (item: T) => J): void => {
    const result = page(items, url, basePath, options.pages);
    send(res, 200, { meta: result.meta, objects: result.objects.map(json) });
  };

  const findService = (uuid: string | undefined): StoredService => find(uuid, (id) => store.service(id));

  const findTrigger = (serviceUuid: string | undefined, triggerUuid: string | undefined) => {
    const s = findService(serviceUuid);
    return { s, t: find(triggerUuid, (id) => store.trigger(s, id)) };
  };

  const serviceFiltering: Filtering<StoredService> = {
    fields: FIELDS.service,
    filters: {
      uuid: UUID_FILTER,
      name: NAME_FILTER,
      state: { lookups: { exact: (v) => (s) => store.serviceState(s) === v } },
      stack: {
        lookups: {
          exact: (v) => {
            const uuid = uriUuid(v, 'stack');
            return (s) => s.stack !== null && s.stack.uuid === uuid;
          },
        },
        related: relatedTo((s: StoredService) => s.stack, STACK_FILTERING),
      },
    },
  };

  /** The actions an `object` filter (with `include_related`) selects: those of a service, a stack's services or a container's service. */
  function byObject(object: string, related: boolean): (a: StoredAction) => boolean {
    let services: string[] = [];
    const serviceUuid = uriUuid(object, 'service');
    const stackUuid = uriUuid(object, 'stack');
    const containerUuid = uriUuid(object, 'container');
    if (serviceUuid) services = [serviceUuid];
    else if (stackUuid && related) services = (store.stack(stackUuid)?.services ?? []).map((s) => s.uuid);
    else if (containerUuid && related) services = [serviceOfContainer(store.state.services, containerUuid)?.uuid ?? ''];
    return (a) => services.includes(a.service_uuid);
  }

  const actionFiltering = (related: boolean): Filtering<StoredAction> => ({
    fields: FIELDS.action,
    filters: {
      uuid: UUID_FILTER,
      state: { lookups: { exact: (v) => (a) => actionState(a) === v } },
      start_date: dateFilter('start_date'),
      end_date: dateFilter('end_date'),
      object: { lookups: { exact: (v) => byObject(v, related) } },
    },
  });

  /** POST .../service/(uuid)/trigger/(uuid)/call/[n/], without credentials. */
  async function call(route: Route, req: IncomingMessage, res: ServerResponse, view: View): Promise<void> {
    const [serviceUuid, , triggerUuid, , countText] = route.segments;
    const { t } = findTrigger(serviceUuid, triggerUuid);
    let count = 1;
    if (countText !== undefined) {
      if (t.operation !== 'SCALEUP') throw new HttpError(400, 'Only SCALEUP triggers take a number of containers');
      count = Number(countText);
    }
    const body = await readBody(req, options.limits);
    // Looked up again: a trigger removed (rm, rotate) while the body was arriving is revoked at once.
    const current = findTrigger(serviceUuid, triggerUuid);
    const refused = refusal(current.s.state, current.t.operation);
    if (refused) throw new HttpError(400, refused);
    if (current.t.operation === 'SCALEUP' && current.s.target_num_containers + count > MAX_CONTAINERS) {
      throw new HttpError(400, `A service cannot have more than ${MAX_CONTAINERS} containers`);
    }
    // A call has no credentials: its namespace stands for the user.
    const origin = originOf(req, view, view.namespace ?? view.user);
    const action = store.callTrigger(current.s, current.t, count, body === '' ? null : body, origin);
    send(res, 202, actionJson(action, view), actionHeader(action, view));
  }

  /** service/, service/(uuid)/, service/(uuid)/trigger/, service/(uuid)/trigger/(uuid)/ */
  async function service(route: Route, req: IncomingMessage, res: ServerResponse, url: URL, view: View): Promise<void> {
    const { segments } = route;
    const method = req.method!;
    const ns = view.namespace;
    if (segments.length === 0) {
      const matching = filterBy(store.state.services, filtersOf(url.searchParams, serviceFiltering).values());
      return list(res, url, matching, servicesPath(ns), (s) => serviceJson(store, s, view));
    }
    if (segments.length === 1) return send(res, 200, serviceJson(store, findService(segments[0]), view));
    if (segments.length === 2) {
      const s = findService(segments[0]);
      if (method === 'GET') {
        const matching = filterBy(s.triggers, filtersOf(url.searchParams, TRIGGER_FILTERING).values());
        return list(res, url, matching, triggersPath(s.uuid, ns), (t) => triggerJson(s, t, view));
      }
      const body = await readJsonBody(req, options.limits);
      const operation = body.operation ?? 'REDEPLOY';
      if (typeof operation !== 'string' || !isOperation(operation)) {
        throw new HttpError(400, `Invalid operation ${JSON.stringify(operation)}: expected REDEPLOY or SCALEUP`);
      }
      const name = body.name ?? defaultTriggerName(operation);
      if (!isName(name)) throw new HttpError(400, `name must be a non-empty string of at most ${NAME_MAX} characters`);
      const { trigger, action } = store.addTrigger(s, name, operation, originOf(req, view, view.user));
      return send(res, 201, triggerJson(s, trigger, view), actionHeader(action, view));
    }
    const { s, t } = findTrigger(segments[0], segments[2]);
    if (method === 'GET') return send(res, 200, triggerJson(s, t, view));
    const action = store.removeTrigger(s, t, originOf(req, view, view.user));
    res.writeHead(204, actionHeader(action, view)).end();
  }

  /** stack/, stack/(uuid)/ */
  function stack(route: Route, res: ServerResponse, url: URL, view: View): void {
    const [uuid] = route.segments;
    if (uuid === undefined) {
      const matching = filterBy(store.stacks, filtersOf(url.searchParams, STACK_FILTERING).values());
      return list(res, url, matching, stacksPath(view.namespace), (s) => stackJson(store, s, view));
    }
    const found = find(uuid, (id) => store.stack(id));
    send(res, 200, stackJson(store, found, view));
  }

  /** action/, action/(uuid)/ */
  function action(route: Route, res: ServerResponse, url: URL, view: View): void {
    const [uuid] = route.segments;
    if (uuid === undefined) {
      const related = param(url.searchParams, 'include_related');
      if (related !== undefined && related !== 'true' && related !== 'false')
        throw new HttpError(400, 'include_related must be true or false');
      const tests = filtersOf(url.searchParams, actionFiltering(related === 'true'));
      const other = [...tests.keys()].find((name) => name !== 'object');
      if (tests.has('object') && other) throw new HttpError(400, `object can only be combined with include_related, not with ${other}`);
      const matching = filterBy(store.state.actions, tests.values());
      return list(res, url, matching, actionsPath(view.namespace), (a) => actionJson(a, view));
    }
    const found = find(uuid, (id) => store.action(id));
    send(res, 200, actionJson(found, view));
  }

  return { call, service, stack, action };
}
