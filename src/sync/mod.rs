//! `ssox sync`'s pure part: naming generated profiles, planning what to add, update and remove in
//! the config file, and showing the change (a unified diff for `--dry-run`, a one-line summary).
//! Must not read or write files, call AWS or touch the terminal: the command does those.

pub mod diff;
pub mod names;
mod plan;

pub use plan::{plan, Account, Entry, Plan, Request, Update, TEMPLATE_KEY};

#[cfg(test)]
mod tests;
