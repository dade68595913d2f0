//! Tests of the sync plan, names and diff: exact texts, summaries and errors. Test-only: `mod.rs`
//! declares it under #[cfg(test)].

use proptest::prelude::*;

use super::names::{self, account_name_value, name_part, Naming, Template};
use super::*;
use crate::config::edit::value_round_trips;
use crate::config::Config;

const PATH: &str = "~/.aws/config";

const SESSION: &str = "# my config\n[sso-session corp]\n\
                       sso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n";

fn acct(id: &str, name: &str, roles: &[&str]) -> Account {
    Account {
        id: id.into(),
        name: name.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}

fn req<'a>(accounts: &'a [Account]) -> Request<'a> {
    Request {
        session: "corp",
        accounts,
        template: None,
        region: None,
        prune: false,
        rename: false,
    }
}

fn run_with(text: &str, creds: Option<&str>, r: &Request) -> Result<Plan, String> {
    let cfg = Config::parse(text, creds, PATH.into(), "~/.aws/credentials".into());
    plan(&cfg, text, r).map_err(|e| e.0)
}

fn run(text: &str, r: &Request) -> Plan {
    run_with(text, None, r).unwrap()
}

/// A generated profile as sync writes it.
fn generated(name: &str, id: &str, role: &str, account: &str) -> String {
    format!(
        "[profile {name}]\nsso_session = corp\nsso_account_id = {id}\nsso_role_name = {role}\n\
         region = eu-west-1\nsso_account_name = {account}\nsso_auto_populated = true\n"
    )
}

fn two() -> Vec<Account> {
    vec![
        acct(
            "111111111111",
            "Prod Payments",
            &["ReadOnly", "AdministratorAccess"],
        ),
        acct("222222222222", "dev", &["Admin"]),
    ]
}

const REMEMBERED: &str = "ssox_profile_template = {account_name}_{role_name}\n";

#[test]
fn two_accounts() {
    let text = format!("{SESSION}\n[profile mine]\nregion = us-east-1\n");
    let p = run(&text, &req(&two()));
    let want = format!(
        "{SESSION}{REMEMBERED}\n[profile mine]\nregion = us-east-1\n\n{}\n{}\n{}",
        generated("dev_Admin", "222222222222", "Admin", "dev"),
        generated(
            "Prod-Payments_AdministratorAccess",
            "111111111111",
            "AdministratorAccess",
            "Prod Payments"
        ),
        generated(
            "Prod-Payments_ReadOnly",
            "111111111111",
            "ReadOnly",
            "Prod Payments"
        ),
    );
    assert_eq!(p.text, want);
    assert!(p.changed);
    assert_eq!(
        p.summary(),
        "added 3, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config"
    );
    assert_eq!(p.template, "{account_name}_{role_name}");
    assert_eq!(
        p.added[0],
        Entry {
            name: "dev_Admin".into(),
            account_id: "222222222222".into(),
            role: "Admin".into()
        }
    );
    // The second run changes nothing, byte for byte.
    let again = run(&p.text, &req(&two()));
    assert!(!again.changed);
    assert_eq!(again.text, p.text);
    assert_eq!(
        again.summary(),
        "added 0, updated 0, removed 0, unchanged 3 profiles in ~/.aws/config"
    );
    assert_eq!(again.stale_note(), None);
}

#[test]
fn three_hundred_accounts_then_a_no_op() {
    let accounts: Vec<Account> = (0..300)
        .map(|i| {
            acct(
                &format!("{:012}", 100_000_000_000u64 + i),
                &format!("Team {i:03}"),
                &["Admin", "ReadOnly"],
            )
        })
        .collect();
    let crlf = SESSION.replace('\n', "\r\n");
    let p = run(&crlf, &req(&accounts));
    assert_eq!(p.added.len(), 600);
    assert!(!p.text.replace("\r\n", "").contains('\n'));
    let cfg = Config::parse(&p.text, None, PATH.into(), String::new());
    assert!(cfg.problems.is_empty());
    assert_eq!(cfg.profiles.len(), 600);
    let prof = &cfg.profiles["Team-042_ReadOnly"];
    assert_eq!(prof.get("sso_account_id"), Some("100000000042"));
    assert_eq!(prof.get("sso_account_name"), Some("Team 042"));
    assert_eq!(prof.region(), Some("eu-west-1"));
    let again = run(&p.text, &req(&accounts));
    assert!(!again.changed);
    assert_eq!(again.unchanged, 600);
}

