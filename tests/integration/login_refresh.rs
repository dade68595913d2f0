//! `aws login` profiles used and refreshed against the fake sign-in service (smithy-rs'
//! login-provider cases, and more): creds, whoami, exec, console, `exec --server`, role chains,
//! one refresh for many processes, refusals, a bounded answer, no secret in --verbose (boto3 and
//! botocore are in `login_boto3`).

use time::OffsetDateTime;

use crate::support::login_session::*;
use crate::support::*;

mod against_the_fake {
    use super::*;

    #[test]
    fn valid_credentials_are_returned_without_a_request() {
        let env = LoginEnv::new(600);
        let v = process_json(&env.run(&["creds", "console", "--format", "process"]));
        assert_eq!(v["AccessKeyId"], "AKIDCACHED");
        assert_eq!(v["SecretAccessKey"], "AKIDCACHED-secret");
        assert_eq!(v["SessionToken"], "AKIDCACHED-session");
        assert_eq!(v["Version"], 1);
        assert_eq!(env.fake.ops(), Vec::<String>::new());
    }

    #[test]
    fn a_cache_file_missing_a_required_key_is_an_error_that_says_to_sign_in() {
        for key in ["accessToken", "refreshToken", "clientId", "dpopKey"] {
            let env = LoginEnv::new(-60);
            let mut v = env.cache();
            v.as_object_mut().unwrap().remove(key);
            env.write_cache(&v);
            let o = env.run(&["creds", "console"]);
            assert_eq!(o.status.code(), Some(1), "{key}");
            assert_eq!(stdout(&o), "");
            let err = stderr(&o);
            assert!(
                err.contains(&format!(
                    ": it has no {key}; `ssox login` (or `aws login`) replaces it\n"
                )),
                "{err}"
            );
            assert!(
                err.ends_with(&format!(
                    "ssox: profile \"console\" has no usable `aws login` credentials \
                     (~/.aws/login/cache/{FILE}, for login_session {SESSION}); run: ssox login \
                     console\n"
                )),
                "{err}"
            );
            assert_eq!(env.fake.ops(), Vec::<String>::new(), "{key}");
        }
    }

    #[test]
    fn expired_credentials_are_refreshed_with_a_dpop_proof_and_written_back_keeping_every_other_key(
    ) {
        let env = LoginEnv::new(-60);
        let mut old = env.cache();
        old["someoneElses"] = serde_json::json!({"kept": [1, 2]});
        env.write_cache(&old);
        let before = OffsetDateTime::now_utc();
        let v = process_json(&env.run(&["creds", "console", "--format", "process"]));
        let akid = v["AccessKeyId"].as_str().unwrap().to_string();
        assert!(akid.starts_with("ASIALOGIN"), "{v}");
        assert_eq!(env.fake.ops(), ["CreateOAuth2Token"]);
        let rq = &env.fake.requests()[0];
        assert_eq!(rq.path, "/v1/token");
        assert_eq!(
            rq.json(),
            serde_json::json!({"clientId": CLIENT_ID, "refreshToken": "rt-1",
                "grantType": "refresh_token"})
        );
        assert!(rq.header("dpop").is_some());
        assert!(
            rq.header("authorization").is_none(),
            "the request is unsigned"
        );
        // The file: new credentials and refresh token, the account kept, every other key as was.
        let new = env.cache();
        let (secret, token) = (
            v["SecretAccessKey"].as_str().unwrap(),
            v["SessionToken"].as_str().unwrap(),
        );
        assert_eq!(new["accessToken"]["accessKeyId"], akid.as_str());
        assert_eq!(new["accessToken"]["secretAccessKey"], secret);
        assert_eq!(new["accessToken"]["sessionToken"], token);
        assert_eq!(new["accessToken"]["accountId"], "012345678901");
        let expires = new["accessToken"]["expiresAt"].as_str().unwrap();
        assert_eq!(v["Expiration"], expires);
        let lo = stamp(before + time::Duration::seconds(899));
        let hi = stamp(OffsetDateTime::now_utc() + time::Duration::seconds(901));
        assert!(
            lo.as_str() <= expires && expires <= hi.as_str(),
            "{expires}"
        );
        // The rotated refresh token the fake issued with these credentials (same serial).
        let serial = akid.trim_start_matches("ASIALOGIN").trim_start_matches('0');
        assert_eq!(
            new["refreshToken"],
            format!("login-refresh-{serial}").as_str()
        );
        for key in [
            "clientId",
            "idToken",
            "dpopKey",
            "tokenType",
            "someoneElses",
        ] {
            assert_eq!(new[key], old[key], "{key}");
        }
        assert_eq!(
            new.as_object().unwrap().keys().collect::<Vec<_>>(),
            old.as_object().unwrap().keys().collect::<Vec<_>>()
        );
        assert_eq!(
            mode(&env.sb.path(&format!(".aws/login/cache/{FILE}"))),
            0o600
        );
        // Fresh again: the next use makes no request.
        env.fake.clear_requests();
        let again = process_json(&env.run(&["creds", "console", "--format", "process"]));
        assert_eq!(again["AccessKeyId"], akid.as_str());
        assert_eq!(env.fake.ops(), Vec::<String>::new());
    }

