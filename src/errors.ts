// Error classes of the CLI and the one place that turns an error into an exit code.

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  network: 5,
} as const;

/** A run stopped by one of these signals exits 128 + the signal's number, as a shell reports it. */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type Interrupt = keyof typeof SIGNAL_EXIT;

/** The signal that aborted `signal`, whose reason is the signal's name (src/io.ts); SIGINT unless SIGTERM. */
export const interruptOf = (signal: AbortSignal): Interrupt => (signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');

export class CliError extends Error {
  /** Extra lines printed after the message: candidates, a pointer to --help. */
  hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Bad arguments or options; nothing was sent. */
export class UsageError extends CliError {}
/** No credentials, or the API refused them (401, 403). */
export class AuthError extends CliError {}
/** An identifier matched nothing, or more than one object. */
export class NotFoundError extends CliError {}
/** The API answered with an error status, or with something that is not its API. */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status?: number,
    hint?: string,
  ) {
    super(message, hint);
  }
}
/** What a command would make exists already (a trigger of the same name); the API would not have refused it. */
export class ConflictError extends CliError {}
/** The request did not get an answer: refused, DNS, TLS, reset, timeout. */
export class NetworkError extends CliError {}
/** Some of several operations failed; each was reported already. */
export class PartialFailure extends CliError {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}
/** SIGINT or SIGTERM stopped a command that watches for them, after it reported what it had done. */
export class Interrupted extends CliError {
  constructor(
    message: string,
    readonly signal: Interrupt,
  ) {
    super(message);
  }
}
/** A local file (config, data) cannot be read or written. */
export class FileError extends CliError {}

export function exitCodeFor(err: unknown): number {
  if (err instanceof PartialFailure) return err.code;
  if (err instanceof Interrupted) return SIGNAL_EXIT[err.signal];
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof AuthError) return EXIT.auth;
  if (err instanceof NotFoundError) return EXIT.notFound;
  if (err instanceof NetworkError) return EXIT.network;
  return EXIT.failure;
}

/** What each exit code means, as the help of the tool lists them. */
export const EXIT_CODE_MEANINGS: readonly (readonly [string, string])[] = [
  ['0', 'success'],
  ['1', 'the API refused or failed, or some of several operations failed'],
  ['2', 'usage error: unknown command or option, missing argument, invalid value'],
  ['3', 'authentication: no credentials, or the API refused them (401, 403)'],
  ['4', 'not found, or an identifier that matches more than one object'],
  ['5', 'network: connection refused, DNS, TLS, timeout'],
  ['130, 143', 'interrupted by SIGINT or SIGTERM (rm, call --wait), or a login cancelled'],
];
