# The directory hook (left out by `ssox init fish --no-dir-hook`; SSOX_DIR_HOOK=0 turns it off):
# when PWD changes, `ssox hook` prints the shell code that enters or leaves a trusted .ssox.toml
# tree (see `ssox here`). A prompt without a cd starts no ssox.
function __ssox_dir_hook --on-variable PWD --description 'ssox: the profile of this directory (.ssox.toml)'
    string match -qir '^(0|false|no|off)$' -- "$SSOX_DIR_HOOK"; and return 0
    set -l __ssox_out (SSOX_SHELL=fish command ssox hook --shell fish)
    and string join \n -- $__ssox_out | source
    return 0
end
__ssox_dir_hook
