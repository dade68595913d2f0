//! One request of `ssox serve` answered: the `Host` checked first (421 unless it names the
//! server's address, see `host`), then the bearer token (401, nothing more said), then the method
//! (GET), the route (`/` for the default profile, `/profiles/NAME`) and the server's scope (404
//! for a profile it does not serve, never looked up), then the profile's credentials as the container credential provider's JSON (botocore's
//! `ContainerProvider` reads `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` and
//! `AccountId`), or the failure's status with a one-line JSON message. Also the request's log
//! line: time, status, profile and a short detail, never a secret.

use serde_json::json;
use time::OffsetDateTime;

use std::net::SocketAddr;

use super::http::{Request, Response};
use super::provider::{Failure, Provider};
use super::token::Token;
use super::{host, Scope};
use crate::cache::format_timestamp;

/// What a request is answered with.
pub struct Ctx<'a> {
    pub token: &'a Token,
    /// The profiles served, and the one `/` serves.
    pub scope: &'a Scope,
    pub provider: &'a Provider,
}

/// A request's answer and what its log line says about it.
pub struct Outcome {
    pub response: Response,
    /// The profile asked for, once the request got that far.
    pub profile: Option<String>,
    pub detail: String,
}

impl Outcome {
    /// The answer to a refused request.
    pub(super) fn failed(profile: Option<String>, f: Failure) -> Outcome {
        let body = json!({"code": f.code, "message": f.message}).to_string();
        Outcome {
            response: Response {
                status: f.status,
                body,
            },
            profile,
            detail: f.message,
        }
    }
}

/// Why `req`, which came in at `local` (the server's end of its connection), gets no
/// credentials whatever it asks for: a `Host` that is not the server's address (421), or a
/// missing or wrong token (401). `None`: it may ask.
pub fn refusal(req: &Request, token: &Token, local: SocketAddr) -> Option<Outcome> {
    if !req.host.as_deref().is_some_and(|h| host::allowed(h, local)) {
        let f = Failure::new(
            421,
            "MisdirectedRequest",
            "the Host header does not name this server's address",
        );
        return Some(Outcome::failed(None, f));
    }
    let authorized = req
        .authorization
        .as_deref()
        .is_some_and(|a| token.matches(a));
    if !authorized {
        let f = Failure::new(401, "Unauthorized", "missing or wrong Authorization header");
        return Some(Outcome::failed(None, f));
    }
    None
}

/// The answer at `now` to `req`, which came in at `local`.
pub fn answer(req: &Request, ctx: &Ctx, local: SocketAddr, now: OffsetDateTime) -> Outcome {
    if let Some(refused) = refusal(req, ctx.token, local) {
        return refused;
    }
    if req.method != "GET" {
        let f = Failure::new(405, "MethodNotAllowed", "only GET is served");
        return Outcome::failed(None, f);
    }
    let profile = match route(&req.path) {
        Some(Route::Default) => match ctx.scope {
            Scope::Only(p) | Scope::Any { default: Some(p) } => p.clone(),
            Scope::Any { default: None } => {
                let f = Failure::new(
                    404,
                    "NotFound",
                    "no default profile (start ssox serve with --profile); ask for /profiles/NAME",
                );
                return Outcome::failed(None, f);
            }
        },
        Some(Route::Profile(p)) => match ctx.scope {
            Scope::Only(only) if *only != p => {
                let f = Failure::new(
                    404,
                    "ProfileNotServed",
                    format!("this server serves only the profile {}", shown(only)),
                );
                return Outcome::failed(Some(p), f);
            }
            _ => p,
        },
        None => {
            let f = Failure::new(404, "NotFound", "no such path; ask for /profiles/NAME");
            return Outcome::failed(None, f);
        }
    };
    match ctx.provider.get(&profile, now) {
        Ok(c) => {
            let expiration = c.expiration_string();
            let mut body = json!({
                "AccessKeyId": c.access_key_id,
                "SecretAccessKey": c.secret_access_key(),
                "Token": c.session_token(),
                "Expiration": expiration,
            });
            if !c.account_id.is_empty() {
                body["AccountId"] = json!(c.account_id);
            }
            Outcome {
                response: Response {
                    status: 200,
                    body: body.to_string(),
                },
                profile: Some(profile),
                detail: format!("until {expiration}"),
            }
        }
        Err(f) => Outcome::failed(Some(profile), f),
    }
}

