//! The cache readers on any text: the token, registration, role-credential and `aws login`
//! parsers (with the DPoP key and the session ARN's parts) and the timestamps they share never
//! panic, a timestamp ssox writes reads back the same (to the
//! second), and a token's state and expiry format without a panic at the calendar's ends.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssox::cache::{self, TokenState};
use time::OffsetDateTime;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    if let Ok(token) = cache::parse_token(text) {
        let _ = TokenState::of(Some(&token), now).short();
        let _ = token.refreshable(now);
        roundtrip(token.expires_at);
    }
    if let Ok(registration) = cache::parse_registration(text) {
        let _ = registration.usable(now);
        roundtrip(registration.expires_at);
    }
    if let Ok(role) = cache::role::parse(text) {
        let _ = role.fresh(now);
        let _ = role.remaining(now);
        let _ = role.expiration_string();
    }
    if let Ok(login) = cache::login::parse_login_token(text) {
        let _ = login.state(now).short();
        let _ = login.fresh(now);
        let _ = ssox::aws::dpop::DpopKey::from_pem(login.dpop_key());
        roundtrip(login.expires_at);
    }
    let _ = (
        cache::login::session_account(text),
        cache::login::session_role(text),
    );
    if let Some(t) = cache::parse_timestamp(text) {
        roundtrip(t);
    }
});

/// What ssox writes (whole seconds, UTC) reads back as the same instant, fraction dropped.
fn roundtrip(t: OffsetDateTime) {
    let written = cache::format_timestamp(t);
    let whole = t.replace_nanosecond(0).ok();
    assert_eq!(cache::parse_timestamp(&written), whole, "{written}");
}
