//! A profile's static keys as botocore's providers take them (docs/compat.md#credential-providers):
//! both keys from the same file, or an error naming the missing one; and the keys or the
//! credential_process that botocore's provider order leaves unused, worded as warnings. Pure
//! lookups over a parsed `Config`; must not touch files, the network or the terminal.

use super::{Config, ConfigError, FileId, Profile, ProfileKind};

const ACCESS_KEY: &str = "aws_access_key_id";
const SECRET_KEY: &str = "aws_secret_access_key";

impl Config {
    /// Why botocore cannot take `p`'s static keys, naming the missing key: one key without the
    /// other in the file botocore reads them from (`PartialCredentialsError` for an access key
    /// alone; no credentials at all for a secret key alone). `None` when both are there.
    pub fn static_keys_problem(&self, p: &Profile) -> Option<ConfigError> {
        let access = p.get(ACCESS_KEY).and(p.line(ACCESS_KEY));
        let secret = p.get(SECRET_KEY).and(p.line(SECRET_KEY));
        let (has, missing, at, why) = match (access, secret) {
            (None, None) => return None,
            (Some(a), Some(s)) if a.file == s.file => return None,
            (Some(a), _) => (
                ACCESS_KEY,
                SECRET_KEY,
                a,
                "the AWS CLI and SDKs refuse it (PartialCredentialsError)",
            ),
            (None, Some(s)) => (
                SECRET_KEY,
                ACCESS_KEY,
                s,
                "the AWS CLI and SDKs find no credentials in it",
            ),
        };
        let elsewhere = match (access, secret) {
            (Some(_), Some(s)) => format!(
                " (the one at {} is in the other file, and botocore reads both keys from one)",
                self.at(s)
            ),
            _ => String::new(),
        };
        Some(ConfigError(format!(
            "profile {:?} sets {has} ({}) but not {missing}{elsewhere}: {why}; add {missing} to \
             {} in {}",
            p.name,
            self.at(at),
            section_in(p, at.file),
            self.path_of(at.file)
        )))
    }

    /// Warnings for profiles whose static keys or credential_process botocore never uses: keys
    /// in the config file beside a credential_process (the process wins), or a
    /// credential_process beside keys in the credentials file (the keys win).
    pub(super) fn warn_unused_credentials(&mut self) {
        let mut found = Vec::new();
        for p in self.profiles.values() {
            if !matches!(
                p.kind,
                ProfileKind::Process | ProfileKind::Static | ProfileKind::AssumeRole
            ) || p.get("credential_process").is_none()
                || !p.has_keys()
            {
                continue;
            }
            let process = p.line("credential_process").unwrap_or(p.source);
            let keys = p
                .get(ACCESS_KEY)
                .and(p.line(ACCESS_KEY))
                .or(p.line(SECRET_KEY))
                .unwrap_or(p.source);
            let message = match p.kind_as_source() {
                ProfileKind::Process => format!(
                    "{}: profile {:?} sets both a credential_process ({}) and static keys: the \
                     AWS CLI and SDKs run the credential_process and never use the keys; remove \
                     {ACCESS_KEY} and {SECRET_KEY} from {}",
                    self.at(keys),
                    p.name,
                    self.at(process),
                    section_in(p, keys.file)
                ),
                ProfileKind::Static => format!(
                    "{}: profile {:?} has static keys in {} ({}): the AWS CLI uses them and never \
                     runs this credential_process; remove one of the two",
                    self.at(process),
                    p.name,
                    self.credentials_path,
                    self.at(keys)
                ),
                _ => continue,
            };
            found.push(ConfigError(message));
        }
        self.warnings.extend(found);
    }

    /// Warnings for what a `login_session` makes unused, or what makes it unused (botocore's
    /// order: the credentials file's keys, `LoginProvider`, credential_process, the config
    /// file's keys; docs/compat.md#login-cache).
    pub(super) fn warn_unused_login(&mut self) {
        let mut found = Vec::new();
        for p in self.profiles.values() {
            // Only these kinds can be warned about: the others are passed over without a lookup
            // (this runs for every profile of every full parse).
            if !matches!(p.kind, ProfileKind::Static | ProfileKind::Login) {
                continue;
            }
            let Some(login) = p.get("login_session").and_then(|_| p.line("login_session")) else {
                continue;
            };
            if p.kind == ProfileKind::Static {
                let keys = p.line(ACCESS_KEY).unwrap_or(p.source);
                found.push(ConfigError(format!(
                    "{}: profile {:?} has static keys in {} ({}): the AWS CLI uses them and never \
                     its `aws login` session; remove one of the two",
                    self.at(login),
                    p.name,
                    self.path_of(keys.file),
                    self.at(keys)
                )));
                continue;
            }
            if p.kind != ProfileKind::Login {
                continue;
            }
            let mut unused = Vec::new();
            if let Some(at) = p.line("credential_process") {
                unused.push(("credential_process", at));
            }
            if let Some(at) = p.line(ACCESS_KEY).or(p.line(SECRET_KEY)) {
                unused.push(("static keys", at));
            }
            for (what, at) in unused {
                found.push(ConfigError(format!(
                    "{}: profile {:?} sets both login_session ({}) and {what}: the AWS CLI and \
                     SDKs use the `aws login` credentials and never the {what}; remove one of the \
                     two from {}",
                    self.at(at),
                    p.name,
                    self.at(login),
                    section_in(p, at.file)
                )));
            }
        }
        self.warnings.extend(found);
    }

    fn path_of(&self, file: FileId) -> &str {
        match file {
            FileId::Config => &self.config_path,
            FileId::Credentials => &self.credentials_path,
        }
    }
}

/// The section of `p` in `file`, as the user would write it.
fn section_in(p: &Profile, file: FileId) -> String {
    match file {
        FileId::Credentials => format!("[{}]", p.name),
        FileId::Config if p.source.file == FileId::Credentials => {
            format!("[profile {}]", super::quote_name(&p.name))
        }
        FileId::Config => p.section(),
    }
}
