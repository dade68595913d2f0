//! Compiled only under #[cfg(test)] (declared so in `edit.rs`).
//! Property test of the editor: generated configs (comments, odd spacing, tabs, CRLF, a BOM,
//! unknown and `[services]` sections, nested blocks, continuation lines, quoted and indented
//! headers) with a random sequence of edits. After the edits the text parses with no problem into
//! exactly the intended profiles and sessions, every section not edited is byte-identical and in
//! the same order, and every comment line outside the removed sections is still there. Test-only.

use std::collections::{BTreeMap, BTreeSet};

use proptest::collection::vec;
use proptest::prelude::*;

use super::*;

#[derive(Debug, Clone)]
struct GKey {
    name: usize,
    upper: bool,
    indent: bool,
    sep: usize,
    value: usize,
    /// 0, 1: scalar; 2: nested block with `subs`; 3: continued on a second line.
    shape: u8,
    comment: bool,
    before: Vec<u8>,
    subs: usize,
}

#[derive(Debug, Clone)]
struct GSection {
    kind: u8,
    quoted: bool,
    indent: bool,
    header_comment: bool,
    pad: bool,
    keys: Vec<GKey>,
    tail: Vec<u8>,
}

#[derive(Debug, Clone)]
struct GFile {
    /// 0: LF, 1: CRLF, 2: both.
    eol: u8,
    bom: bool,
    final_newline: bool,
    preamble: Vec<u8>,
    sections: Vec<GSection>,
}

#[derive(Debug, Clone)]
enum Op {
    Set(usize, usize, usize),
    Remove(usize, usize),
    AddEnd(usize, bool),
    AddAfter(usize, usize),
    RemoveSection(usize),
    Rename(usize),
}

fn g_key() -> impl Strategy<Value = GKey> {
    (
        (
            0..7usize,
            any::<bool>(),
            any::<bool>(),
            0..4usize,
            0..6usize,
        ),
        (0..4u8, any::<bool>(), vec(0..5u8, 0..3), 0..3usize),
    )
        .prop_map(
            |((name, upper, indent, sep, value), (shape, comment, before, subs))| GKey {
                name,
                upper,
                indent,
                sep,
                value,
                shape,
                comment,
                before,
                subs,
            },
        )
}

fn g_section() -> impl Strategy<Value = GSection> {
    (
        (
            0..8u8,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
        vec(g_key(), 0..5),
        vec(0..5u8, 0..3),
    )
        .prop_map(
            |((kind, quoted, indent, header_comment, pad), keys, tail)| GSection {
                kind,
                quoted,
                indent,
                header_comment,
                pad,
                keys,
                tail,
            },
        )
}

fn g_file() -> impl Strategy<Value = GFile> {
    (
        0..3u8,
        any::<bool>(),
        any::<bool>(),
        vec(0..5u8, 0..3),
        vec(g_section(), 0..8),
    )
        .prop_map(|(eol, bom, final_newline, preamble, sections)| GFile {
            eol,
            bom,
            final_newline,
            preamble,
            sections,
        })
}

fn g_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..64usize, 0..6usize, 0..5usize).prop_map(|(s, k, v)| Op::Set(s, k, v)),
        (0..64usize, 0..6usize).prop_map(|(s, k)| Op::Remove(s, k)),
        (0..4usize, any::<bool>()).prop_map(|(n, q)| Op::AddEnd(n, q)),
        (0..64usize, 0..4usize).prop_map(|(s, n)| Op::AddAfter(s, n)),
        (0..64usize).prop_map(Op::RemoveSection),
        (0..64usize).prop_map(Op::Rename),
    ]
}

const KEYS: [&str; 7] = [
    "region",
    "output",
    "k1",
    "k2",
    "s3",
    "credential_process",
    "sso_session",
];
const SEPS: [&str; 4] = ["=", " = ", "\t=  ", " =\t"];
const VALUES: [&str; 6] = ["x", "us-east-1", "a#b", "v a l", "é", "1"];

/// A generated file's text, and per section: its id (for profiles and sessions) and the byte
/// range from its header to the end of its last key.
struct Rendered {
    text: String,
    chunks: Vec<(Option<SectionId>, std::ops::Range<usize>)>,
    /// Comment lines inside each section's keys (dropped when the section is removed).
    inner_comments: Vec<(Option<SectionId>, Vec<String>)>,
}

struct Writer {
    out: String,
    eol: u8,
    lines: usize,
    comments: usize,
}

impl Writer {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.lines += 1;
        let crlf = self.eol == 1 || (self.eol == 2 && self.lines.is_multiple_of(3));
        self.out.push_str(if crlf { "\r\n" } else { "\n" });
    }

    /// A blank or comment line; returns the comment's text.
    fn deco(&mut self, d: u8) -> Option<String> {
        let n = self.comments;
        let text = match d {
            0 => String::new(),
            1 => "  \t".into(),
            2 => format!("# c{n}"),
            3 => format!("; c{n}"),
            _ => format!("  # c{n}"),
        };
        self.line(&text);
        (d >= 2).then(|| {
            self.comments += 1;
            text
        })
    }
}

