import { isOperation, type Operation } from '../api/types.js';
import { hasControlChars } from '../io.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { jsonOption, outputSpec, printTriggers, TRIGGER_FIELDS } from '../output/render.js';
import { checkIdentifier, resolveService, withService } from '../resolve.js';
import { examples, SERVICE_ARG } from '../help.js';
import { FORMAT_HELP } from '../output/render.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('create')
    .description('Create a trigger for a service')
    .argument('<service>', SERVICE_ARG)
    .option('-n, --name <name>', 'name of the trigger')
    .option('-o, --operation <operation>', 'REDEPLOY or SCALEUP (default: REDEPLOY)')
    .option('-q, --quiet', "print the new trigger's UUID only")
    .option('--no-header', 'leave out the header line')
    .addOption(jsonOption('print the new trigger as JSON', TRIGGER_FIELDS))
    .option('--format <template>', FORMAT_HELP)
    .addHelpText('after', examples(['trigger create web -n deploy-hook', 'trigger create web -o scaleup -q']));
}

/** The options of `trigger create`, typed from their definitions. */
export type CreateOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((service, opts) => runCreate(service, opts, ctx));
}

function parseOperation(value: string | undefined): Operation {
  const op = (value ?? 'REDEPLOY').toUpperCase();
  if (!isOperation(op)) throw new UsageError(`unknown operation '${value}': use REDEPLOY or SCALEUP`);
  return op;
}

function checkName(name: string | undefined): void {
  if (name === undefined) return;
  if (name.trim() === '') throw new UsageError('the trigger name must not be empty');
  if (name.length > 256 || hasControlChars(name)) {
    throw new UsageError('the trigger name must be at most 256 characters, without control characters');
  }
}

export async function runCreate(serviceId: string, opts: CreateOptions, ctx: Context): Promise<void> {
  const spec = outputSpec(opts);
  const operation = parseOperation(opts.operation);
  checkName(opts.name);
  checkIdentifier('service', serviceId);
  const api = await ctx.api();
  const service = await resolveService(api, serviceId);
  const trigger = await withService(service, serviceId, () =>
    api.createTrigger(service.uuid, { ...(opts.name !== undefined ? { name: opts.name } : {}), operation }),
  );
  await printTriggers(ctx.io, spec, [trigger], api.host, { single: true });
}
