//! `ssox login PROFILE` for an `aws login` profile (docs/compat.md#login-cache): the AWS CLI's
//! `aws login`. Same device: PKCE in the browser back to a loopback listener; `--remote`
//! (cross-device): the URL on stderr and the code the sign-in page shows pasted back. Then
//! CreateOAuth2Token with the authorization code and a DPoP proof of a new P-256 key, and the
//! cache file written as the AWS CLI writes it (atomically, 0600, under the session's lock), and
//! the profile pointed at the session it got (`login_session`, through `config::edit`). Never
//! writes to stdout.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use base64::Engine as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::aws::dpop::DpopKey;
use crate::aws::endpoints::{self, Service};
use crate::aws::errors::Endpoint;
use crate::aws::signin::{self, Refused, TokenRefused};
use crate::cache::login as login_cache;
use crate::cache::{format_timestamp, human_duration};
use crate::config::edit::{ConfigDoc, SectionId};
use crate::config::{Config, Profile};
use crate::settings::Settings;
use crate::ui::{say, Spinner};

use super::callback::{Callback, Outcome};
use super::credentials::FALLBACK_REGION;
use super::lock;
use super::pkce::{printable, Secrets};

/// The AWS CLI's client ids (`awscli.customizations.login.utils.CLIENT_ID`).
const SAME_DEVICE: &str = "arn:aws:signin:::devtools/same-device";
const CROSS_DEVICE: &str = "arn:aws:signin:::devtools/cross-device";
/// How long the browser has (the CLI's `AuthCodeFetcher` timeout).
const TIMEOUT: Duration = Duration::from_secs(600);
const POLL_EVERY: Duration = Duration::from_millis(50);
/// botocore's `percent_encode`: all but RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How to sign in.
pub struct SignIn {
    /// Cross-device: print the URL, read the code back.
    pub remote: bool,
    pub no_browser: bool,
    pub redirect_port: Option<u16>,
}

/// Sign profile `p` in, as `aws login --profile P` does, and say so on stderr.
pub fn sign_in(config: &Config, p: &Profile, settings: &Settings, how: &SignIn) -> Result<()> {
    // The AWS CLI asks for a region when the profile has none, and saves it.
    let asked = match p.region() {
        Some(_) => None,
        None => Some(ask_region()?),
    };
    let region = p.region().or(asked.as_deref()).unwrap_or(FALLBACK_REGION);
    let overridden = endpoints::resolve(
        &settings.endpoints,
        Some(config),
        Some(&p.name),
        Service::Signin,
    );
    let endpoint = Endpoint::new(overridden, signin::default_endpoint(region));
    let base = endpoint.url.trim_end_matches('/').to_string();
    let key = DpopKey::generate()?;
    let secrets = Secrets::new()?;
    let timeout = settings.pkce_timeout.unwrap_or(TIMEOUT);
    let (client_id, redirect_uri, code) = if how.remote {
        let redirect_uri = format!("{base}/v1/sessions/confirmation");
        let url = authorize_url(&base, CROSS_DEVICE, &redirect_uri, &secrets);
        say(&format!(
            "To sign in profile {}, open this URL in a browser on any device, sign in to the AWS \
             console, and paste the authorization code it shows:",
            p.name
        ));
        say(&url);
        let pasted = crate::ui::prompt_text("Authorization code", None, |v| {
            if v.trim().is_empty() {
                Err("paste the code the sign-in page shows".into())
            } else {
                Ok(())
            }
        })
        .map_err(|e| {
            if e.is::<crate::NoTerminal>() {
                anyhow!("--remote needs a terminal to paste the authorization code on")
            } else {
                e
            }
        })?;
        let code = parse_verification_code(pasted.trim(), &secrets.state)?;
        (CROSS_DEVICE, redirect_uri, code)
    } else {
        let mut callback = Callback::bind(how.redirect_port, secrets.state.clone())?;
        let redirect_uri = callback.redirect_uri();
        let url = authorize_url(&base, SAME_DEVICE, &redirect_uri, &secrets);
        let blocker = crate::browser::blocker(settings, how.no_browser);
        match blocker {
            None => {
                say(&format!(
                    "To sign in profile {}, sign in to the AWS console in the browser that opens \
                     now. If none opens, open this URL in a browser on this machine (or run `ssox \
                     login {} --remote`):",
                    p.name, p.name
                ));
                say(&url);
            }
            Some(reason) => {
                say(&format!(
                    "To sign in profile {}, open this URL in a browser on this machine:",
                    p.name
                ));
                say(&url);
                say(&format!(
                    "Not opening a browser ({reason}). The browser must reach 127.0.0.1:{} here; \
                     or run `ssox login {} --remote` to sign in on any device.",
                    callback.port(),
                    p.name
                ));
            }
        }
        // Opened on a thread: the browser may come back while its launcher still runs.
        let opening = blocker.is_none().then(|| {
            let (launchers, url) = (crate::browser::launchers(settings), url.clone());
            std::thread::spawn(move || crate::browser::open_with(&launchers, &url))
        });
        let code = wait(&mut callback, timeout, opening)?;
        (SAME_DEVICE, redirect_uri, code)
    };
    let body = json!({
        "clientId": client_id,
        "grantType": "authorization_code",
        "code": code,
        "codeVerifier": secrets.verifier,
        "redirectUri": redirect_uri,
    });
    let deadline = Instant::now() + crate::aws::timeouts().command;
    let issued = OffsetDateTime::now_utc();
    let out = signin::create_token(&endpoint, &body, &key, deadline).map_err(|e| refused(p, e))?;
    let token = cache_entry(&out, client_id, &key, issued).ok_or_else(|| {
        anyhow!(
            "the sign-in service's answer lacks credentials; run `ssox login {}` again",
            p.name
        )
    })?;
    let file = login_cache::login_file_name(&token.session);
    let path = settings.login_cache_dir().join(&file);
    let _lock = lock::login(settings, &file, deadline)?;
    crate::fsutil::write_private(&path, token.json.as_bytes())?;
    let mut keys = Vec::new();
    if p.get("login_session") != Some(token.session.as_str()) {
        // The AWS CLI asks first; the user named this profile to sign in, so ssox updates it
        // and says so.
        keys.push(("login_session", token.session.as_str()));
    }
    if let Some(r) = &asked {
        keys.push(("region", r.as_str()));
    }
    if !keys.is_empty() {
        update_profile(settings, &p.name, &keys)?;
    }
    say(&format!(
        "signed in profile {} as {} (account {}): credentials cached in {}, valid for {} and \
         refreshed on use",
        p.name,
        token.session,
        token.account_id,
        settings.display_path(&path),
        human_duration((token.expires_at - OffsetDateTime::now_utc()).unsigned_abs())
    ));
    Ok(())
}

