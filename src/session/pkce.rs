//! The PKCE login (docs/compat.md#pkce) with its terminal side: a fresh verifier, challenge and
//! state; the loopback listener bound before the browser opens; the authorize URL on stderr
//! (and in the browser when one may be opened); a spinner until the browser comes back, the
//! user denies, Ctrl-C, or the time runs out; then the code exchange. The SDK calls are
//! `aws::authcode`'s, the listener `callback`'s. Never writes to stdout.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use base64::Engine;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::aws::authcode::CodeExchange;
use crate::aws::login::{ClientRejected, Oidc};
use crate::browser;
use crate::cache::{human_duration, NewToken, Registration};
use crate::config::LoginTarget;
use crate::settings::Settings;
use crate::ui::{text, Spinner};

use super::callback::{Callback, Outcome};
use super::flow::{Flow, FlowRequest};
use super::registration::{wanted_scopes, with_registration};

/// How long the browser has to come back (the CLI's `AuthCodeFetcher._OVERALL_TIMEOUT`).
const TIMEOUT: Duration = Duration::from_secs(600);
/// How often the listener is polled (and Ctrl-C noticed).
const POLL_EVERY: Duration = Duration::from_millis(50);
/// The verifier's alphabet: RFC 7636's unreserved characters.
const VERIFIER_CHARS: &[u8; 66] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
/// Percent-encode all but RFC 3986's unreserved characters (as botocore's `percent_encode`).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The PKCE login for `login` with a cached or new PKCE client registration; a cached one the
/// server rejects is replaced once. Returns the new token and the registration it belongs to.
pub fn login(
    oidc: &Oidc,
    login: &LoginTarget,
    settings: &Settings,
    request: FlowRequest,
    clock: &dyn Fn() -> OffsetDateTime,
) -> Result<(NewToken, Registration)> {
    let blocker = browser::blocker(settings, request.no_browser);
    let launchers = browser::launchers(settings);
    let timeout = settings.pkce_timeout.unwrap_or(TIMEOUT);
    with_registration(oidc, login, settings, Flow::Pkce, clock, |registration| {
        let secrets = Secrets::new()?;
        // Listening before the browser opens: its answer can never arrive too early.
        let mut callback = Callback::bind(request.redirect_port, secrets.state.clone())?;
        let redirect_uri = callback.redirect_uri();
        crate::verbose!(
            "listening on 127.0.0.1:{} for the browser's answer",
            callback.port()
        );
        let scopes = wanted_scopes(login).unwrap_or_default().join(" ");
        let url = authorize_url(
            &oidc.authorize_base(),
            &registration.client_id,
            &redirect_uri,
            &secrets,
            &scopes,
        );
        prompt(login, &url, blocker, callback.port(), timeout);
        // Opened on a thread: the browser may come back while its launcher still runs.
        let opening = blocker.is_none().then(|| {
            let (launchers, url) = (launchers.clone(), url.clone());
            std::thread::spawn(move || browser::open_with(&launchers, &url))
        });
        let code = match wait(oidc, &mut callback, timeout, opening)? {
            Outcome::Code(code) => code,
            Outcome::Error { error, description } => {
                return Err(browser_error(&error, description.as_deref()))
            }
        };
        drop(callback);
        let exchange = CodeExchange {
            code: &code,
            redirect_uri: &redirect_uri,
            code_verifier: &secrets.verifier,
        };
        oidc.exchange_code(registration, &exchange, clock)
    })
}

