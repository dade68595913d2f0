//! Generated profile names through the binary against the fake portal: names that identify the
//! account (ids for accounts that share a name, transliteration, lost characters, a length cap),
//! old names kept and reported, `sync --rename` (dry run, no terminal, `--yes`, asked on a pty),
//! account ids that are not 12 digits refused before ListAccountRoles, and the account names
//! `list` and `pick` show for hand-written profiles from what sync saw.

use std::process::{Command, Output};

use crate::support::pty::Pty;
use crate::support::signed_in::Env;
use crate::support::*;

const SESSION: &str = "\
[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
";

const REMEMBERED: &str = "ssox_profile_template = {account_name}_{role_name}\n";

type FakeAccount = (String, String, String, Vec<String>);

fn acct(id: &str, name: &str, roles: &[&str]) -> FakeAccount {
    (
        id.into(),
        name.into(),
        String::new(),
        roles.iter().map(|r| r.to_string()).collect(),
    )
}

/// The accounts of the issue: two `Prod Payments`, two `Sandbox` (both with ReadOnlyAccess),
/// `東京 Prod` beside `Prod`, `Edge 🚀` beside `Edge`, `Müller GmbH Dev` and `São Paulo`.
fn issue_accounts() -> Vec<FakeAccount> {
    vec![
        acct("100000000001", "Prod Payments", &["AdministratorAccess"]),
        acct("100000000002", "Prod Payments", &["DeveloperAccess"]),
        acct(
            "100088888888",
            "Sandbox",
            &["AdministratorAccess", "ReadOnlyAccess"],
        ),
        acct("100088888889", "Sandbox", &["ReadOnlyAccess"]),
        acct("100000000003", "東京 Prod", &["DeveloperAccess"]),
        acct(
            "100000000004",
            "Prod",
            &["AdministratorAccess", "ReadOnlyAccess"],
        ),
        acct("100000000005", "Edge 🚀", &["Admin"]),
        acct("100000000006", "Edge", &["ReadOnly"]),
        acct("100000000007", "Müller GmbH Dev", &["Admin"]),
        acct("100000000008", "São Paulo", &["Admin"]),
    ]
}

/// (profile name, account id, role, account name) of every profile the rules give
/// [`issue_accounts`], in the order sync writes them (by name, ignoring case).
const ISSUE_NAMES: [(&str, &str, &str, &str); 12] = [
    (
        "Dong-Jing-Prod_DeveloperAccess",
        "100000000003",
        "DeveloperAccess",
        "東京 Prod",
    ),
    ("Edge-rocket_Admin", "100000000005", "Admin", "Edge 🚀"),
    ("Edge_ReadOnly", "100000000006", "ReadOnly", "Edge"),
    (
        "Muller-GmbH-Dev_Admin",
        "100000000007",
        "Admin",
        "Müller GmbH Dev",
    ),
    (
        "Prod-Payments-100000000001_AdministratorAccess",
        "100000000001",
        "AdministratorAccess",
        "Prod Payments",
    ),
    (
        "Prod-Payments-100000000002_DeveloperAccess",
        "100000000002",
        "DeveloperAccess",
        "Prod Payments",
    ),
    (
        "Prod_AdministratorAccess",
        "100000000004",
        "AdministratorAccess",
        "Prod",
    ),
    (
        "Prod_ReadOnlyAccess",
        "100000000004",
        "ReadOnlyAccess",
        "Prod",
    ),
    (
        "Sandbox-100088888888_AdministratorAccess",
        "100088888888",
        "AdministratorAccess",
        "Sandbox",
    ),
    (
        "Sandbox-100088888888_ReadOnlyAccess",
        "100088888888",
        "ReadOnlyAccess",
        "Sandbox",
    ),
    (
        "Sandbox-100088888889_ReadOnlyAccess",
        "100088888889",
        "ReadOnlyAccess",
        "Sandbox",
    ),
    ("Sao-Paulo_Admin", "100000000008", "Admin", "São Paulo"),
];

