// Shell completion scripts. Each one is a thin adapter: at each TAB it hands the words of the command
// line to `trigger __complete` (src/commands/complete.ts), which reads the command definitions, the
// config file and the API, and it shows the candidates that come back. A script saved once keeps up
// with every later version of the CLI, and what completes is decided in one place.
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { examples } from '../help.js';
import { clip } from '../settings.js';
import type { Program } from '../program.js';

export function register(program: Program, ctx: Context): void {
  program
    .command('completion')
    .description('Print a shell completion script for bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      examples([
        'source <(trigger completion bash)     # in ~/.bashrc',
        'source <(trigger completion zsh)      # in ~/.zshrc, after compinit',
        'trigger completion fish > ~/.config/fish/completions/trigger.fish',
      ]),
    )
    .action((shell) => runCompletion(shell, ctx));
}

// Each script sends `__complete` its stderr to /dev/null as well: a completion never writes on the
// prompt line. A candidate line is `value` or `value<TAB>description`; `:files` asks for file names
// after the `@` of the word (`--data @file`).

/** A script as written, with \${ for the shell's ${ (a template literal would read it as its own). */
const script = (text: TemplateStringsArray): string => text.raw.join('').replaceAll('\\${', '${');

const BASH = script`# bash completion for trigger; load with: source <(trigger completion bash)
_trigger() {
  local words=() word cur prefix breaks line files="" at f i n rest spaced
  # bash splits words at = : and @ too (COMP_WORDBREAKS): what was typed without a space in between
  # is put back together, so that --host=http://127.0.0.1:8080/ and @file reach __complete as typed.
  rest="\${COMP_LINE#*"\${COMP_WORDS[0]}"}"
  for ((i = 1; i <= COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    n=\${#words[@]}
    spaced="\${rest%%[![:space:]]*}"
    rest="\${rest#"$spaced"}"
    rest="\${rest#"$word"}"
    if ((n == 0)) || [[ -n "$spaced" || -z "$COMP_LINE" ]]; then words+=("$word"); else words[n-1]+="$word"; fi
  done
  cur="\${words[\${#words[@]}-1]}"
  # readline replaces what follows the last word-break character of cur (keeping an @): the part
  # in front of it stays as it is.
  breaks="\${COMP_WORDBREAKS//[^=:@]/}"
  prefix=""
  [[ -n "$breaks" ]] && prefix="\${cur%"\${cur##*[$breaks]}"}"
  prefix="\${prefix%@}"
  COMPREPLY=()
  while IFS= read -r line; do
    case "$line" in
      :files) files=1 ;;
      :* | "") ;;
      *) COMPREPLY+=("\${line%%$'\t'*}") ;;
    esac
  done < <(trigger __complete -- "\${words[@]}" 2>/dev/null)
  if [[ -n "$files" ]]; then
    at="\${cur%%@*}@"
    while IFS= read -r f; do
      [[ -d "$f" ]] && f+=/
      COMPREPLY+=("$at$(printf '%q' "$f")")
    done < <(compgen -f -- "\${cur#*@}")
    [[ \${#COMPREPLY[@]} -eq 1 && "\${COMPREPLY[0]}" == */ ]] && compopt -o nospace 2>/dev/null
  fi
  if ((\${#COMPREPLY[@]} > 0)); then COMPREPLY=("\${COMPREPLY[@]#"$prefix"}"); fi
  return 0
}
complete -F _trigger trigger
`;

const ZSH = script`#compdef trigger
# zsh completion for trigger; load with: source <(trigger completion zsh) after compinit,
# or save it as _trigger in a folder of $fpath.
_trigger() {
  local -a candidates
  local line value files=""
  for line in "\${(@f)$(trigger __complete -- "\${(@Q)words[2,CURRENT]}" 2>/dev/null)}"; do
    case "$line" in
      :files) files=1 ;;
      :* | "") ;;
      *$'\t'*) value="\${line%%$'\t'*}"; candidates+=("\${value//:/\\:}:\${line#*$'\t'}") ;;
      *) candidates+=("\${line//:/\\:}") ;;
    esac
  done
  if [[ -n "$files" ]]; then
    compset -P '*@'
    _files
  elif (( \${#candidates} > 0 )); then
    _describe completions candidates
  fi
}
if [[ "\${funcstack[1]}" == _trigger ]]; then _trigger "$@"; else compdef _trigger trigger; fi
`;

const FISH = script`# fish completion for trigger; load with: trigger completion fish | source,
# or save it as ~/.config/fish/completions/trigger.fish
function __trigger_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l current (commandline -ct)
    for line in (trigger __complete -- $words "$current" 2>/dev/null)
        switch $line
            case :files
                set -l at (string replace -r '@.*' '@' -- "$current")
                for f in (__fish_complete_path (string replace -r '^[^@]*@' '' -- "$current"))
                    printf '%s\n' $at$f
                end
            case ':*'
            case '*'
                printf '%s\n' $line
        end
    end
end
complete -c trigger -f -a '(__trigger_complete)'
`;

export const SHELLS: Record<string, string> = { bash: BASH, zsh: ZSH, fish: FISH };

export function runCompletion(shell: string, ctx: Context): void {
  if (!Object.hasOwn(SHELLS, shell)) throw new UsageError(`unknown shell '${clip(shell)}': use bash, zsh or fish`);
  ctx.io.stdout.write(SHELLS[shell]);
}
