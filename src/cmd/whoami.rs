//! `ssox whoami`: STS GetCallerIdentity for a profile, signed with the keys ssox resolved for it
//! from its own config model (`session::signing_keys`: SSO role, role chain, keys, or
//! credential_process; the SDK never sees the profile's name), printed as a table or JSON.

use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::json;

use crate::aws::endpoints::{self, Service};
use crate::aws::sts::{self, Sts};
use crate::cli::WhoamiArgs;
use crate::output::print_stdout;
use crate::profiles::load_config_chain;
use crate::session::{self, FALLBACK_REGION};
use crate::settings::Settings;

pub fn run(args: WhoamiArgs, settings: &Settings) -> Result<()> {
    let name = session::profile_name(args.profile.as_deref(), settings, "whoami")?;
    let config = load_config_chain(settings, &name)?;
    let deadline = Instant::now() + crate::aws::timeouts().command;
    let keys = session::signing_keys(&config, &name, settings, super::now(), deadline)?;
    let region = config.profile(&name)?.region().unwrap_or(FALLBACK_REGION);
    let endpoint = endpoints::resolve(
        &settings.endpoints,
        Some(&config),
        Some(&name),
        Service::Sts,
    );
    crate::verbose!("STS GetCallerIdentity for profile {name:?} (region {region})");
    let sts = Sts {
        region,
        endpoint: endpoint.as_deref(),
        deadline,
    };
    let id = sts::caller_identity(&keys, &sts)
        .with_context(|| format!("whoami for profile {name:?}"))?;
    let text = if args.json {
        let v = json!({
            "profile": name,
            "account": id.account,
            "arn": id.arn,
            "user_id": id.user_id,
        });
        format!("{}\n", serde_json::to_string_pretty(&v)?)
    } else {
        // STS's answer and the config's name, shown escaped.
        crate::ui::text::printable_lines(&format!(
            "profile  {name}\naccount  {}\narn      {}\nuser_id  {}\n",
            id.account, id.arn, id.user_id
        ))
        .into_owned()
    };
    print_stdout(&text)
}
