//! The fake's sso portal: bearer checks, logout, pagination and role credentials.

use std::time::Duration;

use serde_json::json;

use super::{http, login, now, portal_get, Resp};
use crate::support::fake_aws::{numbered_accounts, FakeAws};

fn assert_unauthorized(r: &Resp) {
    assert_portal_error(
        r,
        401,
        "UnauthorizedException",
        "Session token not found or invalid",
    );
}

#[test]
fn portal_rejects_bad_bearer_and_logout_revokes() {
    let fake = FakeAws::start();
    let target = "/federation/credentials?role_name=AdministratorAccess&account_id=111111111111";
    assert_unauthorized(&portal_get(&fake, target, None));
    assert_unauthorized(&portal_get(&fake, target, Some("not-a-token")));
    assert_unauthorized(&portal_get(
        &fake,
        "/assignment/accounts?max_result=10",
        Some("nope"),
    ));

    let (token, _) = login(&fake, None);
    assert_eq!(portal_get(&fake, target, Some(&token)).status, 200);

    let r = http(
        &fake,
        "POST",
        "/logout",
        &[("x-amz-sso_bearer_token", &token)],
        "",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "");
    assert_unauthorized(&portal_get(&fake, target, Some(&token)));
    assert!(!fake.token_valid(&token));

    // Expired tokens are refused; issue_token makes a pre-seeded token valid.
    fake.script().token_expires_in = 0;
    let (expired, _) = login(&fake, None);
    assert_unauthorized(&portal_get(&fake, target, Some(&expired)));
    fake.issue_token("seeded-token");
    assert_eq!(portal_get(&fake, target, Some("seeded-token")).status, 200);
    assert_eq!(fake.count("Logout"), 1);
    assert_eq!(fake.count("GetRoleCredentials"), 6);
}

