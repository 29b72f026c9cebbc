// The emulator's state and its data file. With a data file, every change is saved atomically before
// the request is answered; a change that cannot be saved is undone, so memory never holds more than
// the file.
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { triggerPath, triggersPath } from '../api/paths.js';
import type { Operation, ServiceState } from '../api/types.js';
import {
  ACTION_NAMES,
  DATA_VERSION,
  isOperationName,
  TRIGGER_ACTIONS,
  type ActionName,
  type ActionResult,
  MAX_ACTIONS,
  operationPath,
  runsNewContainers,
  type SeedService,
  type State,
  type StoredAction,
  type StoredService,
  type StoredTrigger,
} from './model.js';
import { escapeControls, servicesFromSeed, stateFromData, StateFileError } from './validate.js';

export type { SeedService, State } from './model.js';
export { StateFileError } from './validate.js';

const DEMO_SEED: SeedService[] = [
  { name: 'web', stack: 'demo', image_name: 'dockercloud/hello-world:latest', target_num_containers: 2 },
  { name: 'worker', stack: 'demo', image_name: 'demo/worker:latest' },
  { name: 'redis', stack: null, image_name: 'redis:7' },
];

/** Why `err` happened, in a word where it has one: its errno code (ENOENT), else its message. */
export function reason(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

export function defaultSeed(): SeedService[] {
  return DEMO_SEED.map((s) => ({ ...s }));
}

export function stateFromSeed(seed: SeedService[], source = 'the seed'): State {
  return { version: DATA_VERSION, services: servicesFromSeed(seed, source, Date.now()), actions: [] };
}

/** The state a seed file describes: a list of services, or {"services": [...]}. */
export function stateFromSeedFile(file: string): State {
  // Any JSON, whatever the cast says: servicesFromSeed checks every seed, also one given in code.
  return stateFromSeed(readJson(file) as SeedService[], file);
}

/** The parsed JSON of `file`; with `missingOk`, undefined when there is no such file. */
function readJson(file: string, missingOk = false): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read ${file}: ${reason(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StateFileError(`${file} is not valid JSON: ${escapeControls((err as Error).message.replace(/\s+/g, ' ')).slice(0, 200)}`);
  }
}

/** Loads a data file written by saveState; returns undefined when it does not exist yet. */
export function loadState(file: string): State | undefined {
  const value = readJson(file, true);
  return value === undefined ? undefined : stateFromData(value, file, Date.now());
}

/** A save that failed: the change was undone. */
export class SaveError extends Error {}

let tmpCounter = 0;
const tmpName = (file: string): string => `${file}.${process.pid}.${tmpCounter++}.tmp`;

/** Writes the whole state to a temporary file, flushes it and renames it over the data file. */
export function saveState(file: string, state: State): void {
  const tmp = tmpName(file);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, JSON.stringify(state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The folder itself may be gone; there is nothing left to remove then.
    }
    throw err;
  }
}

/** Whether `pid` is the id of a process other than this one that still runs (or that this one may not signal). */
function otherProcessRuns(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process id a lock file names, if it names one. */
function lockHolder(lock: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8');
  } catch {
    return undefined;
  }
  return /^[1-9][0-9]{0,9}\n$/.test(text) ? Number(text) : undefined;
}

/**
 * Makes this process the one owner of `file`: its lock, `FILE.lock`, names the process that holds it.
 * A lock whose process is gone is taken over; one whose process runs stops the start. Returns what
 * gives the lock up.
 */
