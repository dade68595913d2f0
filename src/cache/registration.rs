//! The AWS CLI v2's client-registration file in `~/.aws/sso/cache`
//! (docs/compat.md#registration-cache): its name, reading it back and writing it as the CLI does
//! (a PKCE registration with its `grantTypes`). Must not touch the network or the terminal.

use std::path::Path;

use anyhow::Result;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::json::{field, field_str, format_timestamp, py_json, py_json_str, timestamp};
use super::{cache_file_name, load_object, warn_unusable, CachedToken, Unusable, MIN_VALIDITY};
use crate::fsutil;

/// A client registration (RegisterClient's answer), as the token file and the CLI's registration
/// file keep it. Holds a secret: there is no `Debug`.
#[derive(Clone)]
pub struct Registration {
    pub client_id: String,
    client_secret: String,
    pub expires_at: OffsetDateTime,
    /// The scopes registered with; `None` when none were sent.
    pub scopes: Option<Vec<String>>,
    /// The grant types registered with; `None` for a device-code registration, which sends none.
    pub grant_types: Option<Vec<String>>,
}

impl Registration {
    pub fn new(
        client_id: String,
        client_secret: String,
        expires_at: OffsetDateTime,
        scopes: Option<Vec<String>>,
    ) -> Registration {
        Registration {
            client_id,
            client_secret,
            expires_at,
            scopes,
            grant_types: None,
        }
    }

    /// The same registration, registered with these grant types (a PKCE client).
    pub fn with_grant_types(mut self, grant_types: Vec<String>) -> Registration {
        self.grant_types = Some(grant_types);
        self
    }

    /// A registration for the authorization-code flow (PKCE), as the CLI tells them apart
    /// (`BaseSSOTokenFetcher._is_registration_for_auth_code`): `grantTypes` has
    /// `authorization_code`. Anything else is a device-code registration.
    pub fn is_for_auth_code(&self) -> bool {
        self.grant_types
            .as_ref()
            .is_some_and(|g| g.iter().any(|t| t == "authorization_code"))
    }

    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// Still usable for a login started at `now` (at least [`MIN_VALIDITY`] left).
    pub fn usable(&self, now: OffsetDateTime) -> bool {
        self.expires_at - now >= MIN_VALIDITY
    }

    /// The registration a cached token was obtained with, if the file has one.
    pub fn of_token(token: &CachedToken) -> Option<Registration> {
        Some(Registration {
            client_id: token.client_id()?.to_string(),
            client_secret: token.client_secret()?.to_string(),
            expires_at: token.registration_expires_at?,
            scopes: None,
            grant_types: None,
        })
    }
}

/// The AWS CLI v2's client-registration cache file name: the sha1 of Python's
/// `json.dumps({...}, sort_keys=True)` of region, scopes, session name, start URL and tool.
pub fn registration_file_name(
    region: &str,
    scopes: Option<&[String]>,
    session_name: Option<&str>,
    start_url: &str,
) -> String {
    let scopes = match scopes {
        Some(list) => {
            let items: Vec<String> = list.iter().map(|s| py_json_str(s)).collect();
            format!("[{}]", items.join(", "))
        }
        None => "null".to_string(),
    };
    let session = session_name.map_or("null".to_string(), py_json_str);
    cache_file_name(&format!(
        "{{\"region\": {}, \"scopes\": {scopes}, \"session_name\": {session}, \"startUrl\": {}, \"tool\": \"botocore\"}}",
        py_json_str(region),
        py_json_str(start_url)
    ))
}

/// A JSON array of strings (other items skipped), or `None` when the key is absent or not an array.
fn strings(obj: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
    field(obj, key).and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    })
}

/// The registration in a registration file's JSON object, of either flow (the caller checks
/// [`Registration::is_for_auth_code`]).
fn from_object(obj: &Map<String, Value>) -> Result<Registration, Unusable> {
    Ok(Registration {
        client_id: field_str(obj, "clientId").ok_or(Unusable::Missing("clientId"))?,
        client_secret: field_str(obj, "clientSecret").ok_or(Unusable::Missing("clientSecret"))?,
        expires_at: timestamp(field(obj, "expiresAt"), "expiresAt")?
            .ok_or(Unusable::Missing("expiresAt"))?,
        scopes: strings(obj, "scopes"),
        grant_types: strings(obj, "grantTypes"),
    })
}

/// Parse a registration file's text; the error says why it is not a usable registration.
pub fn parse_registration(text: &str) -> Result<Registration, Unusable> {
    from_object(&super::parse_object(text)?)
}

/// Read the CLI's registration file. `None` when missing or unusable (then with a warning naming
/// the file: the login registers a new client and overwrites it).
pub fn read_registration(path: &Path) -> Option<Registration> {
    load_object(path)
        .and_then(|obj| obj.as_ref().map(from_object).transpose())
        .map_err(|e| warn_unusable(path, &e, "ssox registers a new client"))
        .ok()?
}

