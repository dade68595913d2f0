//! Unit tests of the rows' JSON (`list --json`) against serde_json. Test-only: `profiles.rs`
//! declares it under #[cfg(test)].

use super::*;
use crate::cache::push_json_str;
use serde_json::json;

#[test]
fn json_strings_are_escaped_as_serde_json_escapes_them() {
    for s in [
        "",
        "plain",
        "a\"b",
        "back\\slash",
        "\n\r\t\u{8}\u{c}",
        "\u{0}\u{1}\u{1f} \u{7f}",
        "ünï€ 😀",
        "tab\there \"and\" \\ there\u{1b}[0m",
    ] {
        let mut out = String::new();
        push_json_str::<false>(&mut out, s);
        assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
    }
}

#[test]
fn the_json_array_is_laid_out_as_serde_jsons_pretty_printer_does() {
    let login = LoginTarget {
        cache_key: "corp".into(),
        session_name: Some("corp".into()),
        start_url: "https://corp.awsapps.com/start".into(),
        region: "eu-west-1".into(),
        scopes: None,
    };
    let sso = Rc::new(SessionState {
        short_name: login.short_name(),
        login,
        token: TokenState::None,
        token_text: "none".into(),
        expires_at: Some("2026-11-24T04:34:20Z".into()),
    });
    let rows = [
        Row {
            name: "blog \"admin\"",
            kind: "sso",
            account: Some("111111111111"),
            account_name: Some("Blog\\Prod".into()),
            role: Some("Admin"),
            region: None,
            named_session: None,
            sso: Some(sso),
            login: None,
            error: None,
            active: true,
        },
        Row {
            name: "broken",
            kind: "sso",
            account: None,
            account_name: None,
            role: None,
            region: Some("eu-\u{1}"),
            named_session: Some("nope"),
            sso: None,
            login: None,
            error: Some("no [sso-session nope]\n".into()),
            active: false,
        },
    ];
    let expected = json!([
        {
            "name": "blog \"admin\"", "kind": "sso", "account_id": "111111111111",
            "role_name": "Admin", "sso_session": "corp",
            "sso_start_url": "https://corp.awsapps.com/start", "sso_region": "eu-west-1",
            "region": null, "token": "none", "token_expires_at": "2026-11-24T04:34:20Z",
            "active": true, "error": null, "account_name": "Blog\\Prod",
            "login_session": null
        },
        {
            "name": "broken", "kind": "sso", "account_id": null, "role_name": null,
            "sso_session": null, "sso_start_url": null, "sso_region": null,
            "region": "eu-\u{1}", "token": null, "token_expires_at": null, "active": false,
            "error": "no [sso-session nope]\n", "account_name": null,
            "login_session": null
        }
    ]);
    let mut out = Vec::new();
    write_json(&rows, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        serde_json::to_string_pretty(&expected).unwrap() + "\n"
    );
    let mut out = Vec::new();
    write_json(&[], &mut out).unwrap();
    assert_eq!(out, b"[]\n");
}
