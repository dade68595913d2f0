//! `ssox sync` through the binary against the fake portal: the exact file it writes for 2 and 300
//! accounts, a second sync that rewrites nothing, prune (asked on a terminal, kept without one),
//! the dry-run diff, hand-written profiles left alone, symlinks, CRLF and BOM, concurrent syncs,
//! refused configs, throttling and expired tokens; boto3 through a generated profile; and the
//! account names `list` and `pick` show.

use std::collections::BTreeMap;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::support::fake_aws::numbered_accounts;
use crate::support::login_env::Env as LoginEnv;
use crate::support::pty::Pty;
use crate::support::signed_in::{sha1_name, Env};
use crate::support::*;

const SESSION: &str = "\
# my AWS config
[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
";

/// The line sync adds to the session's section the first time.
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

fn two() -> Vec<FakeAccount> {
    vec![
        acct(
            "111111111111",
            "Prod Payments",
            &["ReadOnlyAccess", "AdministratorAccess"],
        ),
        acct("222222222222", "dev", &["Admin"]),
    ]
}

/// A signed-in sandbox whose config is `config` and whose portal lists `accounts`.
fn setup(config: &str, accounts: Vec<FakeAccount>) -> Env {
    let env = Env::new();
    env.sb.write(".aws/config", config);
    env.fake.script().accounts = accounts;
    env
}

/// `ssox ARGS` against the fake, with fast retries and no terminal to ask on.
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

/// A generated profile of `my_sso_session`, as sync writes it.
fn generated(name: &str, id: &str, role: &str, account: &str) -> String {
    format!(
        "[profile {name}]\nsso_session = my_sso_session\nsso_account_id = {id}\n\
         sso_role_name = {role}\nregion = us-east-1\nsso_account_name = {account}\n\
         sso_auto_populated = true\n"
    )
}

/// The config after syncing [`two`] into [`SESSION`].
fn two_synced() -> String {
    format!(
        "{SESSION}{REMEMBERED}\n{}\n{}\n{}",
        generated("dev_Admin", "222222222222", "Admin", "dev"),
        generated(
            "Prod-Payments_AdministratorAccess",
            "111111111111",
            "AdministratorAccess",
            "Prod Payments"
        ),
        generated(
            "Prod-Payments_ReadOnlyAccess",
            "111111111111",
            "ReadOnlyAccess",
            "Prod Payments"
        ),
    )
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
}

/// Set the file's mtime an hour back, so that any rewrite shows.
fn age(path: &std::path::Path) -> SystemTime {
    let old = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(old)
        .unwrap();
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[cfg(unix)]
fn inode(path: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

#[test]
fn two_accounts_then_a_second_sync_rewrites_nothing() {
    let env = setup(SESSION, two());
    let path = env.sb.path(".aws/config");
    let before = mode(&path);
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 3, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n"
    );
    assert_eq!(stderr(&o), "");
    assert_eq!(config(&env), two_synced());
    assert_eq!(mode(&path), before, "the file keeps its mode");
    // Pages of one: 2 ListAccounts; 2 + 1 ListAccountRoles; nothing else.
    assert_eq!(
        (
            env.fake.count("ListAccounts"),
            env.fake.count("ListAccountRoles"),
            env.fake.requests().len()
        ),
        (2, 3, 5)
    );

    // Again: same listing, so the same bytes, the same mtime, the same inode (no rename).
    let mtime = age(&path);
    let ino = inode(&path);
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 0, updated 0, removed 0, unchanged 3 profiles in ~/.aws/config\n"
    );
    assert_eq!(config(&env), two_synced());
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);
    assert_eq!(inode(&path), ino);
    assert!(!env.sb.path(".local/state/ssox/locks/config.lock").exists());
}