/// The registration file's JSON text as the CLI writes it: `{clientId, clientSecret, expiresAt,
/// scopes?}` for the device flow, with `grantTypes` after `scopes` for PKCE.
pub fn registration_json(registration: &Registration) -> String {
    let mut out = Map::new();
    out.insert("clientId".into(), registration.client_id.as_str().into());
    out.insert(
        "clientSecret".into(),
        registration.client_secret.as_str().into(),
    );
    out.insert(
        "expiresAt".into(),
        format_timestamp(registration.expires_at).into(),
    );
    if let Some(scopes) = &registration.scopes {
        out.insert(
            "scopes".into(),
            Value::Array(scopes.iter().map(|s| s.as_str().into()).collect()),
        );
    }
    if let Some(grants) = &registration.grant_types {
        out.insert(
            "grantTypes".into(),
            Value::Array(grants.iter().map(|s| s.as_str().into()).collect()),
        );
    }
    py_json(&Value::Object(out))
}

pub fn write_registration(path: &Path, registration: &Registration) -> Result<()> {
    fsutil::write_private(path, registration_json(registration).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::tests::reg;
    use time::macros::datetime;

    #[test]
    fn cli_cache_names_match_the_reference() {
        let scopes = vec!["sso:account:access".to_string()];
        assert_eq!(
            registration_file_name(
                "us-east-1",
                Some(&scopes),
                Some("my-sso"),
                "https://d-123.awsapps.com/start"
            ),
            "41703fba9789c2c8f9b7faa73b70bebb72c62cc9.json"
        );
        assert_eq!(
            registration_file_name("us-east-1", None, None, "https://d-456.awsapps.com/start"),
            "ae6191c86313b161410131b5dbec6619935e2605.json"
        );
        // Non-ASCII and quotes are escaped as Python does.
        assert_eq!(
            registration_file_name("us-east-1", None, Some("s\u{fc}"), "https://x/\"q"),
            "bb3a2bbc2b0aa41afe7e930b552dc1759bd062a0.json"
        );
    }

    #[test]
    fn registration_file_round_trip_for_both_flows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        write_registration(&path, &reg("cid")).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"clientId\": \"cid\", \"clientSecret\": \"sec\", \"expiresAt\": \"2027-02-21T10:00:00Z\", \"scopes\": [\"sso:account:access\"]}"
        );
        let r = read_registration(&path).unwrap();
        assert_eq!(r.client_id, "cid");
        assert_eq!(r.client_secret(), "sec");
        assert_eq!(r.scopes, Some(vec!["sso:account:access".to_string()]));
        assert!(r.usable(datetime!(2027-02-21 09:44:00 UTC)));
        assert!(!r.usable(datetime!(2027-02-21 09:46:00 UTC)));
        assert!(!r.is_for_auth_code());

        // A PKCE registration, as the CLI v2 writes it: `grantTypes` after `scopes`.
        let pkce =
            reg("p").with_grant_types(vec!["authorization_code".into(), "refresh_token".into()]);
        write_registration(&path, &pkce).unwrap();
        let text = "{\"clientId\": \"p\", \"clientSecret\": \"sec\", \"expiresAt\": \"2027-02-21T10:00:00Z\", \"scopes\": [\"sso:account:access\"], \"grantTypes\": [\"authorization_code\", \"refresh_token\"]}";
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        let r = read_registration(&path).unwrap();
        assert!(r.is_for_auth_code());
        assert_eq!(registration_json(&r), text);
        // Only `authorization_code` makes it a PKCE registration.
        std::fs::write(
            &path,
            r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "2027-02-21T10:00:00Z", "grantTypes": ["refresh_token", 7]}"#,
        )
        .unwrap();
        let r = read_registration(&path).unwrap();
        assert!(!r.is_for_auth_code());
        assert_eq!(r.grant_types, Some(vec!["refresh_token".to_string()]));
    }

    #[test]
    fn a_registration_with_a_bad_expiry_is_unusable_and_says_why() {
        let why = |text: &str| {
            let obj: Map<String, Value> = serde_json::from_str(text).unwrap();
            from_object(&obj).err().unwrap().to_string()
        };
        assert_eq!(
            why(r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "aaaaaa€€"}"#),
            "expiresAt is not a valid timestamp"
        );
        assert_eq!(
            why(
                r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "9999-12-31T23:59:59-23:59"}"#
            ),
            "expiresAt is not a valid timestamp"
        );
        assert_eq!(
            why(r#"{"clientId": "c", "expiresAt": "2027-02-21T10:00:00Z"}"#),
            "it has no clientSecret"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(
            &path,
            r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "€aaaaa"}"#,
        )
        .unwrap();
        assert!(read_registration(&path).is_none());
        // Year 9999 is far, not broken.
        std::fs::write(
            &path,
            r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "9999-12-31T23:59:59Z"}"#,
        )
        .unwrap();
        let r = read_registration(&path).unwrap();
        assert!(r.usable(datetime!(-9999-01-01 00:00:00 UTC)));
        assert!(!r.usable(datetime!(9999-12-31 23:59:59 UTC)));
    }
}
