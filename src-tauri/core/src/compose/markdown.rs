//! A rendered Markdown body to the two parts of a mail: [`mail_body`] gives a [`MailBody`] with
//! a complete, inline-styled HTML document and a readable plain-text part.
//!
//! Both parts come from the same pulldown-cmark event stream, so Markdown escapes are resolved
//! in the text part too (a contributor called `\*Kim\*` in the Markdown reads `*Kim*`). Safety:
//! raw HTML is dropped, images become their alt text (no remote content, no tracking), links
//! keep only http, https and mailto targets, and all text is HTML-escaped.
//!
//! Line breaks typed inside a paragraph are kept as line breaks (as in chat and issue
//! comments), because the analysts who write outcomes and signatures expect that.
//!
//! A `**TLP:AMBER**` (a strong whose whole text is a TLP 2.0 label) becomes a badge in FIRST's
//! TLP colours: black background, the label in its colour.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The two parts of a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailBody {
    /// A complete HTML document.
    pub html: String,
    /// Plain text, lines wrapped near [`TEXT_WIDTH`], ending with a newline.
    pub text: String,
}

/// The plain-text part's target line width.
pub const TEXT_WIDTH: usize = 72;

/// TLP 2.0 labels and FIRST's text colour for each (on black).
const TLP_COLOURS: &[(&str, &str)] = &[
    ("TLP:CLEAR", "#FFFFFF"),
    ("TLP:GREEN", "#33FF00"),
    ("TLP:AMBER", "#FFC000"),
    ("TLP:AMBER+STRICT", "#FFC000"),
    ("TLP:RED", "#FF2B2B"),
];

/// Turns a Markdown body into both parts; `subject` becomes the HTML document's title.
pub fn mail_body(markdown: &str, subject: &str) -> MailBody {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, Options::empty()).collect();
    MailBody { html: html_document(&events, subject), text: plain_text(&events) }
}

fn tlp_colour(label: &str) -> Option<&'static str> {
    TLP_COLOURS.iter().find(|(l, _)| *l == label).map(|(_, c)| *c)
}

fn allowed_link(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|scheme| url.starts_with(scheme) && url.len() > scheme.len())
}

