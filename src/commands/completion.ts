// Shell completion scripts, generated from the command definitions so they never drift from them.
import type { Command, Option, OptionValues } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { examples } from '../help.js';
import type { Program } from '../program.js';

type AnyCommand = Command<unknown[], OptionValues, OptionValues>;

export function register(program: Program, ctx: Context): void {
  program
    .command('completion')
    .description('Print a shell completion script for bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      examples(['source <(trigger completion bash)     # in ~/.bashrc', 'trigger completion fish > ~/.config/fish/completions/trigger.fish']),
    )
    .action((shell) => runCompletion(shell, program, ctx));
}

interface Spec {
  name: string;
  names: string[];
  options: string[];
  subcommands: Spec[];
}

const flagsOf = (options: readonly Option[]): string[] => options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));

function specOf(cmd: AnyCommand, globals: string[]): Spec {
  return {
    name: cmd.name(),
    names: [cmd.name(), ...cmd.aliases()],
    options: [...new Set([...flagsOf(cmd.options.filter((o) => !o.hidden)), ...globals, '--help'])],
    subcommands: cmd.commands.map((c) => specOf(c, globals)),
  };
}

/** Every option, of any command, that takes a value: the word after it is that value, not a command. */
function valueFlags(cmd: AnyCommand): string[] {
  return [...new Set([...flagsOf(cmd.options.filter((o) => o.required || o.optional)), ...cmd.commands.flatMap(valueFlags)])];
}

function bash(root: Spec, takesValue: string[]): string {
  const cases = root.subcommands
    .map((c) => {
      const subs = c.subcommands.map((s) => s.name).join(' ');
      const inner = c.subcommands
        .map((s) => `        ${s.names.join('|')}) opts="${s.options.join(' ')}" ;;`)
        .join('\n');
      const body = subs
        ? `      if [[ -z "$sub2" ]]; then words="${subs}"; opts="${c.options.join(' ')}"; else
        case "$sub2" in
${inner}
        esac
      fi`
        : `      opts="${c.options.join(' ')}"`;
      return `    ${c.names.join('|')})\n${body}\n      ;;`;
    })
    .join('\n');
  return `# bash completion for trigger; load with: source <(trigger completion bash)
_trigger() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" sub="" sub2="" words="" opts="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${takesValue.join('|')}) ((i++)) ;;
      -*) ;;
      *) if [[ -z "$sub" ]]; then sub="\${COMP_WORDS[i]}"; elif [[ -z "$sub2" ]]; then sub2="\${COMP_WORDS[i]}"; fi ;;
    esac
  done
  case "$sub" in
    "") words="${root.subcommands.flatMap((c) => c.names).join(' ')}"; opts="${root.options.join(' ')}" ;;
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  fi
}
complete -o default -F _trigger trigger
`;
}

function zsh(root: Spec, takesValue: string[]): string {
  return `#compdef trigger
# zsh completion for trigger; load with: source <(trigger completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(root, takesValue).split('\n').slice(1).join('\n')}`;
}

function fish(root: Spec): string {
  const lines = [
    '# fish completion for trigger; load with: trigger completion fish | source',
    'complete -c trigger -f',
  ];
  const top = root.subcommands.flatMap((c) => c.names).join(' ');
  for (const c of root.subcommands) {
    lines.push(`complete -c trigger -n "not __fish_seen_subcommand_from ${top}" -a ${c.name}`);
    for (const s of c.subcommands) lines.push(`complete -c trigger -n "__fish_seen_subcommand_from ${c.names.join(' ')}" -a ${s.name}`);
    for (const o of c.options) {
      const flag = o.startsWith('--') ? `-l ${o.slice(2)}` : `-s ${o.slice(1)}`;
      lines.push(`complete -c trigger -n "__fish_seen_subcommand_from ${c.names.join(' ')}" ${flag}`);
    }
  }
  for (const o of root.options) {
    const flag = o.startsWith('--') ? `-l ${o.slice(2)}` : `-s ${o.slice(1)}`;
    lines.push(`complete -c trigger -n "not __fish_seen_subcommand_from ${top}" ${flag}`);
  }
  return `${lines.join('\n')}\n`;
}

export const SHELLS = { bash, zsh, fish } as const;

export function runCompletion(shell: string, program: AnyCommand, ctx: Context): void {
  const render = SHELLS[shell as keyof typeof SHELLS];
  if (!render) throw new UsageError(`unknown shell '${shell}': use bash, zsh or fish`);
  ctx.io.stdout.write(render(specOf(program, flagsOf(program.options)), valueFlags(program)));
}