export function lockDataFile(file: string): () => void {
  const lock = `${file}.lock`;
  const cannot = (err: unknown): StateFileError => new StateFileError(`cannot lock ${file}: ${reason(err)}`);
  // The lock appears whole or not at all: written aside, then linked to its name, which fails if it exists.
  const mine = tmpName(file);
  try {
    writeFileSync(mine, `${process.pid}\n`);
  } catch (err) {
    throw cannot(err);
  }
  const link = (): boolean => {
    try {
      linkSync(mine, lock);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw cannot(err);
    }
  };
  try {
    for (let attempt = 1; !link(); attempt++) {
      const holder = lockHolder(lock);
      if (holder !== undefined && otherProcessRuns(holder)) {
        throw new StateFileError(`${file} is in use by another dockercloud-emulator (process ${holder}, which holds ${lock})`);
      }
      if (attempt === 10) throw cannot(new Error(`${lock} keeps coming back`));
      // Taken over by moving it aside first: a lock that another emulator took over meanwhile is put back.
      const stale = tmpName(file);
      try {
        renameSync(lock, stale);
        if (lockHolder(stale) !== holder) linkSync(stale, lock);
      } catch {
        // Gone already, or taken again: the next attempt sees.
      }
      rmSync(stale, { force: true });
    }
  } finally {
    rmSync(mine, { force: true });
  }
  return () => {
    if (lockHolder(lock) === process.pid) rmSync(lock, { force: true });
  };
}

