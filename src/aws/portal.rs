//! The SSO portal (aws-sdk-sso) behind a synchronous API: `Logout` (revoke a token) and a token
//! check for `status --check`, each bounded by the command's time with transient failures retried
//! (`retry`); and the listing of every account and role a token can see (ListAccounts,
//! ListAccountRoles; docs/compat.md#wire-shapes) with bounded concurrency and its own backoff.
//! Must not touch the cache, the config or the UI: progress goes to a callback.

use std::collections::HashSet;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::time::{Duration, Instant};

use anyhow::Result;
use aws_sdk_sso::config::http::HttpResponse;
use aws_sdk_sso::config::{BehaviorVersion, Region};
use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sso::operation::list_accounts::ListAccountsError;
use aws_smithy_runtime_api::client::dns::ResolveDnsError;
use aws_smithy_types::retry::ErrorKind;
use futures_util::stream::{self, StreamExt};

use super::errors::RequestError;
use super::retry::{self, ATTEMPTS};
use super::Endpoint;
use crate::config::ids;

/// Requests in flight at once while listing roles: enough to list 1,000 accounts in seconds,
/// few enough not to be throttled at once.
pub const MAX_IN_FLIGHT: usize = 8;

/// `max_result` of ListAccounts and ListAccountRoles: the largest the portal accepts (the portal
/// API reference gives 1 to 100).
pub const PAGE_SIZE: i32 = 100;

/// Pages of one list after which a portal that keeps sending `nextToken` is given up on.
const MAX_PAGES: usize = 10_000;

/// One account the token can see, with the roles the user may assume there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    /// `accountName`, or the id when the portal gives none.
    pub name: String,
    /// `emailAddress`, when the portal gives one.
    pub email: Option<String>,
    /// Sorted, without duplicates; empty when the user has no role there.
    pub roles: Vec<String>,
}

/// How the listing retries a throttled (429) or failing (5xx, reset connection) request: at most
/// `attempts` tries, waiting before try n+1 a random time between zero and `base * 2^(n-1)`
/// capped at `max` ("full jitter", as the AWS SDKs' standard retry mode does), and no retry once
/// the listing has run for `budget`. The SDK's own retries are off (`aws::retry_config`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
    pub attempts: u32,
    pub budget: Duration,
}

impl Backoff {
    /// At most 6 tries, about 15 s of waiting at worst for one request, 2 minutes in all.
    pub const STANDARD: Backoff = Backoff {
        base: Duration::from_millis(500),
        max: Duration::from_secs(10),
        attempts: 6,
        budget: Duration::from_secs(120),
    };

    /// [`Backoff::STANDARD`], with its first delay replaced when `base` is set
    /// (`Settings::retry_base`, which tests set to a few milliseconds).
    pub fn standard(base: Option<Duration>) -> Backoff {
        Backoff {
            base: base.unwrap_or(Backoff::STANDARD.base),
            ..Backoff::STANDARD
        }
    }

    /// The wait before retry number `retry` (0 for the first).
    fn delay(&self, retry: u32) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << retry.min(20))
            .min(self.max);
        ceiling.mul_f64(fastrand::f64())
    }
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff::STANDARD
    }
}

/// Why the listing failed. Either way nothing was listed: there is no partial result.
#[derive(Debug)]
pub enum ListingError {
    /// 401: the portal does not accept the access token (expired or revoked); the caller says
    /// `run: ssox login`.
    Unauthorized,
    /// Anything else, in one sentence: the request, the endpoint, what went wrong.
    Failed(String),
}

impl fmt::Display for ListingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListingError::Unauthorized => {
                f.write_str("the SSO portal rejected the access token (expired or revoked)")
            }
            ListingError::Failed(s) => f.write_str(s),
        }
    }
}

impl StdError for ListingError {}

/// An sso portal client for one region and endpoint, with its own current-thread runtime.
pub struct Portal {
    runtime: tokio::runtime::Runtime,
    client: aws_sdk_sso::Client,
    endpoint: Endpoint,
    backoff: Backoff,
}

impl Portal {
    pub fn new(region: &str, endpoint_override: Option<String>) -> Result<Portal> {
        let endpoint = Endpoint::new(
            endpoint_override,
            format!("https://portal.sso.{region}.amazonaws.com"),
        );
        let mut builder = aws_sdk_sso::Config::builder()
            .region(Region::new(region.to_string()))
            .behavior_version(BehaviorVersion::latest())
            .timeout_config(super::timeout_config())
            .retry_config(super::retry_config())
            .http_client(super::http_client());
        if let Some(url) = &endpoint.overridden {
            builder = builder.endpoint_url(url.clone());
        }
        Ok(Portal {
            runtime: super::runtime()?,
            client: aws_sdk_sso::Client::from_conf(builder.build()),
            endpoint,
            backoff: Backoff::STANDARD,
        })
    }

