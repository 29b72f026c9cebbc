// What the emulator keeps: services with their triggers, and the actions trigger calls start; the
// seed format that describes initial services; and the limits both are held to.
import { servicePath } from '../api/paths.js';
import type { Operation, ServiceState } from '../api/types.js';

/** How many actions are kept (the newest), in memory and in the data file. */
export const MAX_ACTIONS = 1000;
/** Containers a service may have; a SCALEUP call that would pass it is refused. */
export const MAX_CONTAINERS = 10_000;
/** Longest name of a service, stack or trigger. */
export const NAME_MAX = 256;
/** Longest time a seeded service's actions may stay in progress: a day. */
export const MAX_ACTION_DURATION_MS = 86_400_000;
/** Version of the data file format written; files of versions 1 and 2 are read too. */
export const DATA_VERSION = 3;

export const ACTION_RESULTS = ['Success', 'Failed'] as const;
export type ActionResult = (typeof ACTION_RESULTS)[number];

/** The actions of trigger calls: the service operations they perform. */
export const ACTION_NAMES = { REDEPLOY: 'Service Redeploy', SCALEUP: 'Service Scale' } as const;
export type OperationName = (typeof ACTION_NAMES)[Operation];
/** The actions of the calls that create and delete triggers, which are done as they are answered. */
export const TRIGGER_ACTIONS = { create: 'Trigger Create', delete: 'Trigger Delete' } as const;
export type ActionName = OperationName | (typeof TRIGGER_ACTIONS)[keyof typeof TRIGGER_ACTIONS];
export const ALL_ACTION_NAMES: readonly ActionName[] = [...Object.values(ACTION_NAMES), ...Object.values(TRIGGER_ACTIONS)];

/** Whether an action is a service operation: one that keeps the service Redeploying or Scaling while it runs. */
export function isOperationName(name: ActionName): name is OperationName {
  return name === ACTION_NAMES.REDEPLOY || name === ACTION_NAMES.SCALEUP;
}

/** The method of the request an action records. */
export const actionMethod = (name: ActionName): string => (name === TRIGGER_ACTIONS.delete ? 'DELETE' : 'POST');

export interface StoredTrigger {
  uuid: string;
  name: string;
  operation: Operation;
}

export interface StoredService {
  uuid: string;
  name: string;
  image_name: string;
  /** The state the service rests in; while one of its actions runs, it shows Redeploying or Scaling. */
  state: ServiceState;
  stack: { uuid: string; name: string } | null;
  target_num_containers: number;
  current_num_containers: number;
  running_num_containers: number;
  last_trigger_body: string | null;
  // When (ms since the epoch) the service was last deployed (at its seeding, then at each REDEPLOY
  // call), last started and last stopped, and when it was terminated; null when it never was.
  deployed_ms: number | null;
  started_ms: number | null;
  stopped_ms: number | null;
  destroyed_ms: number | null;
  /** How long the actions of this service's trigger calls stay in progress, in milliseconds. */
  action_duration_ms: number;
  /** The state those actions end in. */
  action_result: ActionResult;
  triggers: StoredTrigger[];
}

export interface StoredAction {
  uuid: string;
  action: ActionName;
  /** The service the action is about: the one a call operates on, or whose trigger was created or deleted. */
  service_uuid: string;
  start_ms: number;
  end_ms: number;
  result: ActionResult;
  /**
   * The API path of the request: for a trigger call, that of the operation it performed (the
   * service's redeploy/ or scale/), never the call URL, which is a secret.
   */
  path: string;
  /** The user who made the request; for a trigger call, which has no credentials, its namespace or the emulator's user. */
  user: string;
  ip: string;
  user_agent: string;
}

export interface State {
  version: typeof DATA_VERSION;
  services: StoredService[];
  actions: StoredAction[];
}

/** One service as a seed file describes it; everything but the name is optional. */
export interface SeedService {
  uuid?: string;
  name: string;
  stack?: string | null;
  image_name?: string;
  state?: ServiceState;
  target_num_containers?: number;
  action_duration_ms?: number;
  action_result?: ActionResult;
  triggers?: { uuid?: string; name?: string; operation?: string }[];
}

/** The path of the service operation an action performed: what a trigger call does, in the API's terms. */
export function operationPath(serviceUuid: string, action: OperationName, namespace?: string): string {
  return `${servicePath(serviceUuid, namespace)}${action === ACTION_NAMES.SCALEUP ? 'scale' : 'redeploy'}/`;
}

/** Containers (all, running) of a service of `target` containers resting in `state`. */
export function containerCounts(state: ServiceState, target: number): { current: number; running: number } {
  switch (state) {
    case 'Not running':
    case 'Terminated':
      return { current: 0, running: 0 };
    case 'Starting':
    case 'Stopping':
    case 'Stopped':
      return { current: target, running: 0 };
    case 'Partly running':
      return { current: target, running: Math.max(0, target - 1) };
    default:
      return { current: target, running: target };
  }
}

export type LifecycleTimes = Pick<StoredService, 'deployed_ms' | 'started_ms' | 'stopped_ms' | 'destroyed_ms'>;

/** The times of its lifecycle that a service seeded in `state` at `now` has had. */
export function lifecycleTimes(state: ServiceState, now: number): LifecycleTimes {
  const deployed = state === 'Not running' ? null : now;
  return {
    deployed_ms: deployed,
    started_ms: deployed,
    stopped_ms: state === 'Stopping' || state === 'Stopped' ? now : null,
    destroyed_ms: state === 'Terminated' ? now : null,
  };
}

// The operations each state allows, as service.md's table of service states has them.
const ALLOWED: Record<ServiceState, readonly string[]> = {
  'Not running': ['start', 'terminate'],
  Starting: [],
  Running: ['stop', 'redeploy', 'terminate'],
  'Partly running': ['stop', 'redeploy', 'terminate'],
  Scaling: [],
  Redeploying: [],
  Stopping: [],
  Stopped: ['start', 'redeploy', 'terminate'],
  Terminating: [],
  Terminated: [],
};

/**
 * Why a trigger's operation is refused on a service resting in `state`, or undefined when it is allowed.
 * The table names no scale: a scale is allowed where a redeploy is.
 */
export function refusal(state: ServiceState, operation: Operation): string | undefined {
  const allowed = ALLOWED[state];
  if (allowed.includes('redeploy')) return undefined;
  const only = allowed.length === 0 ? 'no actions are allowed' : `only ${allowed.join(' and ')} are allowed`;
  return `Cannot ${operation === 'SCALEUP' ? 'scale' : 'redeploy'} a service in state "${state}": ${only} in this state`;
}

const RUNNING: ReadonlySet<ServiceState> = new Set(['Running', 'Partly running', 'Scaling', 'Redeploying', 'Terminating']);

/** Whether containers added to a service in this state run (else they count as stopped). */
export function runsNewContainers(state: ServiceState): boolean {
  return RUNNING.has(state);
}

/** The rule for names of services, stacks and triggers: any text but blank, at most NAME_MAX characters. */
export function isName(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= NAME_MAX;
}

export function defaultTriggerName(operation: Operation): string {
  return `${operation.toLowerCase()}-trigger`;
}
