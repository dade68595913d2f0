//! Tokenizer tests: line breaks of every kind, and `skip_section` against reading every line.
//! Compiled only in tests.

use super::{events, Event, LineError};

fn section(header: &str, line: usize) -> Option<Event<'_>> {
    Some(Event::Section { header, line })
}

#[test]
fn lines_end_at_lf_crlf_and_a_lone_cr() {
    let got: Vec<Event> = events("[a]\rk = 1\r\nj = 2\n\rl = 3\r\r\nm = 4").collect();
    let key = |name, value, line| Event::Key { name, value, line };
    assert_eq!(
        got,
        [
            Event::Section {
                header: "a",
                line: 1
            },
            key("k", "1", 2),
            key("j", "2", 3),
            key("l", "3", 5),
            key("m", "4", 7),
        ]
    );
}

#[test]
fn skip_section_counts_every_kind_of_line_break() {
    let text = "[x]\ra\r\n\rb = c\n  d\r\n[y]\r\n[z]";
    let mut e = events(text);
    assert_eq!(e.next(), section("x", 1));
    e.skip_section();
    assert_eq!(e.next(), section("y", 6));
    e.skip_section();
    assert_eq!(e.next(), section("z", 7));
    e.skip_section();
    assert_eq!(e.next(), None);
}

#[test]
fn skip_section_stops_at_an_indented_header_only_when_nothing_is_open() {
    // After a value (or a `key =` block) an indented `[..]` line continues it; after the header,
    // a comment, or a line that is not a key, it is a header.
    let text = "[x]\nk = v\n  [no1]\nb =\n  [no2]\n  s = t\n  [no3]\nbad\n  [yes]\n";
    let mut e = events(text);
    assert_eq!(e.next(), section("x", 1));
    e.skip_section();
    assert_eq!(e.next(), section("yes", 9));
    let mut e = events("[x]\n# c\n\t[yes] # c\n");
    e.next();
    e.skip_section();
    assert_eq!(e.next(), section("yes", 3));
}

#[test]
fn skip_section_ignores_brackets_inside_lines() {
    let mut e = events("[x]\nk = [v]\nj = a [b]\n#[c]\n  # [d]\n[y]\n");
    e.next();
    e.skip_section();
    assert_eq!(e.next(), section("y", 6));
}

#[test]
fn skip_sections_passes_over_the_headers_it_is_told_to() {
    let text = "[a]\nk = v\n[b]\r\nk = [v]\r[c]\n  [indented]\n[d\n[e]\n[f]\n";
    let mut e = events(text);
    assert_eq!(e.next(), section("a", 1));
    // `b` and `c` are passed over (and their lines counted); right after a header an indented
    // `[..]` line is a header too, so the skip stops and `step` reads it, even though `skip`
    // would accept it.
    e.skip_sections(None, |_, _| true);
    assert_eq!(e.next(), section("indented", 6));
    // A broken header is never passed over: `step` reports it.
    e.skip_sections(None, |_, _| true);
    assert!(matches!(
        e.next(),
        Some(Event::Error(LineError { line: 7, .. }))
    ));
    // `e` is passed over, `f` is not.
    e.skip_sections(None, |h, _| h != "f");
    assert_eq!(e.next(), section("f", 9));
    e.skip_sections(None, |_, _| true);
    assert_eq!(e.next(), None);
}

#[test]
fn inline_comments_are_found_far_from_the_start_and_in_long_lines() {
    // `#` and `;` are searched for a few KiB ahead at a time: one past that reach, one at the
    // end of a line longer than it, and one on the line that starts where a search ended.
    let filler = "k = v\n".repeat(1000);
    let long = "a".repeat(10_000);
    let text = format!("[s]\n{filler}x = y # c\nz = {long} ; c\nw = 1;2\nv = 3 ;c\n");
    let keys: Vec<(&str, String)> = events(&text)
        .filter_map(|e| match e {
            Event::Key { name, value, .. } if name != "k" => Some((name, value.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("x", "y".to_string()),
            ("z", long.clone()),
            ("w", "1;2".to_string()),
            ("v", "3".to_string())
        ]
    );
    // A comment right at the start of a window.
    for pad in 4080..4100 {
        let text = format!("[s]\nk = {}\nx = y ;c\n", "a".repeat(pad));
        let last: Vec<Event> = events(&text).skip(2).collect();
        assert_eq!(
            last,
            [
                Event::Key {
                    name: "x",
                    value: "y",
                    line: 3
                },
                Event::InlineComment { key: "x", line: 3 }
            ],
            "{pad}"
        );
    }
}
