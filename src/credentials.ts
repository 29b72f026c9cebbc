// Where the credentials come from, in this order, the first source that has them winning: the
// environment, the active profile of the config file, then ~/.docker/config.json of the original
// docker-cloud tool (its auths entry, or its credential helper; that file is only ever read). And
// where they may go: those saved by `login` to the host they were checked against alone; the others
// to the REST host in effect.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Profile } from './config/file.js';
import { readJsonFile, unreadable } from './config/file.js';
import { AuthError } from './errors.js';
import { clip, DEFAULT_HOST } from './settings.js';

export interface Credentials {
  /** Value of the Authorization header. */
  authorization: string;
  /** User name, when the source tells it. */
  user?: string;
  /** Which source they came from, for `config show` and error messages. */
  source: string;
  /** What to check when the API refuses them. */
  refused: string;
  /** The one host they may be sent to (normalised as parseHost does); when unset, the host in effect. */
  host?: string;
  /** The profile they were saved in. */
  profile?: string;
}

/** The active profile, with what it takes to name it. */
export interface SavedProfile {
  name: string;
  profile: Profile;
  /** Path of the config file. */
  file: string;
}

export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** The user name inside a Basic Authorization value, if it is one. */
export function userOf(authorization: string): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(authorization.trim());
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i > 0 ? decoded.slice(0, i) : undefined;
}

/**
 * Finds credentials in order: the environment, the active profile (read only when the environment
 * has none), then docker's config.json. `helperLimitMs` is how long its credential helper may take,
 * asked for only when one is run.
 */
export function findCredentials(env: NodeJS.ProcessEnv, saved: () => SavedProfile, helperLimitMs: () => number): Credentials | undefined {
  return fromEnvironment(env) ?? fromProfile(saved()) ?? fromDockerConfig(env, helperLimitMs);
}

/**
 * The Authorization value for requests to `host`, the REST host in effect. Credentials saved for
 * another host are not sent: the run stops before any request.
 */
export function authorizationFor(found: Credentials | undefined, host: string): string {
  if (!found) {
    throw new AuthError(
      'no credentials found',
      "Run 'trigger login', or set DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY (or DOCKERCLOUD_AUTH).",
    );
  }
  if (found.host !== undefined && found.host !== host) {
    throw new AuthError(
      `the credentials saved in profile ${found.profile} are for ${found.host}, not for ${host}`,
      `For ${host}, set DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY, or log in to it in a profile of its own: ` +
        `trigger --profile NAME --host ${host} login`,
    );
  }
  return found.authorization;
}

/**
 * The host a profile's saved credentials belong to: the one `login` checked them against, or, for a
 * file written before login kept it, the profile's host, else the default host.
 */
export function boundHost(profile: Profile): string {
  // Both were normalised by parseHost when the file was read, or when `login` or `config set` set them.
  return profile.loginHost ?? profile.host ?? DEFAULT_HOST;
}

/** Called before the profile's host changes: its saved credentials stay with the host they belong to. */
export function keepBinding(profile: Profile): void {
  if (profile.user && profile.apikey && profile.loginHost === undefined) profile.loginHost = boundHost(profile);
}

function fromEnvironment(env: NodeJS.ProcessEnv): Credentials | undefined {
  if (env.DOCKERCLOUD_AUTH) {
    const authorization = env.DOCKERCLOUD_AUTH.trim();
    if (!/^[\x20-\x7e]+$/.test(authorization)) {
      throw new AuthError('DOCKERCLOUD_AUTH is not a valid Authorization value (it holds control or non-ASCII characters)');
    }
    return {
      authorization,
      user: userOf(authorization),
      source: 'DOCKERCLOUD_AUTH',
      refused:
        "Check DOCKERCLOUD_AUTH, sent as the whole Authorization header ('Basic ' and the base64 of user:apikey), " +
        'or unset it: it comes before every other source of credentials.',
    };
  }
  const user = env.DOCKERCLOUD_USER;
  const secret = env.DOCKERCLOUD_APIKEY ? 'DOCKERCLOUD_APIKEY' : env.DOCKERCLOUD_PASS ? 'DOCKERCLOUD_PASS' : undefined;
  // Half of a pair is a mistake, not a reason to fall back on other credentials.
  if (user && !secret) {
    throw new AuthError(
      'DOCKERCLOUD_USER is set, but neither DOCKERCLOUD_APIKEY nor DOCKERCLOUD_PASS is',
      'Set DOCKERCLOUD_APIKEY too, or unset DOCKERCLOUD_USER to use the saved login.',
    );
  }
  if (secret && !user) {
    throw new AuthError(
      `${secret} is set, but DOCKERCLOUD_USER is not`,
      `Set DOCKERCLOUD_USER too, or unset ${secret} to use the saved login.`,
    );
  }
  if (!user || !secret) return undefined;
  return {
    authorization: basic(user, env[secret]!),
    user,
    source: `DOCKERCLOUD_USER + ${secret}`,
    refused: `Check DOCKERCLOUD_USER and ${secret}, or unset them: they come before the saved login.`,
  };
}

