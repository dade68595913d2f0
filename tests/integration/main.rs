//! The one integration-test binary: runs the built `ssox` in a temp HOME with a scrubbed
//! environment, against real shells, a real pty and a loopback fake of AWS. Unix only: they
//! drive bash, zsh, fish and ptys (the Windows CI job runs the unit tests and the offline
//! commands; scripts/windows-smoke.sh runs the Windows build under wine).

#![cfg(unix)]

mod browser_env;
mod chains;
mod config_values;
mod configure;
mod console;
mod creds;
mod dir_hook;
mod dist;
mod doctor;
mod exec;
mod fake_selftest;
mod hostile_cache;
mod hostile_config;
mod hostile_text;
mod login;
mod login_boto3;
mod login_lock;
mod login_pkce;
mod login_refresh;
mod login_session;
mod login_signin;
mod man_page;
mod names;
mod net_errors;
#[cfg(target_os = "linux")]
mod no_runtime;
mod pick;
mod pick_screen;
mod platform_seam;
mod portal_list;
mod serve;
mod serve_hostile;
mod shapes;
mod shells;
mod support;
mod switching;
mod sync;
mod sync_safety;
mod terminal_fit;
mod token_states;
mod tokens;
mod typos;
mod use_list;
mod whoami;
