//! The roff man page of `ssox man`: one page, generated from the clap definitions (clap_mangen),
//! with a section per subcommand. Pure rendering: must not read the environment, files or the
//! terminal.

use clap_mangen::Man;

/// The whole page for `cmd` (the root command): NAME, SYNOPSIS, DESCRIPTION, global OPTIONS,
/// the command list, then one `.SH` per visible subcommand with its synopsis, description,
/// options and examples.
pub fn page(cmd: clap::Command) -> std::io::Result<String> {
    // `help` is clap's own subcommand; a man page does not need it.
    let mut root = cmd.disable_help_subcommand(true);
    root.build();
    let man = Man::new(root.clone()).manual("ssox manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    let mut list = Vec::new();
    man.render_subcommands_section(&mut list)?;
    out.extend_from_slice(local_refs(&String::from_utf8_lossy(&list)).as_bytes());
    for sub in root.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("ssox {}", sub.get_name());
        out.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let sub_man = Man::new(sub.clone().bin_name(&name));
        let mut part = Vec::new();
        sub_man.render_synopsis_section(&mut part)?;
        sub_man.render_description_section(&mut part)?;
        sub_man.render_options_section(&mut part)?;
        if sub.get_after_help().is_some() || sub.get_after_long_help().is_some() {
            sub_man.render_extra_section(&mut part)?;
        }
        out.extend_from_slice(demote(&String::from_utf8_lossy(&part)).as_bytes());
    }
    if root.get_after_help().is_some() {
        let mut notes = Vec::new();
        man.render_extra_section(&mut notes)?;
        let notes = String::from_utf8_lossy(&notes).replace(".SH EXTRA", ".SH NOTES");
        out.extend_from_slice(notes.as_bytes());
    }
    man.render_version_section(&mut out)?;
    Ok(one_preamble(&String::from_utf8_lossy(&out)))
}

/// The command list names `ssox-use(1)` pages that do not exist: this page has a section for
/// each, so the entries name the command.
fn local_refs(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len());
    for line in roff.lines() {
        match line
            .strip_prefix("ssox\\-")
            .and_then(|rest| rest.strip_suffix("(1)"))
        {
            Some(name) => out.push_str(&format!("\\fBssox {name}\\fR\n")),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Each rendered part starts with the same two-line string definition (`.ie`/`.el`); the page
/// keeps the first.
fn one_preamble(roff: &str) -> String {
    let mut seen = [false; 2];
    let mut out = String::with_capacity(roff.len());
    for line in roff.lines() {
        let which = if line.starts_with(".ie \\n(.g .ds Aq") {
            Some(0)
        } else if line.starts_with(".el .ds Aq") {
            Some(1)
        } else {
            None
        };
        if let Some(i) = which {
            if seen[i] {
                continue;
            }
            seen[i] = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A subcommand's sections become subsections of its `.SH`: SYNOPSIS and DESCRIPTION lose their
/// heading (the command's own heading says it), the others are `.SS`, and the examples after
/// them keep their lines and alignment (no filling).
fn demote(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len());
    let mut verbatim = false;
    for line in roff.lines() {
        match line.strip_prefix(".SH ") {
            Some("SYNOPSIS") => {}
            Some("DESCRIPTION") => out.push_str(".PP\n"),
            Some("EXTRA") => {
                out.push_str(".PP\n.nf\n");
                verbatim = true;
            }
            Some(heading) => {
                out.push_str(".SS ");
                out.push_str(heading);
                out.push('\n');
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if verbatim {
        out.push_str(".fi\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demote_turns_sections_into_subsections_and_keeps_examples_verbatim() {
        let part = ".SH SYNOPSIS\nssox use\n.SH DESCRIPTION\nSwitch.\n.SH OPTIONS\n.TP\n--x\n\
                    .SH EXTRA\nExamples:\n  ssox use a\n";
        assert_eq!(
            demote(part),
            "ssox use\n.PP\nSwitch.\n.SS OPTIONS\n.TP\n--x\n.PP\n.nf\nExamples:\n  ssox use a\n.fi\n"
        );
    }

    #[test]
    fn one_preamble_keeps_the_first_definition_only() {
        let roff = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH x\n.ie \\n(.g .ds Aq \\(aq\n\
                    .el .ds Aq '\n.SH NAME\n";
        assert_eq!(
            one_preamble(roff),
            ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH x\n.SH NAME\n"
        );
    }

    #[test]
    fn the_command_list_names_commands_of_this_page() {
        assert_eq!(
            local_refs(".TP\nssox\\-use(1)\nSwitch\n"),
            ".TP\n\\fBssox use\\fR\nSwitch\n"
        );
    }
}
