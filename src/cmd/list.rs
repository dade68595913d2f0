//! `ssox list`: every profile (or sso-session) with its target and token state, as a table,
//! JSON or bare names. Reads files only; no network.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;
use console::Style;
use serde_json::{json, Value};

use crate::cli::ListArgs;
use crate::config::Config;
use crate::output::{columns, print_stdout, stdout_color, stream_stdout};
use crate::profiles::{self, load_config, Row};
use crate::settings::Settings;
use crate::ui::text::{self, printable};
use crate::ui::warn;

pub fn run(args: ListArgs, settings: &Settings) -> Result<()> {
    if args.names && !args.sessions {
        // Shell completion: the names alone, without the problems.
        let out = profiles::with_names(settings, |names| {
            let mut out = String::with_capacity(names.iter().map(|n| n.len() + 1).sum());
            for name in names {
                out.push_str(name);
                out.push('\n');
            }
            out
        })?;
        return print_stdout(&out);
    }
    let config = load_config(settings)?;
    let now = super::now();
    if !args.names {
        for p in config
            .problems
            .iter()
            .chain(&config.typos())
            .chain(&config.warnings)
        {
            warn(&p.0);
        }
    }
    if args.sessions {
        return sessions(&config, &args, settings, now);
    }
    let rows = profiles::rows(&config, settings, now);
    if rows.is_empty() && !args.json {
        // Not a bare header: what gives this config its profiles.
        warn(&format!(
            "no profiles in {}; {}",
            config.config_path,
            config.how_to_add_profiles()
        ));
        return Ok(());
    }
    for r in &rows {
        if let Some(e) = &r.error {
            warn(e);
        }
    }
    let printed = if args.json {
        // Streamed row by row: no JSON tree, no whole-output string.
        stream_stdout(|out| profiles::write_json(&rows, out))
    } else {
        let color = stdout_color(settings);
        stream_stdout(|out| table(&rows, color, out))
    };
    // The process ends next: freeing every profile one by one was 5% of `list` (callgrind).
    std::mem::forget(rows);
    std::mem::forget(config);
    printed
}

/// The cells of a row in table order, as written; `-` for what is unknown. Names and values
/// come from the config file (an `sso_account_name` from the portal): shown through
/// `printable`, which `table` asks once per cell.
fn cells<'r>(r: &'r Row) -> [Cow<'r, str>; 7] {
    let cell = |s: Option<&'r str>| Cow::Borrowed(s.unwrap_or("-"));
    [
        Cow::Borrowed(r.name),
        Cow::Borrowed(r.kind),
        r.account_cell().unwrap_or(Cow::Borrowed("-")),
        cell(r.role),
        cell(r.session()),
        cell(r.region),
        cell(r.token_cell()),
    ]
}

/// The cells a cell takes on the terminal (CJK and emoji take two; bytes when all are ASCII).
fn width(s: &str) -> usize {
    text::width(s)
}

/// Append `n` spaces.
fn pad(line: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        line.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// The profile table, each column as wide as its widest cell, written line by line.
fn table(rows: &[Row], color: bool, out: &mut impl Write) -> std::io::Result<()> {
    let header = [
        "PROFILE", "KIND", "ACCOUNT", "ROLE", "SESSION", "REGION", "TOKEN",
    ];
    let mut widths = header.map(str::len);
    // Whether a row has a cell `printable` changes: the others (nearly all) are written as they
    // are, without asking again.
    let mut escaped = Vec::with_capacity(rows.len());
    for r in rows {
        let mut any = false;
        for (w, s) in widths.iter_mut().zip(cells(r)) {
            let shown = printable(&s);
            any |= matches!(shown, Cow::Owned(_));
            *w = (*w).max(width(&shown));
        }
        escaped.push(any);
    }
    let style = |s: Style| s.force_styling(color);
    let bold = style(Style::new().bold());
    let green = style(Style::new().green());
    let red = style(Style::new().red());
    let dim = style(Style::new().dim());
    let mut line = String::new();
    for (i, (h, w)) in header.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(h);
        pad(&mut line, w.saturating_sub(h.len()));
    }
    writeln!(out, "  {}", bold.apply_to(line.trim_end()))?;
    for (r, escaped) in rows.iter().zip(escaped) {
        line.clear();
        line.push_str(if r.active { "* " } else { "  " });
        let mut cells = cells(r);
        if escaped {
            cells = cells.map(|s| Cow::Owned(printable(&s).into_owned()));
        }
        for (i, (s, w)) in cells.iter().zip(widths).enumerate() {
            let s: &str = s;
            if i > 0 {
                line.push_str("  ");
            }
            let style = match i {
                0 if r.active => Some(&bold),
                6 if s.starts_with("valid") => Some(&green),
                6 if s == "expired" || s == "rejected" || s == "error" => Some(&red),
                6 if s == "-" || s == "none" => Some(&dim),
                _ => None,
            };
            match style {
                Some(st) if color => {
                    let _ = write!(line, "{}", st.apply_to(s));
                }
                _ => line.push_str(s),
            }
            if i < 6 {
                pad(&mut line, w.saturating_sub(width(s)));
            }
        }
        out.write_all(line.trim_end().as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn sessions(
    config: &Config,
    args: &ListArgs,
    settings: &Settings,
    now: time::OffsetDateTime,
) -> Result<()> {
    if args.names {
        let mut out = String::new();
        for name in config.sessions.keys() {
            out.push_str(name);
            out.push('\n');
        }
        return print_stdout(&out);
    }
    let mut arr = Vec::new();
    let mut table = vec![vec![
        "SESSION".to_string(),
        "START URL".into(),
        "REGION".into(),
        "TOKEN".into(),
    ]];
    for (name, state) in profiles::sessions(config, settings, now) {
        match state {
            Ok(st) => {
                arr.push(st.json(&name));
                let login = &st.login;
                table.push(vec![
                    login.short_name(),
                    login.start_url.clone(),
                    login.region.clone(),
                    st.token_text.clone(),
                ]);
            }
            Err(e) => {
                warn(&e.0);
                arr.push(json!({"name": name, "error": e.0}));
                table.push(vec![name, "-".into(), "-".into(), "error".into()]);
            }
        }
    }
    if args.json {
        return print_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&Value::Array(arr))?
        ));
    }
    print_stdout(&columns(&table))
}