/// A generated profile of `my_sso_session`, as sync writes it.
fn generated(name: &str, id: &str, role: &str, account: &str) -> String {
    format!(
        "[profile {name}]\nsso_session = my_sso_session\nsso_account_id = {id}\n\
         sso_role_name = {role}\nregion = us-east-1\nsso_account_name = {account}\n\
         sso_auto_populated = true\n"
    )
}

/// The profiles of `list`, joined as sync writes them (a blank line between).
fn profiles(list: &[(&str, &str, &str, &str)]) -> String {
    list.iter()
        .map(|&(n, id, r, a)| generated(n, id, r, a))
        .collect::<Vec<_>>()
        .join("\n")
}

fn setup(config: &str, accounts: Vec<FakeAccount>) -> Env {
    let env = Env::new();
    env.sb.write(".aws/config", config);
    env.fake.script().accounts = accounts;
    env
}

fn ssox(env: &Env) -> Command {
    let mut c = env.cmd();
    c.env("SSOX_RETRY_BASE_MS", "1");
    no_terminal(&mut c);
    c
}

fn sync(env: &Env, args: &[&str]) -> Output {
    ssox(env).arg("sync").args(args).output().unwrap()
}

fn config(env: &Env) -> String {
    std::fs::read_to_string(env.sb.path(".aws/config")).unwrap()
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
}

#[test]
fn every_account_gets_a_name_no_other_account_has() {
    let env = setup(SESSION, issue_accounts());
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 12, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n"
    );
    assert_eq!(stderr(&o), "");
    assert_eq!(
        config(&env),
        format!("{SESSION}{REMEMBERED}\n{}", profiles(&ISSUE_NAMES))
    );
    // The same names the second time, and nothing to say.
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 0, updated 0, removed 0, unchanged 12 profiles in ~/.aws/config\n"
    );
    assert_eq!(stderr(&o), "");
}

/// What the naming rules before this change gave [`issue_accounts`] (by name, ignoring case): an
/// id only where account name and role both collide, non-ASCII letters as `-`, and `東京 Prod`
/// and `Edge 🚀` reading as `Prod` and `Edge`.
const OLD_NAMES: [(&str, &str, &str, &str); 12] = [
    ("Edge_Admin", "100000000005", "Admin", "Edge 🚀"),
    ("Edge_ReadOnly", "100000000006", "ReadOnly", "Edge"),
    (
        "M-ller-GmbH-Dev_Admin",
        "100000000007",
        "Admin",
        "Müller GmbH Dev",
    ),
    (
        "Prod-Payments_AdministratorAccess",
        "100000000001",
        "AdministratorAccess",
        "Prod Payments",
    ),
    (
        "Prod-Payments_DeveloperAccess",
        "100000000002",
        "DeveloperAccess",
        "Prod Payments",
    ),
    (
        "Prod_AdministratorAccess",
        "100000000004",
        "AdministratorAccess",
        "Prod",
    ),
    (
        "Prod_DeveloperAccess",
        "100000000003",
        "DeveloperAccess",
        "東京 Prod",
    ),
    (
        "Prod_ReadOnlyAccess",
        "100000000004",
        "ReadOnlyAccess",
        "Prod",
    ),
    ("S-o-Paulo_Admin", "100000000008", "Admin", "São Paulo"),
    (
        "Sandbox-100088888888_ReadOnlyAccess",
        "100088888888",
        "ReadOnlyAccess",
        "Sandbox",
    ),
    (
        "Sandbox-100088888889_ReadOnlyAccess",
        "100088888889",
        "ReadOnlyAccess",
        "Sandbox",
    ),
    (
        "Sandbox_AdministratorAccess",
        "100088888888",
        "AdministratorAccess",
        "Sandbox",
    ),
];

/// The config the old rules wrote.
fn old_config() -> String {
    format!("{SESSION}{REMEMBERED}\n{}", profiles(&OLD_NAMES))
}

