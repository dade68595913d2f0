//! The device-code login (see docs/compat.md#device-flow) with its terminal side: the URL and
//! code on stderr, the browser when one may be opened, a spinner with the time the code has
//! left. The protocol itself is `aws::login`'s; the drawing is `ui`'s. Never writes to stdout.

use std::time::Duration;

use anyhow::Result;
use time::OffsetDateTime;

use crate::aws::login::{DevicePrompt, DeviceUi, Oidc};
use crate::cache::{human_duration, NewToken, Registration};
use crate::config::LoginTarget;
use crate::settings::Settings;
use crate::ui::{warn, Spinner};

use super::flow::Flow;
use super::registration::with_registration;

/// The device flow for `login` with a cached or new client registration; a cached registration
/// the server rejects is replaced once. Returns the new token and the registration it belongs to.
pub fn login(
    oidc: &Oidc,
    login: &LoginTarget,
    settings: &Settings,
    no_browser: bool,
    clock: &dyn Fn() -> OffsetDateTime,
) -> Result<(NewToken, Registration)> {
    let blocker = browser_blocker(settings, no_browser);
    with_registration(oidc, login, settings, Flow::Device, clock, |registration| {
        let mut ui = TerminalUi::new(login, blocker, clock);
        oidc.device_login(registration, &login.start_url, clock, &mut ui)
    })
}

/// Why no browser may be opened, or `None` when one may.
pub fn browser_blocker(settings: &Settings, no_browser: bool) -> Option<&'static str> {
    if no_browser {
        Some("--no-browser")
    } else if settings.ssh {
        Some("this is an SSH session")
    } else if cfg!(all(unix, not(target_os = "macos"))) && !settings.display && !settings.wsl {
        Some("neither DISPLAY nor WAYLAND_DISPLAY is set")
    } else {
        None
    }
}

/// The device flow's UI: the URL and code on stderr, the browser, a spinner with the time left.
struct TerminalUi<'a> {
    label: String,
    blocker: Option<&'static str>,
    clock: &'a dyn Fn() -> OffsetDateTime,
    spinner: Option<Spinner>,
    code: String,
}

impl<'a> TerminalUi<'a> {
    fn new(
        login: &LoginTarget,
        blocker: Option<&'static str>,
        clock: &'a dyn Fn() -> OffsetDateTime,
    ) -> TerminalUi<'a> {
        TerminalUi {
            label: login.label(),
            blocker,
            clock,
            spinner: None,
            code: String::new(),
        }
    }
}

impl DeviceUi for TerminalUi<'_> {
    fn prompt(&mut self, p: &DevicePrompt) {
        self.code = p.user_code.clone();
        eprintln!(
            "To log in to {}, open {} and enter the code {}",
            self.label, p.verification_uri, p.user_code
        );
        let complete = p.verification_uri_complete.as_deref();
        match (self.blocker, complete) {
            (None, Some(url)) => {
                eprintln!("Opening {url} in your browser…");
                if let Err(why) = crate::browser::open(url) {
                    warn(&format!(
                        "cannot open a browser ({why}); open the URL above and enter the code"
                    ));
                }
            }
            (None, None) => {}
            (Some(reason), _) => {
                eprintln!("Not opening a browser ({reason}): open the URL above on any device.");
                if let Some(url) = complete {
                    eprintln!("Or open {url} (the code is filled in).");
                }
            }
        }
        self.spinner = Some(Spinner::start());
        let left = (p.expires_at - (self.clock)()).unsigned_abs();
        self.waiting(left);
    }

    fn waiting(&mut self, left: Duration) {
        if let Some(s) = &self.spinner {
            s.message(format!(
                "waiting for approval of code {} ({} left)",
                self.code,
                human_duration(left)
            ));
        }
    }

    fn done(&mut self) {
        if let Some(s) = self.spinner.take() {
            s.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_gating() {
        let mut s = Settings {
            display: true,
            ..Settings::default()
        };
        assert_eq!(browser_blocker(&s, false), None);
        assert_eq!(browser_blocker(&s, true), Some("--no-browser"));
        s.ssh = true;
        assert_eq!(browser_blocker(&s, false), Some("this is an SSH session"));
        s.ssh = false;
        s.display = false;
        let expect = if cfg!(all(unix, not(target_os = "macos"))) {
            Some("neither DISPLAY nor WAYLAND_DISPLAY is set")
        } else {
            None
        };
        assert_eq!(browser_blocker(&s, false), expect);
        s.wsl = true;
        assert_eq!(browser_blocker(&s, false), None);
    }
}
