//! The sso-session `ssox configure` writes: its start URL (a bare `my-org` or `d-1234567890`
//! stands for `https://my-org.awsapps.com/start`), its region (checked, and read from the start
//! URL when the host names one), its name (derived from the start URL) and registration scopes;
//! and the edit that puts them in the config text. Pure: must not read or write files, log in or
//! touch the terminal.
//!
//! The rules (docs/compat.md#config-files):
//! - A start URL is an `https://` URL whose host is letters, digits, `-` and `.` (and an optional
//!   `:port`). A word of letters, digits and `-` alone is an `awsapps.com` subdomain; a URL
//!   typed without `https://` gets it; an `awsapps.com` URL without a path gets `/start`. A URL
//!   pasted from the portal's page loses its `#/…` fragment, trailing `/` and surrounding spaces.
//! - The region is known from the start URL when its host names one next to `portal`, as the
//!   regional access portal endpoints do (`ssoins-….eu-west-1.portal.amazonaws.com`,
//!   `….portal.us-east-1.app.aws`); an `awsapps.com` URL does not say.
//! - A session name is letters, digits, `_`, `-` and `.`, not starting with `-` or `.`; the default
//!   is the start URL's first host label (`my-org`).
//! - The profiles' region (`ssox_profile_region`, what `sync` gives new profiles) is written only
//!   when one is given or asked for.
//! - An existing session is updated in place, only the keys whose value changed (scopes compare as
//!   a list: `a,b` is `a, b`); a new one goes at the end of the file.

use super::REGION_KEY;
use crate::config::edit::{ConfigDoc, Placement, SectionId};
use crate::config::{Config, ConfigError};

/// Registration scopes that make tokens refreshable.
pub const DEFAULT_SCOPES: &str = "sso:account:access";

/// The sso-session to write, every value checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSpec {
    pub name: String,
    pub start_url: String,
    pub region: String,
    pub scopes: String,
    /// The region of the profiles `sync` writes (`ssox_profile_region`), when one is to be
    /// remembered.
    pub profile_region: Option<String>,
}

/// A start URL as typed or pasted, made whole (see the module's rules): trimmed, without the
/// portal page's `#/…` fragment or a trailing `/`, the scheme in lowercase; otherwise as typed.
pub fn expand_start_url(input: &str) -> String {
    let input = input.trim();
    let input = input
        .split_once('#')
        .map_or(input, |(url, _)| url)
        .trim_end();
    if let Some((scheme, rest)) = input.split_once("://") {
        let rest = rest.trim_end_matches('/');
        if rest.is_empty() {
            return input.to_string();
        }
        return with_start_path(format!("{}://{rest}", scheme.to_ascii_lowercase()));
    }
    let input = input.trim_end_matches('/');
    let bare = !input.is_empty() && input.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if bare {
        return format!("https://{input}.awsapps.com/start");
    }
    with_start_path(format!("https://{input}"))
}

/// `https://x.awsapps.com` → `https://x.awsapps.com/start`.
fn with_start_path(url: String) -> String {
    let bare_host = url
        .strip_prefix("https://")
        .is_some_and(|rest| !rest.trim_end_matches('/').contains('/'));
    if bare_host && host(&url).is_some_and(|h| h.ends_with(".awsapps.com")) {
        return format!("{}/start", url.trim_end_matches('/'));
    }
    url
}

/// The host of an `https://` URL (without a port), lowercased.
fn host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.split(':').next()?;
    Some(host.to_ascii_lowercase())
}

const URL_EXAMPLE: &str = "e.g. https://my-org.awsapps.com/start, or just my-org";

/// Whether `url` (already expanded) is a start URL ssox can write and log in with.
pub fn check_start_url(url: &str) -> Result<(), String> {
    if url.starts_with("http://") {
        return Err(format!(
            "{url:?} is not an https:// URL; the AWS access portal is only served over https"
        ));
    }
    let Some(rest) = url.strip_prefix("https://") else {
        return Err(format!("{url:?} is not an https:// URL; {URL_EXAMPLE}"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !host_ok || !port_ok {
        return Err(format!("{url:?} has no valid host name; {URL_EXAMPLE}"));
    }
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{url:?} contains {c:?}; a start URL has no spaces or control characters"
        ));
    }
    if url.len() > 1024 {
        return Err("the start URL is longer than 1024 characters".into());
    }
    Ok(())
}

