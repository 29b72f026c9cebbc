// The JSON of the emulator's objects, with every attribute the API reference documents: services,
// stacks, triggers and actions, their URIs in the path form (with a namespace or without) of the
// request that asks for them.
import { createHash } from 'node:crypto';
import { actionPath, containerPath, servicePath, stackPath, triggerCallPath, triggerPath } from '../api/paths.js';
import type { Action, ActionState, Service, ServiceState, Stack, Trigger } from '../api/types.js';
import { apiDate } from './dates.js';
import { actionMethod, type StoredAction, type StoredService, type StoredTrigger } from './model.js';
import type { Store, StoredStack } from './store.js';

/** The names of an object's attributes, from a record the compiler holds to the object's type. */
const fieldNames = <T>(fields: Record<keyof T, true>): ReadonlySet<string> => new Set(Object.keys(fields));

/** The attributes of the objects of each list, as the JSON below gives them. */
export const FIELDS = {
  service: fieldNames<Service>({
    uuid: true,
    resource_uri: true,
    name: true,
    nickname: true,
    image_name: true,
    public_dns: true,
    state: true,
    synchronized: true,
    stack: true,
    deployed_datetime: true,
    started_datetime: true,
    stopped_datetime: true,
    destroyed_datetime: true,
    target_num_containers: true,
    current_num_containers: true,
    running_num_containers: true,
    stopped_num_containers: true,
    containers: true,
    container_ports: true,
    container_envvars: true,
    labels: true,
    link_variables: true,
    linked_from_service: true,
    linked_to_service: true,
    bindings: true,
    autorestart: true,
    autodestroy: true,
    autoredeploy: true,
    roles: true,
    tags: true,
    deployment_strategy: true,
    sequential_deployment: true,
    net: true,
    pid: true,
    privileged: true,
    read_only: true,
    entrypoint: true,
    run_command: true,
    working_dir: true,
    user: true,
    hostname: true,
    domainname: true,
    mac_address: true,
    cgroup_parent: true,
    cgroup_name: true,
    tty: true,
    stdin_open: true,
    dns: true,
    dns_search: true,
    cap_add: true,
    cap_drop: true,
    devices: true,
    extra_hosts: true,
    security_opt: true,
    cpu_shares: true,
    cpuset: true,
    memory: true,
    memory_swap: true,
    last_trigger_body: true,
  }),
  trigger: fieldNames<Trigger>({ uuid: true, name: true, operation: true, url: true, resource_uri: true }),
  stack: fieldNames<Stack>({
    uuid: true,
    resource_uri: true,
    name: true,
    nickname: true,
    state: true,
    synchronized: true,
    services: true,
    deployed_datetime: true,
    destroyed_datetime: true,
  }),
  action: fieldNames<Action>({
    uuid: true,
    resource_uri: true,
    action: true,
    method: true,
    path: true,
    object: true,
    user: true,
    user_agent: true,
    ip: true,
    location: true,
    state: true,
    start_date: true,
    end_date: true,
    is_user_action: true,
    can_be_canceled: true,
    can_be_retried: true,
  }),
};

/** Who is asking: the namespace of the request path, and the user it stands for when there is none. */
export interface View {
  namespace?: string;
  user: string;
  /** Scheme and host the request reached, for the absolute URLs a service's link variables hold. */
  origin: string;
}

const dateOrNull = (ms: number | null): string | null => (ms === null ? null : apiDate(ms));

const containerIds = new Map<string, string[]>();

/** UUIDs of a service's containers, the same on every run: derived from the service's UUID and their number. */
function containerUuids(serviceUuid: string, count: number): string[] {
  const ids = containerIds.get(serviceUuid) ?? [];
  containerIds.set(serviceUuid, ids);
  while (ids.length < count) {
    const h = createHash('sha1')
      .update(`${serviceUuid}/container/${ids.length + 1}`)
      .digest('hex');
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    ids.push(`${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`);
  }
  return ids.slice(0, count);
}

/** The service a container URI of `serviceJson` belongs to. */
export function serviceOfContainer(services: StoredService[], containerUuid: string): StoredService | undefined {
  return services.find((s) => containerUuids(s.uuid, s.current_num_containers).includes(containerUuid));
}

/** An environment variable name made of a service name: `web-2` gives `WEB_2`. */
const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

