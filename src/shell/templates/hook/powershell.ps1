# The directory hook (left out by `ssox init powershell --no-dir-hook`; SSOX_DIR_HOOK=0 turns it
# off): at a prompt after the location changed, `ssox hook` prints the code that enters or leaves
# a trusted .ssox.toml tree (see `ssox here`). A prompt without a cd starts no ssox.
function global:__ssox_dir_hook {
    if ("$env:SSOX_DIR_HOOK" -match '^(0|false|no|off)$') { return }
    $ssoxApp = Get-Command -Name ssox -CommandType Application -ErrorAction SilentlyContinue |
        Select-Object -First 1
    if (-not $ssoxApp) { return }
    $ssoxPrevShell = $env:SSOX_SHELL
    try {
        $env:SSOX_SHELL = 'powershell'
        $ssoxOut = & $ssoxApp hook --shell powershell
        $ssoxCode = $LASTEXITCODE
    } finally {
        $env:SSOX_SHELL = $ssoxPrevShell
    }
    if ($ssoxCode -eq 0 -and $ssoxOut) {
        Invoke-Expression ((@($ssoxOut) | ForEach-Object { [string]$_ }) -join "`n")
    }
}
if (-not $global:__ssox_dir_prompt) { $global:__ssox_dir_prompt = $function:prompt }
$global:__ssox_dir_pwd = $null
function global:prompt {
    $ssoxLast = $global:LASTEXITCODE
    $ssoxHere = $ExecutionContext.SessionState.Path.CurrentFileSystemLocation.Path
    if ($ssoxHere -ne $global:__ssox_dir_pwd) {
        $global:__ssox_dir_pwd = $ssoxHere
        __ssox_dir_hook
    }
    $global:LASTEXITCODE = $ssoxLast
    & $global:__ssox_dir_prompt
}