    #[test]
    fn credentials_with_less_than_five_minutes_left_are_refreshed_first() {
        let env = LoginEnv::new(4);
        let v = process_json(&env.run(&["creds", "console", "--format", "process"]));
        assert_ne!(v["AccessKeyId"], "AKIDCACHED");
        assert_eq!(env.fake.ops(), ["CreateOAuth2Token"]);
    }

    #[test]
    fn a_refused_refresh_says_why_and_keeps_the_cache_file() {
        for (code, why) in [
            ("TOKEN_EXPIRED", "the login session has ended"),
            (
                "USER_CREDENTIALS_CHANGED",
                "the console password changed since the login",
            ),
        ] {
            let env = LoginEnv::new(-60);
            env.fake.refuse_login_refresh_token("rt-1", code);
            let before = std::fs::read(env.sb.path(&format!(".aws/login/cache/{FILE}"))).unwrap();
            let o = env.run(&["creds", "console"]);
            assert_eq!(o.status.code(), Some(1));
            assert_eq!(stdout(&o), "");
            let err = stderr(&o);
            assert!(
                err.starts_with(&format!(
                    "ssox: cannot refresh the `aws login` credentials of profile \"console\": {why} ("
                )),
                "{err}"
            );
            assert!(err.contains(code), "{err}");
            assert!(err.ends_with("); run: ssox login console\n"), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(!err.contains("rt-1") && !err.contains("PRIVATE"), "{err}");
            assert_eq!(env.fake.ops(), ["CreateOAuth2Token"], "not retried");
            let after = std::fs::read(env.sb.path(&format!(".aws/login/cache/{FILE}"))).unwrap();
            assert_eq!(before, after, "a failed refresh never touches the file");
            // Remembered: no view calls it refreshable, and it is not sent again.
            let o = env.run(&["list", "--json"]);
            let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            assert_eq!(v[0]["token"], "expired");
            env.fake.clear_requests();
            let o = env.run(&["creds", "console"]);
            assert_eq!(o.status.code(), Some(1));
            assert_eq!(
                stderr(&o),
                "ssox: the `aws login` credentials of profile \"console\" expired and the \
                 sign-in service refused to refresh them before; run: ssox login console\n"
            );
            assert_eq!(env.fake.ops(), Vec::<String>::new());
            let o = env.run(&["doctor"]);
            assert!(
                stdout(&o).contains(
                    "warn  aws login console: credentials for account 012345678901 expired "
                ) && stdout(&o).contains(
                    "ago, and the sign-in service refused to refresh them (the login session \
                     ended); fix: run: ssox login console\n"
                ),
                "{}",
                stdout(&o)
            );
            // A new sign-in's file (another refresh token) is refreshable again.
            env.sb.write(
                &format!(".aws/login/cache/{FILE}"),
                &cache_json("AKIDCACHED", "2020-01-01T00:00:00Z", "rt-new"),
            );
            let o = env.run(&["list", "--json"]);
            let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            assert_eq!(v[0]["token"], "refreshable");
        }
    }

    #[test]
    fn whoami_exec_and_a_chain_rooted_in_a_login_profile_use_its_credentials() {
        let env = LoginEnv::new(600);
        let o = env.run(&["whoami", "console"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // Signed with the cached credentials (the fake's STS checks SigV4 with their secret).
        assert!(
            stdout(&o).starts_with(
                "profile  console\naccount  012345678901\n\
                 arn      arn:aws:sts::012345678901:assumed-role/Admin/ssox-user\n"
            ),
            "{}",
            stdout(&o)
        );
        assert_eq!(env.fake.ops(), ["GetCallerIdentity"]);
        let o = env.run(&[
            "exec",
            "console",
            "--",
            "sh",
            "-c",
            "echo $AWS_ACCESS_KEY_ID",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), "AKIDCACHED\n");
        env.fake.clear_requests();
        // The chain: AssumeRole signed with the login credentials (the fake checks SigV4).
        let v = process_json(&env.run(&["creds", "deploy", "--format", "process"]));
        assert_eq!(env.fake.ops(), ["AssumeRole"]);
        let rq = &env.fake.requests()[0];
        assert!(
            rq.header("authorization")
                .unwrap()
                .contains("Credential=AKIDCACHED/"),
            "{:?}",
            rq.header("authorization")
        );
        assert_eq!(
            rq.form_param("RoleArn").as_deref(),
            Some("arn:aws:iam::222222222222:role/Deploy")
        );
        let akid = v["AccessKeyId"].as_str().unwrap();
        assert!(env.fake.role_credentials_for(akid).is_some(), "{v}");
    }

    #[test]
    fn console_federates_with_the_login_credentials() {
        let env = LoginEnv::new(600);
        let o = env.run(&["console", "console", "--print"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(env.fake.ops(), ["GetSigninToken"]);
        let session: serde_json::Value =
            serde_json::from_str(&env.fake.requests()[0].query_param("Session").unwrap()).unwrap();
        assert_eq!(session["sessionId"], "AKIDCACHED");
        assert!(
            stdout(&o).starts_with(&format!("{}/federation?Action=login&", env.fake.url())),
            "{}",
            stdout(&o)
        );
    }

    #[test]
    fn exec_server_serves_refreshed_login_credentials_to_boto3() {
        let Some(py) = venv_python() else { return };
        let env = LoginEnv::new(-60);
        let o = env
            .cmd()
            .args(["exec", "--server", "console", "--"])
            .arg(&py)
            .arg(interop_script("container_identity.py"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            stdout(&o),
            "container-role 012345678901 arn:aws:sts::012345678901:assumed-role/Admin/ssox-user\n"
        );
        assert_eq!(env.fake.ops(), ["CreateOAuth2Token", "GetCallerIdentity"]);
    }

    #[test]
    fn a_chain_refreshes_expired_login_credentials_first() {
        let env = LoginEnv::new(-60);
        let o = env.run(&["creds", "deploy", "--format", "process"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(env.fake.ops(), ["CreateOAuth2Token", "AssumeRole"]);
        let rq = &env.fake.requests()[1];
        let akid = env.cache()["accessToken"]["accessKeyId"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            rq.header("authorization")
                .unwrap()
                .contains(&format!("Credential={akid}/")),
            "{:?}",
            rq.header("authorization")
        );
    }

    #[test]
    fn many_processes_make_one_refresh() {
        let env = LoginEnv::new(-60);
        let children: Vec<_> = (0..4)
            .map(|_| {
                env.cmd()
                    .args(["creds", "console", "--format", "process"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut keys = Vec::new();
        for c in children {
            let o = c.wait_with_output().unwrap();
            keys.push(
                process_json(&o)["AccessKeyId"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        assert_eq!(env.fake.count("CreateOAuth2Token"), 1);
        keys.dedup();
        assert_eq!(keys.len(), 1, "{keys:?}");
    }
}

mod refresh_failures {
    use super::*;

    #[test]
    fn a_proof_signed_with_another_key_is_refused_and_a_bad_key_is_named() {
        let env = LoginEnv::new(-60);
        let other = p256::SecretKey::from_slice(&[7u8; 32])
            .unwrap()
            .to_sec1_pem(p256::pkcs8::LineEnding::LF)
            .unwrap();
        let mut v = env.cache();
        v["dpopKey"] = other.as_str().into();
        env.write_cache(&v);
        let o = env.run(&["creds", "console"]);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o);
        assert!(
            err.starts_with(
                "ssox: cannot refresh the `aws login` credentials of profile \"console\": "
            ) && err.contains("not the one the refresh token is bound to"),
            "{err}"
        );
        assert!(!err.contains("PRIVATE"), "{err}");
        v["dpopKey"] =
            "-----BEGIN EC PRIVATE KEY-----\nnot a key\n-----END EC PRIVATE KEY-----\n".into();
        env.write_cache(&v);
        env.fake.clear_requests();
        let o = env.run(&["creds", "console"]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            stderr(&o),
            format!(
                "ssox: cannot refresh the `aws login` credentials of profile \"console\": \
                 ~/.aws/login/cache/{FILE}: its dpopKey is not base64 PEM; run: ssox login \
                 console\n"
            )
        );
        assert_eq!(env.fake.ops(), Vec::<String>::new());
    }

    #[test]
    fn a_server_error_is_retried_once() {
        let env = LoginEnv::new(-60);
        env.fake
            .script()
            .fail
            .push(("CreateOAuth2Token".into(), 500));
        let o = env.run(&["creds", "console", "--format", "process"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(env.fake.ops(), ["CreateOAuth2Token", "CreateOAuth2Token"]);
    }
}

/// A sign-in endpoint whose answer never ends is not read past 1 MiB: the command fails at once
/// instead of reading until its deadline.
#[test]
fn an_endless_answer_is_cut_short() {
    let env = LoginEnv::new(-60);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().take(2) {
            let mut s = stream.unwrap();
            let mut buf = [0u8; 65536];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                  Content-Length: 100000000000\r\n\r\n",
            );
            let chunk = vec![b' '; 64 * 1024];
            while s.write_all(&chunk).is_ok() {}
        }
    });
    let started = std::time::Instant::now();
    let o = env
        .cmd()
        .env("AWS_ENDPOINT_URL_SIGNIN", &url)
        .args(["creds", "console"])
        .output()
        .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "ssox: cannot refresh the `aws login` credentials of profile \"console\": "
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// `--verbose` says what happens, never a secret: no key, token, refresh token or DPoP key.
#[test]
fn verbose_output_names_no_secret() {
    let env = LoginEnv::new(-60);
    let o = env.run(&["-v", "creds", "deploy", "--format", "process"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("refreshing the `aws login` credentials of profile \"console\""),
        "{err}"
    );
    let cache = env.cache();
    for secret in [
        "rt-1",
        "AKIDCACHED-secret",
        "AKIDCACHED-session",
        "PRIVATE KEY",
        cache["refreshToken"].as_str().unwrap(),
        cache["accessToken"]["secretAccessKey"].as_str().unwrap(),
        cache["accessToken"]["sessionToken"].as_str().unwrap(),
    ] {
        assert!(!err.contains(secret), "{secret} in {err}");
    }
}
