// Credentials of the original docker-cloud tool: ~/.docker/config.json, read only, never written.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Credentials } from '../credentials.js';
import { basic, userOf } from '../credentials.js';
import { AuthError } from '../errors.js';
import { readJsonFile, unreadable } from './file.js';

const DOCKER_INDEX = 'https://index.docker.io/v1/';

function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

interface DockerConfig {
  auths?: Record<string, { auth?: string }>;
  credsStore?: string;
}

export function fromDockerConfig(env: NodeJS.ProcessEnv): Credentials | undefined {
  const path = dockerConfigPath(env);
  const value = readJsonFile(path) as DockerConfig | undefined;
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw unreadable(path, 'expected a JSON object');
  const auth = value.auths?.[DOCKER_INDEX]?.auth;
  if (typeof auth === 'string' && auth !== '') {
    if (!/^[A-Za-z0-9+/]+=*$/.test(auth.trim())) throw unreadable(path, `the auth of ${DOCKER_INDEX} is not base64`);
    const authorization = `Basic ${auth.trim()}`;
    return { authorization, user: userOf(authorization), source: `${path} (auths)` };
  }
  if (typeof value.credsStore === 'string' && /^[A-Za-z0-9_.-]+$/.test(value.credsStore)) {
    return fromHelper(value.credsStore, env);
  }
  return undefined;
}

function fromHelper(store: string, env: NodeJS.ProcessEnv): Credentials | undefined {
  const helper = `docker-credential-${store}`;
  // Loaded here, not at start-up: most runs never reach a credential helper.
  const { spawnSync } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const run = spawnSync(helper, ['get'], { input: DOCKER_INDEX, env, encoding: 'utf8', timeout: 30_000 });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    throw new AuthError(`cannot run the docker credential helper ${helper}: ${code === 'ENOENT' ? 'not found on PATH' : code}`);
  }
  // Helpers answer "credentials not found in native keychain" with a non-zero status.
  if (run.status !== 0) return undefined;
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    throw new AuthError(`the docker credential helper ${helper} gave an answer that is not JSON`);
  }
  if (typeof parsed.Username !== 'string' || typeof parsed.Secret !== 'string' || parsed.Username === '') return undefined;
  return { authorization: basic(parsed.Username, parsed.Secret), user: parsed.Username, source: helper };
}
