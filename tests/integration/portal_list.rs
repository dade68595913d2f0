//! The SSO portal listing (`ssox::aws::portal`), called as a library against the fake portal:
//! pagination and the exact number of requests, the order of the result, an account without
//! roles, retries of 429/5xx/hang-ups with backoff, all-or-nothing errors, 401 as its own error,
//! and the bound on requests in flight. `cargo bench --bench sync` times 1,000 accounts.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use ssox::aws::portal::{Account, Backoff, ListingError, Portal, MAX_IN_FLIGHT};

use crate::support::fake_aws::{numbered_accounts, FakeAws};

type FakeAccount = (String, String, String, Vec<String>);
type Listing = Result<Vec<Account>, ListingError>;

/// Retries after a millisecond or so, so that tests that exhaust them stay fast.
const FAST: Backoff = Backoff {
    base: Duration::from_millis(1),
    max: Duration::from_millis(4),
    attempts: 6,
    budget: Duration::from_secs(30),
};

fn portal(url: &str, backoff: Backoff) -> Portal {
    Portal::new("us-east-1", Some(url.to_string()))
        .unwrap()
        .with_backoff(backoff)
}

fn fake_with(accounts: Vec<FakeAccount>, page_size: usize) -> FakeAws {
    let fake = FakeAws::start();
    fake.issue_token("t");
    fake.script().accounts = accounts;
    fake.script().page_size = page_size;
    fake
}

fn acct(id: &str, name: &str, email: &str, roles: &[&str]) -> FakeAccount {
    (
        id.into(),
        name.into(),
        email.into(),
        roles.iter().map(|r| r.to_string()).collect(),
    )
}

/// What the listing must return for `accounts`: names (or ids), emails when not empty, roles
/// sorted without duplicates, accounts by name then id.
fn expected(accounts: &[FakeAccount]) -> Vec<Account> {
    let mut v: Vec<Account> = accounts
        .iter()
        .map(|(id, name, email, roles)| {
            let mut roles = roles.clone();
            roles.sort();
            roles.dedup();
            Account {
                id: id.clone(),
                name: if name.is_empty() {
                    id.clone()
                } else {
                    name.clone()
                },
                email: (!email.is_empty()).then(|| email.clone()),
                roles,
            }
        })
        .collect();
    v.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    v
}

/// The listing with its progress calls.
fn list(fake: &FakeAws, backoff: Backoff) -> (Listing, Vec<(usize, usize)>) {
    let mut progress = Vec::new();
    let result = portal(&fake.url(), backoff)
        .list_accounts_and_roles("t", &mut |done, total| progress.push((done, total)));
    (result, progress)
}

fn failed(r: Listing) -> String {
    match r {
        Err(ListingError::Failed(m)) => m,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn two_accounts() {
    let accounts = vec![
        acct(
            "222222222222",
            "web",
            "web@example.com",
            &["ReadOnlyAccess", "AdministratorAccess"],
        ),
        acct("111111111111", "blog", "", &["AdministratorAccess"]),
    ];
    let fake = fake_with(accounts, 1);
    let (result, progress) = list(&fake, FAST);
    assert_eq!(
        result.unwrap(),
        vec![
            Account {
                id: "111111111111".into(),
                name: "blog".into(),
                email: None,
                roles: vec!["AdministratorAccess".into()],
            },
            Account {
                id: "222222222222".into(),
                name: "web".into(),
                email: Some("web@example.com".into()),
                roles: vec!["AdministratorAccess".into(), "ReadOnlyAccess".into()],
            },
        ]
    );
    assert_eq!(progress, [(0, 2), (1, 2), (2, 2)]);
    // Pages of one: 2 ListAccounts, 1 + 2 ListAccountRoles; every request asks for full pages
    // and carries the bearer token.
    assert_eq!(fake.count("ListAccounts"), 2);
    assert_eq!(fake.count("ListAccountRoles"), 3);
    let requests = fake.requests();
    assert_eq!(requests.len(), 5);
    for r in &requests {
        assert_eq!(r.query_param("max_result").as_deref(), Some("100"), "{r:?}");
        assert_eq!(r.header("x-amz-sso_bearer_token"), Some("t"));
    }
    assert_eq!(requests[0].query_param("next_token"), None);
    assert_eq!(
        requests[1].query_param("next_token").as_deref(),
        Some("accounts-page-1")
    );
    let mut asked: Vec<String> = requests[2..]
        .iter()
        .map(|r| r.query_param("account_id").unwrap())
        .collect();
    asked.sort();
    assert_eq!(asked, ["111111111111", "222222222222", "222222222222"]);
}

#[test]
fn three_hundred_accounts_over_many_pages() {
    let mut accounts = numbered_accounts(300, &["ReadOnlyAccess", "AdministratorAccess", "Dev"]);
    for (i, a) in accounts.iter_mut().enumerate() {
        match i % 50 {
            0 => a.3.clear(),
            1 => a.3 = (0..30).rev().map(|n| format!("Role{n:02}")).collect(),
            _ => {}
        }
    }
    let fake = fake_with(accounts.clone(), 25);
    let (result, progress) = list(&fake, FAST);
    let listed = result.unwrap();
    assert_eq!(listed, expected(&accounts));
    assert_eq!(listed.len(), 300);
    assert_eq!(listed[0].name, "account-0000");
    assert_eq!(listed[0].id, "100000000299");
    assert_eq!(listed[299].id, "100000000000");
    assert_eq!(listed[299].roles, Vec::<String>::new());
    assert_eq!(listed.iter().filter(|a| a.roles.is_empty()).count(), 6);
    assert_eq!(listed.iter().filter(|a| a.roles.len() == 30).count(), 6);
    // 300 / 25 pages of accounts; one page of roles per account, two for the six with 30 roles.
    assert_eq!(fake.count("ListAccounts"), 12);
    assert_eq!(fake.count("ListAccountRoles"), 306);
    let want: Vec<(usize, usize)> = (0..=300).map(|d| (d, 300)).collect();
    assert_eq!(progress, want);
}

#[test]
fn order_names_and_duplicates() {
    let accounts = vec![
        acct("333333333333", "shared", "", &["B", "A", "B"]),
        acct("222222222222", "shared", "", &["A"]),
        acct("999999999999", "", "", &[]),
        acct("111111111111", "zeta", "z@example.com", &["A"]),
    ];
    let fake = fake_with(accounts, 100);
    let listed = list(&fake, FAST).0.unwrap();
    let summary: Vec<(&str, &str, Vec<&str>)> = listed
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.id.as_str(),
                a.roles.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("999999999999", "999999999999", vec![]),
            ("shared", "222222222222", vec!["A"]),
            ("shared", "333333333333", vec!["A", "B"]),
            ("zeta", "111111111111", vec!["A"]),
        ]
    );
}

