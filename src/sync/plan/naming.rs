//! The naming step of the sync plan: the names the rules give every listed role (`names`), then
//! generated profiles renamed to them (template changed, or `rename`) or reported as outdated,
//! and names for the new roles. Pure, like the rest of the plan.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{target, Role, Settings, Update, Work};
use crate::config::edit::SectionId;
use crate::config::{Config, ConfigError};
use crate::sync::names::{self, Naming};

impl<'a> Work<'a> {
    /// The names the rules give every listed role; then rename generated profiles to them (when
    /// the template changed, or with `rename`) or report those that differ; returns the new roles
    /// with their names, sorted by name ignoring case.
    pub(super) fn name(
        &mut self,
        config: &'a Config,
        s: &Settings,
    ) -> Result<Vec<(String, Role<'a>)>, ConfigError> {
        let session = self.req.session;
        let start_url = (config.sessions.get(session)).and_then(|s| s.get("sso_start_url"));
        let movable: HashSet<&str> = self.movable.values().map(|p| p.name.as_str()).collect();
        let removed: HashSet<&str> = self.removed.iter().map(|e| e.name.as_str()).collect();
        let fixed: HashMap<&str, Option<Role>> = (config.profiles.values())
            .filter(|p| !movable.contains(p.name.as_str()) && !removed.contains(p.name.as_str()))
            .map(|p| {
                let t = target(p, session, start_url).filter(|t| self.listed.contains_key(t));
                (p.name.as_str(), t)
            })
            .collect();
        let mut accounts: Vec<(&str, &str)> = Vec::new();
        for (&(id, _), &name) in &self.listed {
            if accounts.last().is_none_or(|(last, _)| *last != id) {
                accounts.push((id, name));
            }
        }
        // Accounts not listed that keep profiles: another session's, hand-written ones, and this
        // session's stale ones not removed (a closed `Sandbox` still beside the open one).
        // `names::assign` leaves out the ids listed.
        let others: Vec<(&str, &str)> = (config.profiles.values())
            .filter(|p| !removed.contains(p.name.as_str()))
            .filter_map(|p| Some((p.get("sso_account_id")?, p.get("sso_account_name")?)))
            .collect();
        let roles: Vec<Role> = self.listed.keys().copied().collect();
        let names = names::assign(&Naming {
            template: &s.template,
            session,
            accounts: &accounts,
            others: &others,
            roles: &roles,
            fixed: &fixed,
        });
        let ideal: BTreeMap<Role, String> = roles.iter().copied().zip(names).collect();

        let renaming = s.rename || self.req.rename;
        let mut renames: Vec<(String, String)> = Vec::new();
        for (t, p) in &self.movable {
            let want = &ideal[t];
            // A hand-written profile of the same role may have that name already.
            if p.name == *want || fixed.contains_key(want.as_str()) {
                continue;
            }
            let pair = (p.name.clone(), want.clone());
            if renaming {
                renames.push(pair);
            } else {
                self.outdated.push(pair);
            }
        }
        renames.sort_by_cached_key(|(old, _)| (old.to_lowercase(), old.clone()));
        self.outdated
            .sort_by_cached_key(|(old, _)| (old.to_lowercase(), old.clone()));
        self.rename(&renames)?;

        // New roles take the rules' name unless a generated profile that keeps its name has it.
        let mut occupied: HashSet<String> = config.profiles.keys().cloned().collect();
        for (from, to) in &renames {
            occupied.remove(from);
            occupied.insert(to.clone());
        }
        occupied.extend(ideal.values().cloned());
        let mut added = Vec::new();
        for (&t, want) in &ideal {
            if self.seen.contains(&t) {
                continue;
            }
            let name = if self.doc.contains(&SectionId::profile(want.as_str())) {
                (2..)
                    .map(|i| format!("{want}-{i}"))
                    .find(|n| !occupied.contains(n))
                    .unwrap_or_default()
            } else {
                want.clone()
            };
            occupied.insert(name.clone());
            added.push((name, t));
        }
        added.sort_by_cached_key(|(name, _)| (name.to_lowercase(), name.clone()));
        Ok(added)
    }

    /// Rename generated profiles (old name, new name), each once its new name is free; two that
    /// swap names go by a temporary one.
    fn rename(&mut self, renames: &[(String, String)]) -> Result<(), ConfigError> {
        let mut pending: Vec<(String, String)> = renames.to_vec();
        while !pending.is_empty() {
            let free = (pending.iter())
                .position(|(_, to)| !self.doc.contains(&SectionId::profile(to.as_str())));
            let Some(i) = free else {
                let (from, to) = pending.remove(0);
                let aside = (1..)
                    .map(|i| format!("{from}.renaming-{i}"))
                    .find(|n| !self.doc.contains(&SectionId::profile(n.as_str())))
                    .unwrap_or_default();
                self.doc
                    .rename_section(&SectionId::profile(from.as_str()), &aside)?;
                pending.push((aside, to));
                continue;
            };
            let (from, to) = pending.remove(i);
            self.doc
                .rename_section(&SectionId::profile(from.as_str()), &to)?;
        }
        let mut updated: HashMap<String, usize> = (self.updated.iter().enumerate())
            .map(|(i, u)| (u.name.clone(), i))
            .collect();
        for (old, name) in renames {
            if self.anchor.is_some_and(|a| a.name == *old) {
                self.anchor_name = Some(name.clone());
            }
            match updated.remove(old) {
                Some(i) => {
                    self.updated[i].renamed_from = Some(old.clone());
                    self.updated[i].name = name.clone();
                }
                None => {
                    self.unchanged -= 1;
                    self.updated.push(Update {
                        name: name.clone(),
                        renamed_from: Some(old.clone()),
                        keys: Vec::new(),
                    });
                }
            }
        }
        Ok(())
    }
}
