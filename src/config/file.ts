// The config file: where it lives, its rules (its shape, profile names, the current profile), reading
// it (plain JSON, fast, regular files only), and changing it: one run at a time, under a lock file
// next to it, each change written through conf (atomic: a temporary file renamed over the old one,
// never through a link; file 0600 in a 0700 folder that no other user can write to).
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { NAMESPACE_RE } from '../api/paths.js';
import { FileError, UsageError } from '../errors.js';
import { safeText } from '../io.js';
import { clip, parseBoolean, parseHost, parseNamespace, parseTimeout, parseUser } from '../settings.js';

export interface Profile {
  host?: string;
  namespace?: string;
  timeout?: number;
  insecure?: boolean;
  user?: string;
  apikey?: string;
  /** The host `login` checked user and apikey against: the only one they are sent to. */
  loginHost?: string;
}

export interface ConfigData {
  currentProfile?: string;
  /** Without a prototype, as each profile: a profile may be named `constructor` or `toString`. */
  profiles?: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';

/** Profile names follow the API's rule for namespaces (so `__proto__` is not one). */
function isProfileName(name: string): boolean {
  return NAMESPACE_RE.test(name);
}

export function checkProfileName(name: string): string {
  if (!isProfileName(name)) throw new UsageError(`invalid profile name '${clip(name)}': use letters, digits, '.', '_' or '-'`);
  return name;
}

/** Where the name of the profile in use came from: the flag, the variable, `trigger config use`, or nowhere. */
export type ProfileSource = '--profile' | 'TRIGGER_PROFILE' | 'config use' | 'default';

export interface ActiveProfile {
  name: string;
  source: ProfileSource;
}

/**
 * The profile in use: --profile, else TRIGGER_PROFILE, else the one `config use` chose, else
 * `default`. It must exist, unless the command makes it (`login`, `config set`): a mistyped name
 * would otherwise run with no settings and no credentials, and `login` would be suggested for it.
 */
export function activeProfile(given: { flag?: string; env?: string }, data: () => ConfigData, mayCreate = false): ActiveProfile {
  const active = chosenProfile(given, data);
  if (!mayCreate) checkProfileExists(data, active.name, active.source);
  return active;
}

function chosenProfile(given: { flag?: string; env?: string }, data: () => ConfigData): ActiveProfile {
  if (given.flag !== undefined) return { name: checkProfileName(given.flag), source: '--profile' };
  if (given.env) return { name: checkProfileName(given.env), source: 'TRIGGER_PROFILE' };
  const current = data().currentProfile;
  return current !== undefined ? { name: current, source: 'config use' } : { name: DEFAULT_PROFILE, source: 'default' };
}

/** The profiles that exist: `default`, saved or not, and every saved one. */
export function profileNames(data: ConfigData): string[] {
  const saved = Object.keys(data.profiles ?? {});
  return saved.includes(DEFAULT_PROFILE) ? saved : [DEFAULT_PROFILE, ...saved];
}

/** An unknown profile is a usage error naming the ones that exist; `source` tells where its name came from. */
export function checkProfileExists(data: () => ConfigData, name: string, source: ProfileSource = '--profile'): void {
  if (name === DEFAULT_PROFILE || Object.hasOwn(data().profiles ?? {}, name)) return;
  const names = profileNames(data());
  const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? `, … (${names.length} in all)` : '');
  const from =
    source === 'TRIGGER_PROFILE'
      ? ' (from TRIGGER_PROFILE)'
      : source === 'config use'
        ? " (the current one, chosen with 'trigger config use')"
        : '';
  throw new UsageError(
    `unknown profile '${name}'${from}: the profiles are ${shown}`,
    source === 'config use'
      ? "Choose one with 'trigger config use NAME', or create this one with 'trigger login'."
      : `Create it with 'trigger --profile ${name} login', or without credentials with 'trigger --profile ${name} config set KEY VALUE'.`,
  );
}

