// Seed and data files are checked whole, field by field, before anything is served: a malformed file
// stops the emulator with one line that names the file, the object and the field, rather than a crash
// or values that corrupt later answers (a count of "1" plus 3 makes "13").
import { randomUUID } from 'node:crypto';
import { isUuid } from '../api/paths.js';
import { OPERATIONS, SERVICE_STATES, type ServiceState } from '../api/types.js';
import {
  ACTION_NAMES,
  ACTION_RESULTS,
  ALL_ACTION_NAMES,
  containerCounts,
  DATA_VERSION,
  defaultTriggerName,
  isName,
  isOperationName,
  lifecycleTimes,
  type LifecycleTimes,
  MAX_ACTION_DURATION_MS,
  MAX_ACTIONS,
  MAX_CONTAINERS,
  NAME_MAX,
  operationPath,
  type State,
  type StoredAction,
  type StoredService,
  type StoredTrigger,
} from './model.js';

export class StateFileError extends Error {}

/**
 * Text from a file, fit for a message on a terminal: control characters (C0, DEL, and C1 such as the
 * CSI \u009b, which JSON.stringify leaves as they are) and line separators written as JSON escapes.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A name or value from a file as a message repeats it: its control characters escaped, cut to 40 characters. */
function printable(text: string): string {
  const escaped = escapeControls(text);
  return escaped.length > 40 ? `${escaped.slice(0, 37)}...` : escaped;
}

function show(value: unknown): string {
  // JSON reads a number such as 1e400 as Infinity, which JSON.stringify would show as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large to be finite';
  return value === undefined ? 'nothing' : printable(JSON.stringify(value));
}

const A_NAME = `a non-blank string of at most ${NAME_MAX} characters`;
const A_TIME = 'a time in milliseconds since 1970 (years 1970 to 9999)';
/** The last millisecond of the year 9999: later dates do not fit the four-digit years clients parse. */
const MAX_TIME = Date.UTC(10000, 0, 1) - 1;

/** The fields of one object of a file, read through checks whose errors name the object and the field. */
class Fields {
  private constructor(
    private readonly obj: Record<string, unknown>,
    private readonly where: string,
    private readonly allowed: readonly string[],
  ) {}

  /** `value` as an object that has no fields but `allowed`. */
  static of(value: unknown, where: string, allowed: readonly string[]): Fields {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new StateFileError(`${where} must be an object, not ${show(value)}`);
    return new Fields(value as Record<string, unknown>, where, allowed);
  }

  /** Fails on a field that is not allowed; checked once the object is named, to name it in the error. */
  checkFields(): this {
    const unknown = Object.keys(this.obj).find((k) => !this.allowed.includes(k));
    if (unknown !== undefined) throw this.error(`unknown field ${show(unknown)}`);
    return this;
  }

  error(message: string): StateFileError {
    return new StateFileError(`${this.where}: ${message}`);
  }

  /** The same object, called by its name once that is known. */
  named(name: string): Fields {
    return new Fields(this.obj, `${this.where} (${printable(name)})`, this.allowed);
  }

  at(what: string): string {
    return `${this.where}, ${what}`;
  }

  has(field: string): boolean {
    return this.obj[field] !== undefined;
  }

  raw(field: string): unknown {
    return this.obj[field];
  }

  fail(field: string, expected: string): never {
    throw this.error(`${field} must be ${expected}, not ${show(this.obj[field])}`);
  }

  check<T>(field: string, ok: (value: unknown) => boolean, expected: string): T {
    if (!ok(this.obj[field])) this.fail(field, expected);
    return this.obj[field] as T;
  }

  name(field: string): string {
    return this.check(field, isName, A_NAME);
  }

  text(field: string): string {
    return this.check(field, (v) => typeof v === 'string', 'a string');
  }

  uuid(field: string): string {
    return this.check<string>(field, (v) => typeof v === 'string' && isUuid(v), 'a UUID').toLowerCase();
  }

