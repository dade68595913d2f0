//! Property tests: generated values always read back, and for any listing every role gets
//! exactly one profile, a second sync is a no-op and a prune keeps what it must.

use proptest::prelude::*;

use super::*;
use crate::config::edit::value_round_trips;
use crate::sync::names::{account_name_value, name_part};

proptest! {
    #[test]
    fn generated_values_always_read_back(s in "\\PC*|[ #;\t\r\n a-z]*") {
        if let Some(v) = account_name_value(&s) {
            prop_assert!(value_round_trips(&v), "{:?} -> {:?}", s, v);
        }
        let part = name_part(&s);
        prop_assert!(part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
        prop_assert!(!part.starts_with('-') && !part.ends_with('-') && !part.contains("--"));
    }
}

fn listing(spec: &[(u8, u8)]) -> Vec<Account> {
    // (account name index, role bits) per account; names repeat on purpose.
    let names = ["dev", "Dev", "prod", "a b", "dev!", ""];
    let roles = ["Admin", "ReadOnly", "Billing.View"];
    spec.iter()
        .enumerate()
        .map(|(i, &(n, bits))| {
            let r: Vec<&str> = (0..3)
                .filter(|b| bits & (1 << b) != 0)
                .map(|b| roles[b])
                .collect();
            acct(
                &format!("{:012}", 100 + i),
                names[n as usize % names.len()],
                &r,
            )
        })
        .collect()
}

/// Every (account, role) of `accounts` → the names of the profiles pointing at it.
fn pointing(text: &str, accounts: &[Account]) -> Vec<Vec<String>> {
    let cfg = Config::parse(text, None, PATH.into(), String::new());
    assert!(cfg.problems.is_empty(), "{:?}", cfg.problems);
    let mut out = Vec::new();
    for a in accounts {
        for r in &a.roles {
            out.push(
                (cfg.profiles.values())
                    .filter(|p| {
                        p.get("sso_account_id") == Some(&a.id) && p.get("sso_role_name") == Some(r)
                    })
                    .map(|p| p.name.clone())
                    .collect(),
            );
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any listing: every role gets exactly one profile, a second sync is a no-op, and a prune
    /// after accounts go leaves exactly the listed roles and the hand-written profile.
    #[test]
    fn every_role_gets_one_profile(
        spec in proptest::collection::vec((0u8..6, 0u8..8), 0..12),
        keep in proptest::collection::vec(any::<bool>(), 12),
    ) {
        let accounts = listing(&spec);
        // A hand-written profile named like a generated one, and one for a role that may be listed.
        let hand = "\n[profile dev_Admin]\nregion = x\n\n[profile mine]\nsso_session = corp\n\
                    sso_account_id = 000000000100\nsso_role_name = Admin\n";
        let text = format!("{SESSION}{hand}");
        let p = run(&text, &req(&accounts));
        for names in pointing(&p.text, &accounts) {
            prop_assert_eq!(names.len(), 1);
        }
        prop_assert!(p.text.contains(hand));
        let again = run(&p.text, &req(&accounts));
        prop_assert!(!again.changed);
        let fewer: Vec<Account> = (accounts.iter().zip(&keep))
            .filter(|(_, k)| **k)
            .map(|(a, _)| a.clone())
            .collect();
        let pruned = run(&p.text, &Request { prune: true, ..req(&fewer) });
        let cfg = Config::parse(&pruned.text, None, PATH.into(), String::new());
        let generated = cfg.profiles.values().filter(|p| p.get("sso_auto_populated").is_some()).count();
        let mine = usize::from(fewer.first().is_some_and(|a| a.id == "000000000100" && a.roles.iter().any(|r| r == "Admin")));
        prop_assert_eq!(generated + mine, fewer.iter().map(|a| a.roles.len()).sum::<usize>());
        prop_assert!(pruned.text.contains(hand));
        prop_assert_eq!(pruned.removed.len() + generated, p.added.len());
    }
}