/// Set `keys` in profile `name` in the config file (under ssox's config lock, only while the
/// file still holds what was read), saying what changed.
fn update_profile(settings: &Settings, name: &str, keys: &[(&str, &str)]) -> Result<()> {
    let file = crate::sync::file::ConfigFile::lock(settings)?;
    let text = file.text()?;
    let mut doc = ConfigDoc::parse(text, &file.shown)?;
    let mut changed = Vec::new();
    for (key, value) in keys {
        if doc.set_key(&SectionId::profile(name), key, value)? {
            changed.push(format!("{key} = {value}"));
        }
    }
    if !changed.is_empty() {
        file.write(&doc.finish()?)?;
        say(&format!(
            "profile {name} now has {} (updated in {})",
            changed.join(", "),
            file.shown
        ));
    }
    Ok(())
}

/// The region of a profile that has none, as `aws login` asks for it (default us-east-1, also
/// taken without a terminal).
fn ask_region() -> Result<String> {
    let answer = crate::ui::prompt_text(
        "AWS region of the profile (the sign-in's and the AWS tools' default)",
        Some(FALLBACK_REGION),
        |v| crate::switch::check_region(v).map_err(|e| e.to_string()),
    );
    match answer {
        Ok(r) => Ok(r),
        Err(e) if e.is::<crate::NoTerminal>() => Ok(FALLBACK_REGION.to_string()),
        Err(e) => Err(e),
    }
}

/// A cache entry ready to write.
struct Entry {
    session: String,
    account_id: String,
    expires_at: OffsetDateTime,
    json: String,
}

/// The cache file for a token answer, key for key as the AWS CLI writes it
/// (`BaseLoginTokenFetcher._exchange_auth_code_for_access_token`, saved by `JSONFileCache`).
fn cache_entry(
    out: &Value,
    client_id: &str,
    key: &DpopKey,
    issued: OffsetDateTime,
) -> Option<Entry> {
    fn text<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
        v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty())
    }
    let access = out.get("accessToken")?;
    let id_token = text(out, "idToken")?;
    let session = signin::id_token_subject(id_token).ok()?;
    let account_id = login_cache::session_account(&session)?.to_string();
    let expires_at =
        issued.checked_add(time::Duration::seconds(out.get("expiresIn")?.as_i64()?))?;
    let entry = json!({
        "accessToken": {
            "accessKeyId": text(access, "accessKeyId")?,
            "secretAccessKey": text(access, "secretAccessKey")?,
            "sessionToken": text(access, "sessionToken")?,
            "accountId": account_id,
            "expiresAt": format_timestamp(expires_at),
        },
        "tokenType": text(out, "tokenType")?,
        "clientId": client_id,
        "refreshToken": text(out, "refreshToken")?,
        "idToken": id_token,
        "dpopKey": key.to_pem().ok()?,
    });
    Some(Entry {
        json: crate::cache::py_json(&entry),
        session,
        account_id,
        expires_at,
    })
}

