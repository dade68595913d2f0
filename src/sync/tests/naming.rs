//! How sync names generated profiles: collisions, numeric suffixes, templates, and the name
//! parts and account names it writes.

use super::*;
use crate::sync::names::{self, account_name_value, name_part, Naming, Template};

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
