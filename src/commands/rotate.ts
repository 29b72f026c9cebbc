import type { Trigger } from '../api/types.js';
import type { Context } from '../context.js';
import { ApiError } from '../errors.js';
import { jsonOption, outputSpec, printTriggers, TRIGGER_FIELDS } from '../output/render.js';
import { checkIdentifier, resolveService, resolveTrigger } from '../resolve.js';
import { examples, SERVICE_ARG } from '../help.js';
import { FORMAT_HELP } from '../output/render.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('rotate')
    .description('Replace a leaked trigger: create a new one like it, then remove the old one')
    .argument('<service>', SERVICE_ARG)
    .argument('<trigger>', 'trigger UUID, UUID prefix or name')
    .option('-q, --quiet', "print the new trigger's UUID only")
    .option('--no-header', 'leave out the header line')
    .addOption(jsonOption('print the new trigger as JSON', TRIGGER_FIELDS))
    .option('--format <template>', FORMAT_HELP)
    .addHelpText('after', examples(['trigger rotate web deploy-hook', 'trigger rotate web deploy-hook --format "{{.uuid}}"']));
}

/** The options of `trigger rotate`, typed from their definitions. */
export type RotateOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((service, trigger, opts) => runRotate(service, trigger, opts, ctx));
}

/**
 * Replaces a leaked trigger: creates one with the same name and operation, then removes the old one.
 * The new one exists before the old one goes, so the service is never left without a working trigger.
 */
export async function runRotate(serviceId: string, triggerId: string, opts: RotateOptions, ctx: Context): Promise<void> {
  const spec = outputSpec(opts);
  checkIdentifier('service', serviceId);
  checkIdentifier('trigger', triggerId);
  const api = await ctx.api();
  const service = await resolveService(api, serviceId);
  const old = (await resolveTrigger(api, service, triggerId)) as Trigger;
  const fresh = await api.createTrigger(service.uuid, { name: old.name, operation: old.operation });
  await printTriggers(ctx.io, spec, [fresh], api.host, { single: true });
  try {
    await api.deleteTrigger(service.uuid, old.uuid);
  } catch (err) {
    throw new ApiError(
      `created the new trigger (printed above) but could not remove the old one ${old.uuid.slice(0, 8)}…: ${(err as Error).message}`,
      undefined,
      `Both triggers work now; remove the old one with 'trigger rm ${serviceId} ${old.uuid.slice(0, 8)}'.`,
    );
  }
}
