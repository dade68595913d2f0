//! What a sync plan adds, updates, prunes and leaves alone, the errors that stop it, and the
//! dry-run diff.

use super::*;

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