#[test]
fn stale_profiles_are_counted_then_pruned() {
    let text = format!(
        "{SESSION}{REMEMBERED}\n{}\n# hand\n[profile mine]\nsso_session = corp\n\
         sso_account_id = 999999999999\nsso_role_name = Gone\n\n{}",
        generated("old_Admin", "333333333333", "Admin", "old"),
        generated("dev_Admin", "222222222222", "Admin", "dev"),
    );
    let accounts = [acct("222222222222", "dev", &["Admin"])];
    let p = run(&text, &req(&accounts));
    assert!(!p.changed);
    assert_eq!(
        p.summary(),
        "added 0, updated 0, removed 0, unchanged 1 profiles in ~/.aws/config"
    );
    assert_eq!(
        p.stale_note().unwrap(),
        "1 generated profile is stale (account or role no longer listed): old_Admin; run \
         `ssox sync --prune` to remove them"
    );
    let p = run(
        &text,
        &Request {
            prune: true,
            ..req(&accounts)
        },
    );
    // The hand-written profile for a role that is gone stays.
    assert_eq!(
        p.text,
        format!(
            "{SESSION}{REMEMBERED}\n# hand\n[profile mine]\nsso_session = corp\n\
             sso_account_id = 999999999999\nsso_role_name = Gone\n\n{}",
            generated("dev_Admin", "222222222222", "Admin", "dev"),
        )
    );
    assert_eq!(p.removed[0].name, "old_Admin");
    assert_eq!(
        p.summary(),
        "added 0, updated 0, removed 1, unchanged 1 profiles in ~/.aws/config"
    );
}

#[test]
fn collisions_get_the_account_id_and_never_drop_a_role() {
    let text = format!("{SESSION}\n[profile prod_Admin]\nregion = x\n");
    let accounts = [
        acct("111111111111", "dev", &["Admin"]),
        acct("222222222222", "dev", &["Admin"]),
        acct("333333333333", "prod", &["Admin"]),
    ];
    let p = run(&text, &req(&accounts));
    let names: Vec<&str> = p.added.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "dev-111111111111_Admin",
            "dev-222222222222_Admin",
            "prod-333333333333_Admin"
        ]
    );
    // A later sync keeps them, and a new `dev` account is named the same way.
    let more = [
        acct("111111111111", "dev", &["Admin"]),
        acct("222222222222", "dev", &["Admin"]),
        acct("333333333333", "prod", &["Admin"]),
        acct("444444444444", "dev", &["Admin"]),
    ];
    let again = run(&p.text, &req(&more));
    assert_eq!(again.added[0].name, "dev-444444444444_Admin");
    assert_eq!(again.unchanged, 3);
}

#[test]
fn a_stale_namesake_keeps_the_ids_until_it_is_removed() {
    let text = format!(
        "{SESSION}{REMEMBERED}\n{}\n{}",
        generated(
            "Sandbox-111111111111_Admin",
            "111111111111",
            "Admin",
            "Sandbox"
        ),
        generated(
            "Sandbox-222222222222_Admin",
            "222222222222",
            "Admin",
            "Sandbox"
        ),
    );
    // 222222222222 is closed: its profile stays (stale), so 111111111111 keeps its id.
    let open = [acct("111111111111", "Sandbox", &["Admin", "ReadOnly"])];
    let p = run(&text, &req(&open));
    assert_eq!(p.outdated, []);
    assert_eq!(p.added[0].name, "Sandbox-111111111111_ReadOnly");
    assert_eq!(p.stale[0].name, "Sandbox-222222222222_Admin");
    // Once it is removed, the id is no longer needed: the old name is reported.
    let pruned = run(
        &text,
        &Request {
            prune: true,
            ..req(&open)
        },
    );
    assert_eq!(pruned.removed[0].name, "Sandbox-222222222222_Admin");
    assert_eq!(
        pruned.outdated,
        [(
            "Sandbox-111111111111_Admin".to_string(),
            "Sandbox_Admin".to_string()
        )]
    );
    assert_eq!(pruned.added[0].name, "Sandbox_ReadOnly");
}

