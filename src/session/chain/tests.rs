//! Unit tests for role-chain resolution: botocore's rules, errors asserted word for word.
//! Test-only: `chain.rs` declares it under #[cfg(test)].

use super::*;

const BASE: &str = "\
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile hub]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Hub
";

fn parse(config: &str, creds: Option<&str>) -> Config {
    Config::parse(
        &format!("{BASE}{config}"),
        creds,
        "~/.aws/config".into(),
        "~/.aws/credentials".into(),
    )
}

/// The chain of `name` as `root-kind: arn, arn…` (root first).
fn shape(c: &Config, name: &str) -> String {
    match resolve(c, name) {
        Err(e) => e.0,
        Ok(chain) => {
            let root = match &chain.root {
                Root::Sso(t) => format!("sso {}/{} {}", t.account_id, t.role_name, t.profile),
                Root::Static(p) => format!("static {}", p.name),
                Root::Process(p) => format!("process {}", p.name),
                Root::CredentialSource(p) => format!("credential_source {}", p.name),
                Root::WebIdentity(p) => format!("web identity {}", p.name),
                Root::Login(p) => format!("login {}", p.name),
            };
            let hops: Vec<String> = chain
                .hops
                .iter()
                .map(|h| format!("{}={}", h.profile.name, h.role_name()))
                .collect();
            format!("{root}: {}", hops.join(", "))
        }
    }
}

#[test]
fn hops_run_from_the_root_outward() {
    let c = parse(
        "[profile one]\nrole_arn = arn:aws:iam::222222222222:role/One\nsource_profile = hub\n\
         [profile two]\nrole_arn = arn:aws:iam::333333333333:role/team/Two\nsource_profile = one\n",
        None,
    );
    assert_eq!(shape(&c, "hub"), "sso 111111111111/Hub hub: ");
    assert_eq!(shape(&c, "one"), "sso 111111111111/Hub hub: one=One");
    assert_eq!(
        shape(&c, "two"),
        "sso 111111111111/Hub hub: one=One, two=Two"
    );
    let chain = resolve(&c, "two").unwrap();
    assert_eq!(chain.hops[1].account_id(), Some("333333333333"));
    assert_eq!(
        chain.hops[1].args,
        AssumeRoleArgs {
            role_arn: "arn:aws:iam::333333333333:role/team/Two".into(),
            role_session_name: None,
            external_id: None,
            duration_seconds: None,
            serial_number: None,
        }
    );
}

#[test]
fn arguments_come_from_the_profile() {
    let c = parse(
        "[profile x]\nrole_arn = arn:aws:iam::222222222222:role/X\nsource_profile = hub\n\
         role_session_name = me\nexternal_id = ext\nduration_seconds = 1800\n\
         [profile bad]\nrole_arn = arn:aws:iam::222222222222:role/X\nsource_profile = hub\n\
         duration_seconds = 1h\n",
        None,
    );
    let chain = resolve(&c, "x").unwrap();
    assert_eq!(
        chain.hops[0].args,
        AssumeRoleArgs {
            role_arn: "arn:aws:iam::222222222222:role/X".into(),
            role_session_name: Some("me".into()),
            external_id: Some("ext".into()),
            duration_seconds: Some(1800),
            serial_number: None,
        }
    );
    assert_eq!(
        shape(&c, "bad"),
        "profile \"bad\" sets duration_seconds = 1h (~/.aws/config:18), which is not a whole \
         number of seconds; write e.g. `duration_seconds = 3600` in [profile bad]"
    );
}

#[test]
fn keys_are_a_root_even_beside_role_arn() {
    let c = parse(
        "[profile ops]\nrole_arn = arn:aws:iam::222222222222:role/Ops\nsource_profile = iam\n\
         [profile self]\nrole_arn = arn:aws:iam::222222222222:role/Self\nsource_profile = self\n",
        Some(
            "[iam]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n\
             [self]\naws_access_key_id = AKIA2\naws_secret_access_key = s\n",
        ),
    );
    assert_eq!(shape(&c, "ops"), "static iam: ops=Ops");
    // A profile may name itself to assume its role with its own keys (botocore).
    assert_eq!(shape(&c, "self"), "static self: self=Self");
    assert_eq!(shape(&c, "iam"), "static iam: ");
}