/// The first five of the seven renames, by old name.
const RENAMES: &str = "Edge_Admin → Edge-rocket_Admin, M-ller-GmbH-Dev_Admin → \
    Muller-GmbH-Dev_Admin, Prod-Payments_AdministratorAccess → \
    Prod-Payments-100000000001_AdministratorAccess, Prod-Payments_DeveloperAccess → \
    Prod-Payments-100000000002_DeveloperAccess, Prod_DeveloperAccess → \
    Dong-Jing-Prod_DeveloperAccess, …";

#[test]
fn old_names_are_kept_and_reported_and_renamed_with_rename() {
    let env = setup(&old_config(), issue_accounts());
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 0, updated 0, removed 0, unchanged 12 profiles in ~/.aws/config\n"
    );
    assert_eq!(
        stderr(&o),
        format!(
            "ssox: 7 generated profiles have names that the naming rules now find ambiguous or \
             spell differently: {RENAMES}; to rename them run: ssox sync my_sso_session --rename\n"
        )
    );
    assert_eq!(config(&env), old_config(), "existing names are kept");

    // --dry-run shows the renames and writes nothing.
    let o = sync(&env, &["--rename", "--dry-run"]);
    ok(&o);
    let diff = stdout(&o);
    assert!(diff.starts_with("--- ~/.aws/config\n+++ ~/.aws/config (after sync)\n"));
    for (old, new) in [
        (
            "Prod-Payments_AdministratorAccess",
            "Prod-Payments-100000000001_AdministratorAccess",
        ),
        ("Prod_DeveloperAccess", "Dong-Jing-Prod_DeveloperAccess"),
        ("S-o-Paulo_Admin", "Sao-Paulo_Admin"),
    ] {
        assert!(
            diff.contains(&format!("-[profile {old}]\n+[profile {new}]\n")),
            "{diff}"
        );
    }
    assert_eq!(
        stderr(&o),
        "added 0, updated 7, removed 0, unchanged 5 profiles in ~/.aws/config (dry run: nothing \
         written)\n"
    );
    assert_eq!(config(&env), old_config());

    // Without a terminal, renaming needs --yes.
    let o = sync(&env, &["--rename"]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 0, updated 0, removed 0, unchanged 12 profiles in ~/.aws/config\n"
    );
    assert_eq!(
        stderr(&o),
        format!(
            "ssox: kept the names of 7 generated profiles ({RENAMES}): renaming asks first, and \
             there is no terminal to ask on; to rename them run: ssox sync my_sso_session \
             --rename --yes\n"
        )
    );
    assert_eq!(config(&env), old_config());

    let o = sync(&env, &["--rename", "--yes"]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 0, updated 7, removed 0, unchanged 5 profiles in ~/.aws/config\n"
    );
    assert_eq!(stderr(&o), "");
    // Renamed in place: the profiles a first sync gives, in the old order.
    let text = config(&env);
    let mut want: Vec<(&str, &str, &str, &str)> = OLD_NAMES.to_vec();
    for w in want.iter_mut() {
        let new = ISSUE_NAMES
            .iter()
            .find(|n| (n.1, n.2) == (w.1, w.2))
            .unwrap();
        w.0 = new.0;
    }
    assert_eq!(text, format!("{SESSION}{REMEMBERED}\n{}", profiles(&want)));
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(stderr(&o), "", "nothing left to rename");
    assert_eq!(config(&env), text);
}

