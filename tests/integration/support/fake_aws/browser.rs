//! The fake browser: `xdg-open`/`open`/`wslview` stubs that visit a URL over plain HTTP (following
//! redirects) and log it, so a login's verification page is "seen", and a PKCE sign-in comes back
//! to ssox, without a real browser.

use std::path::{Path, PathBuf};

use super::FakeAws;

impl FakeAws {
    /// A directory with `xdg-open`, `open` and `wslview` stubs that GET the URL given as $1 (bash
    /// /dev/tcp), follow redirects to other `http://` URLs as a browser does (so a PKCE sign-in
    /// at the fake's `/authorize` comes back to ssox's loopback callback), keep the last page in
    /// `<dir>/page.html`, and then append $1 as one line to `<dir>/browser.log` (so a logged line
    /// means the visit is done). Non-`http://` URLs are only logged.
    pub fn browser_dir(&self, parent: &Path) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let dir = parent.join("fake-browser");
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("browser.log");
        let page = dir.join("page.html");
        let script = format!(
            r#"#!/usr/bin/env bash
# Fake browser for ssox tests: fetch $1 over plain HTTP following redirects, then log it.
# A server that closes early must not kill it (bash writes the request line by line).
trap '' PIPE
url="$1"
for hop in 1 2 3 4 5; do
  case "$url" in http://*) ;; *) break ;; esac
  rest="${{url#http://}}"
  hostport="${{rest%%/*}}"
  if [ "$rest" = "$hostport" ]; then path=/; else path="/${{rest#*/}}"; fi
  host="${{hostport%%:*}}"
  port="${{hostport##*:}}"
  [ "$port" = "$hostport" ] && port=80
  exec 3<>"/dev/tcp/$host/$port" || break
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ssox-fake-browser\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
  location=""
  while IFS= read -r line <&3; do
    line="${{line%$'\r'}}"
    [ -z "$line" ] && break
    case "$line" in [Ll]ocation:*) location="${{line#*:}}"; location="${{location# }}" ;; esac
  done
  cat <&3 > '{page}'
  exec 3<&-
  [ -n "$location" ] || break
  url="$location"
done
printf '%s\n' "$1" >> '{log}'
"#,
            log = log.display(),
            page = page.display()
        );
        for name in ["xdg-open", "open", "wslview"] {
            let p = dir.join(name);
            std::fs::write(&p, &script).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        dir
    }

    /// The last page the fake browser was shown (empty when none).
    pub fn browser_page(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("page.html")).unwrap_or_default()
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
