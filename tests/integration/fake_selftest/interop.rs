//! Interop: the real AWS SDK for Rust and Python botocore against the fake.

use std::process::Command;

use super::now;
use crate::support::fake_aws::{Approval, FakeAws};

/// The AWS SDK for Rust (the crates ssox itself uses) speaks to the fake: typed OIDC errors,
/// the device flow, portal pagination, and STS with its own SigV4 signer.
#[test]
fn rust_sdk_interoperates_with_the_fake() {
    use aws_credential_types::Credentials;
    use aws_sdk_ssooidc::error::ProvideErrorMetadata;
    use aws_sdk_sts::config::{BehaviorVersion, Region};

    let fake = FakeAws::start();
    fake.script().accounts.push((
        "222222222222".into(),
        "other".into(),
        "other@example.com".into(),
        vec!["Dev".into()],
    ));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let oidc = aws_sdk_ssooidc::Client::from_conf(
            aws_sdk_ssooidc::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("eu-west-1"))
                .endpoint_url(fake.url())
                .http_client(ssox::aws::http_client())
                .build(),
        );
        let reg = oidc
            .register_client()
            .client_name("ssox-test")
            .client_type("public")
            .scopes("sso:account:access")
            .send()
            .await
            .unwrap();
        let (cid, csecret) = (reg.client_id().unwrap(), reg.client_secret().unwrap());
        assert!(reg.client_secret_expires_at() > now());
        let dev = oidc
            .start_device_authorization()
            .client_id(cid)
            .client_secret(csecret)
            .start_url("https://x.awsapps.com/start")
            .send()
            .await
            .unwrap();
        assert_eq!(dev.interval(), 1);
        let create = || {
            oidc.create_token()
                .grant_type("urn:ietf:params:oauth:grant-type:device_code")
                .client_id(cid)
                .client_secret(csecret)
                .device_code(dev.device_code().unwrap())
                .send()
        };
        let err = create().await.unwrap_err().into_service_error();
        assert!(err.is_authorization_pending_exception(), "{err:?}");
        assert_eq!(err.code(), Some("AuthorizationPendingException"));
        fake.script().slow_down_polls = 1;
        let err = create().await.unwrap_err().into_service_error();
        assert!(err.is_slow_down_exception(), "{err:?}");
        fake.approve_all();
        let tok = create().await.unwrap();
        let access = tok.access_token().unwrap().to_string();
        assert_eq!(tok.expires_in(), 28800);
        let refresh = tok.refresh_token().unwrap();
        let again = oidc
            .create_token()
            .grant_type("refresh_token")
            .client_id(cid)
            .client_secret(csecret)
            .refresh_token(refresh)
            .send()
            .await
            .unwrap();
        assert!(again.access_token().is_some());
        let err = oidc
            .create_token()
            .grant_type("refresh_token")
            .client_id(cid)
            .client_secret(csecret)
            .refresh_token(refresh)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_grant_exception(), "{err:?}");
        let err = oidc
            .start_device_authorization()
            .client_id("nope")
            .client_secret("x")
            .start_url("u")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_client_exception(), "{err:?}");

        let sso = aws_sdk_sso::Client::from_conf(
            aws_sdk_sso::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("eu-west-1"))
                .endpoint_url(fake.url())
                .http_client(ssox::aws::http_client())
                .build(),
        );
        let accounts: Vec<_> = sso
            .list_accounts()
            .access_token(&access)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap();
        let ids: Vec<_> = accounts.iter().map(|a| a.account_id().unwrap()).collect();
        assert_eq!(ids, ["111111111111", "222222222222"]);
        let roles: Vec<_> = sso
            .list_account_roles()
            .access_token(&access)
            .account_id("111111111111")
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap();
        let names: Vec<_> = roles.iter().map(|r| r.role_name().unwrap()).collect();
        assert_eq!(names, ["AdministratorAccess", "ReadOnlyAccess"]);
        let rc = sso
            .get_role_credentials()
            .access_token(&access)
            .account_id("111111111111")
            .role_name("AdministratorAccess")
            .send()
            .await
            .unwrap();
        let rc = rc.role_credentials().unwrap();
        assert!(rc.expiration() > now() * 1000);
        let err = sso
            .get_role_credentials()
            .access_token("bogus")
            .account_id("111111111111")
            .role_name("AdministratorAccess")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_unauthorized_exception(), "{err:?}");
        let err = sso
            .get_role_credentials()
            .access_token(&access)
            .account_id("111111111111")
            .role_name("Nope")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert_eq!(err.meta().code(), Some("ForbiddenException"), "{err:?}");

        let sts_for = |secret: &str| {
            aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .region(Region::new("ap-southeast-2"))
                    .endpoint_url(fake.url())
                    .http_client(ssox::aws::http_client())
                    .credentials_provider(Credentials::new(
                        rc.access_key_id().unwrap(),
                        secret,
                        rc.session_token().map(str::to_string),
                        None,
                        "test",
                    ))
                    .build(),
            )
        };
        let id = sts_for(rc.secret_access_key().unwrap())
            .get_caller_identity()
            .send()
            .await
            .unwrap();
        assert_eq!(id.account(), Some("111111111111"));
        assert_eq!(
            id.arn(),
            Some("arn:aws:sts::111111111111:assumed-role/AdministratorAccess/ssox-user")
        );
        let err = sts_for("wrong")
            .get_caller_identity()
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert_eq!(err.meta().code(), Some("SignatureDoesNotMatch"), "{err:?}");

        sso.logout().access_token(&access).send().await.unwrap();
        assert!(!fake.token_valid(&access));
    });
    assert_eq!(fake.count("Logout"), 1);
    assert_eq!(fake.count("GetCallerIdentity"), 2);
}

