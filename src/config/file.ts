// The config file: where it lives, its rules (its shape, profile names, the current profile), reading
// it (plain JSON, fast), and writing it through conf (atomic: a temporary file renamed over the old
// one; file 0600 in a 0700 folder).
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { NAMESPACE_RE } from '../api/paths.js';
import { FileError, UsageError } from '../errors.js';
import { MAX_TIMEOUT_S } from '../settings.js';

export interface Profile {
  host?: string;
  namespace?: string;
  timeout?: number;
  insecure?: boolean;
  user?: string;
  apikey?: string;
}

export interface ConfigData {
  currentProfile?: string;
  profiles?: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';

export function checkProfileName(name: string): string {
  // Profile names follow the API's rule for namespaces.
  if (!NAMESPACE_RE.test(name)) throw new UsageError(`invalid profile name '${name.slice(0, 64)}': use letters, digits, '.', '_' or '-'`);
  return name;
}

/** The profile in use: the one given (--profile, TRIGGER_PROFILE), else the one `config use` chose, else 'default'. */
export function activeProfile(given: string | undefined, data: () => ConfigData): string {
  if (given !== undefined) return checkProfileName(given);
  return data().currentProfile ?? DEFAULT_PROFILE;
}

/** The saved settings of a profile; empty when it has none. */
export function profileOf(data: ConfigData, name: string): Profile {
  return data.profiles?.[name] ?? {};
}

const CONFIG_NAME = 'config';

/** TRIGGER_CONFIG_DIR, else the XDG config folder: $XDG_CONFIG_HOME/trigger or ~/.config/trigger. */
function configDir(env: NodeJS.ProcessEnv): string {
  if (env.TRIGGER_CONFIG_DIR) return env.TRIGGER_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'trigger');
}

function configPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), `${CONFIG_NAME}.json`);
}

export function unreadable(path: string, reason: string): FileError {
  return new FileError(
    `cannot read config file ${path}: ${reason}`,
    'Fix the file or remove it; it is left as it is.',
  );
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return ((err as Error).message ?? String(err)).replace(/\s+/g, ' ').slice(0, 200);
}

/** Reads and checks a JSON file; undefined when it does not exist. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw unreadable(path, describe(err));
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw unreadable(path, `not valid JSON (${describe(err)})`);
  }
}

function checkShape(path: string, value: unknown): ConfigData {
  const fail = (why: string): never => {
    throw unreadable(path, why);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('expected a JSON object');
  const data = value as ConfigData;
  if (data.currentProfile !== undefined && typeof data.currentProfile !== 'string') fail('"currentProfile" is not a string');
  if (data.profiles !== undefined) {
    if (!data.profiles || typeof data.profiles !== 'object' || Array.isArray(data.profiles)) fail('"profiles" is not an object');
    for (const [name, p] of Object.entries(data.profiles!)) {
      if (!p || typeof p !== 'object' || Array.isArray(p)) fail(`profile "${name}" is not an object`);
      for (const key of ['host', 'namespace', 'user', 'apikey'] as const) {
        if (p[key] !== undefined && typeof p[key] !== 'string') fail(`"${key}" of profile "${name}" is not a string`);
      }
      if (p.timeout !== undefined && !(typeof p.timeout === 'number' && p.timeout > 0 && p.timeout <= MAX_TIMEOUT_S)) {
        fail(`"timeout" of profile "${name}" is not a number of seconds from 0 to ${MAX_TIMEOUT_S}`);
      }
      if (p.insecure !== undefined && typeof p.insecure !== 'boolean') fail(`"insecure" of profile "${name}" is not true or false`);
    }
  }
  return data;
}

export interface LoadedConfig {
  path: string;
  data: ConfigData;
  /** Set when the file can be read by other users. */
  warning?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv): LoadedConfig {
  const path = configPath(env);
  const value = readJsonFile(path);
  if (value === undefined) return { path, data: {} };
  const data = checkShape(path, value);
  let warning: string | undefined;
  try {
    if ((statSync(path).mode & 0o077) !== 0) {
      warning = `config file ${path} can be read by other users; run 'chmod 600 ${path}'`;
    }
  } catch {
    // it was just read; a race with its removal changes nothing here
  }
  return { path, data, warning };
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

/**
 * Applies `change` to the current contents and saves the result atomically. A file that cannot be
 * read is never overwritten: the error comes before any write.
 */
export async function updateConfig(env: NodeJS.ProcessEnv, change: (data: ConfigData) => void): Promise<ConfigData> {
  const { path, data } = loadConfig(env);
  const next = structuredClone(data);
  change(next);
  const dir = dirname(path);
  try {
    makeDir(dir);
    chmodSync(dir, 0o700);
    const { default: Conf } = await import('conf');
    const store = new Conf<ConfigData>({
      cwd: dir,
      configName: CONFIG_NAME,
      projectName: 'trigger',
      configFileMode: 0o600,
      accessPropertiesByDotNotation: false,
    });
    store.store = next;
    chmodSync(path, 0o600);
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw new FileError(`cannot write config file ${path}: ${describe(err)}`);
  }
  return next;
}