/** The saved settings of a profile; empty when it has none. */
export function profileOf(data: ConfigData, name: string): Profile {
  return (data.profiles && Object.hasOwn(data.profiles, name) ? data.profiles[name] : undefined) ?? {};
}

/** The profile to change, made when it does not exist yet. */
export function profileToChange(data: ConfigData, name: string): Profile {
  data.profiles ??= Object.create(null) as Record<string, Profile>;
  if (!Object.hasOwn(data.profiles, name)) data.profiles[name] = Object.create(null) as Profile;
  return data.profiles[name];
}

// --- where it is, and reading it ----------------------------------------------------------------

const CONFIG_NAME = 'config';
/** The most read from a config file: they hold a few profiles. */
const MAX_FILE_BYTES = 1024 * 1024;

/** TRIGGER_CONFIG_DIR, else the XDG config folder: $XDG_CONFIG_HOME/trigger or ~/.config/trigger. */
function configDir(env: NodeJS.ProcessEnv): string {
  if (env.TRIGGER_CONFIG_DIR) return env.TRIGGER_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'trigger');
}

function configPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), `${CONFIG_NAME}.json`);
}

/** A file (this one, docker's config.json) that cannot be used; what it holds is never repeated. */
export function unreadable(path: string, reason: string): FileError {
  return new FileError(`cannot read config file ${safeText(path)}: ${safeText(reason)}`, 'Fix the file or remove it; it is left as it is.');
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return ((err as Error).message ?? String(err)).replace(/\s+/g, ' ').slice(0, 200);
}

/** JSON.parse's complaint, without the excerpt of the text it quotes (which may hold a secret). */
function jsonComplaint(err: unknown): string {
  return String((err as Error).message)
    .replace(/,\s*(\.\.\.)?".*"(\.\.\.)?\s*is not valid JSON$/s, '')
    .slice(0, 200);
}

/**
 * The text of a file that must be a regular file of at most 1 MiB; undefined when it does not
 * exist. It is opened without blocking and checked before it is read, so a FIFO or a device neither
 * hangs the run nor fills its memory.
 */
function readSmallFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw unreadable(path, describe(err));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw unreadable(path, 'it is a folder');
    if (!stat.isFile()) throw unreadable(path, 'it is not a regular file');
    const tooLarge = (): never => {
      throw unreadable(path, 'it is larger than 1 MiB');
    };
    if (stat.size > MAX_FILE_BYTES) tooLarge();
    // Read to the end, not to the size it had: it may have grown since.
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0;) length += n;
    if (length > MAX_FILE_BYTES) tooLarge();
    return buffer.toString('utf8', 0, length);
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw unreadable(path, describe(err));
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks a JSON file; undefined when it does not exist. */
export function readJsonFile(path: string): unknown {
  const text = readSmallFile(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw unreadable(path, `not valid JSON (${jsonComplaint(err)})`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

/** What a file of ours holds: conf, which writes it, adds nothing of its own without migrations, which are not used. */
const FILE_KEYS: readonly string[] = ['currentProfile', 'profiles'];

type Fail = (why: string) => never;
const unknownKey = (obj: object, known: readonly string[]): string | undefined => Object.keys(obj).find((k) => !known.includes(k));

/** Checks what was read, and takes the prototype off the objects whose keys are names given by users. */
function checkShape(path: string, value: unknown): ConfigData {
  const fail: Fail = (why) => {
    throw unreadable(path, why);
  };
  if (!isObject(value)) return fail('expected a JSON object');
  const data = Object.setPrototypeOf(value, null) as ConfigData;
  const extra = unknownKey(data, FILE_KEYS);
  if (extra !== undefined) fail(`unknown key "${clip(extra)}"`);
  if (data.currentProfile !== undefined) {
    if (typeof data.currentProfile !== 'string') fail('"currentProfile" is not a string');
    if (!isProfileName(data.currentProfile)) fail('"currentProfile" is not a profile name');
  }
  if (data.profiles !== undefined) {
    if (!isObject(data.profiles)) fail('"profiles" is not an object');
    Object.setPrototypeOf(data.profiles, null);
    for (const [key, value] of Object.entries(data.profiles)) {
      // A name that breaks the rule would be offered by completion, or land in a hint to run.
      if (!isProfileName(key)) fail(`"${clip(key)}" in "profiles" is not a profile name (letters, digits, '.', '_' or '-')`);
      if (!isObject(value)) return fail(`profile "${key}" is not an object`);
      checkProfile(Object.setPrototypeOf(value, null) as Record<string, unknown>, key, fail);
    }
  }
  return data;
}

/** An API key is any text but none, as `login` takes it. */
export function nonEmpty(text: string, from: string): string {
  if (text === '') throw new UsageError(`${from} is empty`);
  return text;
}

/** The text each field of a profile is given to the parser of its flag as: strings as they are; numbers and booleans as JSON. */
const PROFILE_FIELDS: Record<keyof Profile, { parse: (text: string, from: string) => unknown; json?: boolean }> = {
  host: { parse: parseHost },
  loginHost: { parse: parseHost },
  namespace: { parse: parseNamespace },
  // "5" or "true" in the file is not a number or a boolean: as JSON, it reaches the parser quoted, which refuses it.
  timeout: { parse: parseTimeout, json: true },
  insecure: { parse: parseBoolean, json: true },
  user: { parse: parseUser },
  apikey: { parse: nonEmpty },
};

/** Checks each field of a profile with the parser of its flag, and keeps the value the parser gives back. */
function checkProfile(p: Record<string, unknown>, name: string, fail: Fail): void {
  const extra = unknownKey(p, Object.keys(PROFILE_FIELDS));
  if (extra !== undefined) fail(`unknown key "${clip(extra)}" in profile "${name}"`);
  for (const [field, { parse, json }] of Object.entries(PROFILE_FIELDS)) {
    const value = p[field];
    if (value === undefined) continue;
    const from = `"${field}" of profile "${name}"`;
    if (!json && typeof value !== 'string') fail(`${from} is not a string`);
    try {
      p[field] = parse(json ? JSON.stringify(value) : (value as string), from);
    } catch (err) {
      if (err instanceof UsageError) fail(err.message);
      throw err;
    }
  }
}

export interface LoadedConfig {
  path: string;
  data: ConfigData;
  /** Set when the file can be read by other users. */
  warning?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv): LoadedConfig {
  return readConfig(configPath(env));
}

function readConfig(path: string): LoadedConfig {
  const value = readJsonFile(path);
  if (value === undefined) return { path, data: {} };
  const data = checkShape(path, value);
  let warning: string | undefined;
  try {
    if ((statSync(path).mode & 0o077) !== 0) {
      warning = `config file ${safeText(path)} can be read by other users; run 'chmod 600 ${safeText(path)}'`;
    }
  } catch {
    // it was just read; a race with its removal changes nothing here
  }
  return { path, data, warning };
}

// --- changing it --------------------------------------------------------------------------------

/** How long a run waits for another one to finish changing the file. */
const LOCK_WAIT_MS = 10_000;
/** A lock this old was left by a run that hangs: a change takes milliseconds. */
const LOCK_STALE_MS = 30_000;

export interface UpdateOptions {
  /** How long to wait for the lock, in ms (10 s). */
  lockWaitMs?: number;
}

/**
 * Applies `change` to the current contents and saves the result atomically. The file is read,
 * changed and written under its lock, so that runs changing it at the same time each see the
 * others' changes. A file that cannot be read is never overwritten: the error comes before any write.
 */
export async function updateConfig(
  env: NodeJS.ProcessEnv,
  change: (data: ConfigData) => void,
  opts: UpdateOptions = {},
): Promise<ConfigData> {
  const path = configPath(env);
  const writeError = (err: unknown): FileError =>
    err instanceof FileError ? err : new FileError(`cannot write config file ${safeText(path)}: ${safeText(describe(err))}`);
  try {
    prepareFolder(dirname(path));
  } catch (err) {
    throw writeError(err);
  }
  const { Conf } = await import('./conf.js').catch((err: Error) => {
    // Only a damaged installation gets here.
    throw new FileError(`cannot load the config writer: ${safeText(err.message.split('\n')[0])}`, 'Reinstall the package.');
  });
  const lock = await takeLock(`${path}.lock`, path, opts.lockWaitMs ?? LOCK_WAIT_MS);
  try {
    refuseLink(path);
    const { data } = readConfig(path);
    change(data);
    try {
      lock.check();
      const store = new Conf<ConfigData>({
        cwd: dirname(path),
        configName: CONFIG_NAME,
        projectName: 'trigger',
        configFileMode: 0o600,
        accessPropertiesByDotNotation: false,
      });
      store.store = data;
      chmodSync(path, 0o600);
    } catch (err) {
      throw writeError(err);
    }
    return data;
  } finally {
    lock.release();
  }
}

/**
 * The config file is written in place, never through a link: the write would land in the file the
 * link points to, made 0600 and given the profiles (`ln -s ../package.json config.json`).
 */
function refuseLink(path: string): void {
  let link: boolean;
  try {
    link = lstatSync(path).isSymbolicLink();
  } catch {
    // missing (it is made), or not to be read: reading it says why
    return;
  }
  if (link) {
    throw new FileError(
      `cannot write config file ${safeText(path)}: it is a symlink, and trigger does not write through one`,
      'Replace the link with the file itself, or set TRIGGER_CONFIG_DIR to a folder of its own.',
    );
  }
}

/**
 * Makes the folder when it is missing and keeps it 0700. What is there already is looked at first
 * (lstat) and refused, never changed, unless it is a folder of this user's that no other user can
 * write to: no chmod reaches what a link points to, nor a shared folder such as /tmp.
 */
function prepareFolder(dir: string): void {
  makeDir(dir);
  const stat = lstatSync(dir);
  const refuse = (what: string): never => {
    throw new FileError(
      `config folder ${safeText(dir)} ${what}`,
      'The config file is kept in a folder of its own: set TRIGGER_CONFIG_DIR to one, or make this path one.',
    );
  };
  if (stat.isSymbolicLink()) refuse('is a symlink');
  if (!stat.isDirectory()) refuse('is not a folder');
  // A folder of another user's is theirs to change, whatever its mode.
  const uid = process.getuid?.();
  const othersWrite = (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0;
  if (othersWrite) refuse('can be written by other users; use a folder of your own');
  if ((stat.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/**
 * mkdir -p with mode 0700, one level at a time: Node's recursive mkdirSync never returns on some
 * file systems (/proc) where a level cannot be made.
 */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw err;
    makeDir(dirname(dir));
    mkdirSync(dir, { mode: 0o700 });
  }
}

interface Lock {
  /** Throws when the lock was taken over (its run was thought gone): nothing may be written then. */
  check(): void;
  release(): void;
}

/** What a lock file said when it was looked at, to take it over only if it is still the same. */
interface SeenLock {
  text: string;
  ino: number;
  mtimeMs: number;
}

/**
 * Takes the lock file: made exclusively, holding the pid, the machine and the time. Another run's
 * lock is waited for, with backoff, up to `waitMs`; one whose run is gone (its process ended, on
 * this machine) or that is older than LOCK_STALE_MS is taken over.
 */
async function takeLock(lockPath: string, configFile: string, waitMs: number): Promise<Lock> {
  const text = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    time: new Date().toISOString(),
    token: Math.random().toString(36).slice(2),
  });
  const deadline = Date.now() + waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 250)) {
    if (makeLock(lockPath, configFile, text)) return heldLock(lockPath, configFile, text);
    const seen = lookAtLock(lockPath, configFile);
    if (seen !== undefined && isStale(seen)) {
      takeOver(lockPath, configFile, seen);
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const holder = seen && lockHolder(seen.text);
      throw new FileError(
        `cannot change config file ${safeText(configFile)}: another run of trigger${holder ? ` (process ${holder.pid})` : ''} holds its lock file ${safeText(lockPath)}`,
        `Try again; if no other trigger is running, remove ${safeText(lockPath)}.`,
      );
    }
    // Gone already: try again at once.
    if (seen === undefined) continue;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, delay * (0.5 + Math.random()))));
  }
}