export function serviceJson(store: Store, s: StoredService, view: View): Service {
  const ns = view.namespace;
  const state = store.serviceState(s);
  const uri = servicePath(s.uuid, ns);
  return {
    uuid: s.uuid,
    resource_uri: uri,
    name: s.name,
    nickname: s.name,
    image_name: s.image_name,
    public_dns: `${s.name}.${s.stack ? `${s.stack.name}.` : ''}${ns ?? view.user}.svc.dockerapp.io`,
    state,
    synchronized: true,
    stack: s.stack ? stackPath(s.stack.uuid, ns) : null,
    deployed_datetime: dateOrNull(s.deployed_ms),
    started_datetime: dateOrNull(s.started_ms),
    stopped_datetime: dateOrNull(s.stopped_ms),
    destroyed_datetime: dateOrNull(s.destroyed_ms),
    target_num_containers: s.target_num_containers,
    current_num_containers: s.current_num_containers,
    running_num_containers: s.running_num_containers,
    stopped_num_containers: s.current_num_containers - s.running_num_containers,
    containers: containerUuids(s.uuid, s.current_num_containers).map((c) => containerPath(c, ns)),
    container_ports: [],
    container_envvars: [],
    labels: {},
    link_variables: { [`${envName(s.name)}_DOCKERCLOUD_API_URL`]: `${view.origin}${uri}` },
    linked_from_service: [],
    linked_to_service: [],
    bindings: [],
    autorestart: 'OFF',
    autodestroy: 'OFF',
    autoredeploy: false,
    roles: [],
    tags: [],
    deployment_strategy: 'EMPTIEST_NODE',
    sequential_deployment: false,
    net: 'bridge',
    pid: 'none',
    privileged: false,
    read_only: false,
    entrypoint: '',
    run_command: '',
    working_dir: '/',
    user: 'root',
    hostname: '',
    domainname: '',
    mac_address: '',
    cgroup_parent: '',
    cgroup_name: '',
    tty: false,
    stdin_open: false,
    dns: [],
    dns_search: [],
    cap_add: [],
    cap_drop: [],
    devices: [],
    extra_hosts: [],
    security_opt: [],
    cpu_shares: 1024,
    cpuset: '',
    memory: 0,
    memory_swap: 0,
    last_trigger_body: s.last_trigger_body,
  };
}

/** A stack's state, from the states of its services. */
function stackState(states: ServiceState[]): string {
  if (states.includes('Redeploying')) return 'Redeploying';
  const up = states.filter((s) => s === 'Running' || s === 'Scaling').length;
  if (up === states.length) return 'Running';
  if (up > 0 || states.includes('Partly running')) return 'Partly running';
  for (const same of ['Stopped', 'Terminated', 'Starting', 'Stopping', 'Terminating'] as const)
    if (states.every((s) => s === same)) return same;
  return 'Not Running';
}

export function stackJson(store: Store, stack: StoredStack, view: View): Stack {
  const ns = view.namespace;
  const states = stack.services.map((s) => store.serviceState(s));
  const latest = (times: (number | null)[]): string | null => {
    const known = times.filter((t) => t !== null);
    return known.length > 0 ? apiDate(Math.max(...known)) : null;
  };
  const state = stackState(states);
  return {
    uuid: stack.uuid,
    resource_uri: stackPath(stack.uuid, ns),
    name: stack.name,
    nickname: stack.name,
    state,
    synchronized: true,
    services: stack.services.map((s) => servicePath(s.uuid, ns)),
    deployed_datetime: latest(stack.services.map((s) => s.deployed_ms)),
    destroyed_datetime: state === 'Terminated' ? latest(stack.services.map((s) => s.destroyed_ms)) : null,
  };
}

export function triggerJson(s: StoredService, t: StoredTrigger, view: View): Trigger {
  return {
    uuid: t.uuid,
    name: t.name,
    operation: t.operation,
    url: triggerCallPath(s.uuid, t.uuid, view.namespace),
    resource_uri: triggerPath(s.uuid, t.uuid, view.namespace),
  };
}

/** An action's state at a moment: in progress until its end time, then its result. */
export function actionState(a: StoredAction, now = Date.now()): ActionState {
  return now < a.end_ms ? 'In progress' : a.result;
}

export function actionJson(a: StoredAction, view: View): Action {
  const state = actionState(a);
  return {
    uuid: a.uuid,
    resource_uri: actionPath(a.uuid, view.namespace),
    action: a.action,
    method: actionMethod(a.action),
    path: a.path,
    object: servicePath(a.service_uuid, view.namespace),
    user: a.user,
    user_agent: a.user_agent,
    ip: a.ip,
    location: '',
    state,
    start_date: apiDate(a.start_ms),
    end_date: state === 'In progress' ? null : apiDate(a.end_ms),
    is_user_action: true,
    can_be_canceled: false,
    can_be_retried: false,
  };
}
