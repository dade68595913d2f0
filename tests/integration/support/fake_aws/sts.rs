//! The fake STS: GetCallerIdentity (query protocol) that checks the SigV4 signature with the
//! secret of role credentials the portal issued, and answers in STS's XML
//! (docs/compat.md#wire-shapes).

use super::{now, sigv4, xml_escape, Answer, Ctx, Endpoint, Inner, Recorded};

pub(super) const ENDPOINT: Endpoint = Endpoint {
    op,
    answer,
    failure,
    malformed,
};

/// STS takes its `Action` from the query or, on a POST, from the form body.
fn op(rq: &Recorded) -> Option<&'static str> {
    if rq.path != "/" {
        return None;
    }
    let mut params = sigv4::form_decode(&rq.query);
    if rq.method == "POST" {
        params.extend(sigv4::form_decode(&rq.body));
    }
    match params
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.as_str())
    {
        Some("GetCallerIdentity") => Some("GetCallerIdentity"),
        _ => None,
    }
}

fn answer(ctx: &mut Ctx, rq: &Recorded) -> Answer {
    get_caller_identity(ctx.inner, rq, ctx.request_id)
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

fn malformed(_op: &str) -> Answer {
    Answer::new(
        200,
        "text/xml",
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>",
    )
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

fn role_user_id(account: &str, role: &str) -> String {
    let h = sigv4::hex_sha256(format!("{account}/{role}").as_bytes()).to_ascii_uppercase();
    format!("AROA{}", &h[..17])
}

fn get_caller_identity(inner: &Inner, rq: &Recorded, request_id: &str) -> Answer {
    let denied = |code: &str, msg: &str| sts_error(403, "Sender", code, msg, request_id);
    let Some(auth_header) = rq.header("authorization") else {
        return denied(
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        );
    };
    let Some(auth) = sigv4::parse_authorization(auth_header) else {
        return denied("IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
    };
    let Some(creds) = inner.role_creds.get(&auth.access_key_id) else {
        return denied(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        );
    };
    if rq.header("x-amz-security-token") != Some(creds.session_token.as_str()) {
        return denied(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        );
    }
    let Some(amz_date) = rq.header("x-amz-date") else {
        return denied(
            "IncompleteSignature",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        );
    };
    if auth.service != "sts"
        || auth.terminator != "aws4_request"
        || !amz_date.starts_with(&auth.date)
    {
        return denied("SignatureDoesNotMatch", "Credential should be scoped to a valid region and service 'sts', and to the date of X-Amz-Date.");
    }
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return denied(
            "SignatureDoesNotMatch",
            "'Host' must be a 'SignedHeader' in the AWS Authorization.",
        );
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
        return denied(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        );
    }
    if now() >= creds.expires_at {
        return sts_error(
            400,
            "Sender",
            "ExpiredToken",
            "The security token included in the request is expired",
            request_id,
        );
    }
    Answer::new(
        200,
        "text/xml",
        format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetCallerIdentityResult>\n    <Arn>arn:aws:sts::{acct}:assumed-role/{role}/ssox-user</Arn>\n    <UserId>{uid}:ssox-user</UserId>\n    <Account>{acct}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
            acct = creds.account_id,
            role = xml_escape(&creds.role_name),
            uid = role_user_id(&creds.account_id, &creds.role_name),
        ),
    )
}