    /// Retry the listing's requests with `backoff` instead of [`Backoff::STANDARD`].
    pub fn with_backoff(self, backoff: Backoff) -> Portal {
        Portal { backoff, ..self }
    }

    /// Revoke `access_token` on the server (portal `Logout`).
    pub fn logout(&self, access_token: &str) -> Result<()> {
        let deadline = Instant::now() + super::timeouts().command;
        let send = || self.client.logout().access_token(access_token).send();
        self.runtime
            .block_on(retry::send("Logout", ATTEMPTS, Some(deadline), send))
            .map_err(|e| e.error("Logout", &self.endpoint))?;
        Ok(())
    }

    /// Whether the portal accepts `access_token` (one ListAccounts page of one): `Ok(false)` when
    /// it answers 401 Unauthorized, an error when it cannot be asked.
    pub fn token_accepted(&self, access_token: &str) -> Result<bool> {
        let deadline = Instant::now() + super::timeouts().command;
        let send = || {
            self.client
                .list_accounts()
                .access_token(access_token)
                .max_results(1)
                .send()
        };
        let result =
            self.runtime
                .block_on(retry::send("ListAccounts", ATTEMPTS, Some(deadline), send));
        match result {
            Ok(_) => Ok(true),
            Err(e) => match e.sdk().and_then(|e| e.as_service_error()) {
                Some(ListAccountsError::UnauthorizedException(_)) => Ok(false),
                _ => Err(e.error("ListAccounts", &self.endpoint).into()),
            },
        }
    }

    /// Every account `access_token` can see with every role of each: ListAccounts page by page,
    /// then ListAccountRoles for each account, [`MAX_IN_FLIGHT`] at a time. Accounts come sorted
    /// by name then id. `on_progress(done, total)` is called with `(0, total)` once the accounts
    /// are known, then each time the roles of one more account are.
    ///
    /// All or nothing: a request that still fails after its retries fails the whole listing.
    pub fn list_accounts_and_roles(
        &self,
        access_token: &str,
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Account>, ListingError> {
        let started = Instant::now();
        self.runtime.block_on(async {
            let mut accounts = self.accounts(access_token, started).await?;
            let total = accounts.len();
            on_progress(0, total);
            let mut found = vec![Vec::new(); total];
            {
                let mut pending = stream::iter(accounts.iter().enumerate())
                    .map(
                        |(i, a)| async move { (i, self.roles(access_token, &a.id, started).await) },
                    )
                    .buffer_unordered(MAX_IN_FLIGHT);
                let mut done = 0;
                while let Some((i, roles)) = pending.next().await {
                    found[i] = roles?;
                    done += 1;
                    on_progress(done, total);
                }
            }
            for (account, roles) in accounts.iter_mut().zip(found) {
                account.roles = roles;
            }
            accounts.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
            Ok(accounts)
        })
    }

    /// ListAccounts to the last page; an account listed twice is kept once.
    async fn accounts(&self, token: &str, started: Instant) -> Result<Vec<Account>, ListingError> {
        let op = "ListAccounts";
        let mut accounts = Vec::new();
        let mut seen = HashSet::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .retrying(op, started, || {
                    self.client
                        .list_accounts()
                        .access_token(token)
                        .max_results(PAGE_SIZE)
                        .set_next_token(next.clone())
                        .send()
                })
                .await?;
            for a in page.account_list.unwrap_or_default() {
                let Some(id) = a.account_id.filter(|id| !id.is_empty()) else {
                    return Err(self.unreadable(op, "an account without an accountId"));
                };
                // Checked before any ListAccountRoles: the id goes into its URL.
                if !ids::is_account_id(&id) {
                    return Err(ListingError::Failed(format!(
                        "{op} at {} returned the account id {}, and an account id is 12 digits; \
                         the listing cannot be trusted",
                        self.endpoint,
                        ids::quoted(&id)
                    )));
                }
                if seen.insert(id.clone()) {
                    accounts.push(Account {
                        name: a
                            .account_name
                            .filter(|n| !n.is_empty())
                            .unwrap_or(id.clone()),
                        email: a.email_address.filter(|e| !e.is_empty()),
                        id,
                        roles: Vec::new(),
                    });
                }
            }
            match self.next_page(op, next.as_deref(), page.next_token)? {
                Some(token) => next = Some(token),
                None => return Ok(accounts),
            }
        }
        Err(self.too_many_pages(op))
    }