#[test]
fn three_hundred_accounts_over_many_pages() {
    let mut accounts = numbered_accounts(300, &["ReadOnlyAccess", "AdministratorAccess"]);
    // Every 50th account has no role: it gets no profile.
    for a in accounts.iter_mut().step_by(50) {
        a.3.clear();
    }
    let env = setup(SESSION, accounts);
    env.fake.script().page_size = 25;
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 588, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n"
    );
    assert_eq!(stderr(&o), "", "no progress bar without a terminal");
    assert_eq!(env.fake.count("ListAccounts"), 12);
    assert_eq!(env.fake.count("ListAccountRoles"), 300);
    let text = config(&env);
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("[profile "))
        .collect();
    assert_eq!(headers.len(), 588);
    assert_eq!(headers[0], "[profile account-0000_AdministratorAccess]");
    assert_eq!(headers[587], "[profile account-0298_ReadOnlyAccess]");
    // account-0299 is the first listed (index 0): no roles, no profile.
    assert!(!text.contains("account-0299"));
    assert!(text.contains(&generated(
        "account-0000_ReadOnlyAccess",
        "100000000299",
        "ReadOnlyAccess",
        "account-0000"
    )));
    let names = stdout(&ssox(&env).args(["list", "--names"]).output().unwrap());
    assert_eq!(names.lines().count(), 588);
    // And nothing to do the second time.
    let o = sync(&env, &[]);
    assert_eq!(
        stdout(&o),
        "added 0, updated 0, removed 0, unchanged 588 profiles in ~/.aws/config\n"
    );
}

#[test]
fn stale_profiles_are_counted_kept_without_a_terminal_and_pruned_with_yes() {
    let env = setup(&two_synced(), two());
    env.fake.script().accounts.pop();
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 0, updated 0, removed 0, unchanged 2 profiles in ~/.aws/config\n"
    );
    assert_eq!(
        stderr(&o),
        "ssox: 1 generated profile is stale (account or role no longer listed): dev_Admin; run \
         `ssox sync --prune` to remove them\n"
    );
    assert_eq!(config(&env), two_synced());

    // --prune without a terminal: removing asks first, so nothing is removed.
    let o = sync(&env, &["--prune"]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 0, updated 0, removed 0, unchanged 2 profiles in ~/.aws/config\n"
    );
    assert_eq!(
        stderr(&o),
        "ssox: kept 1 generated profile (dev_Admin): removing asks first, and there is no \
         terminal to ask on; to remove them run: ssox sync my_sso_session --prune --yes\n"
    );
    assert_eq!(config(&env), two_synced());

    let o = sync(&env, &["--prune", "--yes"]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 0, updated 0, removed 1, unchanged 2 profiles in ~/.aws/config\n"
    );
    assert_eq!(stderr(&o), "");
    let dev = format!(
        "{}\n",
        generated("dev_Admin", "222222222222", "Admin", "dev")
    );
    assert_eq!(config(&env), two_synced().replace(&dev, ""));
}

#[test]
fn prune_asks_on_a_terminal() {
    let env = setup(&two_synced(), two());
    env.fake.script().accounts.pop();
    let mut vars: Vec<(&str, String)> = env.fake.env();
    vars.push(("SSOX_RETRY_BASE_MS", "1".into()));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for (key, removed) in [("n", false), ("y", true)] {
        let mut p = Pty::spawn(&env.sb, "ssox sync --prune > out", &vars, 120, 30);
        p.wait_for("Remove 1 generated profile (dev_Admin) whose account or role is gone from ~/.aws/config? [y/N] ");
        p.send(key);
        let (code, screen) = p.finish();
        assert_eq!(code, 0, "{screen}");
        let out = std::fs::read_to_string(env.sb.path("out")).unwrap();
        let dev = format!(
            "{}\n",
            generated("dev_Admin", "222222222222", "Admin", "dev")
        );
        if removed {
            assert_eq!(
                out,
                "added 0, updated 0, removed 1, unchanged 2 profiles in ~/.aws/config\n"
            );
            assert_eq!(config(&env), two_synced().replace(&dev, ""));
        } else {
            assert_eq!(
                out,
                "added 0, updated 0, removed 0, unchanged 2 profiles in ~/.aws/config\n"
            );
            assert!(screen.contains("1 generated profile is stale"), "{screen}");
            assert_eq!(config(&env), two_synced());
        }
    }
}

