# The directory hook (left out by `ssox init zsh --no-dir-hook`; SSOX_DIR_HOOK=0 turns it off):
# on every cd (chpwd), `ssox hook` prints the shell code that enters or leaves a trusted
# .ssox.toml tree (see `ssox here`). A prompt without a cd starts no ssox.
function __ssox_dir_hook {
    emulate -L zsh
    local __ssox_out
    [[ ${(L)SSOX_DIR_HOOK-} == (0|false|no|off) ]] && return 0
    __ssox_out=$(SSOX_SHELL=zsh command ssox hook --shell zsh) && eval "$__ssox_out"
    return 0
}
autoload -Uz add-zsh-hook
add-zsh-hook chpwd __ssox_dir_hook
__ssox_dir_hook
