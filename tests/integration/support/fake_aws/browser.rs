//! The fake browser: `xdg-open`/`open`/`wslview` stubs that visit a URL over plain HTTP and log
//! it, so a login's verification page is "seen" without a real browser.

use std::path::{Path, PathBuf};

use super::FakeAws;

impl FakeAws {
    /// A directory with `xdg-open`, `open` and `wslview` stubs that GET the URL given as $1 (bash
    /// /dev/tcp) and then append it as one line to `<dir>/browser.log` (so a logged line means the
    /// visit is done). Non-`http://` URLs are only logged.
    pub fn browser_dir(&self, parent: &Path) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let dir = parent.join("fake-browser");
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("browser.log");
        let script = format!(
            r#"#!/usr/bin/env bash
# Fake browser for ssox tests: fetch $1 over plain HTTP, then log it.
url="$1"
case "$url" in
  http://*)
    rest="${{url#http://}}"
    hostport="${{rest%%/*}}"
    if [ "$rest" = "$hostport" ]; then path=/; else path="/${{rest#*/}}"; fi
    host="${{hostport%%:*}}"
    port="${{hostport##*:}}"
    [ "$port" = "$hostport" ] && port=80
    if exec 3<>"/dev/tcp/$host/$port"; then
      printf 'GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ssox-fake-browser\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
      cat <&3 >/dev/null
      exec 3<&-
    fi
    ;;
esac
printf '%s\n' "$url" >> '{log}'
"#,
            log = log.display()
        );
        for name in ["xdg-open", "open", "wslview"] {
            let p = dir.join(name);
            std::fs::write(&p, &script).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        dir
    }

    /// The lines of `<dir>/browser.log` (empty when no browser was opened).
    pub fn browser_log(dir: &Path) -> Vec<String> {
        std::fs::read_to_string(dir.join("browser.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}