/// Whether `region` looks like an AWS region name: `us-east-1`, `eu-central-2`,
/// `us-gov-west-1`, `cn-northwest-1`.
pub fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    match parts.as_slice() {
        [first, middle @ .., last] if !middle.is_empty() => {
            (2..=4).contains(&first.len())
                && letters(first)
                && middle.iter().all(|p| letters(p))
                && (1..=2).contains(&last.len())
                && last.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

pub fn check_region(region: &str) -> Result<(), String> {
    if is_region(region) {
        Ok(())
    } else {
        Err(format!(
            "{region:?} is not a region name; IAM Identity Center's region looks like us-east-1 or \
             eu-west-1 (the AWS access portal's settings page shows it)"
        ))
    }
}

/// The region the start URL names, when its host names one (see the module's rules).
pub fn region_of(url: &str) -> Option<String> {
    let host = host(url)?;
    let labels: Vec<&str> = host.split('.').collect();
    labels.iter().enumerate().find_map(|(i, label)| {
        let beside_portal =
            labels.get(i + 1) == Some(&"portal") || (i > 0 && labels.get(i - 1) == Some(&"portal"));
        (beside_portal && is_region(label)).then(|| label.to_string())
    })
}

/// The default session name for a start URL: its first host label, made a valid name.
pub fn session_name_of(url: &str) -> Option<String> {
    let host = host(url)?;
    let first = host.split('.').next()?;
    let name: String = first
        .chars()
        .map(|c| if is_name_char(c) { c } else { '-' })
        .collect();
    let name = name.trim_start_matches(['-', '.']).to_string();
    check_session_name(&name).ok().map(|()| name)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

pub fn check_session_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with(['-', '.'])
        && name.chars().all(is_name_char);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{name:?} cannot be a session name: use up to 64 letters, digits, `_`, `-` and `.`, \
             starting with a letter or digit"
        ))
    }
}

/// Registration scopes as a list (as the SDKs read `sso_registration_scopes`).
fn scope_list(scopes: &str) -> Vec<&str> {
    scopes
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

pub fn check_scopes(scopes: &str) -> Result<(), String> {
    let list = scope_list(scopes);
    let bad = |s: &&str| s.chars().any(|c| c.is_whitespace() || c.is_control());
    if list.is_empty() || list.iter().any(bad) {
        return Err(format!(
            "{scopes:?} is not a list of scopes; give them comma-separated, e.g. {DEFAULT_SCOPES}"
        ));
    }
    Ok(())
}

/// The config text with the session written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub text: String,
    /// The section is new.
    pub created: bool,
    /// The keys of an existing section that changed.
    pub changed: Vec<&'static str>,
}

