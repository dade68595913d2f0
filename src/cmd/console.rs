//! `ssox console`: sign in to the AWS console as the profile's role (federation sign-in token
//! from its role credentials) and open the URL in a browser, or print it with `--print`; the
//! page is `--destination`, or `--service` in `--region`, or the console home. The URL is a
//! credential: it goes only to stdout or the browser, never to stderr.

use anyhow::{bail, Result};

use crate::aws::{console, console_pages};
use crate::cli::ConsoleArgs;
use crate::output::print_stdout;
use crate::profiles::load_config_chain;
use crate::session;
use crate::settings::Settings;
use crate::switch::check_region;

pub fn run(args: ConsoleArgs, settings: &Settings) -> Result<()> {
    if let Some(region) = &args.region {
        check_region(region)?;
    }
    if let Some(service) = &args.service {
        console_pages::check_service(service)?;
    }
    let name = session::profile_name(args.profile.as_deref(), settings, "console")?;
    let config = load_config_chain(settings, &name)?;
    let got = session::credentials(&config, &name, settings, super::now())?;
    let (default_endpoint, default_destination) =
        console::partition_defaults(got.region.as_deref().or(got.sso_region.as_deref()));
    let endpoint = settings
        .signin_endpoint
        .as_deref()
        .unwrap_or(default_endpoint);
    let page = if args.service.is_some() || args.region.is_some() {
        let region = args.region.as_deref().or(got.region.as_deref());
        Some(console_pages::page_url(
            default_destination,
            args.service.as_deref(),
            region,
        )?)
    } else {
        None
    };
    let destination = args
        .destination
        .as_deref()
        .or(page.as_deref())
        .unwrap_or(default_destination);
    crate::verbose!("federation getSigninToken at {endpoint}");
    let token = console::signin_token(endpoint, &got.credentials)?;
    let url = console::login_url(endpoint, destination, &token);
    if args.print {
        return print_stdout(&format!("{url}\n"));
    }
    if let Err(why) = crate::browser::open(settings, &url) {
        bail!(
            "cannot open a browser ({why}); run `ssox console --print` and open the URL yourself"
        );
    }
    crate::ui::say(&format!(
        "ssox: opened the AWS console as {} in account {}",
        got.role_name, got.account_id
    ));
    Ok(())
}
