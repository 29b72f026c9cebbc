// Host, namespace, timeout and insecure: flag, then environment, then profile, then default, each told where it came from.
import { NAMESPACE_RE } from './api/paths.js';
import { isLoopback } from './api/transport.js';
import { hasControlChars, withoutControlChars } from './io.js';
import { UsageError } from './errors.js';

export const DEFAULT_HOST = 'https://cloud.docker.com/';
const DEFAULT_TIMEOUT_S = 30;
export const MAX_TIMEOUT_S = 3600;

export interface Settings {
  host: string;
  namespace?: string;
  timeoutS: number;
  insecure: boolean;
  /** Where each came from. */
  sources: Sources;
}

/** Checks a REST host: an http(s) URL with no credentials, query or path beyond '/'. Returns it normalised. */
export function parseHost(value: string, from = '--host'): string {
  const meant = meantUrl(value);
  if (meant) throw new UsageError(`${from} must be an http(s) URL, not '${safe(value)}'; did you mean ${clip(meant)}?`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${from} must be an http(s) URL such as https://cloud.docker.com/, not '${safe(value)}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // In 'alice:secret@host' the scheme is the user name.
    const scheme = value.includes('@') ? 'another' : `a ${url.protocol.replace(':', '')}`;
    throw new UsageError(`${from} must be an http(s) URL, not ${scheme} URL`);
  }
  if (url.username || url.password) {
    throw new UsageError(`${from} must not carry credentials; use 'trigger login' or DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new UsageError(`${from} must be the root of the API host (like https://cloud.docker.com/), without a path, query or fragment`);
  }
  return url.href;
}

/**
 * The URL a host without a scheme ('localhost:18080', 'cloud.example.com') most likely stands for:
 * http for a loopback host, https for any other. Undefined for anything else, and for a value with
 * a user or password, which is never repeated.
 */
function meantUrl(value: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value) || value.includes('@')) return undefined;
  const parse = (scheme: string): URL | undefined => {
    try {
      const url = new URL(`${scheme}://${value}`);
      return url.pathname === '/' && !url.search && !url.hash ? url : undefined;
    } catch {
      return undefined;
    }
  };
  const url = parse('http');
  return url && (isLoopback(url.hostname) ? url : parse('https'))?.href;
}

export function parseNamespace(value: string, from = '--namespace'): string {
  if (!NAMESPACE_RE.test(value)) throw new UsageError(`${from} must be a user or organisation name, not '${safe(value)}'`);
  return value;
}

export function parseTimeout(value: string, from = '--timeout'): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0) || n > MAX_TIMEOUT_S) {
    throw new UsageError(`${from} must be a number of seconds greater than 0 (at most ${MAX_TIMEOUT_S}), not '${safe(value)}'`);
  }
  return n;
}

/** A user name as Basic authentication carries it (no colon), without white space or control characters. */
export function isUserName(value: string): boolean {
  return /^[^\s:]{1,256}$/.test(value) && !hasControlChars(value);
}

export function parseUser(value: string, from = 'the user name'): string {
  if (!isUserName(value)) throw new UsageError(`${from} must be 1 to 256 characters without spaces, colons or control characters`);
  return value;
}

export function parseBoolean(value: string, from: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off|)$/i.test(value)) return false;
  throw new UsageError(`${from} must be true or false, not '${safe(value)}'`);
}

/** The most of a value a message repeats. */
const MAX_REPEATED = 80;

/**
 * A value given to the CLI (an argument, a variable, a field of a file), fit to repeat in a message:
 * control characters neutralised, and cut to 80 characters, with '…' where it was cut.
 */
export function clip(value: string): string {
  const chars = Array.from(value);
  const shown = chars.length > MAX_REPEATED ? `${chars.slice(0, MAX_REPEATED - 1).join('')}…` : value;
  return withoutControlChars(shown);
}

/**
 * A value fit to repeat in an error, as `clip` makes it, less what may be a URL's user and password,
 * parsable or not: all between the scheme and the last '@' is left out.
 */
function safe(value: string): string {
  const at = value.lastIndexOf('@');
  return clip(at < 0 ? value : `${/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(value)?.[0] ?? ''}***${value.slice(at)}`);
}

/**
 * Where a setting's value came from; `label` names it as `config show` and error hints do: '--host',
 * 'DOCKERCLOUD_REST_HOST', 'profile work', 'default'.
 */
export interface Source {
  kind: 'flag' | 'env' | 'profile' | 'default';
  label: string;
}

export type Sources = Record<'host' | 'namespace' | 'timeout' | 'insecure', Source>;

interface SettingInputs {
  flags: { host?: string; namespace?: string; timeout?: string; insecure?: boolean };
  env: NodeJS.ProcessEnv;
  /** Values from the configuration (profile), checked by these parsers when the file was read. */
  config?: { host?: string; namespace?: string; timeout?: number; insecure?: boolean };
  /** The profile the configuration values come from. */
  profile?: string;
}

/** Each setting from its first source that has it: the flag, the environment variable, the profile, the default. */
export function resolveSettings({ flags, env, config = {}, profile = 'default' }: SettingInputs): Settings {
  const flag = (label: string): Source => ({ kind: 'flag', label });
  const variable = (label: string): Source => ({ kind: 'env', label });
  const fromProfile: Source = { kind: 'profile', label: `profile ${profile}` };
  const byDefault: Source = { kind: 'default', label: 'default' };
  const [host, hostFrom]: [string, Source] =
    flags.host !== undefined
      ? [parseHost(flags.host), flag('--host')]
      : env.DOCKERCLOUD_REST_HOST
        ? [parseHost(env.DOCKERCLOUD_REST_HOST, 'DOCKERCLOUD_REST_HOST'), variable('DOCKERCLOUD_REST_HOST')]
        : config.host
          ? [config.host, fromProfile]
          : [DEFAULT_HOST, byDefault];
  const [namespace, namespaceFrom]: [string | undefined, Source] =
    flags.namespace !== undefined
      ? [parseNamespace(flags.namespace), flag('--namespace')]
      : env.DOCKERCLOUD_NAMESPACE
        ? [parseNamespace(env.DOCKERCLOUD_NAMESPACE, 'DOCKERCLOUD_NAMESPACE'), variable('DOCKERCLOUD_NAMESPACE')]
        : config.namespace
          ? [config.namespace, fromProfile]
          : [undefined, byDefault];
  const [timeoutS, timeoutFrom]: [number, Source] =
    flags.timeout !== undefined
      ? [parseTimeout(flags.timeout), flag('--timeout')]
      : env.DOCKERCLOUD_TIMEOUT
        ? [parseTimeout(env.DOCKERCLOUD_TIMEOUT, 'DOCKERCLOUD_TIMEOUT'), variable('DOCKERCLOUD_TIMEOUT')]
        : config.timeout !== undefined
          ? [config.timeout, fromProfile]
          : [DEFAULT_TIMEOUT_S, byDefault];
  const [insecure, insecureFrom]: [boolean, Source] =
    flags.insecure === true
      ? [true, flag('--insecure')]
      : env.DOCKERCLOUD_INSECURE
        ? [parseBoolean(env.DOCKERCLOUD_INSECURE, 'DOCKERCLOUD_INSECURE'), variable('DOCKERCLOUD_INSECURE')]
        : config.insecure !== undefined
          ? [config.insecure, fromProfile]
          : [false, byDefault];
  return {
    host,
    namespace,
    timeoutS,
    insecure,
    sources: { host: hostFrom, namespace: namespaceFrom, timeout: timeoutFrom, insecure: insecureFrom },
  };
}