#[test]
fn a_progress_bar_on_a_terminal_past_a_handful_of_accounts() {
    let env = setup(SESSION, numbered_accounts(40, &["Admin"]));
    env.fake.script().page_size = 100;
    env.fake.script().delay = Some(Duration::from_millis(25));
    let vars: Vec<(&str, String)> = env.fake.env();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut p = Pty::spawn(&env.sb, "ssox sync > out", &vars, 120, 30);
    p.wait_for(" of 40 accounts  listing the roles of my_sso_session");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    assert_eq!(
        std::fs::read_to_string(env.sb.path("out")).unwrap(),
        "added 40, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n"
    );
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let env = setup(
        &format!("{SESSION}\n[profile mine]\nregion = eu-west-1\n"),
        two(),
    );
    let path = env.sb.path(".aws/config");
    let mtime = age(&path);
    let o = sync(&env, &["--dry-run"]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "--- ~/.aws/config
+++ ~/.aws/config (after sync)
@@ -3,6 +3,31 @@
 sso_start_url = https://my-sso-portal.awsapps.com/start
 sso_region = us-east-1
 sso_registration_scopes = sso:account:access
+ssox_profile_template = {account_name}_{role_name}
 
 [profile mine]
 region = eu-west-1
+
+[profile dev_Admin]
+sso_session = my_sso_session
+sso_account_id = 222222222222
+sso_role_name = Admin
+region = us-east-1
+sso_account_name = dev
+sso_auto_populated = true
+
+[profile Prod-Payments_AdministratorAccess]
+sso_session = my_sso_session
+sso_account_id = 111111111111
+sso_role_name = AdministratorAccess
+region = us-east-1
+sso_account_name = Prod Payments
+sso_auto_populated = true
+
+[profile Prod-Payments_ReadOnlyAccess]
+sso_session = my_sso_session
+sso_account_id = 111111111111
+sso_role_name = ReadOnlyAccess
+region = us-east-1
+sso_account_name = Prod Payments
+sso_auto_populated = true
"
    );
    assert_eq!(
        stderr(&o),
        "added 3, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config (dry run: nothing \
         written)\n"
    );
    assert_eq!(
        config(&env),
        format!("{SESSION}\n[profile mine]\nregion = eu-west-1\n")
    );
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);
}

#[test]
fn a_hand_written_profile_for_a_listed_role_is_left_alone() {
    // blog_admin, blog_ro and no_region point at the two roles the fake lists by default.
    let env = Env::new();
    let before = config(&env);
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 0, updated 0, removed 0, unchanged 3 profiles in ~/.aws/config\n"
    );
    // Only the template is remembered in the session's section.
    assert_eq!(
        config(&env),
        before.replace(
            "sso_registration_scopes = sso:account:access\n",
            &format!("sso_registration_scopes = sso:account:access\n{REMEMBERED}")
        )
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_stays_a_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let env = setup(SESSION, two());
    let real = env.sb.write("dotfiles/aws/config", SESSION);
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = env.sb.path(".aws/config");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("../dotfiles/aws/config", &link).unwrap();
    let o = sync(&env, &[]);
    ok(&o);
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink());
    assert_eq!(
        std::fs::read_link(&link).unwrap().to_str(),
        Some("../dotfiles/aws/config")
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), two_synced());
    assert_eq!(mode(&real), 0o640);
    // No temporary file left beside the link or the target.
    for dir in [env.sb.path(".aws"), env.sb.path("dotfiles/aws")] {
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".ssox-"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }
}

#[test]
fn crlf_and_a_bom_round_trip() {
    let crlf = |t: &str| t.replace('\n', "\r\n");
    let env = setup(&format!("\u{feff}{}", crlf(SESSION)), two());
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(config(&env), format!("\u{feff}{}", crlf(&two_synced())));
    let o = sync(&env, &[]);
    assert_eq!(
        stdout(&o),
        "added 0, updated 0, removed 0, unchanged 3 profiles in ~/.aws/config\n"
    );
    assert_eq!(config(&env), format!("\u{feff}{}", crlf(&two_synced())));
}