  int(field: string, min: number, max: number, expected = `a whole number from ${min} to ${max}`): number {
    return this.check(field, (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max, expected);
  }

  oneOf<T extends string>(field: string, values: readonly T[]): T {
    return this.check(field, (v) => values.includes(v as T), `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
  }

  list(field: string): unknown[] {
    return this.check(field, Array.isArray, 'a list');
  }
}

/** Remembers the UUIDs seen so far, so that no two objects of a file share one. */
class Unique {
  private readonly seen = new Map<string, string>();

  /** Adds the UUID of the object `f`, which others call `what`. */
  add(uuid: string, f: Fields, what: string): void {
    const first = this.seen.get(uuid);
    if (first !== undefined) throw f.error(`uuid ${uuid} is already the UUID of ${first}`);
    this.seen.set(uuid, what);
  }
}

const SEED_SERVICE = [
  'uuid',
  'name',
  'stack',
  'image_name',
  'state',
  'target_num_containers',
  'action_duration_ms',
  'action_result',
  'triggers',
];
const SEED_TRIGGER = ['uuid', 'name', 'operation'];

/** The services a seed describes (a list of seed services, or {"services": [...]}), as the emulator keeps them. */
export function servicesFromSeed(seed: unknown, source: string, now: number): StoredService[] {
  const list =
    seed && typeof seed === 'object' && !Array.isArray(seed) ? Fields.of(seed, source, ['services']).checkFields().raw('services') : seed;
  if (!Array.isArray(list)) throw new StateFileError(`${source} must be a list of services or {"services": [...]}, not ${show(list)}`);
  const uuids = new Unique();
  const stacks = new Map<string, string>();
  return list.map((value, i) => {
    let f = Fields.of(value, `${source}: service #${i + 1}`, SEED_SERVICE);
    const name = f.name('name');
    f = f.named(name).checkFields();
    const uuid = f.has('uuid') ? f.uuid('uuid') : randomUUID();
    uuids.add(uuid, f, `service ${printable(name)}`);
    let stack: StoredService['stack'] = null;
    if (f.raw('stack') !== undefined && f.raw('stack') !== null) {
      const stackName = f.check<string>('stack', isName, `null or ${A_NAME}`);
      if (!stacks.has(stackName)) stacks.set(stackName, randomUUID());
      stack = { uuid: stacks.get(stackName)!, name: stackName };
    }
    const state = f.has('state') ? f.oneOf('state', SERVICE_STATES) : 'Running';
    const target = f.has('target_num_containers') ? f.int('target_num_containers', 0, MAX_CONTAINERS) : 1;
    const { current, running } = containerCounts(state, target);
    const triggers = (f.has('triggers') ? f.list('triggers') : []).map((t, j): StoredTrigger => {
      const tf = Fields.of(t, f.at(`trigger #${j + 1}`), SEED_TRIGGER).checkFields();
      const isOperationText = (v: unknown): boolean => typeof v === 'string' && (OPERATIONS as readonly string[]).includes(v.toUpperCase());
      const operation = tf.has('operation') ? tf.check<string>('operation', isOperationText, 'REDEPLOY or SCALEUP') : 'REDEPLOY';
      const upper = operation.toUpperCase() as StoredTrigger['operation'];
      const triggerUuid = tf.has('uuid') ? tf.uuid('uuid') : randomUUID();
      uuids.add(triggerUuid, tf, `a trigger of service ${printable(name)}`);
      return { uuid: triggerUuid, name: tf.has('name') ? tf.name('name') : defaultTriggerName(upper), operation: upper };
    });
    return {
      uuid,
      name,
      image_name: f.has('image_name') ? f.name('image_name') : `${name}:latest`,
      state,
      stack,
      target_num_containers: target,
      current_num_containers: current,
      running_num_containers: running,
      last_trigger_body: null,
      ...lifecycleTimes(state, now),
      action_duration_ms: f.has('action_duration_ms') ? f.int('action_duration_ms', 0, MAX_ACTION_DURATION_MS) : 0,
      action_result: f.has('action_result') ? f.oneOf('action_result', ACTION_RESULTS) : 'Success',
      triggers,
    };
  });
}

const TIMES = ['deployed_ms', 'started_ms', 'stopped_ms', 'destroyed_ms'] as const;
const STORED_SERVICE = [...SEED_SERVICE, 'current_num_containers', 'running_num_containers', 'last_trigger_body', ...TIMES];
const STORED_ACTION = ['uuid', 'action', 'service_uuid', 'start_ms', 'end_ms', 'result', 'path', 'user', 'ip', 'user_agent'];
const DATA_FORMAT = `{"version": ${DATA_VERSION}, "services": [...], "actions": [...]}`;

/**
 * A data file's state, checked whole, its history cut to the newest actions. A file of an earlier
 * version gets what it lacks filled in: version 1 the deploy time of services and the origin of
 * actions, versions 1 and 2 the other times of services (see storedTimes).
 */
export function stateFromData(value: unknown, file: string, now: number): State {
  const top = value as { version?: unknown; services?: unknown; actions?: unknown } | null;
  const versioned = top && typeof top === 'object' && [1, 2, DATA_VERSION].includes(top.version as number);
  if (!versioned || !Array.isArray(top.services) || !Array.isArray(top.actions)) {
    throw new StateFileError(`${file} is not an emulator data file (expected ${DATA_FORMAT})`);
  }
  Fields.of(top, file, ['version', 'services', 'actions']).checkFields();
  const version = top.version as number;
  const v1 = version === 1;
  const uuids = new Unique();
  const stacks = new Map<string, string>();
  const services = top.services.map((value, i) => {
    let f = Fields.of(value, `${file}: service #${i + 1}`, STORED_SERVICE);
    f = f.named(f.name('name')).checkFields();
    const s = storedService(f, uuids, version, now);
    const stackName = s.stack && (stacks.get(s.stack.uuid) ?? s.stack.name);
    if (s.stack && stackName !== s.stack.name) f.fail('stack', `named ${show(stackName)}, as elsewhere`);
    if (s.stack) stacks.set(s.stack.uuid, s.stack.name);
    return s;
  });
  const known = new Set(services.map((s) => s.uuid));
  const older = Math.max(0, top.actions.length - MAX_ACTIONS);
  const actions = top.actions.slice(older).map((value, i) => {
    const f = Fields.of(value, `${file}: action #${older + i + 1}`, STORED_ACTION).checkFields();
    const a = storedAction(f, v1);
    if (!known.has(a.service_uuid)) f.fail('service_uuid', 'the UUID of a service of the file');
    uuids.add(a.uuid, f, 'an action');
    return a;
  });
  return { version: DATA_VERSION, services, actions };
}

/**
 * The times of a service of a data file. Before version 3, a file kept the deploy time alone (version
 * 1 not even that: the time of the upgrade stands for it), and the others followed from it and the state.
 */
function storedTimes(f: Fields, state: ServiceState, version: number, now: number): LifecycleTimes {
  if (version === DATA_VERSION) {
    const time = (field: string): number | null => (f.raw(field) === null ? null : f.int(field, 0, MAX_TIME, `null or ${A_TIME}`));
    return {
      deployed_ms: time('deployed_ms'),
      started_ms: time('started_ms'),
      stopped_ms: time('stopped_ms'),
      destroyed_ms: time('destroyed_ms'),
    };
  }
  const deployed = version === 1 && !f.has('deployed_ms') ? now : f.int('deployed_ms', 0, MAX_TIME, A_TIME);
  const ever = state !== 'Not running';
  const stopped = ['Stopping', 'Stopped', 'Terminating', 'Terminated'].includes(state);
  return {
    deployed_ms: ever ? deployed : null,
    started_ms: ever ? deployed : null,
    stopped_ms: stopped ? deployed : null,
    destroyed_ms: state === 'Terminated' ? deployed : null,
  };
}

/** A service of a data file of `version`. */
function storedService(f: Fields, uuids: Unique, version: number, now: number): StoredService {
  const name = f.name('name');
  const uuid = f.uuid('uuid');
  uuids.add(uuid, f, `service ${printable(name)}`);
  const stackValue = f.raw('stack');
  let stack: StoredService['stack'] = null;
  if (stackValue !== null) {
    const sf = Fields.of(stackValue, f.at('stack'), ['uuid', 'name']).checkFields();
    stack = { uuid: sf.uuid('uuid'), name: sf.name('name') };
  }
  const current = f.int('current_num_containers', 0, MAX_CONTAINERS);
  const body = f.raw('last_trigger_body');
  if (body !== null && typeof body !== 'string') f.fail('last_trigger_body', 'null or a string');
  const state = f.oneOf('state', SERVICE_STATES);
  return {
    uuid,
    name,
    image_name: f.name('image_name'),
    state,
    stack,
    target_num_containers: f.int('target_num_containers', 0, MAX_CONTAINERS),
    current_num_containers: current,
    running_num_containers: f.int('running_num_containers', 0, current, `a whole number from 0 to current_num_containers (${current})`),
    last_trigger_body: body,
    ...storedTimes(f, state, version, now),
    action_duration_ms: f.int('action_duration_ms', 0, MAX_ACTION_DURATION_MS),
    action_result: f.oneOf('action_result', ACTION_RESULTS),
    triggers: f.list('triggers').map((t, j) => {
      const tf = Fields.of(t, f.at(`trigger #${j + 1}`), SEED_TRIGGER).checkFields();
      const trigger = { uuid: tf.uuid('uuid'), name: tf.name('name'), operation: tf.oneOf('operation', OPERATIONS) };
      uuids.add(trigger.uuid, tf, `a trigger of service ${printable(name)}`);
      return trigger;
    }),
  };
}

/** An action of a data file; in a version 1 file, its origin is filled in. */
function storedAction(f: Fields, v1: boolean): StoredAction {
  const start = f.int('start_ms', 0, MAX_TIME, A_TIME);
  const serviceUuid = f.uuid('service_uuid');
  // Version 1 files knew the actions of trigger calls alone.
  const action = f.oneOf('action', v1 ? Object.values(ACTION_NAMES) : ALL_ACTION_NAMES);
  const origin = (field: 'path' | 'user' | 'ip' | 'user_agent', fallback: string): string =>
    v1 && !f.has(field) ? fallback : f.text(field);
  return {
    uuid: f.uuid('uuid'),
    action,
    service_uuid: serviceUuid,
    start_ms: start,
    end_ms: f.int('end_ms', start, MAX_TIME, `${A_TIME}, not before start_ms (${start})`),
    result: f.oneOf('result', ACTION_RESULTS),
    path: origin('path', isOperationName(action) ? operationPath(serviceUuid, action) : ''),
    user: origin('user', ''),
    ip: origin('ip', ''),
    user_agent: origin('user_agent', ''),
  };
}