function fromProfile({ name, profile, file }: SavedProfile): Credentials | undefined {
  if (!profile.user || !profile.apikey) return undefined;
  return {
    authorization: basic(profile.user, profile.apikey),
    user: profile.user,
    source: `profile ${name} (${file})`,
    refused: `Log in again: trigger --profile ${name} login`,
    host: boundHost(profile),
    profile: name,
  };
}

// --- ~/.docker/config.json ----------------------------------------------------------------------

const DOCKER_INDEX = 'https://index.docker.io/v1/';

function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

interface DockerConfig {
  auths?: Record<string, { auth?: string }>;
  credsStore?: string;
}

function fromDockerConfig(env: NodeJS.ProcessEnv, helperLimitMs: () => number): Credentials | undefined {
  const path = dockerConfigPath(env);
  const value = readJsonFile(path) as DockerConfig | undefined;
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw unreadable(path, 'expected a JSON object');
  const auth = value.auths?.[DOCKER_INDEX]?.auth;
  if (typeof auth === 'string' && auth !== '') {
    if (!/^[A-Za-z0-9+/]+=*$/.test(auth.trim())) throw unreadable(path, `the auth of ${DOCKER_INDEX} is not base64`);
    const authorization = `Basic ${auth.trim()}`;
    return {
      authorization,
      user: userOf(authorization),
      source: `${path} (auths)`,
      refused: `Check the docker login in ${path}, or run 'trigger login'.`,
    };
  }
  if (typeof value.credsStore === 'string' && /^[A-Za-z0-9_.-]+$/.test(value.credsStore)) {
    return fromHelper(value.credsStore, env, helperLimitMs());
  }
  return undefined;
}

/** Runs the helper for at most `limitMs`: it blocks the run (a keychain that waits for a password), so it is killed then. */
function fromHelper(store: string, env: NodeJS.ProcessEnv, limitMs: number): Credentials | undefined {
  const helper = `docker-credential-${clip(store)}`;
  // Loaded here, not at start-up: most runs never reach a credential helper.
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const timeout = Math.max(1, Math.round(limitMs));
  const run = spawnSync(`docker-credential-${store}`, ['get'], {
    input: DOCKER_INDEX,
    env,
    encoding: 'utf8',
    timeout,
    // A helper that ignores SIGTERM would hold the run on.
    killSignal: 'SIGKILL',
  });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') throw new AuthError(`the docker credential helper ${helper} did not answer within ${timeout / 1000} s`);
    throw new AuthError(`cannot run the docker credential helper ${helper}: ${code === 'ENOENT' ? 'not found on PATH' : code}`);
  }
  // Helpers answer "credentials not found in native keychain" with a non-zero status.
  if (run.status !== 0) return undefined;
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(run.stdout) as typeof parsed;
  } catch {
    throw new AuthError(`the docker credential helper ${helper} gave an answer that is not JSON`);
  }
  if (typeof parsed.Username !== 'string' || typeof parsed.Secret !== 'string' || parsed.Username === '') return undefined;
  return {
    authorization: basic(parsed.Username, parsed.Secret),
    user: parsed.Username,
    source: helper,
    refused: `Check what ${helper} holds for ${DOCKER_INDEX}, or run 'trigger login'.`,
  };
}
