//! The OIDC side of a login (docs/compat.md#registration-cache, #device-flow, #wire-shapes):
//! RegisterClient, the device-authorization flow with its polling rules, and the refresh grant,
//! as a synchronous API over aws-sdk-ssooidc (the authorization-code grant is in `authcode`). A
//! transient failure is retried: twice for RegisterClient, StartDeviceAuthorization and a
//! refresh, and for as long as the code is valid while polling.
//! Must not read or write the cache or draw anything: callers get hooks for the UI.

use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use aws_sdk_ssooidc::config::http::HttpResponse;
use aws_sdk_ssooidc::config::{BehaviorVersion, Region};
use aws_sdk_ssooidc::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use aws_sdk_ssooidc::operation::start_device_authorization::{
    StartDeviceAuthorizationError, StartDeviceAuthorizationOutput,
};
use time::OffsetDateTime;

use super::errors::{seconds, Failure, RequestError};
use super::retry::{self, ATTEMPTS};
use super::Endpoint;
use crate::cache::{NewToken, Registration};
use crate::Cancelled;

/// The device-code grant type.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Scopes registered for sso-session logins when `sso_registration_scopes` is unset, so that the
/// token is refreshable (the CLI's PKCE flow does the same).
pub const DEFAULT_SCOPE: &str = "sso:account:access";
/// Polling interval when StartDeviceAuthorization gives none.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// SlowDownException adds this to the interval.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The server does not know (or no longer accepts) the client registration: register again.
#[derive(Debug)]
pub struct ClientRejected;

impl std::fmt::Display for ClientRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the server rejected the client registration")
    }
}

impl std::error::Error for ClientRejected {}

/// What the user must see to approve a login.
pub struct DevicePrompt {
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub user_code: String,
    pub expires_at: OffsetDateTime,
}

/// UI callbacks for the device flow.
pub trait DeviceUi {
    /// The code is ready: show it (and maybe open a browser).
    fn prompt(&mut self, prompt: &DevicePrompt);
    /// Called before each wait between polls, with the time the code has left.
    fn waiting(&mut self, left: Duration);
    /// The flow ended (approved or not): clear any spinner.
    fn done(&mut self);
}

/// Which flow a client is registered for: the service rejects one client for both.
#[derive(Debug, Clone, Copy)]
pub enum ClientKind<'a> {
    /// The device code (no grant types sent, as the CLI does).
    Device,
    /// The authorization code with PKCE, issued for this start URL.
    AuthCode { issuer_url: &'a str },
}

/// An sso-oidc client for one region and endpoint, with its own current-thread runtime.
pub struct Oidc {
    pub(super) runtime: tokio::runtime::Runtime,
    pub(super) client: aws_sdk_ssooidc::Client,
    pub(super) endpoint: Endpoint,
    /// When set, RegisterClient and refreshes (retries included) give up at this instant.
    deadline: Option<Instant>,
}

impl Oidc {
    /// Build the client (no network yet). The SDK's retries are off: ssox's own (`retry`) say
    /// how many attempts were made, and a failing server leaves the cache untouched.
    pub fn new(region: &str, endpoint_override: Option<String>) -> Result<Oidc> {
        let endpoint = Endpoint::new(
            endpoint_override,
            format!("https://oidc.{region}.amazonaws.com"),
        );
        let mut builder = aws_sdk_ssooidc::Config::builder()
            .region(Region::new(region.to_string()))
            .behavior_version(BehaviorVersion::latest())
            .timeout_config(super::timeout_config())
            .retry_config(super::retry_config())
            .http_client(super::http_client());
        if let Some(url) = &endpoint.overridden {
            builder = builder.endpoint_url(url.clone());
        }
        Ok(Oidc {
            runtime: super::runtime()?,
            client: aws_sdk_ssooidc::Client::from_conf(builder.build()),
            endpoint,
            deadline: None,
        })
    }

    /// Bound RegisterClient and refreshes (retries included) by `deadline`: for commands that
    /// must answer within their time (a `credential_process`), not for an interactive login.
    pub fn with_deadline(mut self, deadline: Instant) -> Oidc {
        self.deadline = Some(deadline);
        self
    }

