# The directory hook (left out by `ssox init bash --no-dir-hook`; SSOX_DIR_HOOK=0 turns it off):
# at a prompt after the directory changed, `ssox hook` prints the shell code that enters or
# leaves a trusted .ssox.toml tree (see `ssox here`). A prompt without a cd starts no ssox.
__ssox_dir_hook() {
    local __ssox_rc=$? __ssox_out
    if [[ ${1-} == force || $PWD != "${__ssox_dir_pwd-}" ]]; then
        __ssox_dir_pwd=$PWD
        case ${SSOX_DIR_HOOK-} in
            0 | [Ff][Aa][Ll][Ss][Ee] | [Nn][Oo] | [Oo][Ff][Ff]) ;;
            *) __ssox_out=$(SSOX_SHELL=bash command ssox hook --shell bash) && eval "$__ssox_out" ;;
        esac
    fi
    return "$__ssox_rc"
}
if [[ ";${PROMPT_COMMAND-};" != *";__ssox_dir_hook;"* ]]; then
    PROMPT_COMMAND="__ssox_dir_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