/**
 * Makes the lock file, holding `text`; false when there is one already. A lock file this run made but
 * could not write (a full disk) is removed: left empty, it would look like another run's.
 */
function makeLock(lockPath: string, configFile: string, text: string): boolean {
  const failed = (err: unknown): FileError =>
    new FileError(`cannot write config file ${safeText(configFile)}: cannot make its lock file (${safeText(describe(err))})`);
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw failed(err);
  }
  try {
    try {
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    try {
      unlinkSync(lockPath);
    } catch {
      // it was made by this run a moment ago, in a folder of this user's: nothing else removes it
    }
    throw failed(err);
  }
  return true;
}

function heldLock(lockPath: string, configFile: string, text: string): Lock {
  const held = (): boolean => lookAtLock(lockPath, configFile)?.text === text;
  return {
    check() {
      if (!held())
        throw new FileError(
          `cannot write config file ${safeText(configFile)}: its lock file ${safeText(lockPath)} was taken over while this run held it`,
        );
    },
    release() {
      try {
        if (held()) unlinkSync(lockPath);
      } catch {
        // left behind, it is taken over as soon as this process has ended
      }
    },
  };
}

/**
 * What the lock file at `path` says; undefined when there is none. Only a regular file can be a lock
 * of trigger's: anything else there (a folder, a link) is refused, and left as it is.
 */