fn render(f: &GFile) -> Rendered {
    let mut w = Writer {
        out: String::new(),
        eol: f.eol,
        lines: 0,
        comments: 0,
    };
    if f.bom {
        w.out.push('\u{feff}');
    }
    for &d in &f.preamble {
        w.deco(d);
    }
    let mut chunks = Vec::new();
    let mut inner_comments = Vec::new();
    let mut default_used = false;
    let mut prev_has_keys = false;
    for (i, s) in f.sections.iter().enumerate() {
        let quote = |n: String| ini::quote_name(&n).into_owned();
        let name = if s.quoted {
            format!("p {i}")
        } else {
            format!("p{i}")
        };
        let (header, id) = match s.kind {
            4 if !default_used => {
                default_used = true;
                ("default".to_string(), Some(SectionId::profile("default")))
            }
            5 => (
                format!("sso-session {}", quote(name.replace('p', "s"))),
                Some(SectionId::session(name.replace('p', "s"))),
            ),
            6 => (format!("services svc{i}"), None),
            7 => (
                [
                    format!("plugins{i}"),
                    format!("Profile u{i}"),
                    format!("u{i}"),
                ][i % 3]
                    .clone(),
                None,
            ),
            _ => (
                format!("profile {}", quote(name.clone())),
                Some(SectionId::profile(name)),
            ),
        };
        let header = if s.pad {
            format!(" {}\t", header.replacen(' ', "  ", 1))
        } else {
            header
        };
        let indent = if s.indent && !prev_has_keys { "  " } else { "" };
        let comment = if s.header_comment { " # hc" } else { "" };
        let start = w.out.len() + indent.len();
        w.line(&format!("{indent}[{header}]{comment}"));
        let mut end = w.out.len();
        let mut seen = BTreeSet::new();
        let mut comments = Vec::new();
        let services = s.kind == 6;
        for (j, k) in s.keys.iter().enumerate() {
            if !seen.insert(k.name) {
                continue;
            }
            for &d in &k.before {
                comments.extend(w.deco(d));
            }
            let mut name = KEYS[k.name].to_string();
            if k.upper {
                name[..1].make_ascii_uppercase();
            }
            let indent = if k.indent && j == 0 { "  " } else { "" };
            let sep = SEPS[k.sep];
            match (services, k.shape) {
                (true, _) | (false, 2) => {
                    w.line(&format!("{indent}{name}{sep}"));
                    for n in 0..k.subs.max(usize::from(services)) {
                        w.line(&format!("  sub{n} = {}", VALUES[(k.value + n) % 6]));
                    }
                }
                (false, shape) => {
                    let c = if k.comment { " # inline" } else { "" };
                    w.line(&format!("{indent}{name}{sep}{}{c}", VALUES[k.value]));
                    if shape == 3 {
                        w.line("  more = text");
                    }
                }
            }
            end = w.out.len();
        }
        prev_has_keys = !seen.is_empty();
        for &d in &s.tail {
            w.deco(d);
        }
        chunks.push((id.clone(), start..end));
        inner_comments.push((id, comments));
    }
    let mut text = w.out;
    if !f.final_newline && (text.ends_with('\n')) {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
        for (_, r) in &mut chunks {
            r.end = r.end.min(text.len());
        }
    }
    Rendered {
        text,
        chunks,
        inner_comments,
    }
}

type Model = BTreeMap<SectionId, BTreeMap<String, String>>;

fn model(text: &str) -> Model {
    let cfg = Config::parse(text, None, "c".into(), "k".into());
    assert_eq!(cfg.problems, Vec::new(), "{text:?}");
    let keys = |k: &super::super::Keys| {
        k.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    let mut m = Model::new();
    for p in cfg.profiles.values() {
        m.insert(SectionId::profile(&p.name), keys(&p.keys));
    }
    for s in cfg.sessions.values() {
        m.insert(SectionId::session(&s.name), keys(&s.keys));
    }
    m
}

fn comment_lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| ini::trim_blank(l).starts_with(['#', ';']))
        .collect()
}