#[test]
fn other_roots() {
    let c = parse(
        "[profile proc]\ncredential_process = cat creds.json\n\
         [profile via_proc]\nrole_arn = arn:aws:iam::222222222222:role/P\nsource_profile = proc\n\
         [profile ec2]\nrole_arn = arn:aws:iam::222222222222:role/E\ncredential_source = Ec2InstanceMetadata\n\
         [profile web]\nrole_arn = arn:aws:iam::222222222222:role/W\nweb_identity_token_file = /t\n\
         [profile via_web]\nrole_arn = arn:aws:iam::222222222222:role/V\nsource_profile = web\n",
        None,
    );
    assert_eq!(shape(&c, "via_proc"), "process proc: via_proc=P");
    assert_eq!(shape(&c, "ec2"), "credential_source ec2: ec2=E");
    assert_eq!(shape(&c, "web"), "web identity web: ");
    assert_eq!(shape(&c, "via_web"), "web identity web: via_web=V");
}

#[test]
fn loops_are_errors_that_name_the_cycle() {
    let c = parse(
        "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/A\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = c\n\
         [profile c]\nrole_arn = arn:aws:iam::222222222222:role/C\nsource_profile = a\n\
         [profile me]\nrole_arn = arn:aws:iam::222222222222:role/Me\nsource_profile = me\n\
         [profile into]\nrole_arn = arn:aws:iam::222222222222:role/I\nsource_profile = b\n",
        None,
    );
    assert_eq!(
        shape(&c, "a"),
        "profile \"a\" has a loop of source_profile references: a -> b -> c -> a \
         (~/.aws/config:17); point one of them at a profile with credentials of its own"
    );
    assert_eq!(
        shape(&c, "me"),
        "profile \"me\" has a loop of source_profile references: me -> me (~/.aws/config:20); \
         point one of them at a profile with credentials of its own"
    );
    assert_eq!(
        shape(&c, "into"),
        "profile \"into\" has a loop of source_profile references: into -> b -> c -> a -> b \
         (~/.aws/config:11); point one of them at a profile with credentials of its own"
    );
}

#[test]
fn broken_chains_say_what_to_fix() {
    let c = parse(
        "[profile typo]\nrole_arn = arn:aws:iam::222222222222:role/T\nsource_profile = hubb\n\
         [profile none]\nrole_arn = arn:aws:iam::222222222222:role/N\n\
         [profile both]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = hub\n\
         credential_source = Environment\n\
         [profile odd]\nrole_arn = arn:aws:iam::222222222222:role/O\ncredential_source = Laptop\n\
         [profile settings]\nregion = eu-west-1\n\
         [profile empty_src]\nrole_arn = arn:aws:iam::222222222222:role/E\nsource_profile = settings\n",
        None,
    );
    assert_eq!(
        shape(&c, "typo"),
        "profile \"typo\" has source_profile = hubb, which does not exist (~/.aws/config:11); \
         did you mean \"hub\"? Otherwise add a [profile hubb] section"
    );
    assert_eq!(
        shape(&c, "none"),
        "profile \"none\" sets role_arn but neither source_profile nor credential_source \
         (~/.aws/config:13); add `source_profile = NAME` (the profile whose credentials assume \
         the role) to [profile none]"
    );
    assert_eq!(
        shape(&c, "both"),
        "profile \"both\" sets both source_profile and credential_source (~/.aws/config:17); \
         remove one of them from [profile both]"
    );
    assert_eq!(
        shape(&c, "odd"),
        "profile \"odd\" sets credential_source = Laptop (~/.aws/config:20), which is not one of \
         Environment, Ec2InstanceMetadata, EcsContainer; fix the value"
    );
    assert_eq!(
        shape(&c, "empty_src"),
        "profile \"empty_src\" has source_profile = settings, which has no credentials \
         (~/.aws/config:25); give [profile settings] an sso_session with sso_account_id and \
         sso_role_name, or keys in ~/.aws/credentials"
    );
}

#[test]
fn role_names_from_arns() {
    assert_eq!(role_name("arn:aws:iam::1:role/Admin"), "Admin");
    assert_eq!(role_name("arn:aws:iam::1:role/a/b/Deep"), "Deep");
    assert_eq!(role_name("arn:aws:iam::1:user/u"), "arn:aws:iam::1:user/u");
    assert_eq!(role_name("not-an-arn"), "not-an-arn");
    assert_eq!(role_name("arn:aws:iam::1:role/"), "arn:aws:iam::1:role/");
}

#[test]
fn a_chain_may_start_at_an_aws_login_profile() {
    let c = parse(
        "[profile console]\nlogin_session = arn:aws:sts::111111111111:assumed-role/Admin/me\n\
         region = eu-west-1\n\
         [profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\nsource_profile = console\n",
        None,
    );
    assert_eq!(shape(&c, "console"), "login console: ");
    assert_eq!(shape(&c, "deploy"), "login console: deploy=Deploy");
}
