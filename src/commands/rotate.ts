import type { Context } from '../context.js';
import { ApiError, CliError } from '../errors.js';
import { safeText } from '../io.js';
import { jsonOption, outputSpec, printTriggers, TRIGGER_FIELDS } from '../output/render.js';
import { resolveTrigger, triggerArgs, triggerTargets } from '../resolve.js';
import { EXAMPLE_URL, examples, SERVICE_OR_URL_ARG } from '../help.js';
import { FORMAT_HELP } from '../output/render.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('rotate')
    .description('Replace a leaked trigger: create a new one like it, then remove the old one')
    .usage('[options] <service> <trigger> | <trigger-url>')
    .argument('<service|url>', SERVICE_OR_URL_ARG)
    .argument('[trigger]', 'trigger UUID, UUID prefix or name')
    .option('-q, --quiet', "print the new trigger's UUID only")
    .option('--no-header', 'leave out the header line')
    .addOption(jsonOption('print the new trigger as JSON', TRIGGER_FIELDS))
    .option('--format <template>', FORMAT_HELP)
    .addHelpText(
      'after',
      examples(['trigger rotate web deploy-hook', 'trigger rotate web deploy-hook --format "{{.uuid}}"', `trigger rotate ${EXAMPLE_URL}`]),
    );
}

/** The options of `trigger rotate`, typed from their definitions. */
export type RotateOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((first, trigger, opts) => runRotate(first, trigger, opts, ctx));
}

const USAGE = "use 'trigger rotate <service> <trigger>' or 'trigger rotate <trigger-url>'";

/**
 * Replaces a leaked trigger: creates one with the same name and operation, prints it, then removes the
 * old one. The new one exists and was printed before the old one goes, so the service is never left
 * without a working trigger, nor its user without the URL of one.
 */
export async function runRotate(first: string, triggerId: string | undefined, opts: RotateOptions, ctx: Context): Promise<void> {
  const spec = outputSpec(opts);
  const args = triggerArgs(first, triggerId === undefined ? [] : [triggerId], () => ctx.settings().host, USAGE);
  const api = await ctx.api();
  const [target] = await triggerTargets(api, args);
  const { api: at, service, id } = target;
  const old = await resolveTrigger(at, service, id);
  const fresh = await at.createTrigger(service.uuid, { name: old.name, operation: old.operation });
  await printTriggers(ctx.io, spec, [fresh], api.host, { single: true });
  const short = old.uuid.slice(0, 8);
  // The service as a hint can name it: as typed, or, from a URL, by UUID in the URL's namespace.
  const [flags, named] = 'urls' in args ? [at.namespace && at !== api ? ` --namespace ${at.namespace}` : '', service.uuid] : ['', first];
  // The old trigger is revoked only once the new one is printed: a new URL nobody saw replaces nothing.
  const lost = await ctx.outputWritten();
  if (lost) {
    throw new CliError(
      `created the new trigger, but ${lost.message}`,
      `The old trigger ${short}… was left in place and still works; 'trigger${flags} list ${named}' shows both.`,
    );
  }
  try {
    await at.deleteTrigger(service.uuid, old.uuid);
  } catch (err) {
    throw new ApiError(
      `created the new trigger (printed above) but could not remove the old one ${short}…: ${(err as Error).message}`,
      undefined,
      `Both triggers work now; remove the old one with 'trigger${flags} rm ${named} ${short}'.`,
    );
  }
  ctx.io.stderr.write(`Revoked the old URL of ${safeText(old.name)} (${short}…): whatever calls it needs the new URL now.\n`);
}
