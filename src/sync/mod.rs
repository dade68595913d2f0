//! `ssox configure` and `ssox sync`: from an empty `~/.aws` to one profile per account and role.
//! The pure part: naming generated profiles (`names`), planning what to add, update and remove
//! in the config file (`plan`), what a prune removes beyond what sync wrote (`prune`), showing
//! the change (`diff`, a one-line summary) and the sso-session `configure` writes (`configure`);
//! these must not read or write files, call AWS or touch the terminal. The rest drives them: the
//! config file's locked, exact read and checked write (`file`), `sync` (`run`: token, listing,
//! plan, write) and `configure` (`setup`: questions, write, login, sync), through `session`, `aws`
//! and `ui`.

pub mod configure;
pub mod diff;
pub mod file;
pub mod names;
mod plan;
mod prune;
pub mod run;
pub mod setup;

pub use plan::{plan, Account, Entry, Plan, Request, Update, REGION_KEY, TEMPLATE_KEY};

#[cfg(test)]
mod tests;
