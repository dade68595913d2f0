//! `ssox console` against the fake federation endpoint: the getSigninToken request, the login
//! URL's exact shape, and opening it in a (fake) browser.

use crate::support::fake_aws::FakeAws;
use crate::support::signed_in::{in_minutes, Env, SEED_AKID, SEED_SECRET, SEED_TOKEN};
use crate::support::*;

#[test]
fn console_print_gives_the_federated_login_url() {
    let env = Env::new();
    let o = env.run(&["console", "blog_admin", "--print"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "GetSigninToken"]);
    let rq = &env.fake.requests()[1];
    assert_eq!(rq.method, "GET");
    assert_eq!(rq.path, "/federation");
    assert_eq!(rq.query_param("SessionDuration").as_deref(), Some("43200"));
    let session: serde_json::Value =
        serde_json::from_str(&rq.query_param("Session").unwrap()).unwrap();
    let akid = session["sessionId"].as_str().unwrap();
    let (_, secret, token) = env.fake.role_credentials_for(akid).unwrap();
    assert_eq!(session["sessionKey"], secret.as_str());
    assert_eq!(session["sessionToken"], token.as_str());

    let url = stdout(&o);
    let prefix = format!(
        "{}/federation?Action=login&Issuer=ssox&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=fake-signin-",
        env.fake.url()
    );
    assert!(url.starts_with(&prefix), "{url}");
    let rest = url.strip_prefix(&prefix).unwrap();
    assert!(
        rest.strip_suffix('\n')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        "{url}"
    );
}

#[test]
fn console_destination_is_encoded_and_cached_credentials_are_used() {
    let env = Env::new();
    env.seed_role_cache(
        "AdministratorAccess",
        SEED_AKID,
        SEED_SECRET,
        SEED_TOKEN,
        &in_minutes(40),
    );
    env.fake.issue_role_credentials(
        SEED_AKID,
        SEED_SECRET,
        SEED_TOKEN,
        "111111111111",
        "AdministratorAccess",
    );
    let o = env.run(&[
        "console",
        "blog_admin",
        "--print",
        "--destination",
        "https://console.aws.amazon.com/s3/home?region=eu-west-1#x",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["GetSigninToken"]);
    assert!(
        stdout(&o).contains(
            "&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1%23x&SigninToken="
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn console_opens_the_url_in_a_browser() {
    let env = Env::new();
    let browser = env.fake.browser_dir(env.sb.dir.path());
    let path = format!(
        "{}:{}",
        browser.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = env
        .cmd()
        .env("PATH", path)
        .env("DISPLAY", ":0")
        .args(["console", "blog_admin"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: opened the AWS console as AdministratorAccess in account 111111111111\n"
    );
    // The browser is detached: wait for it to log its visit.
    let mut log = Vec::new();
    for _ in 0..100 {
        log = FakeAws::browser_log(&browser);
        if !log.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(
        log[0].contains("/federation?Action=login&Issuer=ssox&"),
        "{log:?}"
    );
    assert_eq!(
        env.fake.ops(),
        ["GetRoleCredentials", "GetSigninToken", "ConsoleLogin"]
    );
}

#[test]
fn console_errors_never_show_the_credentials() {
    let env = Env::new();
    // Credentials the sign-in endpoint does not know: it answers 400.
    env.seed_role_cache(
        "AdministratorAccess",
        SEED_AKID,
        SEED_SECRET,
        SEED_TOKEN,
        &in_minutes(40),
    );
    let o = env.run(&["console", "blog_admin", "--print"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "ssox: the sign-in endpoint {}/federation answered HTTP 400: invalid credentials\n",
            env.fake.url()
        )
    );
    // Unreachable endpoint.
    let o = env
        .cmd()
        .env("SSOX_SIGNIN_ENDPOINT", "http://127.0.0.1:9/federation")
        .args(["console", "blog_admin", "--print"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(
        err,
        "ssox: getSigninToken: cannot connect to 127.0.0.1:9: connection refused; check your network or VPN\n"
    );
    for secret in [SEED_SECRET, SEED_TOKEN, "Session="] {
        assert!(!err.contains(secret), "{err}");
    }
}

/// `--service` and `--region`: that service's console page (a table for the common ones, the
/// plain name otherwise) in that region, or the profile's.
#[test]
fn console_service_and_region_choose_the_page() {
    let env = Env::new();
    let destination = |args: &[&str]| {
        let mut all = vec!["console", "blog_admin", "--print"];
        all.extend_from_slice(args);
        let o = env.run(&all);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let url = stdout(&o);
        let d = url.split("&Destination=").nth(1).unwrap();
        d.split("&SigninToken=").next().unwrap().to_string()
    };
    assert_eq!(
        destination(&["--service", "s3", "--region", "eu-west-1"]),
        "https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1"
    );
    // The profile's region (us-east-1); the fragment after the query.
    assert_eq!(
        destination(&["--service", "logs"]),
        "https%3A%2F%2Fconsole.aws.amazon.com%2Fcloudwatch%2Fhome%3Fregion%3Dus-east-1%23logsV2%3A"
    );
    assert_eq!(
        destination(&["--service", "appsync"]),
        "https%3A%2F%2Fconsole.aws.amazon.com%2Fappsync%2Fhome%3Fregion%3Dus-east-1"
    );
    assert_eq!(
        destination(&["--region", "ap-south-1"]),
        "https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Dap-south-1"
    );
    // A bad name is refused before any request.
    env.fake.clear_requests();
    let o = env.run(&["console", "blog_admin", "--service", "s3/../iam"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(1), String::new()));
    assert_eq!(
        stderr(&o),
        "ssox: invalid --service \"s3/../iam\": a service is lowercase letters, digits and dashes, e.g. --service s3\n"
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    // --destination stays, alone.
    let o = env.run(&[
        "console",
        "blog_admin",
        "--service",
        "s3",
        "--destination",
        "https://x/",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
