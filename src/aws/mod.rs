//! The only module that touches tokio and the AWS SDK: login flow, role credentials, STS. It
//! offers a small synchronous API; commands that need no network must never call into it.
