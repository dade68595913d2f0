//! Console pages by service name, for `ssox console --service S --region R`: the path of each
//! common service's console under the partition's console home, a plain `S/home` for any other
//! name. Pure text; no network.

use anyhow::{bail, Result};

/// Service name (and a few other names people type) → page path under the console home.
/// Fragments (`#…`) come after the `?region=` query.
#[rustfmt::skip]
const PAGES: &[(&str, &str)] = &[
    ("apigateway", "apigateway/main"),
    ("athena", "athena/home"),
    ("billing", "billing/home"),
    ("cloudformation", "cloudformation/home"),
    ("cloudfront", "cloudfront/v4/home"),
    ("cloudtrail", "cloudtrail/home"),
    ("cloudwatch", "cloudwatch/home"),
    ("cost", "costmanagement/home"),
    ("dynamodb", "dynamodbv2/home"),
    ("ec2", "ec2/home"),
    ("ecr", "ecr/home"),
    ("ecs", "ecs/v2/home"),
    ("eks", "eks/home"),
    ("elasticache", "elasticache/home"),
    ("glue", "glue/home"),
    ("iam", "iam/home"),
    ("kms", "kms/home"),
    ("lambda", "lambda/home"),
    ("logs", "cloudwatch/home#logsV2:"),
    ("organizations", "organizations/v2/home"),
    ("rds", "rds/home"),
    ("route53", "route53/v2/home"),
    ("s3", "s3/home"),
    ("secretsmanager", "secretsmanager/home"),
    ("sns", "sns/v3/home"),
    ("sqs", "sqs/v3/home"),
    ("ssm", "systems-manager/home"),
    ("sso", "singlesignon/home"),
    ("states", "states/home"),
    ("stepfunctions", "states/home"),
    ("vpc", "vpc/home"),
];

/// The console page for `service` (else the console home) in `region` (else no region), under
/// `home` (the partition's console home, ending in `/`).
pub fn page_url(home: &str, service: Option<&str>, region: Option<&str>) -> Result<String> {
    let path = match service {
        Some(s) => {
            check_service(s)?;
            PAGES
                .iter()
                .find(|(name, _)| *name == s)
                .map_or_else(|| format!("{s}/home"), |(_, path)| (*path).to_string())
        }
        None => "console/home".to_string(),
    };
    let (path, fragment) = match path.split_once('#') {
        Some((p, f)) => (p.to_string(), format!("#{f}")),
        None => (path, String::new()),
    };
    let query = region.map_or_else(String::new, |r| format!("?region={r}"));
    Ok(format!("{home}{path}{query}{fragment}"))
}

/// A service name becomes part of a URL path: lowercase letters, digits and dashes only.
pub fn check_service(s: &str) -> Result<()> {
    let ok = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        bail!(
            "invalid --service {s:?}: a service is lowercase letters, digits and dashes, \
             e.g. --service s3"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: &str = "https://console.aws.amazon.com/";

    #[test]
    fn known_services_plain_names_and_regions() {
        let url = |s, r| page_url(HOME, s, r).unwrap();
        assert_eq!(
            url(Some("s3"), Some("eu-west-1")),
            "https://console.aws.amazon.com/s3/home?region=eu-west-1"
        );
        assert_eq!(
            url(Some("logs"), Some("us-east-1")),
            "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:"
        );
        assert_eq!(
            url(Some("dynamodb"), None),
            "https://console.aws.amazon.com/dynamodbv2/home"
        );
        assert_eq!(
            url(Some("appsync"), Some("eu-west-1")),
            "https://console.aws.amazon.com/appsync/home?region=eu-west-1"
        );
        assert_eq!(
            url(None, Some("eu-west-1")),
            "https://console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            page_url(
                "https://console.amazonaws.cn/",
                Some("ec2"),
                Some("cn-north-1")
            )
            .unwrap(),
            "https://console.amazonaws.cn/ec2/home?region=cn-north-1"
        );
        for bad in ["S3", "s3/../x", "", "s3?x=1"] {
            assert_eq!(
                page_url(HOME, Some(bad), None).unwrap_err().to_string(),
                format!(
                    "invalid --service {bad:?}: a service is lowercase letters, digits and \
                     dashes, e.g. --service s3"
                )
            );
        }
        // Sorted, so a reader finds a service at a glance.
        assert!(PAGES.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