/// Say what to approve (the URL once), how long ssox waits, and the way out when no browser
/// can reach this machine.
fn prompt(login: &LoginTarget, url: &str, blocker: Option<&str>, port: u16, timeout: Duration) {
    let label = login.label();
    match blocker {
        None => {
            eprintln!("To log in to {label}, approve the sign-in in the browser that opens now.");
            eprintln!("If none opens, open this URL in a browser on this machine:");
            eprintln!("{url}");
        }
        Some(reason) => {
            eprintln!(
                "To log in to {label}, open this URL in a browser on this machine and approve \
                 the sign-in:"
            );
            eprintln!("{url}");
            eprintln!(
                "Not opening a browser ({reason}). The browser must reach 127.0.0.1:{port} here \
                 (over SSH: forward it with `ssh -L {port}:127.0.0.1:{port}`, and fix the port with \
                 --redirect-port)."
            );
        }
    }
    eprintln!(
        "ssox waits up to {} for the browser (Ctrl-C to stop). When no browser can reach this \
         machine, run `ssox login --device-code` and approve on any device.",
        crate::aws::errors::seconds(timeout)
    );
}

/// Wait for the browser's answer with a spinner showing the time left; a launch that fails
/// meanwhile is said in one line.
fn wait(
    oidc: &Oidc,
    callback: &mut Callback,
    timeout: Duration,
    mut opening: Option<JoinHandle<Result<(), String>>>,
) -> Result<Outcome> {
    let deadline = Instant::now() + timeout;
    let spinner = Spinner::start();
    let outcome = oidc.poll_until(POLL_EVERY, || {
        if let Some(done) = opening.take_if(|h| h.is_finished()) {
            if let Ok(Err(why)) = done.join() {
                spinner.warn(&format!(
                    "cannot open a browser ({why}); open the URL above on this machine"
                ));
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(anyhow!(
                "no answer came back from the browser within {}; run `ssox login` again, or \
                 `ssox login --device-code` to approve on another device",
                human_duration(timeout)
            ));
        }
        spinner.message(format!(
            "waiting for the sign-in in the browser ({} left)",
            human_duration(left)
        ));
        callback.poll()
    });
    spinner.clear();
    outcome
}

/// The error for an OAuth error the browser brought back.
fn browser_error(error: &str, description: Option<&str>) -> anyhow::Error {
    let error = printable(error);
    match error.as_str() {
        "access_denied" => {
            anyhow!("the login was denied in the browser; run `ssox login` again to retry")
        }
        // The authorize page did not know the client: register anew (once) and retry.
        "invalid_client" | "unauthorized_client" => anyhow::Error::new(ClientRejected).context(
            format!("the sign-in page rejected the client registration ({error})"),
        ),
        _ => match description.map(printable).filter(|d| !d.is_empty()) {
            Some(d) => anyhow!("the sign-in in the browser failed: {error}: {d}"),
            None => anyhow!("the sign-in in the browser failed: {error}"),
        },
    }
}

/// Text from the browser made safe for one terminal line: shown escaped
/// ([`text::printable`]), at most 200 cells.
pub(super) fn printable(text: &str) -> String {
    text::truncate(&text::printable(text), 200).into_owned()
}

/// One login's PKCE values (RFC 7636). The verifier is a secret: there is no `Debug`.
pub(super) struct Secrets {
    pub(super) verifier: String,
    pub(super) challenge: String,
    pub(super) state: String,
}

impl Secrets {
    pub(super) fn new() -> Result<Secrets> {
        let verifier = verifier()?;
        Ok(Secrets {
            challenge: challenge(&verifier),
            verifier,
            state: uuid_v4(random::<16>()?),
        })
    }
}

/// Bytes from the OS's CSPRNG.
fn random<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow!("cannot get random bytes from the system ({e})"))?;
    Ok(bytes)
}

/// 64 characters of [`VERIFIER_CHARS`], each equally likely.
fn verifier() -> Result<String> {
    let mut out = String::with_capacity(64);
    while out.len() < 64 {
        for b in random::<64>()? {
            // 198 = 3 × 66: bytes above it are skipped so that no character is favoured.
            if b < 198 && out.len() < 64 {
                if let Some(&c) = VERIFIER_CHARS.get(usize::from(b % 66)) {
                    out.push(char::from(c));
                }
            }
        }
    }
    Ok(out)
}

