#!/usr/bin/env bash
# What a bash completion file offers after TAB at the end of a command line, one word a line:
#   complete.sh COMPLETION_FILE 'LINE'
# The line is split into words at blanks and around '=' as bash does (COMP_WORDBREAKS), the file is
# sourced after bash-completion, and the function it registered for the line's first word is
# called the way bash calls it. Used by test_cli_docs.
set -u
[ -r /usr/share/bash-completion/bash_completion ] || { echo "bash-completion is not installed" >&2; exit 77; }
# shellcheck disable=SC1091
source /usr/share/bash-completion/bash_completion
# shellcheck disable=SC1090
source "$1"
line=$2
COMP_LINE=$line
COMP_POINT=${#line}
read -r -a COMP_WORDS <<<"${line//=/ = }"
case $line in *" " | *=) COMP_WORDS+=("") ;; esac
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
function=$(complete -p "${COMP_WORDS[0]}" 2>/dev/null | sed -n 's/.*-F \([^ ]*\).*/\1/p')
[ -n "$function" ] || { echo "no completion registered for ${COMP_WORDS[0]}" >&2; exit 2; }
COMPREPLY=()
"$function" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}"
printf '%s\n' "${COMPREPLY[@]}"
