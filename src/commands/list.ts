import type { Context } from '../context.js';
import { printJson, printLines, printTriggerTable } from '../output/render.js';
import { resolveService, withService } from '../resolve.js';

export interface ListOptions {
  trunc: boolean;
  quiet?: boolean;
  json?: boolean;
}

export async function runList(serviceId: string, opts: ListOptions, ctx: Context): Promise<void> {
  const api = await ctx.api();
  const service = await resolveService(api, serviceId);
  const triggers = await withService(service, serviceId, () => api.allTriggers(service.uuid));
  if (opts.json) return printJson(ctx.io, triggers);
  if (opts.quiet) return printLines(ctx.io, triggers.map((t) => t.uuid));
  await printTriggerTable(ctx.io, triggers, api.host, !opts.trunc);
}
