//! The names the AWS tools read from the config and credentials files (settings, section
//! prefixes), the keys other tools keep there, and the rule that calls an unknown name a typo
//! of a known one. Pure string work; knows nothing of sections, files or the terminal.
//!
//! A typo is an unknown name that, once lowercased and with `-` read as `_` (in keys) or `_` as
//! `-` (in section prefixes), is a known name or a few edits from one (`suggest::edit_distance`):
//! one edit for names of 4 to 7 letters, two from 8 letters on, none below 4 (so `s3` is never
//! "close" to anything). Any other unknown key is left alone: the files are shared with other
//! tools, and only a near miss of a setting the AWS tools read is worth a warning.

use std::collections::HashSet;
use std::sync::OnceLock;

use foldhash::fast::FixedState;

use super::suggest::edit_distance;

/// Every setting of a profile or sso-session that the AWS CLI v2, botocore or the AWS SDKs read,
/// sorted. Sources: `botocore.configprovider.BOTOCORE_DEFAUT_SESSION_VARIABLES` and
/// `DEFAULT_PROXIES_CONFIG_VARS`, the profile keys `botocore.credentials` and `botocore.tokens`
/// read, the AWS CLI's `cli_*` settings and "Supported config file settings"
/// (<https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html>), and the AWS SDKs
/// and Tools Reference Guide's settings
/// (<https://docs.aws.amazon.com/sdkref/latest/guide/settings-reference.html>).
pub(super) const AWS_KEYS: &[&str] = &[
    "account_id_endpoint_mode",
    "api_versions",
    "auth_scheme_preference",
    "aws_access_key_id",
    "aws_account_id",
    "aws_secret_access_key",
    "aws_security_token",
    "aws_session_token",
    "ca_bundle",
    "cli_auto_prompt",
    "cli_binary_format",
    "cli_follow_urlparam",
    "cli_history",
    "cli_legacy_plugin_path",
    "cli_pager",
    "cli_timestamp_format",
    "credential_process",
    "credential_source",
    "csm_client_id",
    "csm_enabled",
    "csm_host",
    "csm_port",
    "data_path",
    "defaults_mode",
    "disable_host_prefix_injection",
    "disable_request_compression",
    "duration_seconds",
    "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode",
    "ec2_metadata_v1_disabled",
    "endpoint_discovery_enabled",
    "endpoint_url",
    "external_id",
    "ignore_configured_endpoint_urls",
    "imds_use_ipv6",
    "login_session",
    "max_attempts",
    "metadata_service_num_attempts",
    "metadata_service_timeout",
    "mfa_serial",
    "output",
    "parameter_validation",
    "proxy_ca_bundle",
    "proxy_client_cert",
    "proxy_use_forwarding_for_https",
    "region",
    "request_checksum_calculation",
    "request_min_compression_size_bytes",
    "response_checksum_validation",
    "retry_mode",
    "role_arn",
    "role_session_name",
    "s3",
    "s3_disable_express_session_auth",
    "s3_us_east_1_regional_endpoint",
    "s3_use_arn_region",
    "sdk_ua_app_id",
    "services",
    "sigv4a_signing_region_set",
    "source_profile",
    "sso_account_id",
    "sso_region",
    "sso_registration_scopes",
    "sso_role_name",
    "sso_session",
    "sso_start_url",
    "sts_regional_endpoints",
    "tcp_keepalive",
    "use_dualstack_endpoint",
    "use_fips_endpoint",
    "web_identity_token_file",
];

/// Keys other tools keep in the same files, never called typos whatever they look like (none
/// is a near miss of `AWS_KEYS` today; this keeps it so when either list grows): aws-sso-util,
/// Granted and `ssox sync` (`sso_account_name`, `sso_auto_populated`), aws-vault
/// (`mfa_process`, `include_profile`, `parent_profile`, `session_tags`,
/// `transitive_session_tags`, `source_identity`).
const OTHER_TOOLS_KEYS: &[&str] = &[
    "include_profile",
    "mfa_process",
    "parent_profile",
    "session_tags",
    "source_identity",
    "sso_account_name",
    "sso_auto_populated",
    "transitive_session_tags",
];

/// Prefixes of other tools' keys: Granted and Common Fate, ssox's own, awsume,
/// aws-azure-login, aws-google-auth, saml2aws.
const OTHER_TOOLS_PREFIXES: &[&str] = &[
    "granted_",
    "common_fate_",
    "ssox_",
    "awsume_",
    "azure_",
    "google_config.",
    "x_",
];

/// The section prefixes of the config file.
pub(super) const SECTION_PREFIXES: &[&str] = &["profile", "sso-session", "services"];

/// Bare sections of the config file that the AWS CLI reads and that are not profiles.
pub(super) const BARE_SECTIONS: &[&str] = &["plugins", "preview"];

/// Whether the AWS tools read `key` (lowercase). `list` asks this of every key of every
/// profile: the keys every SSO profile has are matched first (a few byte compares), the rest in a
/// hash set (a binary search took twice as long).
pub(super) fn is_aws_key(key: &str) -> bool {
    if matches!(
        key,
        "sso_session" | "sso_account_id" | "sso_role_name" | "region" | "output"
    ) {
        return true;
    }
    static SET: OnceLock<HashSet<&str, FixedState>> = OnceLock::new();
    SET.get_or_init(|| AWS_KEYS.iter().copied().collect())
        .contains(key)
}