#[test]
fn list_accounts_and_roles_paginate() {
    let fake = FakeAws::start();
    fake.script().accounts = vec![
        (
            "111111111111".into(),
            "one".into(),
            "one@example.com".into(),
            vec!["A".into()],
        ),
        (
            "222222222222".into(),
            "two".into(),
            "two@example.com".into(),
            vec!["B".into(), "C".into(), "D".into()],
        ),
        (
            "333333333333".into(),
            "three".into(),
            "three@example.com".into(),
            vec![],
        ),
    ];
    fake.issue_token("t");
    let mut ids = Vec::new();
    let mut next: Option<String> = None;
    let mut pages = 0;
    loop {
        let target = match &next {
            Some(n) => format!("/assignment/accounts?max_result=100&next_token={n}"),
            None => "/assignment/accounts?max_result=100".to_string(),
        };
        let v = portal_get(&fake, &target, Some("t")).json();
        pages += 1;
        let list = v["accountList"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        ids.push(list[0]["accountId"].as_str().unwrap().to_string());
        next = v["nextToken"].as_str().map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(ids, ["111111111111", "222222222222", "333333333333"]);
    assert_eq!(fake.count("ListAccounts"), 3);

    fake.script().page_size = 2;
    let v = portal_get(
        &fake,
        "/assignment/roles?account_id=222222222222&max_result=10",
        Some("t"),
    )
    .json();
    assert_eq!(
        v,
        json!({"roleList": [{"roleName": "B", "accountId": "222222222222"}, {"roleName": "C", "accountId": "222222222222"}],
               "nextToken": "roles-page-2"})
    );
    let v = portal_get(
        &fake,
        "/assignment/roles?account_id=222222222222&max_result=10&next_token=roles-page-2",
        Some("t"),
    )
    .json();
    assert_eq!(
        v,
        json!({"roleList": [{"roleName": "D", "accountId": "222222222222"}]})
    );
    // max_result caps the page too.
    let v = portal_get(&fake, "/assignment/accounts?max_result=1", Some("t")).json();
    assert_eq!(v["accountList"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["accountList"][0],
        json!({"accountId": "111111111111", "accountName": "one", "emailAddress": "one@example.com"})
    );
    let r = portal_get(&fake, "/assignment/accounts?next_token=garbage", Some("t"));
    assert_eq!(r.status, 400);
}

#[test]
fn role_credentials_and_forbidden_roles() {
    let fake = FakeAws::start();
    fake.issue_token("t");
    let before = now();
    let r = portal_get(
        &fake,
        "/federation/credentials?role_name=ReadOnlyAccess&account_id=111111111111",
        Some("t"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let c = &r.json()["roleCredentials"];
    let akid = c["accessKeyId"].as_str().unwrap();
    assert!(akid.starts_with("ASIA") && akid.len() == 20, "{akid}");
    let exp = c["expiration"].as_i64().unwrap();
    assert!(
        exp >= (before + 3600) * 1000 && exp <= (now() + 3600) * 1000,
        "{exp}"
    );
    assert_eq!(
        fake.role_credentials_for(akid),
        Some((
            akid.to_string(),
            c["secretAccessKey"].as_str().unwrap().to_string(),
            c["sessionToken"].as_str().unwrap().to_string()
        ))
    );
    assert_eq!(fake.role_credentials_for("ASIANOPE"), None);

    let forbidden = |target: &str| {
        let r = portal_get(&fake, target, Some("t"));
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r
            .header("x-amzn-ErrorType")
            .unwrap()
            .starts_with("ForbiddenException:"));
        assert!(r.json()["message"].is_string());
    };
    forbidden("/federation/credentials?role_name=Nope&account_id=111111111111");
    forbidden("/federation/credentials?role_name=AdministratorAccess&account_id=999999999999");
    fake.script().deny_roles = vec![("111111111111".into(), "AdministratorAccess".into())];
    forbidden("/federation/credentials?role_name=AdministratorAccess&account_id=111111111111");
    // With no accounts configured any role is granted.
    fake.script().accounts.clear();
    let r = portal_get(
        &fake,
        "/federation/credentials?role_name=X&account_id=123",
        Some("t"),
    );
    assert_eq!(r.status, 200);
}

/// Asserts a typed portal error: status, `x-amzn-ErrorType` with the coral suffix, `{"message"}`.
fn assert_portal_error(r: &Resp, status: u16, kind: &str, message: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let t = r.header("x-amzn-ErrorType").unwrap();
    assert_eq!(
        t,
        format!("{kind}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/")
    );
    assert_eq!(r.json(), json!({ "message": message }));
}

#[test]
fn numbered_accounts_page_and_an_account_without_roles() {
    let fake = FakeAws::start();
    fake.issue_token("t");
    let mut accounts = numbered_accounts(5, &["Admin", "ReadOnly"]);
    accounts[2].3.clear();
    assert_eq!(
        accounts[0],
        (
            "100000000000".to_string(),
            "account-0004".to_string(),
            "aws+0000@example.com".to_string(),
            vec!["Admin".to_string(), "ReadOnly".to_string()]
        )
    );
    assert_eq!(accounts[4].0, "100000000004");
    assert_eq!(accounts[4].1, "account-0000");
    fake.script().accounts = accounts;
    fake.script().page_size = 2;

    let mut names = Vec::new();
    let mut target = "/assignment/accounts?max_result=100".to_string();
    loop {
        let v = portal_get(&fake, &target, Some("t")).json();
        for a in v["accountList"].as_array().unwrap() {
            names.push(a["accountName"].as_str().unwrap().to_string());
        }
        match v["nextToken"].as_str() {
            Some(n) => target = format!("/assignment/accounts?max_result=100&next_token={n}"),
            None => break,
        }
    }
    assert_eq!(
        names,
        [
            "account-0004",
            "account-0003",
            "account-0002",
            "account-0001",
            "account-0000"
        ]
    );
    assert_eq!(fake.count("ListAccounts"), 3);

    let r = portal_get(
        &fake,
        "/assignment/roles?account_id=100000000002&max_result=100",
        Some("t"),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"roleList": []}));
}

#[test]
fn max_result_must_be_1_to_100() {
    let fake = FakeAws::start();
    fake.issue_token("t");
    for bad in ["0", "101", "1000", "x"] {
        for path in ["/assignment/accounts", "/assignment/roles"] {
            let r = portal_get(
                &fake,
                &format!("{path}?account_id=111111111111&max_result={bad}"),
                Some("t"),
            );
            assert_portal_error(
                &r,
                400,
                "InvalidRequestException",
                "max_result must be between 1 and 100",
            );
        }
    }
    for good in ["1", "100"] {
        let r = portal_get(
            &fake,
            &format!("/assignment/roles?account_id=111111111111&max_result={good}"),
            Some("t"),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

#[test]
fn injected_429s_next_n_and_every_kth() {
    let fake = FakeAws::start();
    fake.issue_token("t");
    let roles = "/assignment/roles?account_id=111111111111&max_result=100";
    let accounts = "/assignment/accounts?max_result=100";

    // The next 2 ListAccounts answer 429, then they succeed again.
    fake.script().fail = vec![("ListAccounts".into(), 429), ("ListAccounts".into(), 429)];
    let statuses: Vec<u16> = (0..3)
        .map(|_| portal_get(&fake, accounts, Some("t")).status)
        .collect();
    assert_eq!(statuses, [429, 429, 200]);

    // Every 3rd ListAccountRoles (counted from the fake's start) answers 429; a 503 too.
    fake.script().fail_every = vec![
        ("ListAccountRoles".into(), 3, 429),
        ("ListAccounts".into(), 2, 503),
    ];
    let rs: Vec<Resp> = (0..7)
        .map(|_| portal_get(&fake, roles, Some("t")))
        .collect();
    let statuses: Vec<u16> = rs.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 200, 429, 200, 200, 429, 200]);
    assert_portal_error(&rs[2], 429, "TooManyRequestsException", "injected failure");
    // ListAccounts has answered 3 so far: its 4th is the 2nd multiple of 2.
    let r = portal_get(&fake, accounts, Some("t"));
    assert_portal_error(&r, 503, "InternalServerException", "injected failure");
    assert_eq!(portal_get(&fake, accounts, Some("t")).status, 200);

    // k = 1: every request fails.
    fake.script().fail_every = vec![("ListAccountRoles".into(), 1, 429)];
    for _ in 0..3 {
        assert_eq!(portal_get(&fake, roles, Some("t")).status, 429);
    }
    assert_eq!(fake.count("ListAccountRoles"), 10);
    assert_eq!(fake.count("ListAccounts"), 5);
}

#[test]
fn max_in_flight_counts_concurrent_requests() {
    let fake = FakeAws::start();
    fake.issue_token("t");
    assert_eq!(fake.max_in_flight(), 0);
    portal_get(&fake, "/assignment/accounts", Some("t"));
    assert_eq!(fake.max_in_flight(), 1);
    fake.script().delay = Some(Duration::from_millis(400));
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..5)
            .map(|_| s.spawn(|| portal_get(&fake, "/assignment/accounts", Some("t")).status))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), 200);
        }
    });
    assert_eq!(fake.max_in_flight(), 5);
}
