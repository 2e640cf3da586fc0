//! Reports as Markdown, to paste into a ticket, a wiki page or an email. Every value typed by
//! a user is [`escape`]d so it shows as written and never becomes a link, a heading or HTML.

use super::contributors::{ContributorSummary, Count, ReportIncident};
use super::csv_out::write_failed;
use super::recognition::RecognitionDocument;
use super::scope::{display_date, ReportFilter};
use crate::error::Result;
use crate::store::Store;
use std::io::Write;

/// Escapes text for one line of Markdown (a table cell or a heading): the characters that make
/// emphasis, code, links and table cells are backslash-escaped (a link needs `[`, so `(` can
/// stay), `<`/`>`/`&` become entities, line breaks become `<br>`.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 8);
    for ch in text.trim().chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                escaped.push('\\');
                escaped.push(ch);
            }
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '\n' => escaped.push_str("<br>"),
            '\r' => {}
            c if c.is_control() => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

fn cover(
    out: &mut dyn Write,
    title: &str,
    subtitle: &str,
    organisation: &str,
    author: &str,
    generated: &str,
    filters: &[String],
) -> std::io::Result<()> {
    writeln!(out, "# {}\n", escape(title))?;
    writeln!(out, "**{}**\n", escape(subtitle))?;
    let mut byline = Vec::new();
    if !organisation.trim().is_empty() {
        byline.push(escape(organisation));
    }
    if !author.trim().is_empty() {
        byline.push(format!("by {}", escape(author)));
    }
    byline.push(format!("generated {}", escape(generated)));
    writeln!(out, "{}\n", byline.join(" · "))?;
    for filter in filters {
        writeln!(out, "- {}", escape(filter))?;
    }
    if !filters.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

fn count_table(out: &mut dyn Write, heading: &str, column: &str, counts: &[Count]) -> std::io::Result<()> {
    writeln!(out, "## {}\n", escape(heading))?;
    if counts.is_empty() {
        return writeln!(out, "No contributions.\n");
    }
    writeln!(out, "| {} | Contributions |\n|---|---:|", escape(column))?;
    for count in counts {
        writeln!(out, "| {} | {} |", escape(&count.label), thousands(count.count))?;
    }
    writeln!(out)
}

fn summary(out: &mut dyn Write, s: &ContributorSummary) -> std::io::Result<()> {
    cover(out, &s.title, &s.subtitle, &s.organisation, &s.author, &s.generated_at, &s.filters)?;
    let t = &s.totals;
    writeln!(out, "| Incidents | Contributions | Contributors | Thanked | On its way | Not yet |")?;
    writeln!(out, "|---:|---:|---:|---:|---:|---:|")?;
    writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |\n",
        thousands(t.incidents),
        thousands(t.contributions),
        thousands(t.contributors),
        thousands(t.thanked),
        thousands(t.queued),
        thousands(t.not_thanked)
    )?;
    let column = if s.by_group_heading.ends_with("team") { "Team" } else { "Organisation" };
    count_table(out, &s.by_group_heading, column, &s.by_group)?;
    count_table(out, "Contributions by credit role", "Credit role", &s.by_role)
}

