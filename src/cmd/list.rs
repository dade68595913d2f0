//! `ssox list`: every profile (or sso-session) with its target and token state, as a table,
//! JSON or bare names. Reads files only; no network.

use std::fmt::Write as _;

use anyhow::Result;
use console::Style;
use serde_json::{json, Value};

use crate::cli::ListArgs;
use crate::config::Config;
use crate::output::{columns, print_stdout, stdout_color};
use crate::profiles::{self, load_config, Row};
use crate::settings::Settings;
use crate::ui::warn;

pub fn run(args: ListArgs, settings: &Settings) -> Result<()> {
    let config = load_config(settings)?;
    let now = super::now();
    if !args.names {
        for p in config.problems.iter().chain(&config.typos()) {
            warn(&p.0);
        }
    }
    if args.sessions {
        return sessions(&config, &args, settings, now);
    }
    if args.names {
        let mut out = String::new();
        for name in config.profiles.keys() {
            out.push_str(name);
            out.push('\n');
        }
        return print_stdout(&out);
    }
    let rows = profiles::rows(&config, settings, now);
    for r in &rows {
        if let Some(e) = &r.error {
            warn(e);
        }
    }
    if args.json {
        let arr: Vec<Value> = rows.iter().map(Row::json).collect();
        return print_stdout(&format!("{}\n", serde_json::to_string_pretty(&arr)?));
    }
    print_stdout(&table(&rows, stdout_color(settings)))
}

fn table(rows: &[Row], color: bool) -> String {
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            let dash = || "-".to_string();
            [
                r.name.clone(),
                r.kind.to_string(),
                r.account_cell().unwrap_or_else(dash),
                r.role.clone().unwrap_or_else(dash),
                r.session.clone().unwrap_or_else(dash),
                r.region.clone().unwrap_or_else(dash),
                r.token_cell().unwrap_or("-").to_string(),
            ]
        })
        .collect();
    let header = [
        "PROFILE", "KIND", "ACCOUNT", "ROLE", "SESSION", "REGION", "TOKEN",
    ];
    let mut widths = header.map(str::len);
    for c in &cells {
        for (w, s) in widths.iter_mut().zip(c) {
            *w = (*w).max(s.chars().count());
        }
    }
    let style = |s: Style| s.force_styling(color);
    let bold = style(Style::new().bold());
    let green = style(Style::new().green());
    let red = style(Style::new().red());
    let dim = style(Style::new().dim());
    let mut out = String::new();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    let head: Vec<String> = header.iter().zip(widths).map(|(h, w)| pad(h, w)).collect();
    let _ = writeln!(out, "  {}", bold.apply_to(head.join("  ").trim_end()));
    let mut line = String::new();
    for (r, c) in rows.iter().zip(&cells) {
        line.clear();
        line.push_str(if r.active { "* " } else { "  " });
        for (i, (s, w)) in c.iter().zip(widths).enumerate() {
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
                let n = w.saturating_sub(s.chars().count());
                line.extend(std::iter::repeat_n(' ', n));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
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