/// The S256 challenge: base64url of the verifier's SHA-256, without padding.
fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A random (version 4) UUID in its usual spelling, as the CLI's `state`.
fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let part = |r: std::ops::Range<usize>| hex.get(r).unwrap_or_default().to_string();
    format!(
        "{}-{}-{}-{}-{}",
        part(0..8),
        part(8..12),
        part(12..16),
        part(16..20),
        part(20..32)
    )
}

/// The authorize URL, with the query in the CLI's order
/// (`SSOTokenFetcherAuth._get_authorization_uri`).
fn authorize_url(
    base: &str,
    client_id: &str,
    redirect_uri: &str,
    secrets: &Secrets,
    scopes: &str,
) -> String {
    let enc = |v: &str| utf8_percent_encode(v, QUERY_VALUE).to_string();
    format!(
        "{base}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}\
         &code_challenge_method=S256&scopes={}&code_challenge={}",
        enc(client_id),
        enc(redirect_uri),
        enc(&secrets.state),
        enc(scopes),
        secrets.challenge
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_clis() {
        // Python, as `SSOTokenFetcherAuth.__init__` computes it:
        // base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()) without the `=`.
        assert_eq!(
            challenge("Tz8-q.Lm_~0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefghijklmnopq"),
            "jRJ0zromuwHV0WLjKFDMkgK5zXsLr2Ee3RA_tjtWaUY"
        );
    }

    #[test]
    fn secrets_are_fresh_and_well_formed() {
        let a = Secrets::new().unwrap();
        let b = Secrets::new().unwrap();
        assert_ne!(a.verifier, b.verifier);
        assert_ne!(a.state, b.state);
        assert_eq!(a.verifier.len(), 64);
        assert!(a.verifier.bytes().all(|c| VERIFIER_CHARS.contains(&c)));
        assert_eq!(a.challenge, challenge(&a.verifier));
        assert_eq!(a.challenge.len(), 43);
        assert_eq!(a.state.len(), 36);
        assert_eq!(a.state.chars().nth(14), Some('4'));
    }

    #[test]
    fn uuid_spelling() {
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn the_authorize_url_is_the_clis() {
        let s = Secrets {
            verifier: "v".into(),
            challenge: "E9Melhoa2OwvFWhXa5nK4i4b8UYqZl1YlnJcyNN23Yg".into(),
            state: "0b7a4c1e-6f2d-4e8a-9c3b-5d1f2a7e8b90".into(),
        };
        assert_eq!(
            authorize_url(
                "https://oidc.us-east-1.amazonaws.com",
                "cid_-.~+/=",
                "http://127.0.0.1:43210/oauth/callback",
                &s,
                "sso:account:access extra",
            ),
            "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code\
             &client_id=cid_-.~%2B%2F%3D\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A43210%2Foauth%2Fcallback\
             &state=0b7a4c1e-6f2d-4e8a-9c3b-5d1f2a7e8b90&code_challenge_method=S256\
             &scopes=sso%3Aaccount%3Aaccess%20extra\
             &code_challenge=E9Melhoa2OwvFWhXa5nK4i4b8UYqZl1YlnJcyNN23Yg"
        );
    }

    #[test]
    fn browser_errors_read_well_and_are_made_printable() {
        let e = |err: &str, d: Option<&str>| browser_error(err, d).to_string();
        assert_eq!(
            e("access_denied", Some("x")),
            "the login was denied in the browser; run `ssox login` again to retry"
        );
        assert_eq!(
            e("server_error", Some("boom\u{1b}[2J\n")),
            "the sign-in in the browser failed: server_error: boom\\e[2J\\n"
        );
        assert_eq!(
            e("invalid_scope", None),
            "the sign-in in the browser failed: invalid_scope"
        );
        assert!(browser_error("invalid_client", None).is::<ClientRejected>());
        assert_eq!(printable(&"é".repeat(300)).chars().count(), 200);
        assert_eq!(printable(&"東".repeat(300)).chars().count(), 100);
    }
}