fn incident(out: &mut dyn Write, i: &ReportIncident) -> std::io::Result<()> {
    writeln!(out, "## {} · {} `{}`\n", escape(&i.reference), escape(&i.title), i.tlp_label)?;
    let mut facts = vec![escape(&i.kind), escape(&i.status), format!("{} severity", escape(&i.severity))];
    facts.push(format!("opened {}", display_date(&i.opened_on)));
    if let Some(closed) = &i.closed_on {
        facts.push(format!("closed {}", display_date(closed)));
    }
    writeln!(out, "{}\n", facts.join(" · "))?;
    if let Some(summary) = i.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        writeln!(out, "> **Internal summary:** {}\n", escape(summary))?;
    }
    if i.contributions.is_empty() {
        return writeln!(out, "No contributions recorded yet.\n");
    }
    let internal = i.summary.is_some();
    write!(out, "| Contributor | Organisation / team | Credit role | What they gave | Impact | Thanked |")?;
    writeln!(out, "{}", if internal { " Notes | Constraints |" } else { "" })?;
    writeln!(out, "|---|---|---|---|---|---|{}", if internal { "---|---|" } else { "" })?;
    for c in &i.contributions {
        let name = if c.pseudonymous { format!("*{}*", escape(&c.contributor)) } else { escape(&c.contributor) };
        let group = [c.organisation.trim(), c.team.trim()].into_iter().filter(|g| !g.is_empty()).collect::<Vec<_>>();
        let thanked = match &c.thanked_on {
            Some(day) => format!("{} {}", c.thanked.label(), display_date(day)),
            None => c.thanked.label().to_owned(),
        };
        write!(
            out,
            "| {name} | {} | {} | {} | {} | {thanked} |",
            escape(&group.join(" / ")),
            escape(&c.role),
            escape(&c.what),
            escape(&c.impact)
        )?;
        if internal {
            write!(
                out,
                " {} | {} |",
                escape(c.notes.as_deref().unwrap_or("")),
                escape(c.constraints.as_deref().unwrap_or(""))
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out)
}

/// Writes the contributor report as Markdown; returns how many contributions.
pub fn write_contributors(store: &Store, filter: &ReportFilter, mut out: impl Write) -> Result<u64> {
    summary(&mut out, &store.contributor_summary(filter)?).map_err(write_failed)?;
    let written = store.each_report_incident(filter, |i| incident(&mut out, &i).map_err(write_failed))?;
    out.flush().map_err(write_failed)?;
    Ok(written)
}

/// Writes the recognition report as Markdown; returns how many people it ranks.
pub fn write_recognition(r: &RecognitionDocument, mut out: impl Write) -> Result<u64> {
    let out: &mut dyn Write = &mut out;
    let body = (|| -> std::io::Result<()> {
        cover(out, &r.title, &r.subtitle, &r.organisation, &r.author, &r.generated_at, &r.filters)?;
        let t = &r.totals;
        writeln!(out, "| Incidents | Contributions | Contributors | Teams |\n|---:|---:|---:|---:|")?;
        writeln!(
            out,
            "| {} | {} | {} | {} |\n",
            thousands(t.incidents),
            thousands(t.contributions),
            thousands(t.contributors),
            thousands(t.teams)
        )?;
        writeln!(out, "## Top contributors\n")?;
        if r.people.is_empty() {
            writeln!(out, "Nobody is recorded as helping in this period.\n")?;
        } else {
            writeln!(
                out,
                "| # | Contributor | Organisation / team | Contributions | Incidents | Credit roles | What they gave |"
            )?;
            writeln!(out, "|---:|---|---|---:|---|---|---|")?;
            for p in &r.people {
                let name =
                    if p.pseudonymous { format!("*{}*", escape(&p.contributor)) } else { escape(&p.contributor) };
                let group =
                    [p.organisation.trim(), p.team.trim()].into_iter().filter(|g| !g.is_empty()).collect::<Vec<_>>();
                let mut incidents = p
                    .incidents
                    .iter()
                    .map(|i| format!("{} `{}`", escape(&i.reference), i.tlp_label))
                    .collect::<Vec<_>>();
                if p.incident_count as usize > p.incidents.len() {
                    incidents.push(format!("and {} more", thousands(p.incident_count - p.incidents.len() as u32)));
                }
                writeln!(
                    out,
                    "| {} | {name} | {} | {} | {} | {} | {} |",
                    p.rank,
                    escape(&group.join(" / ")),
                    thousands(p.contributions),
                    incidents.join(", "),
                    escape(&p.roles.join(", ")),
                    p.gave.iter().map(|g| escape(g)).collect::<Vec<_>>().join("<br>")
                )?;
            }
            writeln!(out)?;
        }
        writeln!(out, "## Teams\n")?;
        if r.teams.is_empty() {
            return writeln!(out, "No teams helped in this period.");
        }
        writeln!(out, "| Team | Organisation | Contributions | People | Incidents |\n|---|---|---:|---:|---:|")?;
        for team in &r.teams {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(&team.team),
                escape(&team.organisation),
                thousands(team.contributions),
                thousands(team.people),
                thousands(team.incidents)
            )?;
        }
        Ok(())
    })();
    body.and_then(|()| out.flush()).map_err(write_failed)?;
    Ok(r.people.len() as u64)
}

/// `12,345`: counts are written the same way everywhere.
pub(crate) fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, thousands};

    #[test]
    fn escapes_markup_so_it_shows_as_written() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(escape("INC-2026-0042 #1"), "INC-2026-0042 #1");
        assert_eq!(escape("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(escape("line\nnext"), "line<br>next");
        assert_eq!(escape("*bold* _it_"), "\\*bold\\* \\_it\\_");
    }

    #[test]
    fn writes_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
