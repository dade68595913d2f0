//! The session menu of `login` and `logout` without NAME, on a terminal: one row per session
//! (name, start URL, region, token state) in aligned columns, and for `login` an "all sessions"
//! row. Reads the token files (quietly: the menu owns the terminal); draws only through `ui`.

use anyhow::Result;
use time::OffsetDateTime;

use crate::cache;
use crate::config::LoginTarget;
use crate::settings::Settings;
use crate::ui::{self, Row};

/// Column titles of the session menu.
pub const HEADER: [&str; 4] = ["SESSION", "START URL", "REGION", "TOKEN"];

/// The first cell of the row that stands for every session.
const ALL_ROW: &str = "all sessions";

/// The menu rows: each target with its token state, then (with `offer_all`) the "all
/// sessions" row.
pub fn rows(
    targets: &[LoginTarget],
    settings: &Settings,
    offer_all: bool,
    now: OffsetDateTime,
) -> Vec<Row> {
    let mut rows: Vec<Row> = targets
        .iter()
        .map(|t| {
            let path = super::token_path(settings, t);
            let token = cache::read_token_quietly(&path);
            Row {
                cells: vec![
                    t.short_name(),
                    t.start_url.clone(),
                    t.region.clone(),
                    super::token_state(settings, &path, token.as_ref(), now).short(),
                ],
                marked: false,
            }
        })
        .collect();
    if offer_all {
        rows.push(Row {
            cells: vec![
                ALL_ROW.into(),
                format!("each of the {} above, in turn", targets.len()),
                String::new(),
                String::new(),
            ],
            marked: false,
        });
    }
    rows
}

/// Let the user choose one of `targets` (`Some(index)`) or, with `offer_all`, all of them
/// (`None`). Errors as `ui::choose_row`'s (cancelled, no terminal).
pub fn choose(
    targets: &[LoginTarget],
    settings: &Settings,
    offer_all: bool,
    now: OffsetDateTime,
) -> Result<Option<usize>> {
    let rows = rows(targets, settings, offer_all, now);
    let i = ui::choose_row("Session", &HEADER, &rows, None)?;
    Ok((i < targets.len()).then_some(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::login_targets;
    use crate::session::test_config::{cfg, TWO};
    use time::macros::datetime;

    #[test]
    fn rows_show_each_token_state_and_the_all_row() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            home: dir.path().to_path_buf(),
            ..Settings::default()
        };
        let targets = login_targets(&cfg(TWO), false);
        let cache_dir = settings.sso_cache_dir();
        std::fs::create_dir_all(&cache_dir).unwrap();
        std::fs::write(
            cache::token_path(&cache_dir, "beta"),
            r#"{"accessToken": "a", "expiresAt": "2026-11-24T04:12:00Z"}"#,
        )
        .unwrap();
        let now = datetime!(2026-11-23 21:00:00 UTC);
        let cells: Vec<Vec<String>> = rows(&targets, &settings, true, now)
            .into_iter()
            .map(|r| r.cells)
            .collect();
        assert_eq!(
            cells,
            [
                ["alpha", "https://a/start", "us-east-1", "none"],
                ["beta", "https://b/start", "eu-west-1", "valid 7h12m"],
                ["l", "https://l/start", "us-west-2", "none"],
                ["all sessions", "each of the 3 above, in turn", "", ""],
            ]
        );
        assert_eq!(rows(&targets, &settings, false, now).len(), 3);
    }
}
