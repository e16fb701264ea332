# bash completion for mosaicoo-keys(1), the desktop console                -*- shell-script -*-
# Installed as /usr/share/bash-completion/completions/mosaicoo-keys; needs bash-completion.
# The options of `mosaicoo-keys --help` (tests/unit/cli/TestCliDocs.cpp compares them), and file
# names after the ones that take a file.

_mosaicoo_keys()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        --db | --config | --secret-key-file)
            _filedir
            return
            ;;
    esac
    [[ $split == true ]] && return
    [[ $cur == -* ]] &&
        COMPREPLY=($(compgen -W "--db --config --secret-key-file --help --help-all --version -h -v" -- "$cur"))
} &&
    complete -F _mosaicoo_keys mosaicoo-keys

# ex: filetype=sh