#[test]
fn numeric_suffixes_when_the_id_does_not_help() {
    let t = Template::parse("{account_id}_{role_name}").unwrap();
    let fixed = [("1_x", None), ("1_x-2", None)].into_iter().collect();
    // `a.b` and `a/b` both become `a-b`.
    let names = names::assign(&Naming {
        template: &t,
        session: "corp",
        accounts: &[("1", "a")],
        others: &[],
        roles: &[("1", "x"), ("1", "a.b"), ("1", "a/b")],
        fixed: &fixed,
    });
    assert_eq!(names, ["1_x-3", "1_a-b", "1_a-b-2"]);
}

#[test]
fn a_profile_for_the_same_role_is_never_duplicated() {
    // Hand-written (by sso_session, and legacy by start URL), and generated under another name.
    let text = format!(
        "{SESSION}{REMEMBERED}\n[profile mine]\nsso_session = corp\nsso_account_id = 111111111111\n\
         sso_role_name = ReadOnly\nsso_auto_populated = true\n\n\
         [profile legacy]\nsso_start_url = https://corp.awsapps.com/start/\nsso_region = eu-west-1\n\
         sso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n\n{}",
        generated("my-dev", "222222222222", "Admin", "dev")
    );
    let p = run_with(&text, Some("[mine]\noutput = json\n"), &req(&two())).unwrap();
    assert_eq!(p.text, text);
    assert_eq!(
        p.summary(),
        "added 0, updated 0, removed 0, unchanged 3 profiles in ~/.aws/config"
    );
}

#[test]
fn owned_profiles_are_updated_in_place() {
    let text = format!(
        "{SESSION}{REMEMBERED}\n[profile dev_Admin] # mine now\nsso_session = corp\n\
         sso_account_id = 222222222222\nsso_role_name = Admin\noutput = json\n\
         sso_account_name = dev\nsso_auto_populated = true\n"
    );
    let accounts = [acct("222222222222", "Dev Team", &["Admin"])];
    let p = run(&text, &req(&accounts));
    // Renamed account: its name is updated, the profile's name kept; a missing region is added.
    assert_eq!(
        p.text,
        text.replace("sso_account_name = dev\n", "sso_account_name = Dev Team\n")
            .replace(
                "sso_auto_populated = true\n",
                "sso_auto_populated = true\nregion = eu-west-1\n"
            )
    );
    assert_eq!(
        p.updated,
        [Update {
            name: "dev_Admin".into(),
            renamed_from: None,
            keys: vec!["sso_account_name", "region"],
        }]
    );
    let p2 = run(
        &p.text,
        &Request {
            region: Some("us-west-2"),
            ..req(&accounts)
        },
    );
    // `--region` is remembered in the session's section.
    assert_eq!(
        p2.text,
        p.text
            .replace("\nregion = eu-west-1", "\nregion = us-west-2")
            .replace(
                REMEMBERED,
                &format!("{REMEMBERED}ssox_profile_region = us-west-2\n")
            )
    );
    // Remembered, it is the region of new profiles and of owned ones without one; the others
    // keep theirs.
    let more = [
        acct("222222222222", "Dev Team", &["Admin"]),
        acct("333333333333", "ops", &["Ops"]),
    ];
    let p3 = run(
        &p2.text
            .replace("\nregion = us-west-2\n", "\nregion = eu-north-1\n"),
        &req(&more),
    );
    assert!(
        p3.text.contains("region = eu-north-1\n")
            && p3.text.ends_with(
                "[profile ops_Ops]\nsso_session = corp\nsso_account_id = 333333333333\n\
             sso_role_name = Ops\nregion = us-west-2\nsso_account_name = ops\n\
             sso_auto_populated = true\n"
            ),
        "{}",
        p3.text
    );
    let bad = p2.text.replace(
        "ssox_profile_region = us-west-2",
        "ssox_profile_region = Mars",
    );
    assert_eq!(
        run_with(&bad, None, &req(&accounts)).unwrap_err(),
        "~/.aws/config:6: ssox_profile_region: invalid region \"Mars\": a region is lowercase \
         letters, digits and `-`, e.g. us-east-1; fix it in [sso-session corp], or pass --region"
    );
    assert_eq!(
        run_with(
            &text,
            None,
            &Request {
                region: Some("US East"),
                ..req(&accounts)
            }
        )
        .unwrap_err(),
        "invalid region \"US East\": a region is lowercase letters, digits and `-`, e.g. us-east-1"
    );
}