const SET_KEYS: [&str; 6] = [
    "region",
    "output",
    "k1",
    "s3",
    "credential_process",
    "new_key",
];
const SET_VALUES: [&str; 5] = ["eu-west-1", "y", "a#b", "ü", "z z"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn edits_change_only_the_edited_sections(file in g_file(), ops in vec(g_op(), 0..6)) {
        let r = render(&file);
        let mut want = model(&r.text);
        let mut doc = ConfigDoc::parse(&r.text, "c").unwrap();
        // Sections edited (by their name in the input), and where renamed ones came from.
        let mut touched: BTreeSet<SectionId> = BTreeSet::new();
        let mut removed: BTreeSet<SectionId> = BTreeSet::new();
        let mut origin: BTreeMap<SectionId, SectionId> = BTreeMap::new();
        for (n, op) in ops.iter().enumerate() {
            let ids: Vec<SectionId> = want.keys().cloned().collect();
            let pick = |i: usize| ids.get(i % ids.len().max(1)).cloned();
            let orig = |id: &SectionId| origin.get(id).cloned().unwrap_or_else(|| id.clone());
            match op {
                Op::Set(s, k, v) => if let Some(id) = pick(*s) {
                    doc.set_key(&id, SET_KEYS[*k], SET_VALUES[*v]).unwrap();
                    want.get_mut(&id).unwrap().insert(SET_KEYS[*k].into(), SET_VALUES[*v].into());
                    touched.insert(orig(&id));
                },
                Op::Remove(s, k) => if let Some(id) = pick(*s) {
                    let had = want.get_mut(&id).unwrap().remove(SET_KEYS[*k]).is_some();
                    prop_assert_eq!(doc.remove_key(&id, SET_KEYS[*k]).unwrap(), had);
                    touched.insert(orig(&id));
                },
                Op::AddEnd(..) | Op::AddAfter(..) => {
                    let (nkeys, quoted, anchor) = match op {
                        Op::AddAfter(s, k) => (*k, false, pick(*s)),
                        Op::AddEnd(k, q) => (*k, *q, None),
                        _ => unreachable!(),
                    };
                    let name = if quoted { format!("n {n}") } else { format!("n{n}") };
                    let keys = &[("region", "r"), ("k", "v"), ("sso_session", "s")][..nkeys % 4];
                    let id = if n % 3 == 2 { SectionId::session(name) } else { SectionId::profile(name) };
                    let at = match &anchor {
                        Some(a) => Placement::After(a.clone()),
                        None => Placement::End,
                    };
                    doc.add_section(&id, keys, &at).unwrap();
                    want.insert(id, keys.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect());
                    if let Some(a) = anchor {
                        touched.insert(orig(&a));
                    }
                }
                Op::RemoveSection(s) => if let Some(id) = pick(*s) {
                    prop_assert!(doc.remove_section(&id).unwrap());
                    want.remove(&id);
                    touched.insert(orig(&id));
                    removed.insert(orig(&id));
                },
                Op::Rename(s) => if let Some(id) = pick(*s) {
                    let new = format!("r {n}");
                    doc.rename_section(&id, &new).unwrap();
                    let keys = want.remove(&id).unwrap();
                    let new_id = id.with_name(&new);
                    want.insert(new_id.clone(), keys);
                    let from = orig(&id);
                    touched.insert(from.clone());
                    origin.insert(new_id, from);
                },
            }
        }
        let out = doc.finish().unwrap();
        if ops.is_empty() {
            prop_assert_eq!(&out, &r.text);
        }
        // Exactly the intended profiles and sessions.
        prop_assert_eq!(model(&out), want);
        // Every section not edited, byte for byte and in order.
        let mut from = 0;
        for (id, range) in &r.chunks {
            if id.as_ref().is_some_and(|id| touched.contains(id)) {
                continue;
            }
            let chunk = &r.text[range.clone()];
            let found = out[from..].find(chunk);
            prop_assert!(found.is_some(), "{:?} missing from {:?}", chunk, out);
            from += found.unwrap_or(0) + chunk.len();
        }
        // Every comment line, in order, but some of those inside removed sections (a comment
        // inside a section is removed with it, unless an earlier edit left it after its keys).
        let droppable: Vec<&String> = r
            .inner_comments
            .iter()
            .filter(|(id, _)| id.as_ref().is_some_and(|id| removed.contains(id)))
            .flat_map(|(_, c)| c)
            .collect();
        let mut kept = comment_lines(&out).into_iter().peekable();
        for c in comment_lines(&r.text) {
            if kept.peek() == Some(&c) {
                kept.next();
            } else {
                prop_assert!(droppable.iter().any(|d| *d == c), "{:?} lost: {:?}", c, out);
            }
        }
        prop_assert_eq!(kept.next(), None);
        // Line endings: new lines use the file's own.
        prop_assert_eq!(out.starts_with('\u{feff}'), file.bom);
        let crlf = r.text.matches("\r\n").count();
        let lf = r.text.matches('\n').count() - crlf;
        if crlf == 0 {
            prop_assert!(!out.contains('\r'));
        } else if lf == 0 {
            prop_assert!(!out.replace("\r\n", "").contains('\n'));
        }
        if file.final_newline && !out.is_empty() && out != "\u{feff}" {
            prop_assert!(out.ends_with('\n'));
        }
    }
}
