//! `ssox serve`: a credential endpoint for containers and long-running programs (see `serve`).
//! Prints the client's variables on stdout (shell code, or a Docker env file with
//! `--print-env`) and closes it, then serves in the foreground until SIGINT/SIGTERM/SIGHUP
//! (exit 0), one log line per request on stderr. Must not print a secret on stderr.

use std::sync::Arc;

use anyhow::Result;

use crate::cli::ServeArgs;
use crate::output::{detach_stdout, print_stdout};
use crate::profiles::load_config_for;
use crate::serve::{env, Log, Options, Provider, Scope, Server, Stop, Token};
use crate::session;
use crate::settings::Settings;
use crate::shell::Shell;
use crate::ui::warn;

pub fn run(args: ServeArgs, settings: &Settings) -> Result<()> {
    let name = session::profile_name(args.profile.as_deref(), settings, "serve --profile")?;
    let config = load_config_for(settings, &name)?;
    let region = config.profile(&name)?.region().map(str::to_string);
    let token = match &args.token_file {
        Some(path) => {
            let shown = settings.display_path(path);
            let (token, created) = Token::from_file(path, &shown)?;
            if created {
                warn(&format!("wrote a new token to {shown}"));
            }
            token
        }
        None => Token::random()?,
    };
    // From here on a stop signal waits for the server (before any thread starts: they inherit
    // the blocked signals), even one sent as soon as the variables are printed.
    let stop = Stop::on_signals()?;
    // --profile: that profile only; else any, `/` the active one.
    let only = args.profile.is_some();
    let opts = Options {
        bind: args.bind,
        port: args.port.unwrap_or(0),
        token,
        scope: if only {
            Scope::Only(name.clone())
        } else {
            Scope::Any {
                default: Some(name.clone()),
            }
        },
        log: Log::Stderr,
    };
    let server = Server::bind(opts, Arc::new(Provider::for_settings(settings.clone())))?;
    let uri = env::uri(server.addr()?, &name);
    let vars = env::changes(&uri, server.token().expose(), region.as_deref());
    let text = if args.print_env {
        env::env_file(&vars)?
    } else {
        env::shell_code(
            Shell::chosen(args.shell.shell, settings.shell_name.as_deref()),
            &vars,
        )
    };
    print_stdout(&text)?;
    if !env::sdks_accept(args.bind) {
        warn(&format!(
            "AWS SDKs refuse credentials over plain http from {}: only loopback addresses and \
             169.254.170.2 are allowed (README.md: Containers and long-running programs)",
            args.bind
        ));
    }
    if !args.bind.is_loopback() {
        warn("listening beyond this machine: whoever can reach the port and has the token gets the credentials");
    }
    let others = if only {
        "no other profile"
    } else {
        "any profile at /profiles/NAME"
    };
    crate::ui::say(&format!(
        "ssox: serving {name} at {uri} ({others}); Ctrl-C stops"
    ));
    // Whoever reads stdout sees its end now, with everything above said.
    detach_stdout()?;
    server.run_until(&stop)?;
    eprintln!("ssox: stopped");
    Ok(())
}