#[test]
fn concurrent_syncs_both_complete_and_every_profile_is_there_once() {
    let second = "\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\n\
                  sso_region = us-east-1\n";
    // Thousands of other profiles make each sync's read, plan and write take a while: without
    // the lock, the syncs would overlap there and one would find the file changed under it.
    let padding: String = (0..4000)
        .map(|i| format!("\n[profile pad{i}]\nregion = us-east-1\n"))
        .collect();
    let env = setup(&format!("{SESSION}{second}{padding}"), two());
    env.sb.write(
        &format!(".aws/sso/cache/{}", sha1_name("other")),
        &std::fs::read_to_string(
            env.sb
                .path(&format!(".aws/sso/cache/{}", sha1_name("my_sso_session"))),
        )
        .unwrap()
        .replace("my-sso-portal", "other"),
    );
    // Slow answers, so that the listings overlap and every sync reads the file before any
    // writes it.
    env.fake.script().delay = Some(Duration::from_millis(30));
    let template = "{session}.{account_id}.{role_name}";
    let sessions = [
        "my_sso_session",
        "other",
        "my_sso_session",
        "other",
        "my_sso_session",
    ];
    let children: Vec<_> = sessions
        .iter()
        .map(|s| {
            ssox(&env)
                .args(["sync", s, "--name", template])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut summaries: Vec<String> = children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            ok(&o);
            stdout(&o)
        })
        .collect();
    summaries.sort();
    // Each session's profiles are added by one of its syncs; the others find them there.
    let added = "added 3, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n";
    let found = "added 0, updated 0, removed 0, unchanged 3 profiles in ~/.aws/config\n";
    assert_eq!(summaries, [found, found, found, added, added]);
    let text = config(&env);
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for l in (text.lines()).filter(|l| l.starts_with('[') && !l.starts_with("[profile pad")) {
        *count.entry(l).or_default() += 1;
    }
    let want: Vec<String> = ["my_sso_session", "other"]
        .iter()
        .flat_map(|s| {
            [
                "111111111111.AdministratorAccess",
                "111111111111.ReadOnlyAccess",
                "222222222222.Admin",
            ]
            .map(|r| format!("[profile {s}.{r}]"))
        })
        .chain([
            "[sso-session my_sso_session]".into(),
            "[sso-session other]".into(),
        ])
        .collect();
    let mut want: Vec<&str> = want.iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(count.keys().copied().collect::<Vec<_>>(), want);
    assert!(count.values().all(|&n| n == 1), "{count:?}");
}

#[test]
fn an_unparseable_config_is_refused_and_left_unchanged() {
    let broken = format!("{SESSION}\n[profile a]\nregion = x\n\n[profile a]\nregion = y\n");
    let env = setup(&broken, two());
    let o = sync(&env, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config:10: [profile a] repeats the section at line 7; ssox merges them \
         (the last value wins) but the AWS CLI does not: merge them into one\n\
         ssox does not rewrite ~/.aws/config while it has problems: fix them and run again\n"
    );
    assert_eq!(config(&env), broken);
    assert!(env.fake.requests().is_empty(), "refused before any request");
    // Not UTF-8: refused too, naming the line.
    let mut bytes = SESSION.as_bytes().to_vec();
    bytes.extend_from_slice(b"# caf\xe9\n");
    std::fs::write(env.sb.path(".aws/config"), &bytes).unwrap();
    let o = sync(&env, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config:6: this line is not valid UTF-8, and ssox rewrites only UTF-8 config \
         files; save the file as UTF-8 and run again\n"
    );
    assert_eq!(std::fs::read(env.sb.path(".aws/config")).unwrap(), bytes);
}

#[test]
fn throttling_mid_listing_gives_a_complete_file_or_an_unchanged_one() {
    let env = setup(SESSION, two());
    env.fake.script().fail_every = vec![("ListAccountRoles".into(), 2, 429)];
    let o = sync(&env, &[]);
    ok(&o);
    assert_eq!(config(&env), two_synced());

    // Throttled to the end: an error, and the file as it was.
    let env = setup(SESSION, two());
    env.fake.script().fail_every = vec![("ListAccountRoles".into(), 1, 429)];
    let o = sync(&env, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "ssox: cannot list the accounts of sso-session \"my_sso_session\": ListAccountRoles \
             for account "
        ),
        "{err}"
    );
    assert!(
        err.ends_with(&format!(
            " at {} failed: TooManyRequestsException (HTTP 429): injected failure (6 attempts); \
             too many requests, try again in a minute; nothing was written\n",
            env.fake.url().trim_start_matches("http://")
        )),
        "{err}"
    );
    assert_eq!(config(&env), SESSION);
}

#[test]
fn an_expired_token_says_run_ssox_login() {
    let env = setup(SESSION, two());
    env.write_token(time::OffsetDateTime::now_utc() - time::Duration::minutes(90));
    let o = sync(&env, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "ssox: sso-session \"my_sso_session\" expired 1h30m ago; run: ssox login\n"
    );
    assert!(env.fake.requests().is_empty());

    // Valid by its date, refused by the portal.
    env.write_token(time::OffsetDateTime::now_utc() + time::Duration::hours(1));
    env.fake.script().fail = vec![("ListAccounts".into(), 401)];
    let o = sync(&env, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "ssox: sso-session \"my_sso_session\" was rejected by the SSO portal (expired or \
         revoked); run: ssox login\n"
    );
    assert_eq!(config(&env), SESSION);
    // Remembered: the next sync says so without asking the portal again.
    env.fake.clear_requests();
    let again = sync(&env, &[]);
    assert_eq!(stderr(&again), stderr(&o));
    assert!(env.fake.requests().is_empty());
}