/// The setting an unknown key (lowercase, as stored) was probably meant to be; `None` for a key
/// the AWS tools read, a key another tool owns, or one that is not close to any setting.
pub(super) fn meant_key(key: &str) -> Option<&'static str> {
    if is_aws_key(key)
        || OTHER_TOOLS_KEYS.contains(&key)
        || OTHER_TOOLS_PREFIXES.iter().any(|p| key.starts_with(p))
    {
        return None;
    }
    closest_known(&key.replace('-', "_"), AWS_KEYS)
}

/// The section prefix (`profile`, `sso-session`, `services`) a header's first word was
/// probably meant to be: `profle`, `Profile`, `sso_session`, `service`. `None` for a prefix
/// as written, or a word not close to one.
pub(super) fn meant_prefix(word: &str) -> Option<&'static str> {
    if SECTION_PREFIXES.contains(&word) {
        return None;
    }
    let word = word.to_lowercase().replace('_', "-");
    // Two edits even for `profile`: a header is `[prefix NAME]`, so a near miss is never a name.
    SECTION_PREFIXES
        .iter()
        .map(|&p| (edit_distance(&chars(&word), &chars(p)), p))
        .filter(|&(d, _)| d <= 2)
        .min()
        .map(|(_, p)| p)
}

/// Whether a bare section name was probably meant as `[default]` (`[Default]`, `[defualt]`).
pub(super) fn means_default(name: &str) -> bool {
    name != "default" && closest_known(&name.to_lowercase(), &["default"]).is_some()
}

/// The name in `known` closest to `typed` within the edits its length allows (see the module
/// comment); the first in `known` on a tie.
fn closest_known(typed: &str, known: &[&'static str]) -> Option<&'static str> {
    let t = chars(typed);
    let mut best: Option<(usize, &'static str)> = None;
    for &k in known {
        let allowed = match k.len() {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        if t.len().abs_diff(k.len()) > allowed {
            continue;
        }
        let d = edit_distance(&t, &chars(k));
        if d <= allowed && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_unique_and_lowercase() {
        assert!(AWS_KEYS.windows(2).all(|w| w[0] < w[1]));
        assert!(AWS_KEYS.iter().all(|k| *k == k.to_lowercase()));
    }

    #[test]
    fn near_misses_of_aws_settings_are_typos() {
        for (typed, meant) in [
            ("sso_acount_id", "sso_account_id"),
            ("sso-role-name", "sso_role_name"),
            ("sso-acount-id", "sso_account_id"),
            ("sso_sesion", "sso_session"),
            ("sso_regoin", "sso_region"),
            ("sso_start_ulr", "sso_start_url"),
            ("sso_registration_scope", "sso_registration_scopes"),
            ("regoin", "region"),
            ("regions", "region"),
            ("ouput", "output"),
            ("role-arn", "role_arn"),
            ("rolearn", "role_arn"),
            ("source_proifle", "source_profile"),
            ("credentials_process", "credential_process"),
            ("mfa-serial", "mfa_serial"),
            ("duration_second", "duration_seconds"),
            ("endpoint-url", "endpoint_url"),
            ("service", "services"),
            ("cli-pager", "cli_pager"),
            ("api_version", "api_versions"),
        ] {
            assert_eq!(meant_key(typed), Some(meant), "{typed}");
        }
    }

    #[test]
    fn settings_other_tools_and_far_names_are_not_typos() {
        for key in AWS_KEYS.iter().copied().chain([
            // Other tools' keys.
            "sso_account_name",
            "sso_auto_populated",
            "granted_sso_start_url",
            "granted_sso_region",
            "granted_sso_account_id",
            "granted_sso_role_name",
            "common_fate_generated_from",
            "ssox_profile_template",
            "mfa_process",
            "include_profile",
            "parent_profile",
            "session_tags",
            "transitive_session_tags",
            "source_identity",
            "awsume_session_name",
            "azure_tenant_id",
            "azure_default_role_arn",
            "google_config.role_arn",
            "x_principal_arn",
            "x_security_token_expires",
            // Too far from any setting, or too short to tell.
            "aws_access_key",
            "s4",
            "sts",
            "foo",
            "team",
            "owner",
            "account",
            "description",
        ]) {
            assert_eq!(meant_key(key), None, "{key}");
        }
    }

    #[test]
    fn section_prefixes() {
        for (typed, meant) in [
            ("profle", "profile"),
            ("Profile", "profile"),
            ("PROFILE", "profile"),
            ("profiles", "profile"),
            ("porfile", "profile"),
            ("prfle", "profile"),
            ("sso_session", "sso-session"),
            ("sso-sesion", "sso-session"),
            ("SSO-SESSION", "sso-session"),
            ("ssosession", "sso-session"),
            ("service", "services"),
            ("Services", "services"),
        ] {
            assert_eq!(meant_prefix(typed), Some(meant), "{typed}");
        }
        for word in [
            "profile",
            "sso-session",
            "services",
            "plugins",
            "dev",
            "role",
            "prod",
        ] {
            assert_eq!(meant_prefix(word), None, "{word}");
        }
    }

    #[test]
    fn default_look_alikes() {
        for name in ["Default", "DEFAULT", "defualt", "defaults", "defaut"] {
            assert!(means_default(name), "{name}");
        }
        for name in ["default", "dev", "deploy", "fault"] {
            assert!(!means_default(name), "{name}");
        }
    }
}