#[test]
fn rename_asks_on_a_terminal() {
    let env = setup(&old_config(), issue_accounts());
    let mut vars: Vec<(&str, String)> = env.fake.env();
    vars.push(("SSOX_RETRY_BASE_MS", "1".into()));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for (key, renamed) in [("n", false), ("y", true)] {
        let mut p = Pty::spawn(&env.sb, "ssox sync --rename > out", &vars, 200, 30);
        p.wait_for("  Edge_Admin → Edge-rocket_Admin\r\n  M-ller-GmbH-Dev_Admin → Muller-GmbH-Dev_Admin\r\n");
        p.wait_for("  Sandbox_AdministratorAccess → Sandbox-100088888888_AdministratorAccess\r\n");
        p.wait_for("Rename 7 generated profiles in ~/.aws/config as above? [y/N] ");
        p.send(key);
        let (code, screen) = p.finish();
        assert_eq!(code, 0, "{screen}");
        let out = std::fs::read_to_string(env.sb.path("out")).unwrap();
        if renamed {
            assert_eq!(
                out,
                "added 0, updated 7, removed 0, unchanged 5 profiles in ~/.aws/config\n"
            );
            assert!(config(&env).contains("[profile Sao-Paulo_Admin]\n"));
        } else {
            assert_eq!(
                out,
                "added 0, updated 0, removed 0, unchanged 12 profiles in ~/.aws/config\n"
            );
            assert!(screen.contains("to rename them run"), "{screen}");
            assert_eq!(config(&env), old_config());
        }
    }
}

#[test]
fn a_new_account_with_a_known_name_gives_both_their_ids_and_the_old_names_are_flagged() {
    // One `Sandbox` synced before; a second appears.
    let before = format!(
        "{SESSION}{REMEMBERED}\n{}",
        generated(
            "Sandbox_AdministratorAccess",
            "100088888888",
            "AdministratorAccess",
            "Sandbox"
        )
    );
    let env = setup(
        &before,
        vec![
            acct(
                "100088888888",
                "Sandbox",
                &["AdministratorAccess", "ReadOnlyAccess"],
            ),
            acct("100088888889", "Sandbox", &["ReadOnlyAccess"]),
        ],
    );
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 2, updated 0, removed 0, unchanged 1 profiles in ~/.aws/config\n"
    );
    assert_eq!(
        stderr(&o),
        "ssox: 1 generated profile has a name that the naming rules now find ambiguous or spell \
         differently: Sandbox_AdministratorAccess → Sandbox-100088888888_AdministratorAccess; to \
         rename it run: ssox sync my_sso_session --rename\n"
    );
    let after = format!(
        "{before}\n{}\n{}",
        generated(
            "Sandbox-100088888888_ReadOnlyAccess",
            "100088888888",
            "ReadOnlyAccess",
            "Sandbox"
        ),
        generated(
            "Sandbox-100088888889_ReadOnlyAccess",
            "100088888889",
            "ReadOnlyAccess",
            "Sandbox"
        ),
    );
    assert_eq!(config(&env), after);
}

#[test]
fn names_that_lose_characters_or_case_still_tell_accounts_apart() {
    // U+E000 is a character deunicode does not know: `Edge \u{e000}` loses it and reads `Edge`,
    // like the account `edge` (ignoring case); `Prod Payments!` and `Prod-Payments` both give
    // `Prod-Payments`; `Shared` is already another session's account (a profile named otherwise).
    let other = "\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\n\
                 sso_region = eu-west-1\n\n[profile shared-other]\nsso_session = other\n\
                 sso_account_id = 999999999999\nsso_role_name = Admin\nregion = eu-west-1\n\
                 sso_account_name = Shared\nsso_auto_populated = true\n";
    let env = setup(
        &format!("{SESSION}{other}"),
        vec![
            acct("100000000011", "Edge \u{e000}", &["Admin"]),
            acct("100000000012", "edge", &["Admin", "ReadOnly"]),
            acct("100000000013", "Prod Payments!", &["Admin"]),
            acct("100000000014", "Prod-Payments", &["Admin"]),
            acct("100000000015", "Shared", &["Admin"]),
            acct("100000000016", "Solo \u{e000}", &["Admin"]),
        ],
    );
    let o = sync(&env, &["my_sso_session"]);
    ok(&o);
    assert_eq!(stderr(&o), "");
    let want = [
        (
            "Edge-100000000011_Admin",
            "100000000011",
            "Admin",
            "Edge \u{e000}",
        ),
        ("edge-100000000012_Admin", "100000000012", "Admin", "edge"),
        (
            "edge-100000000012_ReadOnly",
            "100000000012",
            "ReadOnly",
            "edge",
        ),
        (
            "Prod-Payments-100000000013_Admin",
            "100000000013",
            "Admin",
            "Prod Payments!",
        ),
        (
            "Prod-Payments-100000000014_Admin",
            "100000000014",
            "Admin",
            "Prod-Payments",
        ),
        (
            "Shared-100000000015_Admin",
            "100000000015",
            "Admin",
            "Shared",
        ),
        // Losing a character alone adds no id: no other account reads `Solo`.
        ("Solo_Admin", "100000000016", "Admin", "Solo \u{e000}"),
    ];
    assert_eq!(
        config(&env),
        format!("{SESSION}{REMEMBERED}{other}\n{}", profiles(&want))
    );
}

