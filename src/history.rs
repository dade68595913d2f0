//! The pick history: profile names most recently chosen, newest first, in
//! `STATE_DIR/pick-history.json`. Bounded; written atomically (temp file + rename, 0600); a
//! missing or corrupt file reads as empty. Must not touch the terminal or the AWS files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{Map, Value};

use crate::fsutil;

/// Names kept in the file.
pub const MAX_ENTRIES: usize = 100;
/// Larger files are not read (a corrupt or foreign file must not slow the picker down).
const MAX_BYTES: u64 = 256 * 1024;

/// The history file under ssox's state directory.
pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join("pick-history.json")
}

/// The names in the file, newest first; empty when missing, unreadable or corrupt.
pub fn load(path: &Path) -> Vec<String> {
    read_object(path)
        .and_then(|o| recent(&o))
        .unwrap_or_default()
}

fn read_object(path: &Path) -> Option<Map<String, Value>> {
    let bytes = fsutil::read_limited(path, MAX_BYTES, "").ok()?;
    let text = String::from_utf8(bytes).ok()?;
    match serde_json::from_str(&text).ok()? {
        Value::Object(o) => Some(o),
        _ => None,
    }
}

fn recent(o: &Map<String, Value>) -> Option<Vec<String>> {
    let list = o.get("recent")?.as_array()?;
    let mut out: Vec<String> = Vec::new();
    for name in list.iter().filter_map(Value::as_str) {
        if !out.iter().any(|n| n == name) && out.len() < MAX_ENTRIES {
            out.push(name.to_string());
        }
    }
    Some(out)
}

/// Put `name` first in the history file (other keys in the file are kept). Writes nothing
/// when it is first already, so switching back and forth costs no write.
pub fn record(path: &Path, name: &str) -> Result<()> {
    let mut object = read_object(path).unwrap_or_default();
    let mut names = recent(&object).unwrap_or_default();
    if names.first().map(String::as_str) == Some(name) {
        return Ok(());
    }
    names.retain(|n| n != name);
    names.insert(0, name.to_string());
    names.truncate(MAX_ENTRIES);
    object.insert(
        "recent".into(),
        Value::Array(names.into_iter().map(Value::String).collect()),
    );
    let mut text = serde_json::to_string_pretty(&Value::Object(object))?;
    text.push('\n');
    fsutil::write_private(path, text.as_bytes())
        .with_context(|| format!("cannot write the pick history {}", path.display()))
}

/// A display order for `names` (indices into it): names in `recent` first, newest first, then
/// the others in their given order.
pub fn order<S: AsRef<str>>(names: &[S], recent: &[String]) -> Vec<usize> {
    let rank: HashMap<&str, usize> = recent
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut idx: Vec<usize> = (0..names.len()).collect();
    // Stable: unranked names keep their order after every ranked one.
    idx.sort_by_key(|&i| rank.get(names[i].as_ref()).copied().unwrap_or(usize::MAX));
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_corrupt_files_are_empty() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path());
        assert!(load(&p).is_empty());
        for bad in ["", "{", "[1,2]", "{\"recent\": 3}", "null"] {
            std::fs::write(&p, bad).unwrap();
            assert!(load(&p).is_empty(), "{bad:?}");
        }
        std::fs::write(&p, "{\"recent\": [\"a\", 7, \"b\", \"a\"]}").unwrap();
        assert_eq!(load(&p), ["a", "b"]);
    }

    #[test]
    fn record_moves_to_front_bounds_and_keeps_other_keys() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(&dir.path().join("state/ssox"));
        record(&p, "a").unwrap();
        record(&p, "b").unwrap();
        record(&p, "a").unwrap();
        assert_eq!(load(&p), ["a", "b"]);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "{\n  \"recent\": [\n    \"a\",\n    \"b\"\n  ]\n}\n"
        );
        #[cfg(unix)]
        assert_eq!(crate::platform::testing::mode_at(&p), 0o600);
        std::fs::write(&p, "{\"future\": true, \"recent\": [\"a\"]}").unwrap();
        record(&p, "c").unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        assert_eq!(v["future"], true);
        assert_eq!(load(&p), ["c", "a"]);
        for i in 0..(MAX_ENTRIES + 10) {
            record(&p, &format!("p{i}")).unwrap();
        }
        let names = load(&p);
        assert_eq!(names.len(), MAX_ENTRIES);
        assert_eq!(names[0], format!("p{}", MAX_ENTRIES + 9));
        // No temp files left behind.
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn order_puts_recent_first_then_the_rest_in_order() {
        let names = ["a", "b", "c", "d"];
        let recent = vec!["c".to_string(), "gone".to_string(), "a".to_string()];
        assert_eq!(order(&names, &recent), [2, 0, 1, 3]);
        assert_eq!(order(&names, &[]), [0, 1, 2, 3]);
    }
}
