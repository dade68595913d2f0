//! `ssox whoami`: STS GetCallerIdentity for a profile through the SDK's own credential chain
//! (aws-config reading the config and the SSO token cache), printed as a table or JSON. Must not
//! fetch role credentials itself.

use anyhow::{bail, Result};
use serde_json::json;

use crate::aws::role::RoleError;
use crate::aws::sts::{self, WhoamiError, WhoamiRequest};
use crate::cli::WhoamiArgs;
use crate::config::ProfileKind;
use crate::output::print_stdout;
use crate::profiles::load_config_for;
use crate::session::{self, TokenRejected};
use crate::settings::Settings;

/// STS is global; this region is used when the profile sets none.
const FALLBACK_REGION: &str = "us-east-1";

pub fn run(args: WhoamiArgs, settings: &Settings) -> Result<()> {
    let name = session::profile_name(args.profile.as_deref(), settings, "whoami")?;
    let config = load_config_for(settings, &name)?;
    let profile = config.profile(&name)?;
    let mut target = None;
    if profile.kind == ProfileKind::Sso {
        // Check what the SDK would find first, to say "run: ssox login" as everywhere else.
        target = Some(config.role_target(profile)?);
        if let Some(message) = session::token_warning(&config, &name, settings, super::now()) {
            bail!(message);
        }
    }
    let region = profile.region().unwrap_or(FALLBACK_REGION);
    crate::verbose!(
        "STS GetCallerIdentity for profile {name:?} (region {region}) via the SDK credential chain"
    );
    let id = sts::caller_identity(&WhoamiRequest {
        config_file: &settings.config_file,
        credentials_file: &settings.credentials_file,
        profile: &name,
        region,
    })
    .map_err(|e| match (e.downcast_ref::<WhoamiError>(), &target) {
        (Some(WhoamiError::Role(RoleError::Unauthorized)), Some(t)) => {
            TokenRejected(t.login.label()).into()
        }
        (Some(WhoamiError::Role(_)), Some(t)) => e.context(session::role_failure(t, &name)),
        (Some(WhoamiError::Sts(_)), _) => {
            e.context(format!("STS GetCallerIdentity failed for profile {name:?}"))
        }
        _ => e.context(format!("cannot get credentials for profile {name:?}")),
    })?;
    let text = if args.json {
        let v = json!({
            "profile": name,
            "account": id.account,
            "arn": id.arn,
            "user_id": id.user_id,
        });
        format!("{}\n", serde_json::to_string_pretty(&v)?)
    } else {
        format!(
            "profile  {name}\naccount  {}\narn      {}\nuser_id  {}\n",
            id.account, id.arn, id.user_id
        )
    };
    print_stdout(&text)
}