#[test]
fn an_expired_token_that_can_be_refreshed_is_refreshed_without_a_browser() {
    let env = LoginEnv::new(SESSION);
    env.seed_token(&sha1_name("my_sso_session"), -60, true);
    env.fake.script().accounts = two();
    let mut c = env.cmd(&["sync"]);
    let o = no_terminal(&mut c).output().unwrap();
    ok(&o);
    assert_eq!(
        stdout(&o),
        "added 3, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n"
    );
    assert_eq!(stderr(&o), "", "refreshed without a word");
    let ops = env.fake.ops();
    assert_eq!(ops[0], "CreateToken");
    assert!(
        ops[1..].iter().all(|op| op.starts_with("ListAccount")),
        "{ops:?}"
    );
    assert!(env.browser_log().is_empty());
    // The listing used the refreshed token.
    let new = env.token(&sha1_name("my_sso_session"))["accessToken"].clone();
    assert_ne!(new, "seed-access");
    let sent = env.fake.requests()[1]
        .header("x-amz-sso_bearer_token")
        .unwrap()
        .to_string();
    assert_eq!(new, sent.as_str());
}

#[test]
fn boto3_gets_the_caller_identity_through_a_generated_profile() {
    let Some(py) = venv_python() else { return };
    let env = setup(SESSION, two());
    ok(&sync(&env, &[]));
    env.fake.clear_requests();
    let mut c = Command::new(py);
    scrub(&mut c, &env.sb.home);
    let o = c
        .envs(env.fake.env())
        .arg(interop_script("caller_identity.py"))
        .args(["Prod-Payments_ReadOnlyAccess", "dev_Admin"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["Account"], "111111111111");
    assert!(
        lines[0]["Arn"].as_str().unwrap().contains("ReadOnlyAccess"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1]["Account"], "222222222222");
    assert_eq!(
        env.fake.ops(),
        [
            "GetRoleCredentials",
            "GetCallerIdentity",
            "GetRoleCredentials",
            "GetCallerIdentity"
        ]
    );
}

#[test]
fn list_and_pick_show_and_match_the_account_name() {
    // A hand-written profile of a synced account gets its name too.
    let hand = "\n[profile mine]\nsso_session = my_sso_session\nsso_account_id = 222222222222\n\
                sso_role_name = ReadOnlyAccess\nregion = eu-west-1\n";
    let env = setup(&format!("{}{hand}", two_synced()), two());
    let o = ssox(&env).arg("list").output().unwrap();
    ok(&o);
    let token = stdout(&o)
        .lines()
        .nth(1)
        .unwrap()
        .rsplit("  ")
        .next()
        .unwrap()
        .to_string();
    assert!(token.starts_with("valid "), "{token}");
    assert_eq!(
        stdout(&o),
        format!(
            "  PROFILE                            KIND  ACCOUNT                       ROLE                 SESSION         REGION     TOKEN
  Prod-Payments_AdministratorAccess  sso   111111111111 (Prod Payments)  AdministratorAccess  my_sso_session  us-east-1  {token}
  Prod-Payments_ReadOnlyAccess       sso   111111111111 (Prod Payments)  ReadOnlyAccess       my_sso_session  us-east-1  {token}
  dev_Admin                          sso   222222222222 (dev)            Admin                my_sso_session  us-east-1  {token}
  mine                               sso   222222222222 (dev)            ReadOnlyAccess       my_sso_session  eu-west-1  {token}
"
        )
    );
    let o = ssox(&env).args(["list", "--json"]).output().unwrap();
    let rows: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let names: Vec<(&str, &str, &Value)> = rows
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap(),
                r["account_id"].as_str().unwrap(),
                &r["account_name"],
            )
        })
        .collect();
    assert_eq!(names[3], ("mine", "222222222222", &Value::from("dev")));
    assert_eq!(
        names[0],
        (
            "Prod-Payments_AdministratorAccess",
            "111111111111",
            &Value::from("Prod Payments")
        )
    );
    // `pick` matches on the account's name: "dev read" is only `mine`.
    let o = ssox(&env)
        .args(["pick", "dev read", "--shell", "bash"])
        .output()
        .unwrap();
    ok(&o);
    assert!(
        stdout(&o).contains("export AWS_PROFILE='mine';"),
        "{}",
        stdout(&o)
    );
}
