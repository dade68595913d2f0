//! `ssox pick` on a real pseudo-terminal of a given size, with what it writes replayed through a
//! terminal emulator (vt100), so the tests assert the screen a user sees: every row of it,
//! including the rows that must be empty. Covers 120x30, 40x8 and a resize while the menu is up
//! (the kernel sends SIGWINCH when the pty's size is set).

use crate::pick::exports;
use crate::support::screen::Screen;
use crate::support::*;

/// Eight profiles of one sso-session: six accounts, three roles, three regions.
const CONFIG: &str = "\
[sso-session corp]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1

[profile blog_admin]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1

[profile blog_power]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = PowerUserAccess
region = us-east-1

[profile data_admin]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = AdministratorAccess
region = eu-west-1

[profile data_read]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = ReadOnlyAccess
region = eu-west-1

[profile infra_admin]
sso_session = corp
sso_account_id = 444444444444
sso_role_name = AdministratorAccess
region = ap-southeast-2

[profile ml_power]
sso_session = corp
sso_account_id = 555555555555
sso_role_name = PowerUserAccess
region = us-east-1

[profile search_read]
sso_session = corp
sso_account_id = 666666666666
sso_role_name = ReadOnlyAccess
region = eu-west-1

[profile shop_admin]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = AdministratorAccess
region = eu-west-1
";

/// The menu at 120x30: every column, all eight rows.
const WIDE: [&str; 10] = [
    "Profile>   8/8",
    "    PROFILE      ACCOUNT       ROLE                 SESSION  REGION          TOKEN",
    ">   blog_admin   111111111111  AdministratorAccess  corp     us-east-1       none",
    "    blog_power   111111111111  PowerUserAccess      corp     us-east-1       none",
    "    data_admin   333333333333  AdministratorAccess  corp     eu-west-1       none",
    "    data_read    333333333333  ReadOnlyAccess       corp     eu-west-1       none",
    "    infra_admin  444444444444  AdministratorAccess  corp     ap-southeast-2  none",
    "    ml_power     555555555555  PowerUserAccess      corp     us-east-1       none",
    "    search_read  666666666666  ReadOnlyAccess       corp     eu-west-1       none",
    "    shop_admin   222222222222  AdministratorAccess  corp     eu-west-1       none",
];

/// The menu at 40x8: name, account and token state (SESSION, then REGION, then ROLE gave
/// way), five rows, one line left free.
const NARROW: [&str; 7] = [
    "Profile>   8/8",
    "    PROFILE      ACCOUNT       TOKEN",
    ">   blog_admin   111111111111  none",
    "    blog_power   111111111111  none",
    "    data_admin   333333333333  none",
    "    data_read    333333333333  none",
    "    infra_admin  444444444444  none",
];

/// `menu` drawn from the screen's first row (the pty does not echo the start line), every
/// other row of a screen `height` rows high empty.
fn screen_of(menu: &[&str], height: usize) -> Vec<String> {
    let mut rows = vec![String::new(); height];
    for (row, line) in rows.iter_mut().zip(menu) {
        *row = line.to_string();
    }
    rows
}

#[test]
fn at_120x30_every_column_and_every_row_and_nothing_left_after_esc() {
    let sb = Sandbox::with_config(CONFIG);
    let mut s = Screen::spawn(&sb, "pick", 120, 30);
    let rows = s.wait_for("the menu", |r| r[0].starts_with("Profile>"));
    assert_eq!(rows, screen_of(&WIDE, 30));
    s.send("\x1b");
    let (code, rows) = s.finish();
    assert_eq!(code, 130);
    assert_eq!(rows, screen_of(&[], 30), "the menu is erased");
    assert_eq!(std::fs::read_to_string(sb.path("out")).unwrap(), "");
}

#[test]
fn at_40x8_the_name_and_token_state_stay_and_the_menu_fits() {
    let sb = Sandbox::with_config(CONFIG);
    let mut s = Screen::spawn(&sb, "pick --shell bash", 40, 8);
    let rows = s.wait_for("the menu", |r| r[0].starts_with("Profile>"));
    assert_eq!(rows, screen_of(&NARROW, 8));
    // Past the fifth row the list scrolls within the same lines.
    s.send("\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B");
    let rows = s.wait_for("the cursor on ml_power", |r| {
        r[6].starts_with(">   ml_power")
    });
    assert_eq!(
        rows,
        screen_of(
            &[
                "Profile>   8/8",
                "    PROFILE      ACCOUNT       TOKEN",
                "    blog_power   111111111111  none",
                "    data_admin   333333333333  none",
                "    data_read    333333333333  none",
                "    infra_admin  444444444444  none",
                ">   ml_power     555555555555  none",
            ],
            8
        )
    );
    s.send("\r");
    let (code, _) = s.finish();
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(sb.path("out")).unwrap(),
        exports("ml_power")
    );
}

#[test]
fn a_resize_redraws_at_once_with_no_stale_lines() {
    let sb = Sandbox::with_config(CONFIG);
    let mut s = Screen::spawn(&sb, "pick --shell bash", 120, 30);
    let rows = s.wait_for("the menu", |r| r[0].starts_with("Profile>"));
    assert_eq!(rows, screen_of(&WIDE, 30));
    // No key is pressed: the resize alone redraws.
    s.resize(40, 8);
    let rows = s.wait_for("the narrow menu", |r| r[1] == NARROW[1]);
    assert_eq!(rows, screen_of(&NARROW, 8));
    s.resize(120, 30);
    let rows = s.wait_for("the wide menu again", |r| r[1] == WIDE[1]);
    assert_eq!(rows, screen_of(&WIDE, 30));
    // Keys still work after the resizes.
    s.send("shop");
    s.wait_for("the query", |r| r[0].starts_with("Profile> shop"));
    s.send("\r");
    let (code, _) = s.finish();
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(sb.path("out")).unwrap(),
        exports("shop_admin")
    );
}