#[test]
fn profiles_not_owned_are_never_touched() {
    // Marked, but of another session, or completed by the credentials file.
    let text = format!(
        "{SESSION}{REMEMBERED}[sso-session other]\nsso_start_url = https://corp.awsapps.com/start\n\
         sso_region = eu-west-1\n\n[profile a]\nsso_session = other\nsso_account_id = 222222222222\n\
         sso_role_name = Admin\nsso_auto_populated = true\n\n{}",
        generated("b", "333333333333", "Admin", "gone")
    );
    let accounts = [acct("222222222222", "dev", &["Admin"])];
    let r = Request {
        prune: true,
        ..req(&accounts)
    };
    let p = run_with(&text, Some("[b]\naws_access_key_id = x\n"), &r).unwrap();
    assert!(p.removed.is_empty() && p.stale.is_empty());
    assert_eq!(p.added[0].name, "dev_Admin");
    assert!(p.text.starts_with(&text));
}

#[test]
fn the_template_is_remembered_and_a_new_one_renames() {
    let accounts = [acct("222222222222", "dev", &["Admin"])];
    let r = Request {
        template: Some("{account_id}.{role_name}"),
        ..req(&accounts)
    };
    let p = run(SESSION, &r);
    assert_eq!(p.added[0].name, "222222222222.Admin");
    assert!(p
        .text
        .contains("ssox_profile_template = {account_id}.{role_name}\n"));
    let again = run(&p.text, &req(&accounts));
    assert!(!again.changed);
    // A new template renames the owned profile in place, and a new role goes after it.
    let more = [
        acct("222222222222", "dev", &["Admin"]),
        acct("111111111111", "beta", &["Admin"]),
    ];
    let text = format!("{}\n[profile zzz]\nregion = x\n", p.text);
    let renamed = run(
        &text,
        &req(&more).clone_with_template("{session}-{account_name}-{role_name}"),
    );
    assert_eq!(
        renamed.text,
        text.replace(
            "{account_id}.{role_name}",
            "{session}-{account_name}-{role_name}"
        )
        .replace("[profile 222222222222.Admin]", "[profile corp-dev-Admin]")
        .replace(
            "\n[profile zzz]",
            &format!(
                "\n{}\n[profile zzz]",
                generated("corp-beta-Admin", "111111111111", "Admin", "beta")
            )
        )
    );
    assert_eq!(
        renamed.updated,
        [Update {
            name: "corp-dev-Admin".into(),
            renamed_from: Some("222222222222.Admin".into()),
            keys: vec![],
        }]
    );
    assert_eq!(
        renamed.summary(),
        "added 1, updated 1, removed 0, unchanged 0 profiles in ~/.aws/config"
    );
}

