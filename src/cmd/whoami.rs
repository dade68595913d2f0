//! `ssox whoami`: STS GetCallerIdentity for a profile through the SDK's own credential chain
//! (aws-config reading the config and the SSO token cache, refreshed first by `session` when
//! needed), printed as a table or JSON. Must not fetch role credentials itself.

use std::time::Instant;

use anyhow::Result;
use serde_json::json;

use crate::aws::endpoints::{self, Service};
use crate::aws::role::{self, RoleError};
use crate::aws::sts::{self, WhoamiError, WhoamiRequest};
use crate::aws::Endpoint;
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
    let deadline = Instant::now() + crate::aws::timeouts().command;
    let region = profile.region().unwrap_or(FALLBACK_REGION);
    let resolve =
        |service| endpoints::resolve(&settings.endpoints, Some(&config), Some(&name), service);
    let mut target = None;
    let mut sso_endpoint = role::endpoint(region, None);
    if profile.kind == ProfileKind::Sso {
        // A token the SDK can use, refreshed first when needed; else "run: ssox login".
        let t = config.role_target(profile)?;
        let token = session::fresh_token(&config, &t.login, Some(&name), settings, deadline)?;
        sso_endpoint = role::endpoint(&t.login.region, resolve(Service::Sso).as_deref());
        target = Some((t, token));
    }
    let sts_endpoint = Endpoint::new(
        resolve(Service::Sts),
        format!("https://sts.{region}.amazonaws.com"),
    );
    crate::verbose!(
        "STS GetCallerIdentity for profile {name:?} (region {region}) via the SDK credential chain"
    );
    let id = sts::caller_identity(&WhoamiRequest {
        config_file: &settings.config_file,
        credentials_file: &settings.credentials_file,
        profile: &name,
        region,
        sso_endpoint: &sso_endpoint,
        sts_endpoint: &sts_endpoint,
        deadline,
    })
    .map_err(|e| match (e.downcast_ref::<WhoamiError>(), &target) {
        (Some(WhoamiError::Role(RoleError::Unauthorized)), Some((t, token))) => {
            let path = session::token_path(settings, &t.login);
            session::rejected::record(settings, &path, token, super::now());
            TokenRejected(t.login.label()).into()
        }
        (Some(WhoamiError::Role(_)), Some((t, _))) => e.context(session::role_failure(t, &name)),
        (Some(WhoamiError::Sts(_)), _) => e.context(format!("whoami for profile {name:?}")),
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
