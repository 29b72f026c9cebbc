import type { Context } from '../context.js';
import { jsonOption, outputSpec, printTriggers, TRIGGER_FIELDS } from '../output/render.js';
import { resolveTrigger, triggerArgs, triggerTargets } from '../resolve.js';
import { forEachId } from '../bulk.js';
import { EXAMPLE_URL, examples, SERVICE_OR_URL_ARG, TRIGGERS_ARG } from '../help.js';
import { FORMAT_HELP } from '../output/render.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('inspect')
    .description('Show triggers in full, as a JSON array')
    .usage('[options] <service> <trigger...> | <trigger-url...>')
    .argument('<service|url>', SERVICE_OR_URL_ARG)
    .argument('[trigger...]', TRIGGERS_ARG)
    .addOption(jsonOption('print JSON (the default)', TRIGGER_FIELDS))
    .option('--format <template>', FORMAT_HELP)
    .addHelpText(
      'after',
      examples(['trigger inspect web deploy-hook', 'trigger inspect web 6db5 scale-hook', `trigger inspect ${EXAMPLE_URL}`]),
    );
}

/** The options of `trigger inspect`, typed from their definitions. */
export type InspectOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((first, rest, opts) => runInspect(first, rest, opts, ctx));
}

const USAGE = "use 'trigger inspect <service> <trigger>...' or 'trigger inspect <trigger-url>...'";

export async function runInspect(first: string, rest: string[], opts: InspectOptions, ctx: Context): Promise<void> {
  const spec = outputSpec(opts, undefined, 'json');
  const args = triggerArgs(first, rest, () => ctx.settings().host, USAGE);
  const api = await ctx.api();
  const targets = await triggerTargets(api, args);
  const { values, finish } = await forEachId(ctx, targets, (t) => resolveTrigger(t.api, t.service, t.id));
  await printTriggers(ctx.io, spec, values, api.host);
  finish();
}
