//! The fake sso portal: GetRoleCredentials, ListAccounts, ListAccountRoles (paginated, `max_result`
//! from 1 to 100 as the portal API reference says) and Logout, each behind the bearer token in
//! `x-amz-sso_bearer_token`, with the errors of docs/compat.md#wire-shapes. It issues the role
//! credentials that `sts` and `console` accept.

use serde_json::{json, Value};

use super::{
    malformed_json, now, plain_failure, sts, Answer, Ctx, Endpoint, FakeAws, Inner, Recorded,
    RoleCreds, Script,
};

pub(super) const ENDPOINT: Endpoint = Endpoint {
    op,
    answer,
    failure,
    malformed,
};

fn op(rq: &Recorded) -> Option<&'static str> {
    match (rq.method.as_str(), rq.path.as_str()) {
        ("GET", "/federation/credentials") => Some("GetRoleCredentials"),
        ("GET", "/assignment/accounts") => Some("ListAccounts"),
        ("GET", "/assignment/roles") => Some("ListAccountRoles"),
        ("POST", "/logout") => Some("Logout"),
        _ => None,
    }
}

fn answer(ctx: &mut Ctx, rq: &Recorded) -> Answer {
    portal(&rq.op, ctx.script, ctx.inner, rq)
}

fn failure(_op: &str, status: u16, _request_id: &str) -> Answer {
    // 502 is what a gateway in front of the portal answers: a page of its own, no error type.
    if status == 502 {
        return plain_failure(status);
    }
    let kind = match status {
        401 => "UnauthorizedException",
        403 => "ForbiddenException",
        404 => "ResourceNotFoundException",
        429 => "TooManyRequestsException",
        400..=499 => "InvalidRequestException",
        _ => "InternalServerException",
    };
    portal_error(status, kind, "injected failure")
}

fn malformed(_op: &str) -> Answer {
    malformed_json()
}

/// Scripting of the portal's tokens and role credentials.
impl FakeAws {
    /// Whether the portal would accept `token` now (issued, not expired, not logged out).
    pub fn token_valid(&self, token: &str) -> bool {
        token_ok(&self.inner(), token)
    }

    /// Revoke `token` on the server, as the portal does when the session ends: it answers 401.
    pub fn revoke_token(&self, token: &str) {
        self.inner().access_tokens.remove(token);
    }

    /// The role credentials issued under this access key id: (akid, secret, session token).
    pub fn role_credentials_for(&self, access_key_id: &str) -> Option<(String, String, String)> {
        self.inner().role_creds.get(access_key_id).map(|c| {
            (
                access_key_id.to_string(),
                c.secret.clone(),
                c.session_token.clone(),
            )
        })
    }

    /// Make role credentials valid for STS and the sign-in endpoint (e.g. a pre-seeded role cache).
    pub fn issue_role_credentials(
        &self,
        access_key_id: &str,
        secret: &str,
        session_token: &str,
        account_id: &str,
        role_name: &str,
    ) {
        self.inner().role_creds.insert(
            access_key_id.to_string(),
            RoleCreds {
                secret: secret.to_string(),
                session_token: session_token.to_string(),
                account_id: account_id.to_string(),
                arn: sts::role_arn(account_id, role_name, "ssox-user"),
                user_id: sts::role_user_id(account_id, role_name, "ssox-user"),
                expires_at: now() + 3600,
            },
        );
    }
}

/// `n` accounts for [`Script::accounts`], each with `roles`: ids `100000000000`, `100000000001`…
/// in order, names `account-{n-1}` down to `account-0000` (so that ordering by name differs from
/// the portal's order), emails `aws+NNNN@example.com`.
pub fn numbered_accounts(n: usize, roles: &[&str]) -> Vec<(String, String, String, Vec<String>)> {
    (0..n)
        .map(|i| {
            (
                format!("{}", 100_000_000_000 + i),
                format!("account-{:04}", n - 1 - i),
                format!("aws+{i:04}@example.com"),
                roles.iter().map(|r| r.to_string()).collect(),
            )
        })
        .collect()
}

fn token_ok(inner: &Inner, token: &str) -> bool {
    match inner.access_tokens.get(token) {
        Some(None) => true,
        Some(Some(exp)) => now() < *exp,
        None => false,
    }
}

const PORTAL_NS: &str = "http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/";

/// An sso portal error: typed header and `{"message"}`.
fn portal_error(status: u16, kind: &str, message: &str) -> Answer {
    Answer::json(status, json!({"message": message}))
        .header("x-amzn-ErrorType", &format!("{kind}:{PORTAL_NS}"))
}