/// Write `spec` into the config `text` (see the module's rules). A text the parser reports
/// problems in is refused, as every edit is.
pub fn write_session(text: &str, path: &str, spec: &SessionSpec) -> Result<Written, ConfigError> {
    let mut doc = ConfigDoc::parse(text, path)?;
    let id = SectionId::session(spec.name.as_str());
    let mut keys = vec![
        ("sso_start_url", spec.start_url.as_str()),
        ("sso_region", spec.region.as_str()),
        ("sso_registration_scopes", spec.scopes.as_str()),
    ];
    if let Some(r) = &spec.profile_region {
        keys.push((REGION_KEY, r.as_str()));
    }
    if !doc.contains(&id) {
        doc.add_section(&id, &keys, &Placement::End)?;
        return Ok(Written {
            text: doc.finish()?,
            created: true,
            changed: Vec::new(),
        });
    }
    let config = Config::parse(text, None, path.to_string(), String::new());
    let old_scopes = config
        .sessions
        .get(&spec.name)
        .and_then(|s| s.get("sso_registration_scopes"));
    let mut changed = Vec::new();
    for (key, value) in keys {
        let same_scopes = key == "sso_registration_scopes"
            && old_scopes.is_some_and(|old| scope_list(old) == scope_list(value));
        if !same_scopes && doc.set_key(&id, key, value)? {
            changed.push(key);
        }
    }
    Ok(Written {
        text: doc.finish()?,
        created: false,
        changed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_urls_are_expanded_and_checked() {
        for (typed, want) in [
            ("my-org", "https://my-org.awsapps.com/start"),
            (" d-1234567890 ", "https://d-1234567890.awsapps.com/start"),
            (
                "my-org.awsapps.com/start",
                "https://my-org.awsapps.com/start",
            ),
            ("my-org.awsapps.com", "https://my-org.awsapps.com/start"),
            (
                "https://my-org.awsapps.com/",
                "https://my-org.awsapps.com/start",
            ),
            (
                "https://my-org.awsapps.com/start/#/",
                "https://my-org.awsapps.com/start",
            ),
            (
                " https://acme.awsapps.com/start#/ \n",
                "https://acme.awsapps.com/start",
            ),
            (
                "https://acme.awsapps.com/start/",
                "https://acme.awsapps.com/start",
            ),
            (
                "HTTPS://acme.awsapps.com/start",
                "https://acme.awsapps.com/start",
            ),
            ("acme.awsapps.com/start//", "https://acme.awsapps.com/start"),
            ("https://", "https://"),
            ("https:///", "https:///"),
            (
                "https://ssoins-1111.eu-west-1.portal.amazonaws.com",
                "https://ssoins-1111.eu-west-1.portal.amazonaws.com",
            ),
            ("http://x.example", "http://x.example"),
        ] {
            assert_eq!(expand_start_url(typed), want, "{typed:?}");
        }
        assert_eq!(check_start_url("https://my-org.awsapps.com/start"), Ok(()));
        assert_eq!(check_start_url("https://127.0.0.1:8080/start"), Ok(()));
        assert_eq!(
            check_start_url("http://x.example").unwrap_err(),
            "\"http://x.example\" is not an https:// URL; the AWS access portal is only served \
             over https"
        );
        assert_eq!(
            check_start_url("ftp://x").unwrap_err(),
            "\"ftp://x\" is not an https:// URL; e.g. https://my-org.awsapps.com/start, or just \
             my-org"
        );
        for bad in [
            "https://",
            "https://a b/start",
            "https://-x.com",
            "https://x:y/",
        ] {
            assert!(check_start_url(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            check_start_url("https://x.com/a b").unwrap_err(),
            "\"https://x.com/a b\" contains ' '; a start URL has no spaces or control characters"
        );
    }

    #[test]
    fn regions_and_the_region_of_a_start_url() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-northwest-1",
            "ap-southeast-5",
            "eusc-de-east-1",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "us_east_1",
            "useast1",
            "us-east-123",
            "x-a-1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
        assert_eq!(
            check_region("eu-west").unwrap_err(),
            "\"eu-west\" is not a region name; IAM Identity Center's region looks like us-east-1 \
             or eu-west-1 (the AWS access portal's settings page shows it)"
        );
        let r = |u: &str| region_of(u);
        assert_eq!(
            r("https://ssoins-1111.eu-west-1.portal.amazonaws.com").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            r("https://ssoins-1111.portal.us-east-2.app.aws/start").as_deref(),
            Some("us-east-2")
        );
        assert_eq!(r("https://my-org.awsapps.com/start"), None);
        assert_eq!(r("https://us-east-1.example.com/start"), None);
    }

    #[test]
    fn session_names() {
        let n = |u: &str| session_name_of(u);
        assert_eq!(
            n("https://my-org.awsapps.com/start").as_deref(),
            Some("my-org")
        );
        assert_eq!(
            n("https://d-1234567890.awsapps.com/start").as_deref(),
            Some("d-1234567890")
        );
        assert_eq!(n("https://127.0.0.1:9/start").as_deref(), Some("127"));
        assert_eq!(check_session_name("corp_sso.2"), Ok(()));
        assert_eq!(
            check_session_name("a b").unwrap_err(),
            "\"a b\" cannot be a session name: use up to 64 letters, digits, `_`, `-` and `.`, \
             starting with a letter or digit"
        );
        assert!(check_session_name("-x").is_err());
        assert!(check_session_name("").is_err());
        assert_eq!(
            check_scopes("sso:account:access, codewhisperer:completions"),
            Ok(())
        );
        assert_eq!(
            check_scopes(" , ").unwrap_err(),
            "\" , \" is not a list of scopes; give them comma-separated, e.g. sso:account:access"
        );
        assert!(check_scopes("a b").is_err());
    }

    fn spec(name: &str, region: &str, scopes: &str) -> SessionSpec {
        SessionSpec {
            name: name.into(),
            start_url: "https://my-org.awsapps.com/start".into(),
            region: region.into(),
            scopes: scopes.into(),
            profile_region: None,
        }
    }

    #[test]
    fn a_new_session_goes_at_the_end() {
        let w = write_session(
            "",
            "~/.aws/config",
            &spec("my-org", "eu-west-1", DEFAULT_SCOPES),
        )
        .unwrap();
        assert_eq!(
            w.text,
            "[sso-session my-org]\nsso_start_url = https://my-org.awsapps.com/start\n\
             sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"
        );
        assert!(w.created);
        let text = "# mine\r\n[profile a]\r\nregion = us-east-1\r\n";
        let w = write_session(text, "~/.aws/config", &spec("x", "eu-west-1", "a")).unwrap();
        assert_eq!(
            w.text,
            "# mine\r\n[profile a]\r\nregion = us-east-1\r\n\r\n[sso-session x]\r\n\
             sso_start_url = https://my-org.awsapps.com/start\r\nsso_region = eu-west-1\r\n\
             sso_registration_scopes = a\r\n"
        );
    }

    #[test]
    fn an_existing_session_changes_only_the_keys_that_differ() {
        let text = "[sso-session my-org]\n  sso_start_url=https://my-org.awsapps.com/start ; x\n\
                    sso_registration_scopes = sso:account:access,b\nsso_region = us-east-1\n\
                    ssox_profile_template = {account_id}_{role_name}\n\n[profile p]\nregion = x\n";
        let same = write_session(
            text,
            "c",
            &spec("my-org", "us-east-1", "sso:account:access, b"),
        )
        .unwrap();
        assert_eq!(same.text, text);
        assert!(!same.created);
        assert!(same.changed.is_empty());
        let moved = write_session(text, "c", &spec("my-org", "eu-west-1", "c")).unwrap();
        assert_eq!(
            moved.text,
            text.replace("us-east-1", "eu-west-1")
                .replace("sso:account:access,b", "c")
        );
        assert_eq!(moved.changed, ["sso_region", "sso_registration_scopes"]);
    }

    #[test]
    fn a_config_with_problems_is_refused() {
        let e = write_session(
            "[profile a]\nregion = x\n[profile a]\nregion = y\n",
            "~/.aws/config",
            &spec("s", "us-east-1", DEFAULT_SCOPES),
        )
        .unwrap_err();
        assert!(e.0.contains("ssox does not rewrite ~/.aws/config"), "{e}");
    }
}