enum Route {
    /// `/`
    Default,
    /// `/profiles/NAME`, decoded
    Profile(String),
}

/// What a request path asks for; `None` for anything else (a query string is already gone).
fn route(path: &str) -> Option<Route> {
    if path == "/" {
        return Some(Route::Default);
    }
    let name = path.strip_prefix("/profiles/")?;
    let name = percent_encoding::percent_decode_str(name)
        .decode_utf8()
        .ok()?;
    (!name.is_empty()).then(|| Route::Profile(name.into_owned()))
}

/// The log line of one answered request:
/// `2026-01-01T12:00:00Z 200 blog_admin until 2026-01-01T13:00:00Z`, `-` for no profile.
pub fn log_line(now: OffsetDateTime, o: &Outcome) -> String {
    format!(
        "{} {} {} {}",
        format_timestamp(now),
        o.response.status,
        o.profile.as_deref().map_or_else(|| "-".to_string(), shown),
        o.detail
    )
}

/// A profile name as the log shows it: bare when it is a plain word, else quoted with its
/// control characters escaped; at most 64 characters either way.
fn shown(name: &str) -> String {
    let short: String = name.chars().take(64).collect();
    let plain = !short.is_empty()
        && short
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.@+=,:/".contains(c));
    if plain {
        short
    } else {
        format!("{short:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::role::RoleCredentials;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-01-01 12:00:00 UTC);
    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    fn provider() -> Provider {
        Provider::new(Box::new(|name| match name {
            "blog admin" | "dev" => Ok(RoleCredentials::new(
                "ASIAKEY".into(),
                "sec/ret".into(),
                "tok+en".into(),
                datetime!(2026-01-01 13:00:00 UTC),
                if name == "dev" { "" } else { "111111111111" }.into(),
            )),
            "stale" => Err(Failure::new(
                503,
                "LoginRequired",
                "sso-session \"s\" expired 5m ago; run: ssox login",
            )),
            other => Err(Failure::not_found(format!(
                "profile {other:?} not found in ~/.aws/config"
            ))),
        }))
    }

    fn ask(method: &str, path: &str, auth: Option<&str>, default: Option<&str>) -> Outcome {
        let scope = Scope::Any {
            default: default.map(str::to_string),
        };
        ask_in(&scope, Some("127.0.0.1:9911"), method, path, auth)
    }

    fn ask_in(
        scope: &Scope,
        host: Option<&str>,
        method: &str,
        path: &str,
        auth: Option<&str>,
    ) -> Outcome {
        let token = Token::parse(TOKEN.as_bytes(), "t").unwrap();
        let provider = provider();
        let ctx = Ctx {
            token: &token,
            scope,
            provider: &provider,
        };
        let req = Request {
            method: method.into(),
            path: path.into(),
            authorization: auth.map(|a| a.as_bytes().to_vec()),
            host: host.map(|h| h.as_bytes().to_vec()),
        };
        answer(&req, &ctx, "127.0.0.1:9911".parse().unwrap(), NOW)
    }

    fn line(o: &Outcome) -> (u16, &str, String) {
        (
            o.response.status,
            o.response.body.as_str(),
            log_line(NOW, o),
        )
    }

    #[test]
    fn credentials_in_the_container_providers_shape() {
        let o = ask("GET", "/profiles/blog%20admin", Some(TOKEN), None);
        assert_eq!(
            line(&o),
            (
                200,
                r#"{"AccessKeyId":"ASIAKEY","SecretAccessKey":"sec/ret","Token":"tok+en","Expiration":"2026-01-01T13:00:00Z","AccountId":"111111111111"}"#,
                "2026-01-01T12:00:00Z 200 \"blog admin\" until 2026-01-01T13:00:00Z".into()
            )
        );
        let o = ask("GET", "/", Some(TOKEN), Some("dev"));
        assert_eq!(
            line(&o),
            (
                200,
                r#"{"AccessKeyId":"ASIAKEY","SecretAccessKey":"sec/ret","Token":"tok+en","Expiration":"2026-01-01T13:00:00Z"}"#,
                "2026-01-01T12:00:00Z 200 dev until 2026-01-01T13:00:00Z".into()
            )
        );
    }

    #[test]
    fn the_token_is_checked_before_anything_else() {
        let unauthorized = (
            401,
            r#"{"code":"Unauthorized","message":"missing or wrong Authorization header"}"#,
            "2026-01-01T12:00:00Z 401 - missing or wrong Authorization header".to_string(),
        );
        for auth in [None, Some(""), Some("Bearer x"), Some(&TOKEN[1..])] {
            for path in ["/profiles/dev", "/nowhere"] {
                assert_eq!(line(&ask("GET", path, auth, Some("dev"))), unauthorized);
            }
            assert_eq!(line(&ask("POST", "/", auth, None)), unauthorized);
        }
    }

    #[test]
    fn the_host_is_checked_before_the_token() {
        let any = Scope::Any { default: None };
        let misdirected = (
            421,
            r#"{"code":"MisdirectedRequest","message":"the Host header does not name this server's address"}"#,
            "2026-01-01T12:00:00Z 421 - the Host header does not name this server's address"
                .to_string(),
        );
        for host in [None, Some("evil.example:9911"), Some("127.0.0.1:80")] {
            for auth in [Some(TOKEN), None] {
                let o = ask_in(&any, host, "GET", "/profiles/dev", auth);
                assert_eq!(line(&o), misdirected, "{host:?}");
            }
        }
        assert_eq!(
            ask_in(
                &any,
                Some("localhost:9911"),
                "GET",
                "/profiles/dev",
                Some(TOKEN)
            )
            .response
            .status,
            200
        );
    }

    #[test]
    fn a_server_for_one_profile_serves_no_other() {
        let only = Scope::Only("dev".into());
        let get = |path: &str| ask_in(&only, Some("127.0.0.1:9911"), "GET", path, Some(TOKEN));
        assert_eq!(get("/").response.status, 200);
        assert_eq!(get("/profiles/dev").response.status, 200);
        for (path, name) in [
            ("/profiles/blog%20admin", "\"blog admin\""),
            ("/profiles/nope", "nope"),
        ] {
            assert_eq!(
                line(&get(path)),
                (
                    404,
                    r#"{"code":"ProfileNotServed","message":"this server serves only the profile dev"}"#,
                    format!(
                        "2026-01-01T12:00:00Z 404 {name} this server serves only the profile dev"
                    )
                )
            );
        }
    }

    #[test]
    fn failures_answer_one_line_of_json() {
        assert_eq!(
            line(&ask("GET", "/profiles/nope", Some(TOKEN), None)),
            (
                404,
                r#"{"code":"ProfileNotFound","message":"profile \"nope\" not found in ~/.aws/config"}"#,
                "2026-01-01T12:00:00Z 404 nope profile \"nope\" not found in ~/.aws/config".into()
            )
        );
        assert_eq!(
            line(&ask("GET", "/profiles/stale", Some(TOKEN), None)),
            (
                503,
                r#"{"code":"LoginRequired","message":"sso-session \"s\" expired 5m ago; run: ssox login"}"#,
                "2026-01-01T12:00:00Z 503 stale sso-session \"s\" expired 5m ago; run: ssox login"
                    .into()
            )
        );
        let status = |m: &str, p: &str, d| ask(m, p, Some(TOKEN), d).response.status;
        assert_eq!(status("GET", "/", None), 404);
        assert_eq!(status("GET", "/profiles/", Some("dev")), 404);
        assert_eq!(status("GET", "/profiles/%ff", Some("dev")), 404);
        assert_eq!(status("GET", "/latest/meta-data/", Some("dev")), 404);
        assert_eq!(status("PUT", "/", Some("dev")), 405);
    }

    #[test]
    fn odd_profile_names_are_quoted_in_the_log() {
        assert_eq!(shown("blog_admin"), "blog_admin");
        assert_eq!(shown("a\u{1b}[31mb"), "\"a\\u{1b}[31mb\"");
        assert_eq!(shown(&"x".repeat(100)), "x".repeat(64));
    }
}
