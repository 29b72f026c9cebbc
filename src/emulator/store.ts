// The emulator's state: services, their triggers and the actions trigger calls start.
// With a data file, every change is saved atomically before the request is answered.
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { isUuid } from '../api/paths.js';
import { isOperation, type ActionState, type Operation } from '../api/types.js';

export interface StoredTrigger {
  uuid: string;
  name: string;
  operation: Operation;
}

export interface StoredService {
  uuid: string;
  name: string;
  image_name: string;
  state: string;
  stack: { uuid: string; name: string } | null;
  target_num_containers: number;
  current_num_containers: number;
  running_num_containers: number;
  last_trigger_body: string | null;
  /** How long the actions of this service's trigger calls stay in progress, in milliseconds. */
  action_duration_ms: number;
  /** The state those actions end in. */
  action_result: 'Success' | 'Failed';
  triggers: StoredTrigger[];
}

export interface StoredAction {
  uuid: string;
  action: string;
  service_uuid: string;
  start_ms: number;
  end_ms: number;
  result: 'Success' | 'Failed';
}

export interface State {
  version: 1;
  services: StoredService[];
  actions: StoredAction[];
}

/** One service as a seed file describes it; everything but the name is optional. */
export interface SeedService {
  uuid?: string;
  name: string;
  stack?: string | null;
  image_name?: string;
  state?: string;
  target_num_containers?: number;
  action_duration_ms?: number;
  action_result?: 'Success' | 'Failed';
  triggers?: { uuid?: string; name?: string; operation?: string }[];
}

export class StateFileError extends Error {}

const DEMO_SEED: SeedService[] = [
  { name: 'web', stack: 'demo', image_name: 'dockercloud/hello-world:latest', target_num_containers: 2 },
  { name: 'worker', stack: 'demo', image_name: 'demo/worker:latest' },
  { name: 'redis', stack: null, image_name: 'redis:7' },
];

export function defaultSeed(): SeedService[] {
  return DEMO_SEED.map((s) => ({ ...s }));
}

export function stateFromSeed(seed: SeedService[]): State {
  const stacks = new Map<string, string>();
  const services = seed.map((s, i): StoredService => {
    if (!s || typeof s.name !== 'string' || s.name === '') throw new StateFileError(`service #${i + 1} has no name`);
    let stack: StoredService['stack'] = null;
    if (s.stack) {
      if (!stacks.has(s.stack)) stacks.set(s.stack, randomUUID());
      stack = { uuid: stacks.get(s.stack)!, name: s.stack };
    }
    const n = s.target_num_containers ?? 1;
    return {
      uuid: seedUuid(s.uuid, s.name),
      name: s.name,
      image_name: s.image_name ?? `${s.name}:latest`,
      state: s.state ?? 'Running',
      stack,
      target_num_containers: n,
      current_num_containers: n,
      running_num_containers: n,
      last_trigger_body: null,
      action_duration_ms: s.action_duration_ms ?? 0,
      action_result: s.action_result === 'Failed' ? 'Failed' : 'Success',
      triggers: (s.triggers ?? []).map((t) => {
        const operation = (t.operation ?? 'REDEPLOY').toUpperCase();
        if (!isOperation(operation)) throw new StateFileError(`trigger of ${s.name} has unknown operation ${t.operation}`);
        return { uuid: seedUuid(t.uuid, s.name), name: t.name ?? defaultTriggerName(operation), operation };
      }),
    };
  });
  return { version: 1, services, actions: [] };
}

function seedUuid(value: string | undefined, where: string): string {
  if (value === undefined) return randomUUID();
  if (!isUuid(value)) throw new StateFileError(`${where}: '${value}' is not a UUID`);
  return value.toLowerCase();
}

export function defaultTriggerName(operation: Operation): string {
  return `${operation.toLowerCase()}-trigger`;
}

export function readSeedFile(file: string): SeedService[] {
  const parsed = readJson(file);
  const list = Array.isArray(parsed) ? parsed : (parsed as { services?: unknown })?.services;
  if (!Array.isArray(list)) throw new StateFileError(`${file}: expected an array of services or {"services": [...]}`);
  return list as SeedService[];
}

