//! Unit tests of the menu (compiled only under #[cfg(test)], from `menu.rs`).

use console::Key;

use super::*;
use crate::ui::filter::tests::{rows, sample};

/// The lines a frame draws, without the escape codes that place them.
fn lines(frame: &str) -> Vec<String> {
    frame
        .split("\r\n")
        .map(|l| {
            let l = l.strip_prefix('\r').unwrap_or(l);
            l.split("\x1b[K").next().unwrap().to_string()
        })
        .collect()
}

/// `sample()` with a token state, under `ssox pick`'s header.
const HEADER: [&str; 6] = ["PROFILE", "ACCOUNT", "ROLE", "SESSION", "REGION", "TOKEN"];

fn pick_rows() -> Vec<Row> {
    let mut r = sample();
    for (row, token) in r
        .iter_mut()
        .zip(["valid 7h12m", "valid 7h12m", "expired", "none"])
    {
        row.cells.push(token.to_string());
    }
    r[1].marked = true;
    r
}

#[test]
fn keys_edit_move_choose_and_cancel() {
    let r = sample();
    let mut m = Menu::new("Profile", &[], &r);
    assert!(m.key(Key::Char('s'), 10).is_none());
    assert!(m.key(Key::Char('h'), 10).is_none());
    assert_eq!(m.hits(), [2, 3]);
    m.key(Key::ArrowDown, 10);
    m.key(Key::ArrowDown, 10);
    assert_eq!(m.selected_row(), Some(3));
    m.key(Key::Char('\x17'), 10);
    assert_eq!(m.hits().len(), 4);
    assert_eq!(m.selected_row(), Some(0));
    m.key(Key::Char('z'), 10);
    m.key(Key::Char('z'), 10);
    assert!(
        m.key(Key::Enter, 10).is_none(),
        "no match: Enter does nothing"
    );
    m.key(Key::Backspace, 10);
    m.key(Key::Backspace, 10);
    assert_eq!(m.key(Key::Enter, 10).map(|r| r.unwrap()), Some(0));
    let err = m.key(Key::CtrlC, 10).unwrap().unwrap_err();
    assert!(err.is::<crate::error::Cancelled>());
    let err = m.key(Key::Escape, 10).unwrap().unwrap_err();
    assert!(err.is::<crate::error::Cancelled>());
}

#[test]
fn frame_shows_prompt_header_rows_and_cursor() {
    let mut r = sample();
    r[1].marked = true;
    let header = ["PROFILE", "ACCOUNT"];
    let mut m = Menu::new("Profile", &header, &r);
    m.set_query("blog");
    let f = m.frame(80, 24);
    let lines: Vec<&str> = f.split("\r\n").collect();
    assert_eq!(lines[0], "\rProfile> blog  2/4\x1b[K");
    assert_eq!(lines[1], "    PROFILE     ACCOUNT\x1b[K");
    assert!(
        lines[2].starts_with(">   blog_admin  111111111111  AdministratorAccess"),
        "{:?}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("  * blog_power  111111111111  PowerUserAccess"),
        "{:?}",
        lines[3]
    );
    assert!(
        lines[3].ends_with("\x1b[K\x1b[J\x1b[3A\r\x1b[13C"),
        "{:?}",
        lines[3]
    );
}

#[test]
fn control_and_bidi_characters_are_shown_escaped() {
    let r = rows(&[&["evil\x1b]0;owned\x07", "x"], &["a\u{202e}b", "y"]]);
    let mut m = Menu::new("P", &[], &r);
    let f = m.frame(80, 10);
    assert_eq!(
        lines(&f)[1..],
        [">   evil\\e]0;owned\\x07  x", "    a\\u{202e}b          y"]
    );
}

#[test]
fn columns_align_by_display_width() {
    let r = rows(&[
        &["東京 Prod", "111", "x"],
        &["Edge 🚀", "222", "y"],
        &["Prod", "333", "z"],
    ]);
    let mut m = Menu::new("P", &["NAME", "ID", "T"], &r);
    let f = m.frame(80, 10);
    assert_eq!(
        lines(&f)[1..5],
        [
            "    NAME       ID   T",
            ">   東京 Prod  111  x",
            "    Edge 🚀    222  y",
            "    Prod       333  z"
        ]
    );
    // Cut by cells too: never half a wide character past the column.
    let r = rows(&[&["東京東京東京東京東京東京東京東京東京東京東京東京", "tail"]]);
    let mut m = Menu::new("P", &[], &r);
    let row = lines(&m.frame(30, 10))[1].clone();
    assert_eq!(row, ">   東京東京東京東京東…  tail");
    assert_eq!(crate::ui::text::width(&row), 29);
}

