//! The fake console federation endpoint (`GET /federation`): getSigninToken for role credentials
//! the portal issued, and the console login that accepts the token it handed out.

use serde_json::{json, Value};

use super::{malformed_json, plain_failure, str_field, Answer, Ctx, Endpoint, Inner, Recorded};

pub(super) const ENDPOINT: Endpoint = Endpoint {
    op,
    answer,
    failure,
    malformed,
};

fn op(rq: &Recorded) -> Option<&'static str> {
    if (rq.method.as_str(), rq.path.as_str()) != ("GET", "/federation") {
        return None;
    }
    match rq.query_param("Action").as_deref() {
        Some("getSigninToken") => Some("GetSigninToken"),
        Some("login") => Some("ConsoleLogin"),
        _ => None,
    }
}

fn answer(ctx: &mut Ctx, rq: &Recorded) -> Answer {
    match rq.op.as_str() {
        "GetSigninToken" => get_signin_token(ctx.inner, rq),
        _ => console_login(ctx.inner, rq),
    }
}

fn failure(_op: &str, status: u16, _request_id: &str) -> Answer {
    plain_failure(status)
}

fn malformed(op: &str) -> Answer {
    match op {
        "ConsoleLogin" => Answer::new(200, "text/html", "<html><body"),
        _ => malformed_json(),
    }
}

fn get_signin_token(inner: &mut Inner, rq: &Recorded) -> Answer {
    let bad = |msg: &str| Answer::new(400, "text/plain", msg.to_string());
    let Some(session) = rq.query_param("Session") else {
        return bad("missing Session");
    };
    if let Some(d) = rq.query_param("SessionDuration") {
        match d.parse::<i64>() {
            Ok(s) if (900..=43200).contains(&s) => {}
            _ => return bad("invalid SessionDuration"),
        }
    }
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&session) else {
        return bad("Session is not a JSON object");
    };
    let (Some(id), Some(key), Some(token)) = (
        str_field(&m, "sessionId"),
        str_field(&m, "sessionKey"),
        str_field(&m, "sessionToken"),
    ) else {
        return bad("Session needs sessionId, sessionKey and sessionToken");
    };
    match inner.role_creds.get(&id) {
        Some(c) if c.secret == key && c.session_token == token => {
            let t = format!("fake-signin-{}", inner.next());
            inner.signin_tokens.push(t.clone());
            Answer::json(200, json!({"SigninToken": t}))
        }
        _ => bad("invalid credentials"),
    }
}

fn console_login(inner: &Inner, rq: &Recorded) -> Answer {
    match rq.query_param("SigninToken") {
        Some(t) if inner.signin_tokens.contains(&t) => Answer::new(
            200,
            "text/html",
            "<html><body><h1>Fake AWS console</h1></body></html>\n",
        ),
        _ => Answer::new(
            400,
            "text/html",
            "<html><body><p>invalid sign-in token</p></body></html>\n",
        ),
    }
}