/** The parsed JSON of `file`; with `missingOk`, undefined when there is no such file. */
function readJson(file: string, missingOk = false): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StateFileError(`${file} is not valid JSON: ${(err as Error).message.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
}

/** Loads a data file written by saveState; returns undefined when it does not exist yet. */
export function loadState(file: string): State | undefined {
  const state = readJson(file, true) as State | undefined;
  if (state === undefined) return undefined;
  if (!state || state.version !== 1 || !Array.isArray(state.services) || !Array.isArray(state.actions)) {
    throw new StateFileError(`${file} is not an emulator data file (expected {"version": 1, "services": [...], "actions": [...]})`);
  }
  for (const s of state.services) {
    if (!s || typeof s.uuid !== 'string' || typeof s.name !== 'string' || !Array.isArray(s.triggers)) {
      throw new StateFileError(`${file} holds a malformed service`);
    }
    for (const t of s.triggers) {
      if (!t || typeof t.uuid !== 'string' || typeof t.name !== 'string' || !isOperation(String(t.operation))) {
        throw new StateFileError(`${file} holds a malformed trigger of service ${s.name}`);
      }
    }
  }
  if (state.actions.some((a) => !a || typeof a.uuid !== 'string' || typeof a.end_ms !== 'number')) {
    throw new StateFileError(`${file} holds a malformed action`);
  }
  return state;
}

let tmpCounter = 0;
/** Writes the whole state to a temporary file, flushes it and renames it over the data file. */
export function saveState(file: string, state: State): void {
  const tmp = `${file}.${process.pid}.${tmpCounter++}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export class Store {
  readonly state: State;
  private readonly byUuid = new Map<string, StoredService>();

  constructor(
    state: State,
    private readonly dataFile?: string,
  ) {
    this.state = state;
    for (const s of state.services) this.byUuid.set(s.uuid, s);
  }

  service(uuid: string): StoredService | undefined {
    return this.byUuid.get(uuid.toLowerCase());
  }

  /** Persists the state when a data file is set; call after every change, before answering. */
  commit(): void {
    if (this.dataFile) saveState(this.dataFile, this.state);
  }

  addTrigger(service: StoredService, name: string, operation: Operation): StoredTrigger {
    const trigger = { uuid: randomUUID(), name, operation };
    service.triggers.push(trigger);
    this.commit();
    return trigger;
  }

  removeTrigger(service: StoredService, trigger: StoredTrigger): void {
    service.triggers.splice(service.triggers.indexOf(trigger), 1);
    this.commit();
  }

  /** Runs a trigger: applies its effect on the service and records the action it starts. */
  callTrigger(service: StoredService, trigger: StoredTrigger, count: number, body: string | null): StoredAction {
    const now = Date.now();
    if (trigger.operation === 'SCALEUP') {
      service.target_num_containers += count;
      service.current_num_containers += count;
      service.running_num_containers += count;
    }
    service.last_trigger_body = body;
    const action: StoredAction = {
      uuid: randomUUID(),
      action: trigger.operation === 'SCALEUP' ? 'Service Scale' : 'Service Redeploy',
      service_uuid: service.uuid,
      start_ms: now,
      end_ms: now + service.action_duration_ms,
      result: service.action_result,
    };
    this.state.actions.push(action);
    this.commit();
    return action;
  }

  action(uuid: string): StoredAction | undefined {
    const id = uuid.toLowerCase();
    return this.state.actions.find((a) => a.uuid === id);
  }
}

/** An action's state at a moment: in progress until its end time, then its result. */
export function actionState(action: StoredAction): ActionState {
  return Date.now() < action.end_ms ? 'In progress' : action.result;
}

/** The service's state at a moment: redeploying or scaling while one of its actions runs. */
export function serviceState(store: Store, service: StoredService): string {
  const now = Date.now();
  for (let i = store.state.actions.length - 1; i >= 0; i--) {
    const a = store.state.actions[i]!;
    if (a.service_uuid === service.uuid && now < a.end_ms) return a.action === 'Service Scale' ? 'Scaling' : 'Redeploying';
  }
  return service.state;
}
