// Where the credentials come from: the first source in the lookup order that has them wins.
import { AuthError } from './errors.js';

export interface Credentials {
  /** Value of the Authorization header. */
  authorization: string;
  /** User name, when the source tells it. */
  user?: string;
  /** Which source they came from, for `config show` and error messages. */
  source: string;
}

/** A source of credentials beyond the environment (the config store, docker's config.json). */
type CredentialSource = () => Credentials | undefined;

export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** The user name inside a Basic Authorization value, if it is one. */
export function userOf(authorization: string): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(authorization.trim());
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i > 0 ? decoded.slice(0, i) : undefined;
}

function fromEnvironment(env: NodeJS.ProcessEnv): Credentials | undefined {
  if (env.DOCKERCLOUD_AUTH) {
    const authorization = env.DOCKERCLOUD_AUTH.trim();
    if (!/^[\x20-\x7e]+$/.test(authorization)) {
      throw new AuthError('DOCKERCLOUD_AUTH is not a valid Authorization value (it holds control or non-ASCII characters)');
    }
    return { authorization, user: userOf(authorization), source: 'DOCKERCLOUD_AUTH' };
  }
  const user = env.DOCKERCLOUD_USER;
  if (user && env.DOCKERCLOUD_APIKEY) {
    return { authorization: basic(user, env.DOCKERCLOUD_APIKEY), user, source: 'DOCKERCLOUD_USER + DOCKERCLOUD_APIKEY' };
  }
  if (user && env.DOCKERCLOUD_PASS) {
    return { authorization: basic(user, env.DOCKERCLOUD_PASS), user, source: 'DOCKERCLOUD_USER + DOCKERCLOUD_PASS' };
  }
  return undefined;
}

/** Finds credentials in order: the environment, then each further source. */
export function lookupCredentials(env: NodeJS.ProcessEnv, further: CredentialSource[] = []): Credentials | undefined {
  const found = fromEnvironment(env);
  if (found) return found;
  for (const source of further) {
    const c = source();
    if (c) return c;
  }
  return undefined;
}

export function requireCredentials(found: Credentials | undefined): Credentials {
  if (!found) {
    throw new AuthError(
      'no credentials found',
      "Run 'trigger login', or set DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY (or DOCKERCLOUD_AUTH).",
    );
  }
  return found;
}
