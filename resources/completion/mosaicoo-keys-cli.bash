# bash completion for mosaicoo-keys-cli(1)                               -*- shell-script -*-
# Installed as /usr/share/bash-completion/completions/mosaicoo-keys-cli; needs bash-completion.
# Completes the commands, the options that the command on the line uses, file names after the
# options that take a file, the values of --format, --encoding and --algorithm, and the --provider
# ids of the --config file on the line. tests/unit/cli/TestCliDocs.cpp checks that every command
# and option the parser (app/cli/CliArguments.cpp) accepts is offered here, and nothing else.

# The key-encryption providers of a configuration file: secretKey.v1, every
# [security.encryption.<kind>.<name>] section, and the ids that [security] encryption_provider and
# available_encryption_providers name.
_mosaicoo_keys_cli_providers()
{
    local file=$1
    [[ $file == "~/"* ]] && file=$HOME/${file#"~/"}
    echo secretKey.v1
    [[ -r $file ]] || return 0
    awk '
        /^[ \t]*\[/ {
            section = $0
            sub(/^[ \t]*\[[ \t]*/, "", section)
            sub(/[ \t]*\].*$/, "", section)
            if (tolower(substr(section, 1, 20)) == "security.encryption.") {
                id = substr(section, 21)
                if (id ~ /^[^.]+\../) print id
            }
            next
        }
        tolower(section) == "security" &&
        tolower($0) ~ /^[ \t]*(encryption_provider|available_encryption_providers)[ \t]*=/ {
            value = $0
            sub(/^[^=]*=/, "", value)
            sub(/[ \t]+[#;].*$/, "", value)
            gsub(/[`"]/, "", value)
            n = split(value, ids, /[ \t,]+/)
            for (i = 1; i <= n; i++)
                if (ids[i] != "" && ids[i] !~ /\$/) print ids[i]
        }
    ' "$file" 2>/dev/null
}

_mosaicoo_keys_cli()
{
    local cur prev words cword split
    _init_completion -s || return

    local commands="status verify decrypt encrypt demo re-encrypt rollback re-encrypt-data-keys rotate consolidate backup restore repair instances bench help"
    local globals="--db --config --secret-key-file --json --help -h --version"
    local valued="--db --config --secret-key-file --new-secret-key-file --provider --format --algorithm --encoding --out --from --jobs --seconds --batch-size --instance --api-token-file --instance-ca --candidate-key-file --candidate-config --data-keys-from"

    # The command and the configuration file on the line so far.
    local i word command="" config=""
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        case $word in
            --config=*) config=${word#--config=} ;;
            --*=*) ;;
            -*)
                if [[ " $valued " == *" $word "* ]]; then
                    [[ $word == --config ]] && config=${words[i + 1]}
                    ((i++))
                fi
                ;;
            *) [[ -z $command ]] && command=$word ;;
        esac
    done

    case $prev in
        --db | --config | --secret-key-file | --new-secret-key-file | --out | --from | --api-token-file | \
            --instance-ca | --candidate-key-file | --candidate-config | --data-keys-from)
            _filedir
            return
            ;;
        --provider)
            COMPREPLY=($(compgen -W "$(_mosaicoo_keys_cli_providers "$config" | sort -u)" -- "$cur"))
            return
            ;;
        --format)
            if [[ $command == backup ]]; then
                COMPREPLY=($(compgen -W "sqlite json" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "9.2 legacy" -- "$cur"))
            fi
            return
            ;;
        --algorithm)
            COMPREPLY=($(compgen -W "aes-cfb aes-gcm" -- "$cur"))
            return
            ;;
        --encoding)
            if [[ $command == encrypt ]]; then
                COMPREPLY=($(compgen -W "std raw bytes" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "auto std raw bytes" -- "$cur"))
            fi
            return
            ;;
        --jobs)
            COMPREPLY=($(compgen -W "$(seq 1 "$(nproc 2>/dev/null || echo 2)")" -- "$cur"))
            return
            ;;
        --seconds | --batch-size | --instance)
            return
            ;;
    esac
    [[ $split == true ]] && return

    if [[ -z $command && $cur != -* ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi

    # The options of the command (every option for a command this file does not know).
    local instances="--instance --api-token-file --instance-ca"
    local options
    case $command in
        "" | status | help) options="" ;;
        verify) options="--jobs" ;;
        decrypt) options="--encoding" ;;
        encrypt) options="--format --algorithm --encoding" ;;
        demo) options="--out" ;;
        re-encrypt) options="--dry-run --jobs --force --fresh-salt-per-value --include-unverifiable $instances" ;;
        rollback) options="--dry-run --jobs --format --accept-loss --force --include-unverifiable --servers-stopped $instances" ;;
        re-encrypt-data-keys) options="--dry-run --jobs --new-secret-key-file --provider --force --include-unverifiable --servers-stopped $instances" ;;
        rotate) options="--dry-run --via-api $instances" ;;
        consolidate) options="--dry-run --jobs --batch-size --force" ;;
        backup) options="--out --format" ;;
        restore) options="--from --dry-run --force --replace-data-keys $instances" ;;
        repair) options="--candidate-key-file --candidate-config --data-keys-from --clear-unrecoverable --dry-run --jobs --servers-stopped" ;;
        instances) options="$instances" ;;
        bench) options="--seconds --jobs" ;;
        *) options="$valued --dry-run --force --accept-loss --fresh-salt-per-value --include-unverifiable --replace-data-keys --servers-stopped --via-api --clear-unrecoverable" ;;
    esac
    COMPREPLY=($(compgen -W "$globals $options" -- "$cur"))
} &&
    complete -F _mosaicoo_keys_cli mosaicoo-keys-cli

# ex: filetype=sh
