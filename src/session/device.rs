//! The device-code login (see docs/compat.md#device-flow) with its terminal side: the URL and
//! code on stderr, the browser when one may be opened, a spinner with the time the code has
//! left. The protocol itself is `aws::login`'s; the drawing is `ui`'s. Never writes to stdout.

use std::time::Duration;

use anyhow::Result;
use time::OffsetDateTime;

use crate::aws::login::{DevicePrompt, DeviceUi, Oidc};
use crate::browser::{self, Launcher};
use crate::cache::{human_duration, NewToken, Registration};
use crate::config::LoginTarget;
use crate::settings::Settings;
use crate::ui::text::printable;
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
    let blocker = browser::blocker(settings, no_browser);
    let launchers = browser::launchers(settings);
    with_registration(oidc, login, settings, Flow::Device, clock, |registration| {
        let mut ui = TerminalUi::new(login, blocker, &launchers, clock);
        oidc.device_login(registration, &login.start_url, clock, &mut ui)
    })
}

/// The device flow's UI: the URL and code on stderr, the browser, a spinner with the time left.
struct TerminalUi<'a> {
    label: String,
    blocker: Option<&'static str>,
    launchers: &'a [Launcher],
    clock: &'a dyn Fn() -> OffsetDateTime,
    spinner: Option<Spinner>,
    code: String,
}

impl<'a> TerminalUi<'a> {
    fn new(
        login: &LoginTarget,
        blocker: Option<&'static str>,
        launchers: &'a [Launcher],
        clock: &'a dyn Fn() -> OffsetDateTime,
    ) -> TerminalUi<'a> {
        TerminalUi {
            label: login.label(),
            blocker,
            launchers,
            clock,
            spinner: None,
            code: String::new(),
        }
    }
}

impl DeviceUi for TerminalUi<'_> {
    fn prompt(&mut self, p: &DevicePrompt) {
        // The code and the URLs come from the network: shown escaped, opened only when safe.
        self.code = printable(&p.user_code).into_owned();
        eprintln!(
            "To log in to {}, open {} and enter the code {}",
            self.label,
            printable(&p.verification_uri),
            self.code
        );
        let complete = p.verification_uri_complete.as_deref();
        match (self.blocker, complete) {
            (None, Some(url)) => match browser::check_url(url) {
                Err(why) => warn(&format!("{why}; open the URL above and enter the code")),
                Ok(()) => {
                    eprintln!("Opening {} in your browser…", printable(url));
                    if let Err(why) = browser::open_with(self.launchers, url) {
                        warn(&format!(
                            "cannot open a browser ({why}); open the URL above and enter the code"
                        ));
                    }
                }
            },
            (None, None) => {}
            (Some(reason), _) => {
                eprintln!("Not opening a browser ({reason}): open the URL above on any device.");
                if let Some(url) = complete.filter(|u| browser::check_url(u).is_ok()) {
                    eprintln!("Or open {} (the code is filled in).", printable(url));
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