#[test]
fn long_account_names_are_cut_and_still_told_apart() {
    let long = |tail: &str| format!("{}{tail}", "A".repeat(70_000));
    let env = setup(
        SESSION,
        vec![
            acct("100000000001", &long("x"), &["Admin"]),
            acct("100000000002", &long("y"), &["Admin"]),
            acct(
                "100000000003",
                &format!("B{}", "b".repeat(100_000)),
                &["Admin"],
            ),
        ],
    );
    let o = sync(&env, &[]);
    ok(&o);
    let text = config(&env);
    let headers: Vec<&str> = (text.lines())
        .filter(|l| l.starts_with("[profile "))
        .collect();
    let a64 = "A".repeat(64);
    let b64 = format!("B{}", "b".repeat(63));
    assert_eq!(
        headers,
        [
            format!("[profile {a64}-100000000001_Admin]"),
            format!("[profile {a64}-100000000002_Admin]"),
            format!("[profile {b64}_Admin]"),
        ]
    );
    // `sso_account_name` is cut too (AWS allows 50 characters), so `list` rows stay short.
    let names: Vec<&str> = (text.lines())
        .filter_map(|l| l.strip_prefix("sso_account_name = "))
        .collect();
    let a256 = format!("{}…", "A".repeat(256));
    let b256 = format!("B{}…", "b".repeat(255));
    assert_eq!(names, [a256.as_str(), &a256, &b256]);
    let o = ssox(&env).args(["list", "--names"]).output().unwrap();
    assert!(
        stdout(&o).lines().all(|l| l.len() <= 64 + 13 + 6),
        "{}",
        stdout(&o)
    );
    let o = ssox(&env).arg("list").output().unwrap();
    ok(&o);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(out.lines().all(|l| l.chars().count() < 500), "{out}");
    assert!(out.contains(&format!("100000000003 ({b256})")), "{out}");
}

