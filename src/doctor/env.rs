//! Doctor's checks of the environment: which profile the AWS tools will use (AWS_PROFILE and
//! AWS_DEFAULT_PROFILE agreeing, naming a profile that exists) and static keys that override
//! any profile (docs/compat.md#config-files). Reads `Settings` and the parsed config only.

use crate::config::Config;
use crate::settings::Settings;

use super::Line;

pub fn check(config: Option<&Config>, settings: &Settings, lines: &mut Vec<Line>) {
    const TOPIC: &str = "environment";
    let profile = settings.aws_profile.as_deref();
    let default = settings.aws_default_profile.as_deref();
    match (profile, default) {
        (Some(p), Some(d)) if p != d => lines.push(Line::fail(
            TOPIC,
            format!(
                "AWS_PROFILE is {p} but AWS_DEFAULT_PROFILE is {d}: the AWS CLI v2 uses {p}, \
                 boto3 and the CLI v1 use {d}"
            ),
            format!("ssox use {p} (sets both)"),
        )),
        (None, Some(d)) => lines.push(Line::warn(
            TOPIC,
            format!(
                "only AWS_DEFAULT_PROFILE is set ({d}): tools that read only AWS_PROFILE \
                 (the AWS SDKs for Rust and JavaScript) use no profile"
            ),
            format!("ssox use {d} (sets both)"),
        )),
        (Some(p), _) => lines.push(Line::ok(
            TOPIC,
            format!("AWS_PROFILE and AWS_DEFAULT_PROFILE agree: {p}"),
        )),
        (None, None) => lines.push(Line::ok(
            TOPIC,
            "no profile selected (AWS_PROFILE is not set): the AWS tools use [default]",
        )),
    }
    if let (Some(active), Some(config)) = (settings.active_profile(), config) {
        if let Err(e) = config.profile(active) {
            lines.push(Line::fail(
                TOPIC,
                format!("the active profile: {e}"),
                "ssox use NAME with a profile from ssox list",
            ));
        }
    }
    if settings.static_keys.is_empty() {
        return;
    }
    let keys = settings.static_keys.join(", ");
    match (&settings.exec_profile, settings.static_keys.len()) {
        (Some(p), _) => lines.push(Line::ok(
            TOPIC,
            format!("this shell was started by ssox exec {p}: {keys} hold that role's credentials"),
        )),
        (None, 1) => lines.push(Line::warn(
            TOPIC,
            format!("{keys} is set and overrides any profile in every AWS tool"),
            "ssox use --clear (or ssox use NAME)",
        )),
        (None, _) => lines.push(Line::warn(
            TOPIC,
            format!("{keys} are set and override any profile in every AWS tool"),
            "ssox use --clear (or ssox use NAME)",
        )),
    }
}
