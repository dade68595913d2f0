//! The fake STS (query protocol, docs/compat.md#wire-shapes and #assume-role): GetCallerIdentity
//! and AssumeRole, each checking the SigV4 signature with the secret of credentials the fake
//! issued (the portal's role credentials, AssumeRole's own, or IAM user keys from
//! [`FakeAws::issue_user_keys`]), answering in STS's XML. AssumeRole validates its parameters as
//! STS does and mints credentials for the role in `RoleArn` that it accepts in turn, so chains of
//! roles can be followed hop by hop.

use time::format_description::well_known::Rfc3339;

use super::{now, sigv4, xml_escape, Answer, Ctx, Endpoint, FakeAws, Inner, Recorded, RoleCreds};

pub(super) const ENDPOINT: Endpoint = Endpoint {
    op,
    answer,
    failure,
    malformed,
};

/// What a role's MaxSessionDuration allows by default (one hour), and STS's minimum.
const MAX_DURATION: i64 = 3600;
const MIN_DURATION: i64 = 900;

/// STS takes its `Action` from the query or, on a POST, from the form body.
fn op(rq: &Recorded) -> Option<&'static str> {
    if rq.path != "/" {
        return None;
    }
    match rq.form_param("Action").as_deref() {
        Some("GetCallerIdentity") => Some("GetCallerIdentity"),
        Some("AssumeRole") => Some("AssumeRole"),
        _ => None,
    }
}

fn answer(ctx: &mut Ctx, rq: &Recorded) -> Answer {
    let creds = match authenticate(ctx.inner, rq, ctx.request_id) {
        Ok(c) => c,
        Err(denied) => return denied,
    };
    match rq.op.as_str() {
        "AssumeRole" => assume_role(ctx, rq, &creds),
        _ => get_caller_identity(&creds, ctx.request_id),
    }
}

fn failure(_op: &str, status: u16, request_id: &str) -> Answer {
    let (kind, code) = match status {
        500..=599 => ("Receiver", "InternalFailure"),
        403 => ("Sender", "AccessDenied"),
        429 | 400 => ("Sender", "Throttling"),
        _ => ("Sender", "InvalidAction"),
    };
    sts_error(status, kind, code, "injected failure", request_id)
}

fn malformed(op: &str) -> Answer {
    Answer::new(200, "text/xml", format!("<{op}Response><{op}Result><Arn>"))
}

/// IAM user keys and the scripting of STS.
impl FakeAws {
    /// Make long-term keys of IAM user `user` valid for STS (no session token, no expiry).
    pub fn issue_user_keys(&self, access_key_id: &str, secret: &str, account_id: &str, user: &str) {
        self.inner().role_creds.insert(
            access_key_id.to_string(),
            RoleCreds {
                secret: secret.to_string(),
                session_token: String::new(),
                account_id: account_id.to_string(),
                arn: format!("arn:aws:iam::{account_id}:user/{user}"),
                user_id: format!("AIDA{}", &upper_hash(&format!("{account_id}/{user}"))[..17]),
                expires_at: i64::MAX,
            },
        );
    }
}

fn sts_error(status: u16, kind: &str, code: &str, message: &str, request_id: &str) -> Answer {
    Answer::new(
        status,
        "text/xml",
        format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{code}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
            xml_escape(message)
        ),
    )
}

fn upper_hash(s: &str) -> String {
    sigv4::hex_sha256(s.as_bytes()).to_ascii_uppercase()
}

/// The RoleId part of an assumed role's UserId: `AROA` + the first 17 hex digits of
/// sha256("account/role"), upper case.
fn role_id(account: &str, role: &str) -> String {
    format!("AROA{}", &upper_hash(&format!("{account}/{role}"))[..17])
}

/// GetCallerIdentity's `UserId` for a role session.
pub(super) fn role_user_id(account: &str, role: &str, session: &str) -> String {
    format!("{}:{session}", role_id(account, role))
}

/// GetCallerIdentity's `Arn` for a role session.
pub(super) fn role_arn(account: &str, role: &str, session: &str) -> String {
    format!("arn:aws:sts::{account}:assumed-role/{role}/{session}")
}