trait WithTemplate<'a> {
    fn clone_with_template(self, t: &'a str) -> Request<'a>;
}

impl<'a> WithTemplate<'a> for Request<'a> {
    fn clone_with_template(self, t: &'a str) -> Request<'a> {
        Request {
            template: Some(t),
            ..self
        }
    }
}

#[test]
fn bad_templates_and_listings_are_refused() {
    let accounts = two();
    let bad =
        |t: &str| run_with(SESSION, None, &req(&accounts).clone_with_template(t)).unwrap_err();
    assert_eq!(
        bad("{account_name}"),
        "invalid --name \"{account_name}\": it must contain {role_name} and {account_name} or \
         {account_id}, so that every role gets its own name"
    );
    assert_eq!(
        bad("{acct}_{role_name}"),
        "invalid --name \"{acct}_{role_name}\": unknown placeholder `{acct}`; the placeholders \
         are {account_name}, {account_id}, {role_name} and {session}"
    );
    assert_eq!(
        bad("{account_id} {role_name}"),
        "invalid --name \"{account_id} {role_name}\": ' ' is not allowed in a profile name; \
         besides the placeholders, use ASCII letters, digits, `_`, `-`, `.` and `/`"
    );
    assert_eq!(
        bad("-{account_id}{role_name}"),
        "invalid --name \"-{account_id}{role_name}\": a profile name must not start with `-` or `.`"
    );
    let text = format!("{SESSION}ssox_profile_template = {{x}}\n");
    assert_eq!(
        run_with(&text, None, &req(&accounts)).unwrap_err(),
        "~/.aws/config:5: invalid ssox_profile_template \"{x}\": unknown placeholder `{x}`; the \
         placeholders are {account_name}, {account_id}, {role_name} and {session}; fix it in \
         [sso-session corp], or pass --name"
    );
    for id in ["12a", "12345", "1234567890123", "12345678901a"] {
        let weird = [acct(id, "x", &["Admin"])];
        assert_eq!(
            run_with(SESSION, None, &req(&weird)).unwrap_err(),
            format!("the portal listed the account id \"{id}\"; an account id is 12 digits")
        );
    }
    let weird = [acct("111111111111", "x", &["Ad min"])];
    assert_eq!(
        run_with(SESSION, None, &req(&weird)).unwrap_err(),
        "the portal listed a role named \"Ad min\" in account 111111111111; a role name is 1 \
         to 64 letters, digits and _+=,.@-"
    );
    let long = [acct("111111111111", "x", &[&"R".repeat(70_000)])];
    assert_eq!(
        run_with(SESSION, None, &req(&long)).unwrap_err(),
        format!(
            "the portal listed a role named \"{}…\" (70000 characters) in account \
             111111111111; a role name is 1 to 64 letters, digits and _+=,.@-",
            "R".repeat(20)
        )
    );
}

#[test]
fn missing_session_or_region_and_broken_configs_are_errors() {
    let accounts = two();
    let r = Request {
        session: "crop",
        ..req(&accounts)
    };
    assert_eq!(
        run_with(SESSION, None, &r).unwrap_err(),
        "sso-session \"crop\" not found in ~/.aws/config; did you mean \"corp\"?"
    );
    let text = "[sso-session corp]\nsso_start_url = https://x\n";
    assert_eq!(
        run_with(text, None, &req(&accounts)).unwrap_err(),
        "sso-session \"corp\" has no sso_region (~/.aws/config:2); add `sso_region = us-east-1` \
         to [sso-session corp], or pass --region"
    );
    let text = format!("{SESSION}[profile x]\nregion = a\nregion = b\n");
    assert_eq!(
        run_with(&text, None, &req(&accounts)).unwrap_err(),
        "~/.aws/config:7: `region` is set twice in [profile x] (also at line 6); ssox uses the \
         last value, but the AWS CLI rejects a repeated key: delete one\n\
         ssox does not rewrite ~/.aws/config while it has problems: fix them and run again"
    );
}

