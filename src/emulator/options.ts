// The emulator's command line: every option checked before anything starts, each mistake one line.
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { NAMESPACE_RE } from '../api/paths.js';
import { editDistance } from '../suggest.js';
import { DEFAULT_APIKEY, DEFAULT_USER } from './server.js';

export const USAGE = `Usage: dockercloud-emulator [options]

A local emulator of the Docker Cloud API: services, their triggers, stacks and actions.

Options:
  --port N         port to listen on; 0 picks a free one (default: 0)
  --host ADDR      address to listen on (default: 127.0.0.1)
  --data FILE      keep the state in FILE (JSON), saved atomically on every change;
                   without it the state lives in memory
  --seed FILE      initial services (used when there is no data file yet);
                   without it: web and worker in stack demo, and redis
  --user NAME      accepted user name (default: ${DEFAULT_USER})
  --apikey KEY     accepted API key (default: ${DEFAULT_APIKEY})
  --namespace NAME serve this namespace (repeatable); without it, every namespace
                   is served; the user's own and none are always served
  --page-size N    page size of lists whose query names no limit, 1 to 1000
                   (default: 25)
  --max-page-size N
                   the most objects a page holds, whatever its limit asks,
                   1 to 1000 (default: 1000)
  --client-timeout S
                   seconds a client has to send a whole request, 0.001 to 3600
                   (default: 30)
  -v, --version    print the version
  -h, --help       show this help

Prints "listening on http://HOST:PORT" once it is ready; stops on SIGINT or SIGTERM.`;

export const HINT = "Run 'dockercloud-emulator --help' for usage.";

export interface Options {
  port: number;
  host: string;
  data?: string;
  seed?: string;
  user: string;
  apikey: string;
  namespaces?: string[];
  pageSize: number;
  maxPageSize: number;
  clientTimeoutMs: number;
}

/** A mistake on the command line: exit 2, with a hint to the help. */
export class OptionError extends Error {}

const SPEC = {
  port: { type: 'string', default: '0' },
  host: { type: 'string', default: '127.0.0.1' },
  data: { type: 'string' },
  seed: { type: 'string' },
  user: { type: 'string', default: DEFAULT_USER },
  apikey: { type: 'string', default: DEFAULT_APIKEY },
  namespace: { type: 'string', multiple: true },
  'page-size': { type: 'string', default: '25' },
  'max-page-size': { type: 'string', default: '1000' },
  'client-timeout': { type: 'string', default: '30' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** One line for what parseArgs refused. */
function parseMistake(err: Error & { code?: string }): string {
  const option = /'(?:-\w, )?(--?[\w-]+)/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const name = option.replace(/^-+/, '');
      const near = Object.keys(SPEC).find((known) => editDistance(name, known) <= Math.max(1, Math.min(2, Math.floor(known.length / 3))));
      return `unknown option '${option}'${near ? ` (did you mean --${near}?)` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(err.message) ? `${option} takes no value` : `${option} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${/'([^']*)'/.exec(err.message)?.[1] ?? ''}'`;
    default:
      return err.message.split('. ')[0];
  }
}

/**
 * `--port -1` as `--port=-1`. parseArgs takes no value that starts with '-' after a space; a negative
 * number is then a value, and the option's own check says what is wrong with it.
 */
function joinNegativeNumbers(argv: string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    const next = argv[i + 1];
    const takesValue = Object.hasOwn(SPEC, name) && SPEC[name as keyof typeof SPEC].type === 'string';
    if (arg === '--') return [...args, ...argv.slice(i)];
    if (takesValue && next !== undefined && /^-[0-9.]/.test(next)) {
      args.push(`${arg}=${next}`);
      i++;
    } else {
      args.push(arg);
    }
  }
  return args;
}

const quote = (value: string): string => `'${value.replace(/[\u0000-\u001f\u007f]/g, '?')}'`;
const HOST_NAME_RE = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

/** What the command line asks for: help, the version, or a run with checked options. */
export function parseOptions(argv: string[]): 'help' | 'version' | Options {
  let values;
  try {
    ({ values } = parseArgs({ args: joinNegativeNumbers(argv), options: SPEC, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new OptionError(parseMistake(err as Error));
  }
  if (values.help) return 'help';
  if (values.version) return 'version';
  const check = (ok: boolean, message: string): void => {
    if (!ok) throw new OptionError(message);
  };
  const { port, host, user, apikey } = values;
  check(/^[0-9]{1,5}$/.test(port) && Number(port) <= 65535, `--port must be a whole number from 0 to 65535, not ${quote(port)}`);
  check(isIP(host) !== 0 || HOST_NAME_RE.test(host), `--host must be an IP address or a host name, not ${quote(host)}`);
  for (const name of ['data', 'seed'] as const) {
    const file = values[name];
    check(file === undefined || (file !== '' && !file.includes('\0')), `--${name} must be a file name, not ${quote(file ?? '')}`);
  }
  const userOk = user !== '' && !user.includes(':') && !CONTROL_RE.test(user);
  check(userOk, `--user must be a user name, without ':' or control characters, not ${quote(user)}`);
  check(apikey !== '' && !CONTROL_RE.test(apikey), '--apikey must be a key, not empty and without control characters');
  for (const ns of values.namespace ?? []) {
    check(NAMESPACE_RE.test(ns), `--namespace must be a user or organisation name (letters, digits, '_', '.', '-'), not ${quote(ns)}`);
  }
  const pageSize = values['page-size'];
  const maxPageSize = values['max-page-size'];
  for (const [name, size] of [
    ['page-size', pageSize],
    ['max-page-size', maxPageSize],
  ] as const) {
    const ok = /^[0-9]{1,4}$/.test(size) && Number(size) >= 1 && Number(size) <= 1000;
    check(ok, `--${name} must be a whole number from 1 to 1000, not ${quote(size)}`);
  }
  const timeout = values['client-timeout'];
  const seconds = Number(timeout);
  const timeoutOk = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(timeout) && seconds >= 0.001 && seconds <= 3600;
  check(timeoutOk, `--client-timeout must be a number of seconds from 0.001 to 3600, not ${quote(timeout)}`);
  return {
    port: Number(port),
    host,
    data: values.data,
    seed: values.seed,
    user,
    apikey,
    namespaces: values.namespace,
    pageSize: Number(pageSize),
    maxPageSize: Number(maxPageSize),
    clientTimeoutMs: Math.round(seconds * 1000),
  };
}