#[test]
fn throttling_and_server_errors_are_retried_and_the_listing_is_complete() {
    let accounts = numbered_accounts(40, &["AdministratorAccess", "ReadOnlyAccess"]);
    let fake = fake_with(accounts.clone(), 10);
    {
        let mut s = fake.script();
        s.fail = vec![
            ("ListAccounts".into(), 429),
            ("ListAccounts".into(), 429),
            ("ListAccountRoles".into(), 503),
            ("ListAccountRoles".into(), 500),
        ];
        s.fail_every = vec![("ListAccountRoles".into(), 3, 429)];
    }
    // With every 3rd request failing, one account's 6 tries could all land on failures when the
    // requests interleave (about 1 run in 20); 30 tries make that impossible in practice.
    let (result, progress) = list(
        &fake,
        Backoff {
            attempts: 30,
            ..FAST
        },
    );
    assert_eq!(result.unwrap(), expected(&accounts));
    assert_eq!(progress.last(), Some(&(40, 40)));
    // 4 pages + 2 throttled; 40 answers, after requests 1 and 2 (popped) and every 3rd failed:
    // the 40th success is request 62 (62 - 2 - 20).
    assert_eq!(fake.count("ListAccounts"), 6);
    assert_eq!(fake.count("ListAccountRoles"), 62);
}

#[test]
fn persistent_throttling_is_an_error_after_the_last_try() {
    let fake = fake_with(vec![acct("111111111111", "blog", "", &["A"])], 100);
    fake.script().fail_every = vec![("ListAccountRoles".into(), 1, 429)];
    let (result, progress) = list(&fake, FAST);
    assert_eq!(
        failed(result),
        format!(
            "ListAccountRoles for account 111111111111 at {} failed: TooManyRequestsException \
             (HTTP 429): injected failure (6 attempts); too many requests, try again in a minute",
            fake.place()
        )
    );
    assert_eq!(fake.count("ListAccountRoles"), 6);
    assert_eq!(progress, [(0, 1)]);

    // A server error that lasts, on the accounts themselves.
    let fake = fake_with(vec![acct("111111111111", "blog", "", &["A"])], 100);
    fake.script().fail_every = vec![("ListAccounts".into(), 1, 500)];
    let (result, progress) = list(&fake, FAST);
    assert_eq!(
        failed(result),
        format!(
            "ListAccounts at {} failed: InternalServerException (HTTP 500): injected failure \
             (6 attempts); the service has a problem, try again in a minute",
            fake.place()
        )
    );
    assert_eq!(fake.count("ListAccounts"), 6);
    assert!(progress.is_empty());
}

#[test]
fn one_failed_account_fails_the_whole_listing() {
    // Without retries, the 7th ListAccountRoles fails after others have succeeded: the caller
    // gets the error, never the accounts listed so far.
    let accounts = numbered_accounts(20, &["A"]);
    let fake = fake_with(accounts, 100);
    fake.script().fail_every = vec![("ListAccountRoles".into(), 7, 429)];
    let once = Backoff {
        attempts: 1,
        ..FAST
    };
    let (result, progress) = list(&fake, once);
    let message = failed(result);
    assert!(
        message.starts_with("ListAccountRoles for account 1000000000"),
        "{message}"
    );
    assert!(
        message.ends_with(
            "failed: TooManyRequestsException (HTTP 429): injected failure; too many requests, \
             try again in a minute"
        ),
        "{message}"
    );
    // Requests already in flight (up to 8) may still finish after the 7th fails, but the
    // listing stops: it never gets to the last account.
    let done = progress.last().unwrap().0;
    assert!((1..20).contains(&done), "{progress:?}");
    assert!(fake.count("ListAccountRoles") < 20);
}

