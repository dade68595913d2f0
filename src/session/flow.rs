//! Which interactive login a session gets: PKCE (the browser hands the code back to a loopback
//! listener) where a browser can open on this machine (`BROWSER` set counts, as in Python's
//! webbrowser; `browser::blocker` decides), the device code elsewhere (SSH, no display,
//! containers), as flags, `SSOX_LOGIN_FLOW` or a legacy profile decide first. Pure: no I/O but
//! the one warning about a flow a legacy profile cannot use.

use anyhow::{bail, Result};

use crate::config::LoginTarget;
use crate::settings::Settings;
use crate::ui::warn;

/// An interactive login flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The device code (docs/compat.md#device-flow): approve on any device.
    Device,
    /// The authorization code with PKCE (docs/compat.md#pkce): the browser on this machine.
    Pkce,
}

impl Flow {
    pub fn name(self) -> &'static str {
        match self {
            Flow::Device => "device code",
            Flow::Pkce => "PKCE",
        }
    }
}

/// What the command line asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlowRequest {
    /// `--device-code` / `--use-device-code` (`Device`) or `--pkce` (`Pkce`).
    pub flow: Option<Flow>,
    /// `--redirect-port N`: the loopback port of a PKCE login (asks for PKCE).
    pub redirect_port: Option<u16>,
    /// `--no-browser`
    pub no_browser: bool,
}

/// The flow for `login` and why, in words for `--verbose`: a legacy profile keeps the device code
/// (as the CLI does), then a flag, then `SSOX_LOGIN_FLOW`, then PKCE when a browser may be
/// opened here and the device code otherwise.
pub fn choose(
    login: &LoginTarget,
    settings: &Settings,
    request: FlowRequest,
) -> Result<(Flow, String)> {
    if login.session_name.is_none() {
        let asked = match (request.flow, request.redirect_port) {
            (Some(Flow::Pkce), _) => Some("--pkce"),
            (None, Some(_)) => Some("--redirect-port"),
            _ => None,
        };
        if let Some(flag) = asked {
            warn(&format!(
                "{flag} needs an sso-session; {} logs in with the device code",
                login.label()
            ));
        }
        return Ok((
            Flow::Device,
            "the start URL is in the profile (no sso-session), as the AWS CLI does".into(),
        ));
    }
    match (request.flow, request.redirect_port) {
        (Some(Flow::Device), _) => return Ok((Flow::Device, "--device-code".into())),
        (Some(Flow::Pkce), _) => return Ok((Flow::Pkce, "--pkce".into())),
        (None, Some(_)) => return Ok((Flow::Pkce, "--redirect-port".into())),
        (None, None) => {}
    }
    if let Some(value) = &settings.login_flow {
        let flow = match value.trim().to_ascii_lowercase().as_str() {
            "pkce" => Flow::Pkce,
            "device" => Flow::Device,
            _ => bail!(
                "SSOX_LOGIN_FLOW is \"{}\"; set it to pkce or device, or unset it to choose by \
                 whether a browser can open here",
                value.escape_debug()
            ),
        };
        return Ok((flow, format!("SSOX_LOGIN_FLOW={}", value.trim())));
    }
    Ok(
        match crate::browser::blocker(settings, request.no_browser) {
            Some(reason) => (Flow::Device, reason.to_string()),
            None if crate::browser::from_browser_env(settings) => {
                (Flow::Pkce, "BROWSER is set".into())
            }
            None => (Flow::Pkce, "a browser can be opened here".into()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::test_config::{cfg, TWO};

    fn desktop() -> Settings {
        Settings {
            display: true,
            ..Settings::default()
        }
    }

    #[test]
    fn flags_then_env_then_the_browser_test() {
        let c = cfg(TWO);
        let alpha = c.session_login("alpha").unwrap();
        let pick = |s: &Settings, r: FlowRequest| choose(&alpha, s, r).unwrap();
        let auto = FlowRequest::default();
        assert_eq!(
            pick(&desktop(), auto),
            (Flow::Pkce, "a browser can be opened here".into())
        );
        let no_browser = FlowRequest {
            no_browser: true,
            ..auto
        };
        assert_eq!(
            pick(&desktop(), no_browser),
            (Flow::Device, "--no-browser".into())
        );
        let ssh = Settings {
            ssh: true,
            ..desktop()
        };
        assert_eq!(
            pick(&ssh, auto),
            (Flow::Device, "this is an SSH session".into())
        );
        // An explicit BROWSER means a browser can open, over SSH or without a display too.
        let browser = Settings {
            browser: Some("firefox".into()),
            ..ssh.clone()
        };
        assert_eq!(pick(&browser, auto), (Flow::Pkce, "BROWSER is set".into()));
        assert_eq!(pick(&browser, no_browser).0, Flow::Device);
        let device = FlowRequest {
            flow: Some(Flow::Device),
            ..auto
        };
        assert_eq!(
            pick(&desktop(), device),
            (Flow::Device, "--device-code".into())
        );
        let port = FlowRequest {
            redirect_port: Some(8400),
            ..auto
        };
        assert_eq!(pick(&ssh, port), (Flow::Pkce, "--redirect-port".into()));
        let env = Settings {
            login_flow: Some(" PKCE ".into()),
            ..ssh.clone()
        };
        assert_eq!(
            pick(&env, auto),
            (Flow::Pkce, "SSOX_LOGIN_FLOW=PKCE".into())
        );
        assert_eq!(pick(&env, device).0, Flow::Device, "a flag beats the env");
        let bad = Settings {
            login_flow: Some("browser\u{1b}".into()),
            ..desktop()
        };
        assert_eq!(
            choose(&alpha, &bad, auto).unwrap_err().to_string(),
            "SSOX_LOGIN_FLOW is \"browser\\u{1b}\"; set it to pkce or device, or unset it to \
             choose by whether a browser can open here"
        );
    }

    #[test]
    fn legacy_profiles_keep_the_device_code() {
        let c = cfg(TWO);
        let legacy = c.profile_login(&c.profiles["legacy"]).unwrap();
        let pkce = FlowRequest {
            flow: Some(Flow::Pkce),
            ..FlowRequest::default()
        };
        let env = Settings {
            login_flow: Some("pkce".into()),
            ..desktop()
        };
        for (s, r) in [(desktop(), FlowRequest::default()), (env, pkce)] {
            assert_eq!(choose(&legacy, &s, r).unwrap().0, Flow::Device);
        }
    }
}
