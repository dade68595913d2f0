//! The directory hook's decision, pure: from what the shell has (its `SSOX_DIR_*` bookkeeping and
//! the variables a `.ssox.toml` may change) and what applies in the current directory, the shell
//! code that leaves the old tree (restoring what the shell had before it entered) and enters the
//! new one (switching as `ssox use` does), plus the lines to say on stderr. A tree's profile is
//! applied once, on entering: a `ssox use` typed inside the tree wins until the tree is left.

use crate::settings::{
    DirEnv, DIR_FILE_VAR, DIR_HASH_VAR, DIR_NOTICED_VAR, DIR_PROFILE_VAR, DIR_SAVED_PREFIX,
    DIR_SAVED_VAR, DIR_VARS, STATIC_KEY_VARS,
};
use crate::shell::{self, Shell};

/// What applies in the current directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Here {
    /// No `.ssox.toml` here or above.
    Nothing,
    /// A file that does not switch anything: untrusted, malformed, or naming a missing profile.
    /// `key` identifies the file and its contents (announced once per change); `message` is the
    /// one line to say.
    Refused { key: String, message: String },
    /// A trusted file naming an existing profile.
    Apply {
        path: String,
        hash: String,
        profile: String,
        region: Option<String>,
    },
}

/// The hook's output: shell code for stdout, lines for stderr.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub code: String,
    pub messages: Vec<String>,
}

/// The four variables as the shell will have them after the plan's code runs.
type Vars = [Option<String>; 4];

fn set(shell: Shell, code: &mut String, name: &str, value: Option<&str>) {
    match value {
        Some(v) => code.push_str(&shell.export(name, v)),
        None => code.push_str(&shell.unset(name)),
    }
}