/// When a `Start(Strong)` at `at` holds only text that is a TLP label: the label and the index
/// of its `End(Strong)`.
fn tlp_badge_at(events: &[Event<'_>], at: usize) -> Option<(&'static str, usize)> {
    let mut text = String::new();
    for (i, event) in events.iter().enumerate().skip(at + 1) {
        match event {
            Event::Text(t) => text.push_str(t),
            Event::End(TagEnd::Strong) => {
                let label = TLP_COLOURS.iter().find(|(l, _)| *l == text.trim()).map(|(l, _)| *l)?;
                return Some((label, i));
            }
            _ => return None,
        }
    }
    None
}

// ---- HTML

const FONT: &str = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MONO: &str = "ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace";

/// Dark mode for the clients that honour `<style>` and `prefers-color-scheme` (Apple Mail,
/// iOS, Outlook for Mac, Thunderbird); the others show the light version, which inline styles
/// keep readable everywhere. `!important` is needed to beat the inline styles.
const STYLE: &str = "
  :root { color-scheme: light dark; supported-color-schemes: light dark; }
  @media (prefers-color-scheme: dark) {
    body, .aw-page { background: #16171a !important; color: #e4e6eb !important; }
    .aw-card { background: #202226 !important; color: #e4e6eb !important; border-color: #33363c !important; }
    .aw-card a { color: #8cb8ff !important; }
    .aw-quote { border-color: #4a4f57 !important; color: #b8bdc5 !important; }
    .aw-code { background: #2b2e33 !important; color: #e4e6eb !important; }
    .aw-rule { border-color: #3a3d43 !important; }
    .aw-tlp { box-shadow: 0 0 0 1px #5a5f66 !important; }
  }
";

fn html_document(events: &[Event<'_>], subject: &str) -> String {
    let mut body = String::with_capacity(4096);
    write_html(events, &mut body);
    let mut out = String::with_capacity(body.len() + 2048);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    out.push_str("<meta name=\"supported-color-schemes\" content=\"light dark\">\n");
    out.push_str("<title>");
    escape_html_into(subject, &mut out);
    out.push_str("</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n");
    out.push_str(
        "<body style=\"margin:0;padding:0;background:#f3f4f6;color:#1f2328;-webkit-text-size-adjust:100%;\">\n",
    );
    out.push_str("<div class=\"aw-page\" style=\"background:#f3f4f6;padding:24px 12px;\">\n");
    out.push_str(&format!(
        "<div class=\"aw-card\" style=\"max-width:600px;margin:0 auto;background:#ffffff;color:#1f2328;\
         border:1px solid #e3e5e8;border-radius:10px;padding:28px 32px;font-family:{FONT};font-size:16px;\
         line-height:1.6;\">\n"
    ));
    out.push_str(&body);
    out.push_str("</div>\n</div>\n</body>\n</html>\n");
    out
}

fn write_html(events: &[Event<'_>], out: &mut String) {
    // Links shown as plain text (a refused scheme) must drop their closing tag too.
    let mut link_open: Vec<bool> = Vec::new();
    let mut in_image = 0usize;
    let mut i = 0;
    while i < events.len() {
        let event = &events[i];
        i += 1;
        if in_image > 0 {
            // Inside an image only its alt text is kept.
            match event {
                Event::Start(Tag::Image { .. }) => in_image += 1,
                Event::End(TagEnd::Image) => in_image -= 1,
                Event::Text(t) | Event::Code(t) => escape_html_into(t, out),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    // A paragraph holding only a badge sits closer to what follows.
                    let badge_only = matches!(events.get(i), Some(Event::Start(Tag::Strong)))
                        && tlp_badge_at(events, i)
                            .is_some_and(|(_, end)| matches!(events.get(end + 1), Some(Event::End(TagEnd::Paragraph))));
                    out.push_str(if badge_only {
                        "<p style=\"margin:0 0 8px 0;\">"
                    } else {
                        "<p style=\"margin:0 0 16px 0;\">"
                    });
                }
                Tag::Heading { level, .. } => {
                    let (name, size) = match level {
                        HeadingLevel::H1 => ("h1", "22px"),
                        HeadingLevel::H2 => ("h2", "19px"),
                        HeadingLevel::H3 => ("h3", "17px"),
                        HeadingLevel::H4 => ("h4", "16px"),
                        HeadingLevel::H5 => ("h5", "16px"),
                        HeadingLevel::H6 => ("h6", "16px"),
                    };
                    out.push_str(&format!(
                        "<{name} style=\"margin:28px 0 8px 0;font-size:{size};line-height:1.35;font-weight:600;\">"
                    ));
                }
                Tag::BlockQuote(_) => out.push_str(
                    "<blockquote class=\"aw-quote\" style=\"margin:0 0 16px 0;padding:2px 0 2px 14px;\
                     border-left:3px solid #d0d7de;color:#57606a;\">",
                ),
                Tag::CodeBlock(_) => {
                    out.push_str(&format!(
                        "<pre class=\"aw-code\" style=\"margin:0 0 16px 0;padding:12px 14px;background:#f3f4f6;\
                         border-radius:6px;font-family:{MONO};font-size:14px;line-height:1.45;white-space:pre-wrap;\
                         word-wrap:break-word;\">"
                    ));
                }
                Tag::List(Some(start)) => {
                    if *start == 1 {
                        out.push_str("<ol style=\"margin:0 0 16px 0;padding-left:26px;\">");
                    } else {
                        out.push_str(&format!("<ol start=\"{start}\" style=\"margin:0 0 16px 0;padding-left:26px;\">"));
                    }
                }
                Tag::List(None) => out.push_str("<ul style=\"margin:0 0 16px 0;padding-left:22px;\">"),
                Tag::Item => out.push_str("<li style=\"margin:0 0 8px 0;\">"),
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => match tlp_badge_at(events, i - 1) {
                    Some((label, end)) => {
                        write_badge(label, out);
                        i = end + 1;
                    }
                    None => out.push_str("<strong style=\"font-weight:600;\">"),
                },
                Tag::Strikethrough => out.push_str("<s>"),
                Tag::Superscript => out.push_str("<sup>"),
                Tag::Subscript => out.push_str("<sub>"),
                Tag::Link { dest_url, .. } => {
                    let ok = allowed_link(dest_url);
                    if ok {
                        out.push_str("<a href=\"");
                        escape_html_into(dest_url.trim(), out);
                        out.push_str("\" style=\"color:#0b5cad;text-decoration:underline;\">");
                    }
                    link_open.push(ok);
                }
                Tag::Image { .. } => in_image = 1,
                // Raw HTML, tables, footnotes, metadata: not enabled or dropped.
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => out.push_str("</p>\n"),
                TagEnd::Heading(level) => out.push_str(&format!("</{}>\n", heading_name(*level))),
                TagEnd::BlockQuote(_) => out.push_str("</blockquote>\n"),
                TagEnd::CodeBlock => out.push_str("</pre>\n"),
                TagEnd::List(true) => out.push_str("</ol>\n"),
                TagEnd::List(false) => out.push_str("</ul>\n"),
                TagEnd::Item => out.push_str("</li>\n"),
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Strikethrough => out.push_str("</s>"),
                TagEnd::Superscript => out.push_str("</sup>"),
                TagEnd::Subscript => out.push_str("</sub>"),
                TagEnd::Link => out.push_str(if link_open.pop().unwrap_or(false) { "</a>" } else { "" }),
                _ => {}
            },
            Event::Text(t) => escape_html_into(t, out),
            Event::Code(t) => {
                out.push_str(&format!(
                    "<code class=\"aw-code\" style=\"font-family:{MONO};font-size:0.9em;background:#f0f1f3;\
                     padding:1px 5px;border-radius:4px;\">"
                ));
                escape_html_into(t, out);
                out.push_str("</code>");
            }
            Event::SoftBreak | Event::HardBreak => out.push_str("<br>\n"),
            Event::Rule => {
                out.push_str("<hr class=\"aw-rule\" style=\"border:0;border-top:1px solid #d8dbe0;margin:24px 0;\">\n")
            }
            // Raw HTML is dropped: a template or an outcome text must not inject markup.
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::InlineMath(t) | Event::DisplayMath(t) => escape_html_into(t, out),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }
}

fn heading_name(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

fn write_badge(label: &str, out: &mut String) {
    let colour = tlp_colour(label).unwrap_or("#FFFFFF");
    out.push_str(&format!(
        "<span class=\"aw-tlp\" style=\"display:inline-block;background:#000000;color:{colour};\
         font-family:{MONO};font-size:12px;font-weight:700;letter-spacing:0.04em;line-height:1;\
         padding:4px 7px;border-radius:3px;white-space:nowrap;vertical-align:2px;\">"
    ));
    escape_html_into(label, out);
    out.push_str("</span>");
}

/// Escapes text for HTML content and double-quoted attributes.
fn escape_html_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

// ---- HTML for the app's own pages

/// Markdown as an HTML fragment for the app's own pages (the admin guides in Settings): plain
/// elements with no inline style, for the page's stylesheet and theme; soft line breaks stay
/// spaces. As in mail bodies, raw HTML is dropped and images become their alt text; links show
/// their text only, so nothing in the fragment can take the window elsewhere.
pub fn html_fragment(markdown: &str) -> String {
    let mut in_image = 0usize;
    let events = Parser::new_ext(markdown, Options::empty()).filter_map(|event| {
        if in_image > 0 {
            return match event {
                Event::Start(Tag::Image { .. }) => {
                    in_image += 1;
                    None
                }
                Event::End(TagEnd::Image) => {
                    in_image -= 1;
                    None
                }
                Event::Text(t) | Event::Code(t) => Some(Event::Text(t)),
                _ => None,
            };
        }
        match event {
            Event::Start(Tag::Image { .. }) => {
                in_image = 1;
                None
            }
            Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link) => None,
            other => Some(other),
        }
    });
    let mut out = String::with_capacity(markdown.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

// ---- plain text

/// What a line is inside of, for its prefix.
enum Container {
    Quote,
    /// A list; `next` is the next number of an ordered list.
    List {
        next: Option<u64>,
    },
    /// A list item: its marker ("- ", "2. ") is printed on its first line only.
    Item {
        marker: String,
        used: bool,
        loose: bool,
    },
}

struct TextWriter {
    out: String,
    /// The inline text of the current paragraph, heading or tight item; '\n' is a line break.
    inline: String,
    containers: Vec<Container>,
    /// A blank line goes before the next block.
    need_blank: bool,
    /// Open links: their target when shown (allowed scheme) and where their text starts.
    links: Vec<(Option<String>, usize)>,
    in_image: usize,
    /// Inside a code block: text is copied as is.
    in_code: bool,
    code: String,
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut w = TextWriter {
        out: String::new(),
        inline: String::new(),
        containers: Vec::new(),
        need_blank: false,
        links: Vec::new(),
        in_image: 0,
        in_code: false,
        code: String::new(),
    };
    let mut i = 0;
    while i < events.len() {
        let event = &events[i];
        i += 1;
        if w.in_image > 0 {
            match event {
                Event::Start(Tag::Image { .. }) => w.in_image += 1,
                Event::End(TagEnd::Image) => w.in_image -= 1,
                Event::Text(t) | Event::Code(t) => w.inline.push_str(t),
                _ => {}
            }
            continue;
        }
        if w.in_code {
            match event {
                Event::Text(t) => w.code.push_str(t),
                Event::End(TagEnd::CodeBlock) => w.end_code(),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::Heading { .. } => {
                    if let Some(Container::Item { loose, .. }) = w.containers.last_mut() {
                        if matches!(tag, Tag::Paragraph) {
                            *loose = true;
                        }
                    }
                    w.flush();
                    w.start_block();
                }
                Tag::BlockQuote(_) => {
                    w.flush();
                    w.start_block();
                    w.containers.push(Container::Quote);
                }
                Tag::CodeBlock(_) => {
                    w.flush();
                    w.start_block();
                    w.in_code = true;
                    w.code.clear();
                }
                Tag::List(start) => {
                    w.flush();
                    w.start_block();
                    w.containers.push(Container::List { next: *start });
                }
                Tag::Item => {
                    if w.need_blank {
                        w.blank_line();
                    }
                    let marker = match w.containers.last_mut() {
                        Some(Container::List { next: Some(n) }) => {
                            let marker = format!("{n}. ");
                            *n += 1;
                            marker
                        }
                        _ => "- ".to_string(),
                    };
                    w.containers.push(Container::Item { marker, used: false, loose: false });
                }
                Tag::Strong => {
                    if let Some((label, end)) = tlp_badge_at(events, i - 1) {
                        w.inline.push('[');
                        w.inline.push_str(label);
                        w.inline.push(']');
                        i = end + 1;
                    }
                }
                Tag::Link { dest_url, .. } => {
                    let target = allowed_link(dest_url).then(|| dest_url.trim().to_string());
                    w.links.push((target, w.inline.len()));
                }
                Tag::Image { .. } => w.in_image = 1,
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph | TagEnd::Heading(_) => {
                    w.flush();
                    w.need_blank = true;
                }
                TagEnd::BlockQuote(_) => {
                    w.flush();
                    w.containers.pop();
                    w.need_blank = true;
                }
                TagEnd::List(_) => {
                    w.flush();
                    w.containers.pop();
                    w.need_blank = true;
                }
                TagEnd::Item => {
                    w.flush();
                    if let Some(Container::Item { loose, .. }) = w.containers.pop() {
                        // Tight items follow each other directly; loose ones keep their blank line.
                        w.need_blank = loose;
                    }
                }
                TagEnd::Link => {
                    if let Some((Some(url), start)) = w.links.pop() {
                        let shown = url.strip_prefix("mailto:").unwrap_or(&url).to_string();
                        let text = w.inline[start..].trim().to_string();
                        if text == url || text == shown {
                            w.inline.truncate(start);
                            w.inline.push_str(&format!("<{shown}>"));
                        } else {
                            w.inline.push_str(&format!(" <{shown}>"));
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => w.inline.push_str(t),
            Event::SoftBreak | Event::HardBreak => w.inline.push('\n'),
            Event::Rule => {
                w.flush();
                w.start_block();
                w.line("----");
                w.need_blank = true;
            }
            Event::Html(_) | Event::InlineHtml(_) | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }
    w.flush();
    let mut text = w.out.trim_end_matches('\n').to_string();
    text.push('\n');
    text
}

impl TextWriter {
    /// Before a block: a blank line if one is due.
    fn start_block(&mut self) {
        if self.need_blank {
            self.blank_line();
        }
        self.need_blank = false;
    }

    fn blank_line(&mut self) {
        if !self.out.is_empty() {
            let prefix = self.prefix(false);
            self.out.push_str(prefix.trim_end());
            self.out.push('\n');
        }
        self.need_blank = false;
    }

    /// The prefix for the next line; `consume` marks item markers as printed.
    fn prefix(&mut self, consume: bool) -> String {
        let mut prefix = String::new();
        for c in &mut self.containers {
            match c {
                Container::Quote => prefix.push_str("> "),
                Container::List { .. } => {}
                Container::Item { marker, used, .. } => {
                    if *used {
                        prefix.push_str(&" ".repeat(marker.chars().count()));
                    } else {
                        prefix.push_str(marker);
                        if consume {
                            *used = true;
                        }
                    }
                }
            }
        }
        prefix
    }

    fn line(&mut self, text: &str) {
        let prefix = self.prefix(true);
        let line = format!("{prefix}{text}");
        self.out.push_str(line.trim_end());
        self.out.push('\n');
    }

    /// Writes the pending inline text, wrapped.
    fn flush(&mut self) {
        let inline = std::mem::take(&mut self.inline);
        if inline.trim().is_empty() {
            return;
        }
        let width = TEXT_WIDTH.saturating_sub(self.prefix(false).chars().count()).max(30);
        for segment in inline.split('\n') {
            for line in wrap(segment, width) {
                self.line(&line);
            }
        }
    }

    fn end_code(&mut self) {
        self.in_code = false;
        let code = std::mem::take(&mut self.code);
        for line in code.trim_end_matches('\n').split('\n') {
            self.line(&format!("    {line}"));
        }
        self.need_blank = true;
    }
}

/// Greedy word wrap; a word longer than `width` (a URL) gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word_len = word.chars().count();
        if len > 0 && len + 1 + word_len > width {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += word_len;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