/// The credentials a request is signed with, after checking the signature as STS does; else the
/// error STS answers.
fn authenticate(inner: &Inner, rq: &Recorded, request_id: &str) -> Result<RoleCreds, Answer> {
    let denied = |code: &str, msg: &str| sts_error(403, "Sender", code, msg, request_id);
    let Some(auth_header) = rq.header("authorization") else {
        return Err(denied(
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        ));
    };
    let Some(auth) = sigv4::parse_authorization(auth_header) else {
        return Err(denied("IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters."));
    };
    let invalid_token = || {
        denied(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    };
    let Some(creds) = inner.role_creds.get(&auth.access_key_id) else {
        return Err(invalid_token());
    };
    if rq.header("x-amz-security-token").unwrap_or_default() != creds.session_token {
        return Err(invalid_token());
    }
    let Some(amz_date) = rq.header("x-amz-date") else {
        return Err(denied(
            "IncompleteSignature",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        ));
    };
    if auth.service != "sts"
        || auth.terminator != "aws4_request"
        || !amz_date.starts_with(&auth.date)
    {
        return Err(denied("SignatureDoesNotMatch", "Credential should be scoped to a valid region and service 'sts', and to the date of X-Amz-Date."));
    }
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(denied(
            "SignatureDoesNotMatch",
            "'Host' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    let payload_hash = match rq.header("x-amz-content-sha256") {
        Some(h) => h.to_string(),
        None => sigv4::hex_sha256(rq.body.as_bytes()),
    };
    let creq = sigv4::canonical_request(
        &rq.method,
        &rq.path,
        &rq.query,
        &rq.headers,
        &auth.signed_headers,
        &payload_hash,
    );
    let expected = sigv4::signature(&creds.secret, amz_date, &auth.region, "sts", &creq);
    if expected != auth.signature {
        return Err(denied(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    if now() >= creds.expires_at {
        return Err(sts_error(
            400,
            "Sender",
            "ExpiredToken",
            "The security token included in the request is expired",
            request_id,
        ));
    }
    Ok(creds.clone())
}

fn get_caller_identity(creds: &RoleCreds, request_id: &str) -> Answer {
    Answer::new(
        200,
        "text/xml",
        format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetCallerIdentityResult>\n    <Arn>{arn}</Arn>\n    <UserId>{uid}</UserId>\n    <Account>{acct}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
            arn = xml_escape(&creds.arn),
            uid = xml_escape(&creds.user_id),
            acct = creds.account_id,
        ),
    )
}

/// `arn:aws:iam::ACCOUNT:role/PATH/NAME` → (account, name).
fn parse_role_arn(arn: &str) -> Option<(String, String)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let path = resource.strip_prefix("role/")?;
    let name = path.rsplit('/').next()?;
    let ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty();
    ok.then(|| (account.to_string(), name.to_string()))
}

/// STS's pattern for a role session name: 2 to 64 of `[\w+=,.@-]`.
fn valid_session_name(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

fn assume_role(ctx: &mut Ctx, rq: &Recorded, caller: &RoleCreds) -> Answer {
    let request_id = ctx.request_id;
    let invalid = |msg: String| sts_error(400, "Sender", "ValidationError", &msg, request_id);
    if rq.form_param("Version").as_deref() != Some("2011-06-15") {
        return sts_error(
            400,
            "Sender",
            "InvalidAction",
            "Could not find operation AssumeRole for version NO_VERSION_SPECIFIED",
            request_id,
        );
    }
    let arn = rq.form_param("RoleArn").unwrap_or_default();
    let Some((account, role)) = parse_role_arn(&arn) else {
        return invalid(format!("{arn} is invalid"));
    };
    let session = rq.form_param("RoleSessionName").unwrap_or_default();
    if !valid_session_name(&session) {
        return invalid(format!(
            "1 validation error detected: Value '{session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        ));
    }
    let duration = match rq.form_param("DurationSeconds") {
        None => MAX_DURATION,
        Some(d) => match d.parse::<i64>() {
            Ok(d) if (MIN_DURATION..=MAX_DURATION).contains(&d) => d,
            Ok(d) if d > MAX_DURATION => {
                return invalid("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.".into())
            }
            _ => {
                return invalid(format!(
                    "1 validation error detected: Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
                ))
            }
        },
    };
    if ctx.script.deny_assume.contains(&arn) {
        return sts_error(
            403,
            "Sender",
            "AccessDenied",
            &format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {arn}",
                caller.arn
            ),
            request_id,
        );
    }
    let n = ctx.inner.next();
    let akid = format!("ASIAFAKEAR{n:010}");
    let secret = format!("fakeAssumedSecret/{n:08}+abcdefghijklmnop");
    let token = format!("FakeAssumedToken//{n}//IQoJb3JpZ2luX2VjEFAaCXVzLWVhc3QtMSJHMEUCIQ");
    let expires_at = now().saturating_add(duration);
    let user_arn = role_arn(&account, &role, &session);
    let user_id = role_user_id(&account, &role, &session);
    ctx.inner.role_creds.insert(
        akid.clone(),
        RoleCreds {
            secret: secret.clone(),
            session_token: token.clone(),
            account_id: account,
            arn: user_arn.clone(),
            user_id: user_id.clone(),
            expires_at,
        },
    );
    let expiration = time::OffsetDateTime::from_unix_timestamp(expires_at)
        .unwrap()
        .format(&Rfc3339)
        .unwrap();
    Answer::new(
        200,
        "text/xml",
        format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <AssumeRoleResult>\n    <AssumedRoleUser>\n      <AssumedRoleId>{id}</AssumedRoleId>\n      <Arn>{arn}</Arn>\n    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>{akid}</AccessKeyId>\n      <SecretAccessKey>{secret}</SecretAccessKey>\n      <SessionToken>{token}</SessionToken>\n      <Expiration>{expiration}</Expiration>\n    </Credentials>\n    <PackedPolicySize>6</PackedPolicySize>\n  </AssumeRoleResult>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>\n",
            id = xml_escape(&user_id),
            arn = xml_escape(&user_arn),
        ),
    )
}