function lookAtLock(path: string, configFile: string): SeenLock | undefined {
  const notALock = (what: string): FileError =>
    new FileError(
      `cannot change config file ${safeText(configFile)}: its lock file ${safeText(path)} ${what}`,
      `trigger makes its lock file itself, and removes it when done: remove ${safeText(path)}.`,
    );
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw notALock('is a symlink');
    throw new FileError(`cannot read the lock file ${safeText(path)}: ${safeText(describe(err))}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw notALock('is a folder');
    if (!stat.isFile()) throw notALock('is not a regular file');
    const buffer = Buffer.alloc(512);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return { text: buffer.toString('utf8', 0, length), ino: stat.ino, mtimeMs: stat.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function lockHolder(text: string): { pid: number; host: string } | undefined {
  try {
    const { pid, host } = JSON.parse(text) as { pid?: unknown; host?: unknown };
    return Number.isSafeInteger(pid) && (pid as number) > 0 && typeof host === 'string' ? { pid: pid as number, host } : undefined;
  } catch {
    // being written, or not ours: its age tells
    return undefined;
  }
}

function isStale(seen: SeenLock): boolean {
  if (Math.abs(Date.now() - seen.mtimeMs) > LOCK_STALE_MS) return true;
  const holder = lockHolder(seen.text);
  return holder !== undefined && holder.host === hostname() && !processExists(holder.pid);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock. It is renamed aside first, then looked at: of several runs that found the
 * same stale lock, only one moves it, and a lock taken in the meantime is put back, not removed.
 */
function takeOver(lockPath: string, configFile: string, seen: SeenLock): void {
  const aside = `${lockPath}.${process.pid}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new FileError(`cannot remove the stale lock file ${safeText(lockPath)}: ${safeText(describe(err))}`);
  }
  const moved = lookAtLock(aside, configFile);
  if (moved && (moved.text !== seen.text || moved.ino !== seen.ino)) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // another run took the lock meanwhile; the one moved finds out before it writes
    }
  }
  try {
    unlinkSync(aside);
  } catch (err) {
    throw new FileError(`cannot remove the stale lock file ${safeText(lockPath)}: ${safeText(describe(err))}`);
  }
}
