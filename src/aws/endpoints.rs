//! Endpoint overrides (docs/compat.md#endpoints) for the clients ssox builds itself (sso-oidc, sso
//! portal; `whoami` leaves STS to aws-config, which applies the same rules, and asks here only to
//! name it in messages), resolved as every AWS tool does: service env var, then
//! `AWS_ENDPOINT_URL`, then the profile's `[services]` block, then its `endpoint_url`; none at all
//! with `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`. Pure: no I/O.

use crate::config::Config;
use crate::settings::EndpointEnv;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    SsoOidc,
    Sso,
    Sts,
    /// The sign-in service of `aws login` (`AWS_ENDPOINT_URL_SIGNIN`, `signin` in `[services]`).
    Signin,
}

impl Service {
    /// The id used in `[services]` blocks (`sso-oidc` is accepted there too).
    pub fn config_id(self) -> &'static str {
        match self {
            Service::SsoOidc => "sso_oidc",
            Service::Sso => "sso",
            Service::Sts => "sts",
            Service::Signin => "signin",
        }
    }
}

/// The endpoint URL to use, or `None` for the SDK's default.
pub fn resolve(
    env: &EndpointEnv,
    config: Option<&Config>,
    profile: Option<&str>,
    service: Service,
) -> Option<String> {
    if env.ignore_configured {
        return None;
    }
    let specific = match service {
        Service::SsoOidc => &env.sso_oidc,
        Service::Sso => &env.sso,
        Service::Sts => &env.sts,
        Service::Signin => &env.signin,
    };
    specific
        .clone()
        .or_else(|| env.global.clone())
        .or_else(|| config?.configured_endpoint(profile, service.config_id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::parse(
            "[profile p]\nservices = local\n\
             [services local]\nsso-oidc =\n  endpoint_url = http://oidc\nsso =\n  endpoint_url = http://sso\n",
            None,
            "cfg".into(),
            "creds".into(),
        )
    }

    #[test]
    fn precedence() {
        let c = cfg();
        let mut env = EndpointEnv::default();
        let r = |env: &EndpointEnv, s| resolve(env, Some(&c), Some("p"), s);
        assert_eq!(r(&env, Service::SsoOidc).as_deref(), Some("http://oidc"));
        assert_eq!(r(&env, Service::Sso).as_deref(), Some("http://sso"));
        env.global = Some("http://env-global".into());
        assert_eq!(
            r(&env, Service::SsoOidc).as_deref(),
            Some("http://env-global")
        );
        env.sso_oidc = Some("http://env-oidc".into());
        assert_eq!(
            r(&env, Service::SsoOidc).as_deref(),
            Some("http://env-oidc")
        );
        env.ignore_configured = true;
        assert_eq!(r(&env, Service::SsoOidc), None);
        assert_eq!(
            resolve(&EndpointEnv::default(), Some(&c), None, Service::Sso),
            None
        );
        // A profile's top-level endpoint_url applies when its services block has no entry.
        let plain = Config::parse(
            "[profile q]\nendpoint_url = http://global\n",
            None,
            "cfg".into(),
            "creds".into(),
        );
        assert_eq!(
            resolve(
                &EndpointEnv::default(),
                Some(&plain),
                Some("q"),
                Service::Sso
            )
            .as_deref(),
            Some("http://global")
        );
    }
}