#[test]
fn new_profiles_go_after_the_sessions_generated_ones() {
    let text = format!(
        "{SESSION}{REMEMBERED}\n{}\n# other team\n[profile zzz]\nregion = x\n",
        generated("dev_Admin", "222222222222", "Admin", "dev")
    );
    let accounts = [
        acct("222222222222", "dev", &["Admin"]),
        acct("111111111111", "beta", &["Admin"]),
    ];
    let p = run(&text, &req(&accounts));
    assert_eq!(
        p.text,
        format!(
            "{SESSION}{REMEMBERED}\n{}\n{}\n# other team\n[profile zzz]\nregion = x\n",
            generated("dev_Admin", "222222222222", "Admin", "dev"),
            generated("beta_Admin", "111111111111", "Admin", "beta")
        )
    );
}

#[test]
fn name_parts_are_shell_friendly() {
    for (value, want) in [
        ("Prod Payments (EU)", "Prod-Payments-EU"),
        ("Büro", "Buro"),
        ("São Paulo", "Sao-Paulo"),
        ("東京 Prod", "Dong-Jing-Prod"),
        ("Edge 🚀", "Edge-rocket"),
        ("\u{e000}x\u{e000}", "x"),
        ("a--b", "a-b"),
        ("-x-", "x"),
        ("Admin.ReadOnly", "Admin-ReadOnly"),
        ("under_score", "under_score"),
        ("...", ""),
        ("$(rm -rf ~)", "rm-rf"),
    ] {
        assert_eq!(name_part(value), want, "{value}");
    }
    // An account name with nothing left is replaced by its id.
    let accounts = [acct("555555555555", "???", &["Admin"])];
    assert_eq!(
        run(SESSION, &req(&accounts)).added[0].name,
        "555555555555_Admin"
    );
}

#[test]
fn account_names_are_written_so_they_read_back() {
    for (name, want) in [
        ("Prod #1", Some("Prod#1")),
        ("  a\tb\nc  ", Some("a b c")),
        ("#x; y ;z", Some("x; y;z")),
        ("# ;", None),
        ("", None),
    ] {
        assert_eq!(account_name_value(name).as_deref(), want, "{name:?}");
    }
    // Cut at 256 characters, with a `…`; spaces and invisible characters past it do not count.
    let max = names::ACCOUNT_NAME_MAX;
    let a = "é".repeat(max);
    assert_eq!(account_name_value(&a).as_deref(), Some(a.as_str()));
    let spaced = format!("{a}  \u{202e} ");
    assert_eq!(account_name_value(&spaced).as_deref(), Some(a.as_str()));
    let long = format!("{a} x{}", "y".repeat(100_000));
    assert_eq!(account_name_value(&long), Some(format!("{a}…")));
    let b = format!("{} b", "a".repeat(max - 1));
    assert_eq!(
        account_name_value(&b),
        Some(format!("{}…", "a".repeat(max - 1)))
    );
}

#[test]
fn the_dry_run_diff() {
    let p = run(SESSION, &req(&[acct("222222222222", "dev", &["Admin"])]));
    assert_eq!(
        diff::unified(SESSION, &p.text, PATH),
        "--- ~/.aws/config\n+++ ~/.aws/config (after sync)\n@@ -2,3 +2,12 @@\n \
         [sso-session corp]\n sso_start_url = https://corp.awsapps.com/start\n \
         sso_region = eu-west-1\n+ssox_profile_template = {account_name}_{role_name}\n+\n\
         +[profile dev_Admin]\n+sso_session = corp\n+sso_account_id = 222222222222\n\
         +sso_role_name = Admin\n+region = eu-west-1\n+sso_account_name = dev\n\
         +sso_auto_populated = true\n"
    );
    assert_eq!(diff::unified(SESSION, SESSION, PATH), "");
    let crlf = "\u{feff}[default]\r\nk = v";
    assert_eq!(
        diff::unified(crlf, "\u{feff}[default]\r\nk = w\r\n", PATH),
        "--- ~/.aws/config\n+++ ~/.aws/config (after sync)\n@@ -1,2 +1,2 @@\n [default]\n-k = v\n\
         \\ No newline at end of file\n+k = w\n"
    );
}

