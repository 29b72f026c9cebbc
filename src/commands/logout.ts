import { profileOf } from '../config/file.js';
import type { Context } from '../context.js';
import { examples } from '../help.js';
import type { Program } from '../program.js';

export function register(program: Program, ctx: Context): void {
  program
    .command('logout')
    .description('Forget the credentials saved in the profile')
    .addHelpText('after', examples(['trigger logout', 'trigger logout --profile staging']))
    .action(() => runLogout(ctx));
}

export async function runLogout(ctx: Context): Promise<void> {
  const profile = ctx.profileName();
  const p = ctx.profile();
  if (!p.user && !p.apikey) {
    ctx.io.stdout.write(`Not logged in (profile ${profile})\n`);
    return;
  }
  await ctx.updateConfig((data) => {
    const stored = profileOf(data, profile);
    delete stored.user;
    delete stored.apikey;
    delete stored.loginHost;
  });
  ctx.io.stdout.write(`Removed the credentials of profile ${profile}\n`);
}
