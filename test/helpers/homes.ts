// Temporary homes for the CLI (HOME, and the config folder in it), the config file there and docker's.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHome } from './cli.js';

export type Home = ReturnType<typeof tempHome>;
export interface ConfigData {
  currentProfile?: string;
  profiles?: Record<string, Record<string, unknown>>;
}

const made: string[] = [];

/** A temporary home, removed by removeHomes(). */
export function home(): Home {
  const h = tempHome();
  made.push(h.HOME);
  return h;
}

/** Removes every home made so far: call it in afterAll. */
export function removeHomes(): void {
  for (const h of made.splice(0)) rmSync(h, { recursive: true, force: true });
}

export const configFile = (h: Home): string => join(h.TRIGGER_CONFIG_DIR, 'config.json');

/** Writes the config file of `h` as the CLI keeps it (0600 in a 0700 folder): a string as it is, anything else as JSON. Returns its path. */
export function writeConfig(h: Home, content: unknown): string {
  mkdirSync(h.TRIGGER_CONFIG_DIR, { recursive: true, mode: 0o700 });
  writeFileSync(configFile(h), typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
  return configFile(h);
}

export function readConfig(h: Home): ConfigData {
  return JSON.parse(readFileSync(configFile(h), 'utf8')) as ConfigData;
}

/** Writes ~/.docker/config.json in `h` (with the default modes): a string as it is, anything else as JSON. Returns its path. */
export function writeDockerConfig(h: Home, content: unknown): string {
  mkdirSync(join(h.HOME, '.docker'), { recursive: true });
  const path = join(h.HOME, '.docker', 'config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The permission bits of `path`. */
export const mode = (path: string): number => statSync(path).mode & 0o777;