#[test]
fn account_ids_that_are_not_twelve_digits_are_refused_before_listing_roles() {
    let long = "7".repeat(100_000);
    for (id, shown) in [
        ("1234567890123", "\"1234567890123\"".to_string()),
        ("12345", "\"12345\"".to_string()),
        (
            long.as_str(),
            format!("\"{}…\" (100000 characters)", "7".repeat(20)),
        ),
    ] {
        let env = setup(
            SESSION,
            vec![
                acct("100000000001", "ok", &["Admin"]),
                acct(id, "bad", &["Admin"]),
            ],
        );
        let o = sync(&env, &[]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert_eq!(stdout(&o), "");
        assert_eq!(
            stderr(&o),
            format!(
                "ssox: cannot list the accounts of sso-session \"my_sso_session\": ListAccounts at \
                 {} returned the account id {shown}, and an account id is 12 digits; the listing \
                 cannot be trusted; nothing was written\n",
                env.fake.url().trim_start_matches("http://")
            )
        );
        assert_eq!(config(&env), SESSION);
        assert_eq!(env.fake.count("ListAccountRoles"), 0);
    }
}

#[test]
fn bidi_and_line_separators_never_reach_sso_account_name() {
    let env = setup(
        SESSION,
        vec![acct(
            "100000000001",
            "Prod\u{202e}lanif\u{202c} EU\u{2028}west",
            &["Admin"],
        )],
    );
    ok(&sync(&env, &[]));
    assert_eq!(
        config(&env),
        format!(
            "{SESSION}{REMEMBERED}\n{}",
            generated(
                "Prodlanif-EU-west_Admin",
                "100000000001",
                "Admin",
                "Prodlanif EU west"
            )
        )
    );
}

#[test]
fn list_and_pick_name_the_account_of_a_hand_written_profile_from_what_sync_saw() {
    // The only role of `dev` is covered by a hand-written profile: sync writes no profile of
    // that account, and never touches the hand-written section.
    let hand = "\n# mine\n[profile mine]\nsso_session = my_sso_session\n\
                sso_account_id = 222222222222\nsso_role_name = Admin\nregion = eu-west-1\n";
    let env = setup(
        &format!("{SESSION}{hand}"),
        vec![
            acct("111111111111", "Prod Payments", &["ReadOnlyAccess"]),
            acct("222222222222", "dev", &["Admin"]),
        ],
    );
    let o = ssox(&env).arg("list").output().unwrap();
    ok(&o);
    assert!(!stdout(&o).contains("(dev)"), "{}", stdout(&o));
    ok(&sync(&env, &[]));
    let text = config(&env);
    assert!(text.contains(hand), "{text}");
    assert!(!text.contains("dev"), "{text}");
    let state = std::fs::read_to_string(env.sb.path(".local/state/ssox/accounts.json")).unwrap();
    assert_eq!(
        state,
        "{\n  \"sessions\": {\n    \"my_sso_session\": {\n      \"accounts\": {\n        \
         \"111111111111\": \"Prod Payments\",\n        \"222222222222\": \"dev\"\n      }\n    \
         }\n  }\n}\n"
    );
    #[cfg(unix)]
    assert_eq!(mode(&env.sb.path(".local/state/ssox/accounts.json")), 0o600);

    let o = ssox(&env).arg("list").output().unwrap();
    ok(&o);
    let out = stdout(&o);
    let token = out
        .lines()
        .nth(1)
        .unwrap()
        .rsplit("  ")
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        out,
        format!(
            "  PROFILE                       KIND  ACCOUNT                       ROLE            SESSION         REGION     TOKEN
  Prod-Payments_ReadOnlyAccess  sso   111111111111 (Prod Payments)  ReadOnlyAccess  my_sso_session  us-east-1  {token}
  mine                          sso   222222222222 (dev)            Admin           my_sso_session  eu-west-1  {token}
"
        )
    );
    let o = ssox(&env).args(["list", "--json"]).output().unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(rows[1]["name"], "mine");
    assert_eq!(rows[1]["account_name"], "dev");
    // `pick` matches on it: "dev" is only `mine`.
    let o = ssox(&env)
        .args(["pick", "dev", "--shell", "bash"])
        .output()
        .unwrap();
    ok(&o);
    assert!(
        stdout(&o).contains("export AWS_PROFILE='mine';"),
        "{}",
        stdout(&o)
    );
    // The menu shows it too.
    let mut p = Pty::spawn(&env.sb, "ssox pick --shell bash > out", &[], 160, 30);
    p.wait_for("Profile> ");
    p.wait_for("2/2");
    p.send("\x1b");
    let (code, screen) = p.finish();
    assert_eq!(code, 130, "{screen}");
    let plain = console::strip_ansi_codes(&screen).into_owned();
    assert!(
        plain.contains(&format!(
            "  mine                          222222222222 (dev)            Admin           \
             my_sso_session  eu-west-1  {token}"
        )),
        "{plain}"
    );
}
