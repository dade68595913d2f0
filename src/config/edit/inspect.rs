//! Reading a section's own lines back out of the editor, for messages about an edit (what
//! `sync --prune` would remove with a profile). Read-only: must not change the document.

use super::lines::{key_name, Kind};
use super::{ConfigDoc, SectionId};
use crate::config::{ini, ConfigError};

/// The key names (lowercased, in file order) and comment lines of one section, from its header
/// to its last key: what [`ConfigDoc::remove_section`] removes with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionLines {
    pub keys: Vec<String>,
    pub comments: Vec<String>,
}

impl ConfigDoc {
    /// The keys and comment lines of section `id` (an error when the file has none).
    pub fn section_lines(&self, id: &SectionId) -> Result<SectionLines, ConfigError> {
        let block = &self.blocks[self.block(id)?];
        let mut out = SectionLines::default();
        for line in &block.lines[..block.content_end()] {
            match line.kind {
                Kind::Key => out
                    .keys
                    .push(ini::lower_key(key_name(&line.text)).into_owned()),
                Kind::Comment => out.comments.push(ini::trim_blank(&line.text).to_string()),
                Kind::Blank | Kind::Header | Kind::Inner => {}
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sections_keys_and_comments_up_to_its_last_key() {
        let text = "[profile a]\nregion = x\n  # mine\nOutput = json\ns3 =\n  max = 1\n\
                    # belongs to b\n\n[profile b]\n";
        let doc = ConfigDoc::parse(text, "f").unwrap();
        assert_eq!(
            doc.section_lines(&SectionId::profile("a")).unwrap(),
            SectionLines {
                keys: vec!["region".into(), "output".into(), "s3".into()],
                comments: vec!["# mine".into()],
            }
        );
        assert!(doc.section_lines(&SectionId::profile("c")).is_err());
    }
}