/// The authorize URL, the query in the CLI's order (`_get_authorization_uri`).
fn authorize_url(base: &str, client_id: &str, redirect_uri: &str, secrets: &Secrets) -> String {
    let enc = |v: &str| utf8_percent_encode(v, QUERY_VALUE).to_string();
    format!(
        "{base}/v1/authorize?response_type=code&client_id={}&state={}\
         &code_challenge_method=SHA-256&scope=openid&redirect_uri={}&code_challenge={}",
        enc(client_id),
        enc(&secrets.state),
        enc(redirect_uri),
        secrets.challenge
    )
}

/// The code a cross-device sign-in page shows: base64 of `state=…&code=…`.
fn parse_verification_code(pasted: &str, state: &str) -> Result<String> {
    let bad = || {
        anyhow!("that is not the authorization code the sign-in page shows; run `ssox login --remote` again")
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pasted.as_bytes())
        .map_err(|_| bad())?;
    let query = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut code = None;
    let mut got_state = None;
    for (k, v) in url_pairs(&query) {
        match k.as_str() {
            "code" => code = Some(v),
            "state" => got_state = Some(v),
            _ => {}
        }
    }
    let (Some(code), Some(got)) = (code, got_state) else {
        return Err(bad());
    };
    if got != state {
        bail!("the authorization code is from another sign-in (its state does not match); run `ssox login --remote` again");
    }
    Ok(code)
}

/// `k=v&k=v`, percent-decoded.
fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let dec = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (dec(k), dec(v))
        })
        .collect()
}

/// Wait for the browser to come back to the listener (saying so if the browser could not be
/// opened).
fn wait(
    callback: &mut Callback,
    timeout: Duration,
    mut opening: Option<std::thread::JoinHandle<Result<(), String>>>,
) -> Result<String> {
    let deadline = Instant::now() + timeout;
    let spinner = Spinner::start();
    let outcome = signin::poll_until(POLL_EVERY, || {
        if let Some(done) = opening.take_if(|h| h.is_finished()) {
            if let Ok(Err(why)) = done.join() {
                spinner.warn(&format!(
                    "cannot open a browser ({why}); open the URL above on this machine"
                ));
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            bail!(
                "no answer came back from the browser within {}; run `ssox login` again (or with \
                 --remote to sign in on another device)",
                human_duration(timeout)
            );
        }
        spinner.message(format!(
            "waiting for the sign-in in the browser ({} left)",
            human_duration(left)
        ));
        callback.poll()
    });
    spinner.clear();
    match outcome? {
        Outcome::Code(code) => Ok(code),
        Outcome::Error { error, description } => {
            let error = printable(&error);
            if error == "access_denied" {
                bail!("the sign-in was denied in the browser; run `ssox login` again to retry");
            }
            match description.map(|d| printable(&d)).filter(|d| !d.is_empty()) {
                Some(d) => bail!("the sign-in in the browser failed: {error}: {d}"),
                None => bail!("the sign-in in the browser failed: {error}"),
            }
        }
    }
}

/// A refused code exchange, worded.
fn refused(p: &Profile, e: anyhow::Error) -> anyhow::Error {
    let Some(r) = e.downcast_ref::<TokenRefused>() else {
        return e.context(format!("cannot sign in profile {:?}", p.name));
    };
    let why = match r.why {
        Refused::CodeExpired => "the authorization code expired (the sign-in took too long)",
        Refused::Permissions => "the signed-in identity lacks the permission to sign in the CLI",
        Refused::Expired | Refused::CredentialsChanged => "the sign-in service refused the code",
    };
    anyhow!(
        "cannot sign in profile {:?}: {why} ({}); run `ssox login {}` again",
        p.name,
        r.error,
        p.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorize_url_is_the_clis() {
        let s = Secrets {
            verifier: "v".into(),
            challenge: "ch".into(),
            state: "s-1".into(),
        };
        assert_eq!(
            authorize_url(
                "https://us-east-1.signin.aws.amazon.com",
                SAME_DEVICE,
                "http://127.0.0.1:5/oauth/callback",
                &s
            ),
            "https://us-east-1.signin.aws.amazon.com/v1/authorize?response_type=code\
             &client_id=arn%3Aaws%3Asignin%3A%3A%3Adevtools%2Fsame-device&state=s-1\
             &code_challenge_method=SHA-256&scope=openid\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A5%2Foauth%2Fcallback&code_challenge=ch"
        );
    }

    #[test]
    fn the_pasted_code_carries_the_state() {
        let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        assert_eq!(
            parse_verification_code(&enc("state=s-1&code=abc%2B1"), "s-1").unwrap(),
            "abc+1"
        );
        assert!(parse_verification_code(&enc("state=other&code=abc"), "s-1")
            .unwrap_err()
            .to_string()
            .contains("another sign-in"));
        assert!(parse_verification_code("not base64!", "s-1").is_err());
        assert!(parse_verification_code(&enc("code=abc"), "s-1").is_err());
    }
}