#[test]
fn long_cells_are_cut_and_the_last_column_kept() {
    let long = "x".repeat(60);
    let r = rows(&[&[long.as_str(), "tail"]]);
    let mut m = Menu::new("P", &[], &r);
    let f = m.frame(30, 10);
    let row = &lines(&f)[1];
    assert_eq!(console::measure_text_width(row), 29);
    assert_eq!(row, &format!(">   {}…  tail", "x".repeat(18)));
}

#[test]
fn frame_at_120_columns_shows_every_column() {
    let r = pick_rows();
    let mut m = Menu::new("Profile", &HEADER, &r);
    assert_eq!(
        lines(&m.frame(120, 30)),
        [
            "Profile>   4/4",
            "    PROFILE     ACCOUNT       ROLE                 SESSION  REGION     TOKEN",
            ">   blog_admin  111111111111  AdministratorAccess  corp     us-east-1  valid 7h12m",
            "  * blog_power  111111111111  PowerUserAccess      corp     us-east-1  valid 7h12m",
            "    shop_admin  222222222222  AdministratorAccess  corp     eu-west-1  expired",
            "    shop_read   222222222222  ReadOnlyAccess       corp     eu-west-1  none",
        ]
    );
}

#[test]
fn narrow_frames_keep_the_name_and_the_state() {
    let r = pick_rows();
    let mut m = Menu::new("Profile", &HEADER, &r);
    // SESSION (one value), then REGION and ACCOUNT (two each; the right one first) give way;
    // ROLE has three values here.
    assert_eq!(
        lines(&m.frame(60, 30)),
        [
            "Profile>   4/4",
            "    PROFILE     ROLE                 TOKEN",
            ">   blog_admin  AdministratorAccess  valid 7h12m",
            "  * blog_power  PowerUserAccess      valid 7h12m",
            "    shop_admin  AdministratorAccess  expired",
            "    shop_read   ReadOnlyAccess       none",
        ]
    );
    // At 40x8, five rows under the header (one line stays free).
    let mut r8 = pick_rows();
    r8.extend(pick_rows());
    let mut m8 = Menu::new("Profile", &HEADER, &r8);
    assert_eq!(
        lines(&m8.frame(40, 8)),
        [
            "Profile>   8/8",
            "    PROFILE     TOKEN",
            ">   blog_admin  valid 7h12m",
            "  * blog_power  valid 7h12m",
            "    shop_admin  expired",
            "    shop_read   none",
            "    blog_admin  valid 7h12m",
        ]
    );
    // Too narrow for both: a long name is cut, down to 12 characters; then the state goes.
    let mut r = pick_rows();
    r[0].cells[0] = "blog-production-administrator".into();
    let mut m = Menu::new("Profile", &HEADER, &r);
    assert_eq!(
        lines(&m.frame(40, 8))[1..4],
        [
            "    PROFILE                 TOKEN",
            ">   blog-production-admin…  valid 7h12m",
            "  * blog_power              valid 7h12m",
        ]
    );
    assert_eq!(
        lines(&m.frame(26, 8))[1..4],
        ["    PROFILE", ">   blog-production-admi…", "  * blog_power"]
    );
    assert_eq!(lines(&m.frame(12, 8))[2], ">   blog-p…");
}

#[test]
fn the_least_telling_columns_are_dropped_first() {
    // 100 accounts, two roles, one session, three regions.
    let r: Vec<Row> = (0..100)
        .map(|i| Row {
            cells: vec![
                format!("p{i}"),
                format!("{:012}", i),
                ["Admin", "Read"][i % 2].to_string(),
                "corp".into(),
                ["us-east-1", "eu-west-1", "ap-south-1"][i % 3].to_string(),
                "valid".into(),
            ],
            marked: false,
        })
        .collect();
    assert_eq!(drop_order(&r, 6), [3, 2, 4, 1]);
    // All columns alike: from the right.
    assert_eq!(drop_order(&sample()[..1], 5), [3, 2, 1]);
    assert_eq!(drop_order(&r, 2), Vec::<usize>::new());
}

#[test]
fn frames_never_draw_wider_or_taller_than_the_terminal() {
    let mut r = pick_rows();
    r[2].cells[0] = "a-profile-name-much-longer-than-any-column".into();
    r.extend(pick_rows().into_iter().cycle().take(30));
    for color in [false, true] {
        let mut m = Menu::new("Profile", &HEADER, &r).color(color);
        m.set_query("o");
        for height in 1..=30 {
            for width in 1..=130 {
                let f = m.frame(width, height);
                let drawn = lines(&f);
                let most = if height > 2 { height - 1 } else { height };
                assert!(drawn.len() <= most, "{width}x{height}: {f:?}");
                for l in &drawn {
                    let w = console::measure_text_width(l);
                    assert!(w < width.max(2), "{width}x{height}: {w} wide: {l:?}");
                }
            }
        }
        // A tall terminal shows at most 15 rows.
        assert_eq!(lines(&m.frame(120, 60)).len(), 17);
    }
}