/// A Python with botocore: `<repo>/.venv/bin/python` (what `.ci/run` installs), else `python3`.
/// Under CI a missing botocore fails; elsewhere the caller skips.
fn botocore_python() -> Option<std::path::PathBuf> {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    for py in [venv, std::path::PathBuf::from("python3")] {
        let ok = Command::new(&py)
            .args(["-c", "import botocore"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py);
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("botocore is not installed, but CI is set: .ci/run must install it");
    }
    eprintln!("skipped: no python with botocore (run .ci/run to install it)");
    None
}

/// botocore (what the AWS CLI and boto3 run on) speaks to the fake: its error parsing of the
/// OIDC and portal errors, pagination, and STS with its own SigV4 signer.
#[test]
fn botocore_interoperates_with_the_fake() {
    let Some(py) = botocore_python() else { return };
    let fake = FakeAws::start();
    fake.script().approval = Approval::AfterPolls(2);
    let script = r#"
import os, botocore.session
from botocore.config import Config
url = os.environ["FAKE_URL"]
s = botocore.session.get_session()
cfg = Config(retries={"max_attempts": 1})
oidc = s.create_client("sso-oidc", region_name="us-east-1", endpoint_url=url, config=cfg)
reg = oidc.register_client(clientName="botocore-client-x", clientType="public", scopes=["sso:account:access"])
dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl="https://x")
def token():
    return oidc.create_token(grantType="urn:ietf:params:oauth:grant-type:device_code",
                             clientId=reg["clientId"], clientSecret=reg["clientSecret"], deviceCode=dev["deviceCode"])
try:
    token(); print("no error")
except oidc.exceptions.AuthorizationPendingException as e:
    print("pending", e.response["Error"]["Code"], e.response["error"])
tok = token()
print("token", "refreshToken" in tok, tok["expiresIn"])
sso = s.create_client("sso", region_name="us-east-1", endpoint_url=url, config=cfg)
ids = [a["accountId"] for p in sso.get_paginator("list_accounts").paginate(accessToken=tok["accessToken"]) for a in p["accountList"]]
print("accounts", ids)
try:
    sso.list_accounts(accessToken="bogus")
except sso.exceptions.UnauthorizedException as e:
    print("unauthorized", e.response["Error"]["Message"])
rc = sso.get_role_credentials(accessToken=tok["accessToken"], accountId="111111111111", roleName="ReadOnlyAccess")["roleCredentials"]
for secret in (rc["secretAccessKey"], "wrong"):
    sts = s.create_client("sts", region_name="eu-west-1", endpoint_url=url, config=cfg,
                          aws_access_key_id=rc["accessKeyId"], aws_secret_access_key=secret,
                          aws_session_token=rc["sessionToken"])
    try:
        print("sts", sts.get_caller_identity()["Arn"])
    except sts.exceptions.ClientError as e:
        print("sts error", e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
"#;
    let out = Command::new(py)
        .args(["-c", script])
        .env("FAKE_URL", fake.url())
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        "pending AuthorizationPendingException authorization_pending\n\
         token True 28800\n\
         accounts ['111111111111']\n\
         unauthorized Session token not found or invalid\n\
         sts arn:aws:sts::111111111111:assumed-role/ReadOnlyAccess/ssox-user\n\
         sts error SignatureDoesNotMatch 403\n"
    );
}