/** Removes the temporary files that saves of `file` left behind: this process's, and those of processes that are gone. */
export function removeLeftovers(file: string): void {
  const prefix = `${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return; // no folder yet: the first save will say what is wrong
  }
  for (const name of names) {
    const pid = /^([0-9]+)\.[0-9]+\.tmp$/.exec(name.slice(prefix.length))?.[1];
    if (!name.startsWith(prefix) || pid === undefined || otherProcessRuns(Number(pid))) continue;
    try {
      rmSync(join(dirname(file), name), { force: true });
    } catch {
      // One that cannot be removed is only clutter: the data file itself is whole.
    }
  }
}

export interface StoredStack {
  uuid: string;
  name: string;
  services: StoredService[];
}

/** Where a request came from, as its action records it. */
export interface Origin {
  /** The namespace of the request's path, which the action's path keeps. */
  namespace?: string;
  /** The user the action names. */
  user: string;
  ip: string;
  userAgent: string;
}

/** A new action about `service`, from `origin`, that starts now and ends `duration` ms later in `result`. */
function newAction(
  service: StoredService,
  name: ActionName,
  path: string,
  origin: Origin,
  duration = 0,
  result: ActionResult = 'Success',
): StoredAction {
  const now = Date.now();
  return {
    uuid: randomUUID(),
    action: name,
    service_uuid: service.uuid,
    start_ms: now,
    end_ms: now + duration,
    result,
    path,
    user: origin.user,
    ip: origin.ip,
    user_agent: origin.userAgent,
  };
}

export class Store {
  readonly state: State;
  /** Stacks, in the order their first service comes; services never change stacks. */
  readonly stacks: StoredStack[] = [];
  private readonly byUuid = new Map<string, StoredService>();
  private readonly actionsByUuid = new Map<string, StoredAction>();
  /** The newest operation (redeploy or scale) of each service, which decides whether it is Redeploying or Scaling. */
  private readonly latest = new Map<string, StoredAction>();

  constructor(
    state: State,
    private readonly dataFile?: string,
    private readonly maxActions = MAX_ACTIONS,
  ) {
    this.state = state;
    for (const s of state.services) {
      this.byUuid.set(s.uuid, s);
      if (!s.stack) continue;
      const stack = this.stacks.find((x) => x.uuid === s.stack!.uuid);
      if (stack) stack.services.push(s);
      else this.stacks.push({ ...s.stack, services: [s] });
    }
    for (const a of state.actions) {
      this.actionsByUuid.set(a.uuid, a);
      if (isOperationName(a.action)) this.latest.set(a.service_uuid, a);
    }
  }

  service(uuid: string): StoredService | undefined {
    return this.byUuid.get(uuid.toLowerCase());
  }

  stack(uuid: string): StoredStack | undefined {
    const id = uuid.toLowerCase();
    return this.stacks.find((s) => s.uuid === id);
  }

  action(uuid: string): StoredAction | undefined {
    return this.actionsByUuid.get(uuid.toLowerCase());
  }

  trigger(service: StoredService, uuid: string): StoredTrigger | undefined {
    const id = uuid.toLowerCase();
    return service.triggers.find((t) => t.uuid === id);
  }

  /** The service's state now: Redeploying or Scaling while its newest action runs, else the state it rests in. */
  serviceState(service: StoredService): ServiceState {
    const a = this.latest.get(service.uuid);
    if (a && Date.now() < a.end_ms) return a.action === ACTION_NAMES.SCALEUP ? 'Scaling' : 'Redeploying';
    return service.state;
  }

  /** Saves the state when there is a data file; when that fails, `undo` takes the change back. */
  private commit(undo: () => void): void {
    if (!this.dataFile) return;
    try {
      saveState(this.dataFile, this.state);
    } catch (err) {
      undo();
      throw new SaveError(`cannot save ${this.dataFile}: ${reason(err)}`);
    }
  }

  /** Records an action, the oldest dropped past the most kept; returns what takes it back. */
  private record(action: StoredAction): () => void {
    const { actions } = this.state;
    const previous = this.latest.get(action.service_uuid);
    actions.push(action);
    this.actionsByUuid.set(action.uuid, action);
    if (isOperationName(action.action)) this.latest.set(action.service_uuid, action);
    const dropped = actions.length > this.maxActions ? actions.shift() : undefined;
    if (dropped) this.actionsByUuid.delete(dropped.uuid);
    return () => {
      actions.pop();
      this.actionsByUuid.delete(action.uuid);
      if (previous) this.latest.set(action.service_uuid, previous);
      else this.latest.delete(action.service_uuid);
      if (dropped) {
        actions.unshift(dropped);
        this.actionsByUuid.set(dropped.uuid, dropped);
      }
    };
  }

  /** Adds a trigger, and records the action that did it. */
  addTrigger(service: StoredService, name: string, operation: Operation, origin: Origin): { trigger: StoredTrigger; action: StoredAction } {
    const trigger = { uuid: randomUUID(), name, operation };
    service.triggers.push(trigger);
    const action = newAction(service, TRIGGER_ACTIONS.create, triggersPath(service.uuid, origin.namespace), origin);
    const forget = this.record(action);
    this.commit(() => {
      forget();
      service.triggers.splice(service.triggers.indexOf(trigger), 1);
    });
    return { trigger, action };
  }

  /** Removes a trigger, and records the action that did it. */
  removeTrigger(service: StoredService, trigger: StoredTrigger, origin: Origin): StoredAction {
    const at = service.triggers.indexOf(trigger);
    service.triggers.splice(at, 1);
    const action = newAction(service, TRIGGER_ACTIONS.delete, triggerPath(service.uuid, trigger.uuid, origin.namespace), origin);
    const forget = this.record(action);
    this.commit(() => {
      forget();
      service.triggers.splice(at, 0, trigger);
    });
    return action;
  }

  /** Runs a trigger: applies its effect on the service and records the action it starts. */
  callTrigger(service: StoredService, trigger: StoredTrigger, count: number, body: string | null, origin: Origin): StoredAction {
    const before = { ...service };
    const name = ACTION_NAMES[trigger.operation];
    const path = operationPath(service.uuid, name, origin.namespace);
    const action = newAction(service, name, path, origin, service.action_duration_ms, service.action_result);
    if (trigger.operation === 'SCALEUP') {
      service.target_num_containers += count;
      service.current_num_containers += count;
      if (runsNewContainers(service.state)) service.running_num_containers += count;
    } else {
      service.deployed_ms = action.start_ms;
    }
    service.last_trigger_body = body;
    const forget = this.record(action);
    this.commit(() => {
      forget();
      Object.assign(service, before);
    });
    return action;
  }
}