fn page<T: Clone>(
    items: &[T],
    rq: &Recorded,
    script: &Script,
    prefix: &str,
) -> Result<(Vec<T>, Option<String>), Answer> {
    let mut size = script.page_size.max(1);
    if let Some(max) = rq.query_param("max_result") {
        match max.parse::<usize>() {
            Ok(max @ 1..=100) => size = size.min(max),
            _ => {
                return Err(portal_error(
                    400,
                    "InvalidRequestException",
                    "max_result must be between 1 and 100",
                ))
            }
        }
    }
    let start = match rq.query_param("next_token") {
        None => 0,
        Some(t) => match t.strip_prefix(prefix).and_then(|n| n.parse::<usize>().ok()) {
            Some(n) if n <= items.len() => n,
            _ => {
                return Err(portal_error(
                    400,
                    "InvalidRequestException",
                    "Invalid next token",
                ))
            }
        },
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| format!("{prefix}{end}"));
    Ok((items[start..end].to_vec(), next))
}

fn portal(op: &str, script: &Script, inner: &mut Inner, rq: &Recorded) -> Answer {
    let token = rq
        .header("x-amz-sso_bearer_token")
        .unwrap_or_default()
        .to_string();
    if !token_ok(inner, &token) {
        return portal_error(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        );
    }
    match op {
        "Logout" => {
            inner.access_tokens.remove(&token);
            Answer {
                status: 200,
                headers: Vec::new(),
                body: String::new(),
            }
        }
        "ListAccounts" => {
            let list: Vec<Value> = script
                .accounts
                .iter()
                .map(|(id, name, email, _)| json!({"accountId": id, "accountName": name, "emailAddress": email}))
                .collect();
            match page(&list, rq, script, "accounts-page-") {
                Ok((items, next)) => {
                    let mut v = json!({"accountList": items});
                    if let Some(n) = next {
                        v["nextToken"] = json!(n);
                    }
                    Answer::json(200, v)
                }
                Err(a) => a,
            }
        }
        "ListAccountRoles" => {
            let Some(account) = rq.query_param("account_id") else {
                return portal_error(400, "InvalidRequestException", "account_id is required");
            };
            let list: Vec<Value> = script
                .accounts
                .iter()
                .filter(|a| a.0 == account)
                .flat_map(|a| a.3.iter().map(|r| json!({"roleName": r, "accountId": a.0})))
                .collect();
            match page(&list, rq, script, "roles-page-") {
                Ok((items, next)) => {
                    let mut v = json!({"roleList": items});
                    if let Some(n) = next {
                        v["nextToken"] = json!(n);
                    }
                    Answer::json(200, v)
                }
                Err(a) => a,
            }
        }
        _ => {
            let (Some(role), Some(account)) =
                (rq.query_param("role_name"), rq.query_param("account_id"))
            else {
                return portal_error(
                    400,
                    "InvalidRequestException",
                    "role_name and account_id are required",
                );
            };
            let assigned = script.accounts.is_empty()
                || script
                    .accounts
                    .iter()
                    .any(|a| a.0 == account && a.3.contains(&role));
            if !assigned || script.deny_roles.contains(&(account.clone(), role.clone())) {
                return portal_error(403, "ForbiddenException", "No access");
            }
            let n = inner.next();
            let akid = format!("ASIAFAKE{n:012}");
            let secret = format!("fakeSecretAccessKey/{n:08}+abcdefghijklmnopqr");
            let session =
                format!("FakeSessionToken//{n}//IQoJb3JpZ2luX2VjEFAaCXVzLWVhc3QtMSJHMEUCIQ");
            let expires_at = script
                .role_expires_at
                .unwrap_or_else(|| now().saturating_add(script.role_expires_in));
            inner.role_creds.insert(
                akid.clone(),
                RoleCreds {
                    secret: secret.clone(),
                    session_token: session.clone(),
                    arn: sts::role_arn(&account, &role, "ssox-user"),
                    user_id: sts::role_user_id(&account, &role, "ssox-user"),
                    account_id: account,
                    expires_at,
                },
            );
            Answer::json(
                200,
                json!({"roleCredentials": {
                    "accessKeyId": akid,
                    "secretAccessKey": secret,
                    "sessionToken": session,
                    "expiration": expires_at.saturating_mul(1000),
                }}),
            )
        }
    }
}
