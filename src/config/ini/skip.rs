//! Passing over sections without reading them line by line (`Events::skip_sections`): what
//! lets `ssox use NAME` and `ssox list --names` leave most of a large config file untokenized,
//! while stopping exactly where `Events::step` would read a header. Pure, like the tokenizer.

use memchr::{memchr, memchr2, memchr_iter};

use super::{parse_header, trim_end_blank, Events, State};
use crate::config::sections::{differs_from, plain_profile_line};

impl<'a> Events<'a> {
    /// The line breaks in `text[from..to]` (`\n`, `\r\n` and a lone `\r` count once each);
    /// `from` never decreases between calls.
    fn line_breaks(&mut self, from: usize, to: usize) -> usize {
        let b = self.text.as_bytes();
        let part = b.get(from..to).unwrap_or_default();
        let lf = memchr_iter(b'\n', part).count();
        if self.next_cr.at_or_after(b, from, |b| memchr(b'\r', b)) >= to {
            return lf;
        }
        let lone_cr = memchr_iter(b'\r', part)
            .filter(|&i| part.get(i + 1) != Some(&b'\n'))
            .count();
        lf + lone_cr
    }

    /// Pass over the rest of a section: stop before the next line that `step` would read as a
    /// header (or a broken one). See [`Events::skip_sections`].
    pub fn skip_section(&mut self) {
        self.skip_sections(None, |_, _| false);
    }

    /// Pass over the rest of a section, and over every following section whose header `skip`
    /// accepts: stop before the next line that `step` would read as a header `skip` refuses (or
    /// as a broken header), without classifying the lines in between where that cannot change
    /// the answer. The lines passed over report no problems, and their line breaks are counted
    /// once, where the skip stops (not at all when it reaches the end). `skip` is given the
    /// header and, when its line is plainly `[profile NAME]`, NAME. With `unlike`, a
    /// `[profile ` line whose name provably is not `unlike` (`sections::differs_from`) is passed
    /// over without `skip` and without reading the rest of its line (for the config file, when
    /// the names passed over are not wanted). `[` is rare outside headers, so it is searched for
    /// (memchr) rather than looked for at every line start:
    /// - an unindented `[` line is a header whatever came before it, so the search jumps there;
    /// - an indented one is a header only when there is no value open to continue, so `step`
    ///   runs over the lines up to it and its state decides (a header line passed over unread
    ///   is read first: when it is broken, the skip stops there).
    pub fn skip_sections(
        &mut self,
        unlike: Option<&str>,
        mut skip: impl FnMut(&'a str, Option<&'a str>) -> bool,
    ) {
        self.pending = None;
        // Line breaks from `counted` to `self.next` are not in `self.line` yet.
        let mut counted = self.next;
        // The `[` of the last header passed over unread; the search goes on from `from`, which
        // is `self.next` when there is none.
        let mut unread: Option<usize> = None;
        let mut from = self.next;
        loop {
            let Some((line_start, at)) = first_bracket_line(self.text.as_bytes(), from) else {
                // No line follows: the count is not needed.
                self.next = usize::MAX;
                return;
            };
            if line_start == at {
                if let Some(past) = unlike.and_then(|u| differs_from(self.text, at, u)) {
                    // What `step` does on a header line (a broken one is told apart below
                    // when that matters).
                    self.state = State::InSection;
                    unread = Some(at);
                    from = past;
                    continue;
                }
                unread = None;
                let header = match plain_profile_line(self.text, at) {
                    Some((header, name, next)) => Some((header, Some(name), next)),
                    None => self
                        .header_at(at)
                        .map(|(header, next)| (header, None, next)),
                };
                match header {
                    Some((header, name, next)) if skip(header, name) => {
                        self.state = State::InSection;
                        self.next = next;
                        from = next;
                    }
                    _ => {
                        self.line += self.line_breaks(counted, at);
                        self.next = at;
                        return;
                    }
                }
                continue;
            }
            if let Some(h) = unread.take() {
                match self.header_at(h) {
                    Some((_, next)) => {
                        self.next = next;
                        from = next;
                        continue;
                    }
                    None => {
                        self.line += self.line_breaks(counted, h);
                        self.next = h;
                        return;
                    }
                }
            }
            let start = self.next;
            self.line += self.line_breaks(counted, start);
            while self.next < line_start {
                self.step_quietly();
            }
            if matches!(self.state, State::NoSection | State::InSection) {
                return;
            }
            // Inside a value: the `[` line continues it.
            self.step_quietly();
            counted = self.next;
            from = self.next;
        }
    }

    /// The header of the unindented line starting at `at` (a `[`), as `step` reads it, and where
    /// the next line starts; `None` for a broken header.
    fn header_at(&self, at: usize) -> Option<(&'a str, usize)> {
        let rest = self.text.as_bytes().get(at..)?;
        let (end, next) = match memchr2(b'\n', b'\r', rest) {
            None => (self.text.len(), self.text.len() + 1),
            Some(i) if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') => (at + i, at + i + 2),
            Some(i) => (at + i, at + i + 1),
        };
        // `at` and `end` are at a `[` and a line break: char boundaries.
        let header = parse_header(trim_end_blank(self.text.get(at..end)?)).ok()?;
        Some((header, next))
    }

    /// Read one line with `step` and drop what it yields.
    fn step_quietly(&mut self) {
        if let Some(raw) = self.next_line() {
            let _ = self.step(raw);
            self.pending = None;
        }
    }
}

/// The first `[` in `b` from `from` on that only spaces and tabs precede on its line: (its
/// line's start, its index).
fn first_bracket_line(b: &[u8], mut from: usize) -> Option<(usize, usize)> {
    loop {
        let at = from + memchr(b'[', b.get(from..)?)?;
        let start = b[..at]
            .iter()
            .rposition(|&c| c != b' ' && c != b'\t')
            .map_or(0, |i| i + 1);
        if start == 0 || matches!(b[start - 1], b'\n' | b'\r') {
            return Some((start, at));
        }
        from = at + 1;
    }
}