    /// ListAccountRoles of one account to the last page: role names sorted, without duplicates.
    async fn roles(
        &self,
        token: &str,
        account_id: &str,
        started: Instant,
    ) -> Result<Vec<String>, ListingError> {
        let op = format!("ListAccountRoles for account {account_id}");
        let mut roles = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .retrying(&op, started, || {
                    self.client
                        .list_account_roles()
                        .access_token(token)
                        .account_id(account_id)
                        .max_results(PAGE_SIZE)
                        .set_next_token(next.clone())
                        .send()
                })
                .await?;
            for r in page.role_list.unwrap_or_default() {
                match r.role_name.filter(|n| !n.is_empty()) {
                    Some(name) => roles.push(name),
                    None => return Err(self.unreadable(&op, "a role without a roleName")),
                }
            }
            match self.next_page(&op, next.as_deref(), page.next_token)? {
                Some(token) => next = Some(token),
                None => {
                    roles.sort();
                    roles.dedup();
                    return Ok(roles);
                }
            }
        }
        Err(self.too_many_pages(&op))
    }

    /// One request, tried again as [`Backoff`] says while it fails in a way worth retrying.
    async fn retrying<T, E, F, Fut>(
        &self,
        op: &str,
        started: Instant,
        mut send: F,
    ) -> Result<T, ListingError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let mut attempt = 1;
        loop {
            let err = match send().await {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match verdict(&err) {
                Verdict::Unauthorized => return Err(ListingError::Unauthorized),
                Verdict::Fatal => {
                    return Err(ListingError::Failed(
                        RequestError::of(op, &self.endpoint, &err, attempt).to_string(),
                    ))
                }
                Verdict::Retry => {
                    let delay = self.backoff.delay(attempt - 1);
                    if attempt >= self.backoff.attempts
                        || started.elapsed() + delay > self.backoff.budget
                    {
                        return Err(ListingError::Failed(
                            RequestError::of(op, &self.endpoint, &err, attempt).to_string(),
                        ));
                    }
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }

    /// The token of the page after the one asked for with `sent`: `None` at the end (no token or
    /// an empty one, as the SDKs' paginators read it); an error when the portal hands back the
    /// very token it was given, which would loop forever.
    fn next_page(
        &self,
        op: &str,
        sent: Option<&str>,
        got: Option<String>,
    ) -> Result<Option<String>, ListingError> {
        match got.filter(|t| !t.is_empty()) {
            Some(t) if Some(t.as_str()) == sent => {
                Err(self.unreadable(op, "the same nextToken it was sent"))
            }
            got => Ok(got),
        }
    }

    fn unreadable(&self, op: &str, what: &str) -> ListingError {
        ListingError::Failed(format!(
            "{op} at {} returned {what}; the listing cannot be trusted, try again later",
            self.endpoint
        ))
    }

    fn too_many_pages(&self, op: &str) -> ListingError {
        ListingError::Failed(format!(
            "{op} at {} kept returning a nextToken after {MAX_PAGES} pages; gave up",
            self.endpoint
        ))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Retry,
    Unauthorized,
    Fatal,
}

/// Which failures are worth another try: throttling (429), server errors (5xx) and a connection
/// the server dropped or reset. Not a refused connection or a name that does not resolve (nothing
/// to talk to: say so at once), nor a timeout (it has already waited the read timeout,
/// `aws::timeouts`), nor any other 4xx.
fn verdict<E>(e: &SdkError<E, HttpResponse>) -> Verdict
where
    E: StdError + 'static,
{
    match e {
        SdkError::ServiceError(s) => match s.raw().status().as_u16() {
            401 => Verdict::Unauthorized,
            429 | 500..=599 => Verdict::Retry,
            _ => Verdict::Fatal,
        },
        SdkError::DispatchFailure(d) if d.is_timeout() => Verdict::Fatal,
        SdkError::DispatchFailure(d) if d.is_io() && !unreachable(e) => Verdict::Retry,
        SdkError::DispatchFailure(d) if d.as_other() == Some(ErrorKind::TransientError) => {
            Verdict::Retry
        }
        _ => Verdict::Fatal,
    }
}

/// Whether no connection could be made: refused, a host name that does not resolve, no route.
fn unreachable(e: &(dyn StdError + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        let refused = err
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::ConnectionRefused);
        let connect = err
            .downcast_ref::<hyper_util::client::legacy::Error>()
            .is_some_and(|e| e.is_connect());
        if refused || connect || err.is::<ResolveDnsError>() {
            return true;
        }
        cur = err.source();
    }
    false
}

#[cfg(test)]
mod tests;