/// Decide what the shell must do in a directory where `here` applies.
pub fn plan(shell: Shell, env: &DirEnv, here: &Here) -> Plan {
    let mut out = Plan::default();
    if env.disabled {
        return out;
    }
    if let (Here::Apply { path, hash, .. }, Some(file), Some(applied_hash)) =
        (here, &env.file, &env.hash)
    {
        if path == file && hash == applied_hash {
            // Still inside the tree that was entered: leave the shell as it is.
            return out;
        }
    }
    let mut vars: Vars = env.current.clone();
    let code = &mut out.code;
    if env.file.is_some() {
        // Leave the tree: what the shell had before it entered.
        for (i, name) in DIR_VARS.iter().enumerate() {
            if env.saved.contains(name) {
                vars[i] = env.saved_values[i].clone();
                set(shell, code, name, vars[i].as_deref());
            }
        }
        for name in DIR_VARS {
            code.push_str(&shell.unset(&format!("{DIR_SAVED_PREFIX}{name}")));
        }
        for name in [DIR_FILE_VAR, DIR_HASH_VAR, DIR_PROFILE_VAR, DIR_SAVED_VAR] {
            code.push_str(&shell.unset(name));
        }
    }
    match here {
        Here::Nothing => {}
        Here::Refused { key, message } => {
            if env.noticed.as_deref() != Some(key.as_str()) {
                out.messages.push(message.clone());
                code.push_str(&shell.export(DIR_NOTICED_VAR, key));
            }
        }
        Here::Apply {
            path,
            hash,
            profile,
            region,
        } => {
            let changed: &[&str] = if region.is_some() {
                &DIR_VARS
            } else {
                &DIR_VARS[..2]
            };
            for (i, name) in DIR_VARS.iter().enumerate().take(changed.len()) {
                let saved = format!("{DIR_SAVED_PREFIX}{name}");
                set(shell, code, &saved, vars[i].as_deref());
            }
            code.push_str(&shell.export(DIR_SAVED_VAR, &changed.join(" ")));
            code.push_str(&shell::switch_profile(shell, profile, &STATIC_KEY_VARS));
            if let Some(region) = region {
                code.push_str(&shell::set_region(shell, region));
            }
            let before = vars[0].as_deref().or(vars[1].as_deref());
            code.push_str(&shell::remember_previous(shell, before, Some(profile)));
            code.push_str(&shell.export(DIR_FILE_VAR, path));
            code.push_str(&shell.export(DIR_HASH_VAR, hash));
            code.push_str(&shell.export(DIR_PROFILE_VAR, profile));
            return out;
        }
    }
    if env.file.is_some() {
        // Left a tree without entering another: `use -` goes back to the tree's profile.
        let before = env.current[0].as_deref().or(env.current[1].as_deref());
        let after = vars[0].as_deref().or(vars[1].as_deref());
        if after.is_some() {
            code.push_str(&shell::remember_previous(shell, before, after));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(path: &str, profile: &str, region: Option<&str>) -> Here {
        Here::Apply {
            path: path.into(),
            hash: "h1".into(),
            profile: profile.into(),
            region: region.map(Into::into),
        }
    }

    #[test]
    fn entering_saves_and_switches() {
        let env = DirEnv {
            current: [Some("dev".into()), None, None, None],
            ..DirEnv::default()
        };
        let p = plan(Shell::Bash, &env, &apply("/p/.ssox.toml", "prod", None));
        assert_eq!(
            p.code,
            "export SSOX_DIR_SAVED_AWS_PROFILE='dev';\nunset SSOX_DIR_SAVED_AWS_DEFAULT_PROFILE;\n\
             export SSOX_DIR_SAVED='AWS_PROFILE AWS_DEFAULT_PROFILE';\n\
             unset AWS_ACCESS_KEY_ID;\nunset AWS_SECRET_ACCESS_KEY;\nunset AWS_SESSION_TOKEN;\n\
             unset AWS_CREDENTIAL_EXPIRATION;\n\
             export AWS_PROFILE='prod';\nexport AWS_DEFAULT_PROFILE='prod';\n\
             export SSOX_PREVIOUS_PROFILE='dev';\n\
             export SSOX_DIR_FILE='/p/.ssox.toml';\nexport SSOX_DIR_HASH='h1';\n\
             export SSOX_DIR_PROFILE='prod';\n"
        );
        assert!(p.messages.is_empty());
    }

    #[test]
    fn inside_the_same_tree_nothing_happens() {
        let env = DirEnv {
            file: Some("/p/.ssox.toml".into()),
            hash: Some("h1".into()),
            current: [Some("manual".into()), None, None, None],
            ..DirEnv::default()
        };
        assert_eq!(
            plan(Shell::Zsh, &env, &apply("/p/.ssox.toml", "prod", None)),
            Plan::default()
        );
    }

    #[test]
    fn leaving_restores_nothing_and_values() {
        let env = DirEnv {
            file: Some("/p/.ssox.toml".into()),
            hash: Some("h1".into()),
            saved: vec![
                "AWS_PROFILE",
                "AWS_DEFAULT_PROFILE",
                "AWS_REGION",
                "AWS_DEFAULT_REGION",
            ],
            saved_values: [None, None, Some("eu-west-1".into()), None],
            current: [
                Some("prod".into()),
                Some("prod".into()),
                Some("us-east-1".into()),
                Some("us-east-1".into()),
            ],
            ..DirEnv::default()
        };
        let p = plan(Shell::Fish, &env, &Here::Nothing);
        assert_eq!(
            p.code,
            "set -e AWS_PROFILE;\nset -e AWS_DEFAULT_PROFILE;\nset -gx AWS_REGION 'eu-west-1';\n\
             set -e AWS_DEFAULT_REGION;\n\
             set -e SSOX_DIR_SAVED_AWS_PROFILE;\nset -e SSOX_DIR_SAVED_AWS_DEFAULT_PROFILE;\n\
             set -e SSOX_DIR_SAVED_AWS_REGION;\nset -e SSOX_DIR_SAVED_AWS_DEFAULT_REGION;\n\
             set -e SSOX_DIR_FILE;\nset -e SSOX_DIR_HASH;\nset -e SSOX_DIR_PROFILE;\n\
             set -e SSOX_DIR_SAVED;\n"
        );
    }

    #[test]
    fn refused_is_said_once_per_change() {
        let here = Here::Refused {
            key: "/p/.ssox.toml h2".into(),
            message: "./.ssox.toml wants profile x; run ssox allow to use it".into(),
        };
        let p = plan(Shell::Bash, &DirEnv::default(), &here);
        assert_eq!(p.messages.len(), 1);
        assert_eq!(p.code, "export SSOX_DIR_NOTICED='/p/.ssox.toml h2';\n");
        let env = DirEnv {
            noticed: Some("/p/.ssox.toml h2".into()),
            ..DirEnv::default()
        };
        assert_eq!(plan(Shell::Bash, &env, &here), Plan::default());
    }

    #[test]
    fn disabled_does_nothing() {
        let env = DirEnv {
            disabled: true,
            ..DirEnv::default()
        };
        assert_eq!(
            plan(Shell::Bash, &env, &apply("/p/.ssox.toml", "x", None)),
            Plan::default()
        );
    }
}