#[test]
fn an_expired_token_is_its_own_error_and_not_retried() {
    let fake = fake_with(numbered_accounts(3, &["A"]), 100);
    let mut progress = Vec::new();
    let result = portal(&fake.url(), FAST)
        .list_accounts_and_roles("never-issued", &mut |d, t| progress.push((d, t)));
    assert!(
        matches!(result, Err(ListingError::Unauthorized)),
        "{result:?}"
    );
    assert_eq!(fake.count("ListAccounts"), 1);
    assert_eq!(fake.count("ListAccountRoles"), 0);
    assert!(progress.is_empty());

    // Rejected half way through: the same error, nothing listed.
    let fake = fake_with(numbered_accounts(3, &["A"]), 100);
    fake.script().fail = vec![("ListAccountRoles".into(), 401)];
    let (result, _) = list(&fake, FAST);
    assert!(
        matches!(result, Err(ListingError::Unauthorized)),
        "{result:?}"
    );
    assert_eq!(
        ListingError::Unauthorized.to_string(),
        "the SSO portal rejected the access token (expired or revoked)"
    );
}

#[test]
fn other_client_errors_are_not_retried() {
    let fake = fake_with(vec![acct("111111111111", "blog", "", &["A"])], 100);
    fake.script().fail = vec![("ListAccountRoles".into(), 403)];
    let (result, _) = list(&fake, FAST);
    assert_eq!(
        failed(result),
        format!(
            "ListAccountRoles for account 111111111111 at {} failed: ForbiddenException \
             (HTTP 403): injected failure",
            fake.place()
        )
    );
    assert_eq!(fake.count("ListAccountRoles"), 1);

    // A 200 that is not JSON is not retried either.
    let fake = fake_with(vec![acct("111111111111", "blog", "", &["A"])], 100);
    fake.script().malformed = vec!["ListAccounts".into()];
    let message = failed(list(&fake, FAST).0);
    assert!(
        message.starts_with(&format!(
            "ListAccounts at {} returned a response ssox cannot read",
            fake.place()
        )),
        "{message}"
    );
    assert!(!message.contains("attempts"), "{message}");
    assert_eq!(fake.count("ListAccounts"), 1);
}

#[test]
fn requests_in_flight_are_bounded() {
    let accounts = numbered_accounts(40, &["A", "B", "C"]);
    let fake = fake_with(accounts.clone(), 100);
    fake.script().delay = Some(Duration::from_millis(100));
    let (result, _) = list(&fake, FAST);
    assert_eq!(result.unwrap(), expected(&accounts));
    let max = fake.max_in_flight();
    assert_eq!(MAX_IN_FLIGHT, 8);
    // Concurrent (a sequential client would show 1), never more than the bound.
    assert!((4..=MAX_IN_FLIGHT).contains(&max), "{max} in flight");
}

#[test]
fn the_retry_budget_bounds_the_whole_listing() {
    let fake = fake_with(vec![acct("111111111111", "blog", "", &["A"])], 100);
    fake.script().fail_every = vec![("ListAccountRoles".into(), 1, 429)];
    let patient = Backoff {
        base: Duration::from_millis(20),
        max: Duration::from_millis(20),
        attempts: 1000,
        budget: Duration::from_millis(300),
    };
    let t = Instant::now();
    let message = failed(list(&fake, patient).0);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let tries = fake.count("ListAccountRoles");
    assert!((2..1000).contains(&tries), "{tries}");
    assert!(
        message.ends_with(&format!(
            "({tries} attempts); too many requests, try again in a minute"
        )),
        "{message}"
    );
}

#[test]
fn nothing_listening_fails_at_once() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let r = portal(&url, FAST).list_accounts_and_roles("t", &mut |_, _| {});
    // Not retried (no "attempts"), and no SDK debug output.
    assert_eq!(
        failed(r),
        format!(
            "ListAccounts: cannot connect to 127.0.0.1:{port}: connection refused; check your \
             network or VPN"
        )
    );
}

/// A server that hangs up on the first connection without answering, then answers an empty
/// account list: the hang-up is retried.
#[test]
fn a_dropped_connection_is_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        for n in 0..2 {
            let (mut s, _) = listener.accept().unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap() == 1 {
                head.push(byte[0]);
            }
            if n == 1 {
                let body = r#"{"accountList":[]}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                s.write_all(answer.as_bytes()).unwrap();
            }
        }
    });
    let mut progress = Vec::new();
    let r = portal(&url, FAST).list_accounts_and_roles("t", &mut |d, t| progress.push((d, t)));
    assert_eq!(r.unwrap(), Vec::<Account>::new());
    assert_eq!(progress, [(0, 0)]);
    server.join().unwrap();
}
