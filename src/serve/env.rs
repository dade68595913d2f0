//! The environment that points an AWS SDK at `ssox serve`: `AWS_CONTAINER_CREDENTIALS_FULL_URI`
//! and `AWS_CONTAINER_AUTHORIZATION_TOKEN` (botocore's `ContainerProvider`, and every SDK's
//! container credential provider), the profile's region when it has one, and every variable
//! that would win over the container provider removed: static keys and profiles come earlier in
//! the SDKs' chains, and `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` and
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` are read before the two set here. Rendered as shell
//! code (quoted by `shell`) or as a Docker `--env-file`. Pure: no I/O.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use anyhow::{bail, Result};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::settings::STATIC_KEY_VARS;
use crate::shell::{Shell, PROFILE_VARS, REGION_VARS};

pub const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
pub const AUTH_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
/// Read by the SDKs before the two above; removed.
const SHADOWING: [&str; 2] = [
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// Characters of a profile name left as they are in the URI's path (RFC 3986 unreserved).
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The URI a client asks for `profile`'s credentials at, on a server listening on `addr`. A
/// server on every address (`0.0.0.0`, `::`) is reached at the loopback address.
pub fn uri(addr: SocketAddr, profile: &str) -> String {
    let host = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let name = utf8_percent_encode(profile, PATH_KEEP);
    format!(
        "http://{}/profiles/{name}",
        SocketAddr::new(host, addr.port())
    )
}

/// Whether the SDKs accept the [`uri`] of a server bound to `ip` over plain http: botocore's
/// `ContainerMetadataFetcher._validate_allowed_url` takes a loopback address or one of the
/// ECS/EKS agent addresses (the other SDKs allow the same or less); a server on every address
/// is named by its loopback address.
pub fn sdks_accept(ip: IpAddr) -> bool {
    const AGENTS: [IpAddr; 3] = [
        IpAddr::V4(Ipv4Addr::new(169, 254, 170, 2)),
        IpAddr::V4(Ipv4Addr::new(169, 254, 170, 23)),
        IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23)),
    ];
    ip.is_loopback() || ip.is_unspecified() || AGENTS.contains(&ip)
}

/// The variables to set (`Some`) and remove (`None`) for a client of the server at `uri`.
pub fn changes(
    uri: &str,
    token: &str,
    region: Option<&str>,
) -> Vec<(&'static str, Option<String>)> {
    let mut out: Vec<(&'static str, Option<String>)> = STATIC_KEY_VARS
        .iter()
        .chain(&PROFILE_VARS)
        .chain(&SHADOWING)
        .map(|v| (*v, None))
        .collect();
    out.push((FULL_URI, Some(uri.to_string())));
    out.push((AUTH_TOKEN, Some(token.to_string())));
    if let Some(r) = region {
        out.extend(REGION_VARS.iter().map(|v| (*v, Some(r.to_string()))));
    }
    out
}

/// The changes as code for `shell`: every value quoted.
pub fn shell_code(shell: Shell, changes: &[(&str, Option<String>)]) -> String {
    changes
        .iter()
        .map(|(name, value)| match value {
            Some(v) => shell.export(name, v),
            None => shell.unset(name),
        })
        .collect()
}

/// The variables set, as a Docker `--env-file` (`NAME=value` lines taken literally, no quoting:
/// a value with a control character cannot be written and is refused).
pub fn env_file(changes: &[(&str, Option<String>)]) -> Result<String> {
    let mut out = String::new();
    for (name, value) in changes {
        let Some(v) = value else { continue };
        if v.chars().any(char::is_control) || v.trim() != v {
            bail!("{name} has a value Docker's --env-file cannot hold; print shell code instead");
        }
        out.push_str(&format!("{name}={v}\n"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_name_the_profile_and_a_reachable_host() {
        let at = |ip: &str, port| SocketAddr::new(ip.parse().unwrap(), port);
        assert_eq!(
            uri(at("127.0.0.1", 9911), "blog_admin"),
            "http://127.0.0.1:9911/profiles/blog_admin"
        );
        assert_eq!(
            uri(at("0.0.0.0", 1), "a b/c%d~e.f-g"),
            "http://127.0.0.1:1/profiles/a%20b%2Fc%25d~e.f-g"
        );
        assert_eq!(uri(at("::", 2), "x"), "http://[::1]:2/profiles/x");
        assert_eq!(
            uri(at("169.254.170.2", 3), "ü"),
            "http://169.254.170.2:3/profiles/%C3%BC"
        );
    }

    #[test]
    fn sdks_take_plain_http_from_loopback_and_the_agent_addresses_only() {
        for ok in [
            "127.0.0.1",
            "127.0.0.2",
            "::1",
            "0.0.0.0",
            "169.254.170.2",
            "fd00:ec2::23",
        ] {
            assert!(sdks_accept(ok.parse().unwrap()), "{ok}");
        }
        for no in ["172.17.0.1", "192.168.1.10", "169.254.170.3", "fe80::1"] {
            assert!(!sdks_accept(no.parse().unwrap()), "{no}");
        }
    }

    #[test]
    fn shell_code_sets_the_endpoint_and_removes_what_would_win() {
        let c = changes("http://127.0.0.1:1/profiles/p", "t0k", Some("eu-west-1"));
        assert_eq!(
            shell_code(Shell::Bash, &c),
            "unset AWS_ACCESS_KEY_ID;\nunset AWS_SECRET_ACCESS_KEY;\nunset AWS_SESSION_TOKEN;\n\
             unset AWS_CREDENTIAL_EXPIRATION;\nunset AWS_PROFILE;\nunset AWS_DEFAULT_PROFILE;\n\
             unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;\nunset AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;\n\
             export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127.0.0.1:1/profiles/p';\n\
             export AWS_CONTAINER_AUTHORIZATION_TOKEN='t0k';\nexport AWS_REGION='eu-west-1';\n\
             export AWS_DEFAULT_REGION='eu-west-1';\n"
        );
        let c = changes("u", "it's", None);
        assert!(shell_code(Shell::Fish, &c)
            .ends_with("set -gx AWS_CONTAINER_AUTHORIZATION_TOKEN 'it\\'s';\n"));
    }

    #[test]
    fn env_files_hold_the_values_literally() {
        let c = changes("http://127.0.0.1:1/profiles/p", "t0k", Some("eu-west-1"));
        assert_eq!(
            env_file(&c).unwrap(),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:1/profiles/p\n\
             AWS_CONTAINER_AUTHORIZATION_TOKEN=t0k\nAWS_REGION=eu-west-1\nAWS_DEFAULT_REGION=eu-west-1\n"
        );
        for bad in ["eu\nX=1", " eu", "eu\t"] {
            assert_eq!(
                env_file(&changes("u", "t", Some(bad)))
                    .unwrap_err()
                    .to_string(),
                "AWS_REGION has a value Docker's --env-file cannot hold; print shell code instead"
            );
        }
    }
}