proptest! {
    #[test]
    fn generated_values_always_read_back(s in "\\PC*|[ #;\t\r\n a-z]*") {
        if let Some(v) = account_name_value(&s) {
            prop_assert!(value_round_trips(&v), "{:?} -> {:?}", s, v);
        }
        let part = name_part(&s);
        prop_assert!(part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
        prop_assert!(!part.starts_with('-') && !part.ends_with('-') && !part.contains("--"));
    }
}

fn listing(spec: &[(u8, u8)]) -> Vec<Account> {
    // (account name index, role bits) per account; names repeat on purpose.
    let names = ["dev", "Dev", "prod", "a b", "dev!", ""];
    let roles = ["Admin", "ReadOnly", "Billing.View"];
    spec.iter()
        .enumerate()
        .map(|(i, &(n, bits))| {
            let r: Vec<&str> = (0..3)
                .filter(|b| bits & (1 << b) != 0)
                .map(|b| roles[b])
                .collect();
            acct(
                &format!("{:012}", 100 + i),
                names[n as usize % names.len()],
                &r,
            )
        })
        .collect()
}

/// Every (account, role) of `accounts` → the names of the profiles pointing at it.
fn pointing(text: &str, accounts: &[Account]) -> Vec<Vec<String>> {
    let cfg = Config::parse(text, None, PATH.into(), String::new());
    assert!(cfg.problems.is_empty(), "{:?}", cfg.problems);
    let mut out = Vec::new();
    for a in accounts {
        for r in &a.roles {
            out.push(
                (cfg.profiles.values())
                    .filter(|p| {
                        p.get("sso_account_id") == Some(&a.id) && p.get("sso_role_name") == Some(r)
                    })
                    .map(|p| p.name.clone())
                    .collect(),
            );
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any listing: every role gets exactly one profile, a second sync is a no-op, and a prune
    /// after accounts go leaves exactly the listed roles and the hand-written profile.
    #[test]
    fn every_role_gets_one_profile(
        spec in proptest::collection::vec((0u8..6, 0u8..8), 0..12),
        keep in proptest::collection::vec(any::<bool>(), 12),
    ) {
        let accounts = listing(&spec);
        // A hand-written profile named like a generated one, and one for a role that may be listed.
        let hand = "\n[profile dev_Admin]\nregion = x\n\n[profile mine]\nsso_session = corp\n\
                    sso_account_id = 000000000100\nsso_role_name = Admin\n";
        let text = format!("{SESSION}{hand}");
        let p = run(&text, &req(&accounts));
        for names in pointing(&p.text, &accounts) {
            prop_assert_eq!(names.len(), 1);
        }
        prop_assert!(p.text.contains(hand));
        let again = run(&p.text, &req(&accounts));
        prop_assert!(!again.changed);
        let fewer: Vec<Account> = (accounts.iter().zip(&keep))
            .filter(|(_, k)| **k)
            .map(|(a, _)| a.clone())
            .collect();
        let pruned = run(&p.text, &Request { prune: true, ..req(&fewer) });
        let cfg = Config::parse(&pruned.text, None, PATH.into(), String::new());
        let generated = cfg.profiles.values().filter(|p| p.get("sso_auto_populated").is_some()).count();
        let mine = usize::from(fewer.first().is_some_and(|a| a.id == "000000000100" && a.roles.iter().any(|r| r == "Admin")));
        prop_assert_eq!(generated + mine, fewer.iter().map(|a| a.roles.len()).sum::<usize>());
        prop_assert!(pruned.text.contains(hand));
        prop_assert_eq!(pruned.removed.len() + generated, p.added.len());
    }
}