    /// Send `op` with retries (see `retry::send`) within the deadline, or stop with
    /// [`Cancelled`] on Ctrl-C. A failure is a [`RequestError`]; `typed` may turn the SDK's
    /// error into another error first (e.g. [`ClientRejected`]).
    fn call<T, E, F, Fut>(
        &self,
        op: &str,
        send: F,
        typed: impl Fn(&SdkError<E, HttpResponse>) -> Option<anyhow::Error>,
    ) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.call_with(op, ATTEMPTS, send, typed)
    }

    /// [`Self::call`] with `attempts` tries in all (1: a request that must not be repeated, such
    /// as the exchange of a single-use authorization code).
    pub(super) fn call_with<T, E, F, Fut>(
        &self,
        op: &str,
        attempts: u32,
        send: F,
        typed: impl Fn(&SdkError<E, HttpResponse>) -> Option<anyhow::Error>,
    ) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let attempt = retry::send(op, attempts, self.deadline, send);
        let out = self.runtime.block_on(async {
            tokio::select! {
                out = attempt => Ok(out),
                _ = tokio::signal::ctrl_c() => Err(anyhow::Error::from(Cancelled)),
            }
        })?;
        out.map_err(|gave_up| {
            let err = gave_up.error(op, &self.endpoint);
            match gave_up.sdk().and_then(&typed) {
                Some(t) => t.context(err.to_string()),
                None => err.into(),
            }
        })
    }

    /// RegisterClient as the CLI does: `botocore-client-<session>` with the given scopes, or
    /// `botocore-client-<epoch seconds>` without scopes for legacy profiles; a PKCE client also
    /// sends its grant types, the loopback redirect and the issuer (docs/compat.md#pkce).
    pub fn register(
        &self,
        session_name: Option<&str>,
        scopes: Option<&[String]>,
        kind: ClientKind<'_>,
        now: OffsetDateTime,
    ) -> Result<Registration> {
        let client_name = match session_name {
            Some(s) => format!("botocore-client-{s}"),
            None => format!("botocore-client-{}", now.unix_timestamp()),
        };
        let out = self.call(
            "RegisterClient",
            || {
                let mut request = self
                    .client
                    .register_client()
                    .client_name(client_name.clone())
                    .client_type("public")
                    .set_scopes(scopes.map(<[String]>::to_vec));
                if let ClientKind::AuthCode { issuer_url } = kind {
                    request = request
                        .set_grant_types(Some(super::authcode::grant_types()))
                        .redirect_uris(super::authcode::LOOPBACK_REDIRECT)
                        .issuer_url(issuer_url);
                }
                request.send()
            },
            |_| None,
        )?;
        let (Some(id), Some(secret)) = (out.client_id(), out.client_secret()) else {
            return Err(anyhow!(
                "RegisterClient at {} returned no client id or secret",
                self.endpoint
            ));
        };
        let expires_at = OffsetDateTime::from_unix_timestamp(out.client_secret_expires_at())
            .map_err(|_| {
                anyhow!(
                    "RegisterClient at {} returned an impossible expiry {}",
                    self.endpoint,
                    out.client_secret_expires_at()
                )
            })?;
        let registration = Registration::new(
            id.to_string(),
            secret.to_string(),
            expires_at,
            scopes.map(<[String]>::to_vec),
        );
        Ok(match kind {
            ClientKind::Device => registration,
            ClientKind::AuthCode { .. } => {
                registration.with_grant_types(super::authcode::grant_types())
            }
        })
    }

    /// The device flow (docs/compat.md#device-flow): StartDeviceAuthorization, show the code,
    /// poll CreateToken until approved, denied or expired. Ctrl-C ends it with [`Cancelled`].
    /// `clock` is the wall clock (the token's `expiresAt` is counted from the moment it is
    /// issued).
    pub fn device_login(
        &self,
        registration: &Registration,
        start_url: &str,
        clock: &dyn Fn() -> OffsetDateTime,
        ui: &mut dyn DeviceUi,
    ) -> Result<NewToken> {
        let auth = self.call(
            "StartDeviceAuthorization",
            || {
                self.client
                    .start_device_authorization()
                    .client_id(&registration.client_id)
                    .client_secret(registration.client_secret())
                    .start_url(start_url)
                    .send()
            },
            |e| {
                matches!(
                    e.as_service_error(),
                    Some(StartDeviceAuthorizationError::InvalidClientException(_))
                )
                .then(|| ClientRejected.into())
            },
        )?;
        let result = self
            .runtime
            .block_on(self.device_flow(&auth, registration, clock, ui));
        ui.done();
        result
    }

    async fn device_flow(
        &self,
        auth: &StartDeviceAuthorizationOutput,
        registration: &Registration,
        clock: &dyn Fn() -> OffsetDateTime,
        ui: &mut dyn DeviceUi,
    ) -> Result<NewToken> {
        let started = clock();
        let (Some(device_code), Some(user_code), Some(uri)) = (
            auth.device_code(),
            auth.user_code(),
            auth.verification_uri(),
        ) else {
            return Err(anyhow!(
                "StartDeviceAuthorization at {} returned no device code, user code or URL",
                self.endpoint
            ));
        };
        let expires_at =
            started + Duration::from_secs(auth.expires_in().max(0).unsigned_abs().into());
        let mut interval = match auth.interval() {
            i if i > 0 => Duration::from_secs(i.unsigned_abs().into()),
            _ => DEFAULT_INTERVAL,
        };
        ui.prompt(&DevicePrompt {
            verification_uri: uri.to_string(),
            verification_uri_complete: auth.verification_uri_complete().map(str::to_string),
            user_code: user_code.to_string(),
            expires_at,
        });
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        // Consecutive polls that failed on the way (5xx, 429, the network): the user may have
        // approved already, so they are waited out with a growing pause while the code is valid.
        let mut failed: u32 = 0;
        loop {
            let mut pause = interval;
            let result = tokio::select! {
                r = self
                    .client
                    .create_token()
                    .grant_type(DEVICE_GRANT)
                    .client_id(&registration.client_id)
                    .client_secret(registration.client_secret())
                    .device_code(device_code)
                    .send() => r,
                _ = &mut ctrl_c => return Err(Cancelled.into()),
            };
            match result {
                Ok(out) => return new_token(&out, clock(), &self.endpoint),
                Err(e) => match e.as_service_error() {
                    Some(CreateTokenError::AuthorizationPendingException(_)) => failed = 0,
                    Some(CreateTokenError::SlowDownException(_)) => {
                        failed = 0;
                        interval += SLOW_DOWN_STEP;
                        pause = interval;
                    }
                    Some(CreateTokenError::ExpiredTokenException(_)) => {
                        return Err(anyhow!(
                            "the login code {user_code} expired before it was approved; run `ssox login` again"
                        ));
                    }
                    Some(CreateTokenError::AccessDeniedException(_)) => {
                        return Err(anyhow!(
                            "the login was denied in the browser (code {user_code}); run `ssox login` again to retry"
                        ));
                    }
                    _ => {
                        let failure = Failure::of(&e);
                        failed += 1;
                        pause = pause.max(retry::backoff(failed));
                        let worth_waiting = failure.is_transient() || failure.is_network();
                        if !worth_waiting || !(expires_at - clock() - pause).is_positive() {
                            let err = RequestError::of("CreateToken", &self.endpoint, &e, failed);
                            return Err(err.into());
                        }
                        crate::verbose!(
                            "CreateToken failed ({}); polling again in {}",
                            retry::short(&failure),
                            seconds(pause)
                        );
                    }
                },
            }
            let left = expires_at - clock();
            if !left.is_positive() {
                return Err(anyhow!(
                    "the login code {user_code} expired before it was approved; run `ssox login` again"
                ));
            }
            ui.waiting(left.unsigned_abs());
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                _ = &mut ctrl_c => return Err(Cancelled.into()),
            }
        }
    }

    /// Exchange a refresh token for a new access token: one CreateToken request (sent again
    /// only after a transient failure, at most twice). See [`refresh_refused`].
    pub fn refresh(
        &self,
        registration: &Registration,
        refresh_token: &str,
        clock: &dyn Fn() -> OffsetDateTime,
    ) -> Result<NewToken> {
        let out = self.call(
            "CreateToken (refresh)",
            || {
                self.client
                    .create_token()
                    .grant_type("refresh_token")
                    .client_id(&registration.client_id)
                    .client_secret(registration.client_secret())
                    .refresh_token(refresh_token)
                    .send()
            },
            |_| None,
        )?;
        new_token(&out, clock(), &self.endpoint)
    }
}

/// Whether `e` (from [`Oidc::refresh`]) is the portal's refusal of the refresh token
/// (InvalidGrantException: revoked, expired or already used): only an interactive login gets a
/// new token, and sending that refresh again cannot help.
pub fn refresh_refused(e: &anyhow::Error) -> bool {
    e.downcast_ref::<RequestError>().is_some_and(|r| {
        matches!(&r.failure, Failure::Service { code: Some(c), .. } if c == "InvalidGrantException")
    })
}

pub(super) fn new_token(
    out: &aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
    now: OffsetDateTime,
    endpoint: &Endpoint,
) -> Result<NewToken> {
    let access_token = out
        .access_token()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| anyhow!("CreateToken at {endpoint} returned no access token"))?;
    if out.expires_in() <= 0 {
        return Err(anyhow!(
            "CreateToken at {endpoint} returned an impossible lifetime {}",
            out.expires_in()
        ));
    }
    Ok(NewToken {
        access_token: access_token.to_string(),
        expires_at: now + Duration::from_secs(out.expires_in().unsigned_abs().into()),
        refresh_token: out
            .refresh_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string),
    })
}
