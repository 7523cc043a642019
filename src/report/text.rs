//! The text report: one miette diagnostic per finding and input error, then a summary line.
//!
//! A finding reads like an oxlint or rustc diagnostic: `× ACM003(validation-record-missing):
//! message`, the snippet of the file with the primary label underlined (its label names the
//! resource) and the nearby related labels of the same file, then a `☞` advice with the snippet
//! of each other file it points into (miette draws one source per diagnostic), then `help:`.
//!
//! Text from the analysed files (source, messages quoting it) is shown with control characters
//! replaced, so a file cannot send escape sequences to the terminal.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
    SourceSpan,
};

use super::{counted, rule_code, Report};
use crate::finding::{Finding, InputError, Label, Severity, SuppressionKind};
use crate::source::{FileId, SourceFile, SourceMap, Span};

/// How to render the text report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// ANSI colours (the caller decides from `--color` and the terminal).
    pub color: bool,
    /// Terminal width in columns; text wraps to it.
    pub width: usize,
    /// Also list suppressed findings and what could not be resolved.
    pub verbose: bool,
}

/// Renders every finding (not suppressed ones; under `verbose`, list suppressed ones as one line
/// each) and input error as miette graphical diagnostics, then a summary line.
pub fn render_text(report: &Report, opts: &TextOptions) -> String {
    let renderer = Renderer::new(report, opts);
    let mut out = String::new();
    for finding in report.active_findings() {
        out.push_str(&renderer.finding(finding));
    }
    for error in &report.errors {
        out.push_str(&renderer.input_error(error));
    }
    if opts.verbose {
        out.push_str(&renderer.suppressed());
        out.push_str(&renderer.unresolved());
    }
    out.push_str(&renderer.summary());
    out.push('\n');
    out
}

/// The rule ID of input errors.
const INPUT_RULE: &str = "ACM000";

/// Lines of source shown above and below each label.
const CONTEXT_LINES: usize = 1;

/// miette draws two labels in one frame when they are at most this many lines apart.
const FRAME_MERGE_DISTANCE: usize = 2 * CONTEXT_LINES + 1;

struct Renderer<'a> {
    report: &'a Report,
    handler: GraphicalReportHandler,
    layout: Layout,
    color: bool,
}

impl<'a> Renderer<'a> {
    fn new(report: &'a Report, opts: &TextOptions) -> Self {
        let theme = if opts.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(opts.width)
            .with_links(false)
            .with_context_lines(CONTEXT_LINES)
            .with_wrap_lines(false);
        Renderer {
            report,
            handler,
            layout: Layout { width: opts.width },
            color: opts.color,
        }
    }

    /// `text` in bold, in the colour of `tone`, when colour is on; as is otherwise.
    fn paint(&self, tone: Tone, text: &str) -> String {
        if self.color {
            format!("\u{1b}[{}m{text}\u{1b}[0m", tone.sgr())
        } else {
            text.to_string()
        }
    }

    fn sources(&self) -> &SourceMap {
        &self.report.sources
    }

    /// One finding as a miette diagnostic (and one per other file it points into), followed by
    /// a blank line.
    fn finding(&self, finding: &Finding) -> String {
        let parts = FindingDiagnostic::new(self.sources(), finding, self.layout).build();
        self.render(&parts, || self.finding_line(finding))
    }

    /// One input error: a diagnostic when its position is in a known, non-empty file, else one
    /// line.
    fn input_error(&self, error: &InputError) -> String {
        let headline = self
            .layout
            .headline(&format!("{}: {}", input_code(), error.message));
        let with_source = error
            .span
            .and_then(|span| Some((span, self.sources().get(span.file)?)))
            .filter(|(_, file)| !file.text.is_empty());
        match with_source {
            Some((span, file)) => {
                let diagnostic = Snippet::new(headline, miette::Severity::Error)
                    .with_source(file)
                    .with_label(primary_label(file, span, None));
                self.render(&[diagnostic], || self.error_line(error))
            }
            None => format!("{}\n\n", self.error_line(error)),
        }
    }

    /// Renders the parts of one diagnostic, then a blank line; falls back to `line` if miette
    /// cannot read a span.
    fn render(&self, parts: &[Snippet], line: impl FnOnce() -> String) -> String {
        let mut out = String::new();
        for part in parts {
            if self.handler.render_report(&mut out, part).is_err() {
                return format!("{}\n\n", line());
            }
        }
        let mut trimmed: String = out.lines().map(|l| format!("{}\n", l.trim_end())).collect();
        trimmed.push('\n');
        trimmed
    }

    /// `error[ACM000]: stacks/broken.yaml:4:6: message`.
    fn error_line(&self, error: &InputError) -> String {
        let location = self.report.error_location(error);
        let position = match (location.line, location.column) {
            (Some(line), Some(column)) => format!(":{line}:{column}"),
            (Some(line), None) => format!(":{line}"),
            _ => String::new(),
        };
        format!(
            "{}[{INPUT_RULE}]: {}{position}: {}",
            self.paint(Tone::Error, "error"),
            printable(&location.file),
            printable(&error.message)
        )
    }

    /// `infra/main.tf:3:3: warning ACM004(email-validation): message`.
    fn finding_line(&self, finding: &Finding) -> String {
        let position = match self.report.locate(finding.primary.span) {
            Some(location) => format!(
                "{}:{}:{}",
                location.file, location.start.line, location.start.column
            ),
            None => "<unknown file>".to_string(),
        };
        let line = format!(
            "{position}: {} {}: {}",
            finding.severity,
            rule_code(&finding.rule, &finding.name),
            finding.message
        );
        printable(&line).into_owned()
    }

    /// Under `--verbose`: each suppressed finding on one line, with why it was suppressed.
    fn suppressed(&self) -> String {
        let lines: Vec<String> = self
            .report
            .suppressed_findings()
            .map(|finding| {
                format!(
                    "  {}{}",
                    self.finding_line(finding),
                    suppression_note(finding)
                )
            })
            .collect();
        self.section("Suppressed findings", &lines)
    }

    /// Under `--verbose`: what could not be resolved (unknown, so never a finding).
    fn unresolved(&self) -> String {
        let lines: Vec<String> = self
            .report
            .diagnostics
            .iter()
            .map(|line| format!("  {}", printable(line)))
            .collect();
        self.section("Not resolved, so treated as unknown", &lines)
    }

    fn section(&self, heading: &str, lines: &[String]) -> String {
        if lines.is_empty() {
            return String::new();
        }
        let heading = format!("{heading} ({}):", lines.len());
        format!(
            "{}\n{}\n\n",
            self.paint(Tone::Plain, &heading),
            lines.join("\n")
        )
    }

    /// `2 errors, 1 warning, 3 notes in 14 files (1 file could not be analysed).`; `No problems
    /// found in 14 files.` only when every file could be analysed.
    fn summary(&self) -> String {
        let report = self.report;
        let files = counted(report.summary.files, "file", "files");
        let counts = [
            (Severity::Error, "error", "errors"),
            (Severity::Warning, "warning", "warnings"),
            (Severity::Note, "note", "notes"),
        ]
        .into_iter()
        .filter_map(|(severity, singular, plural)| {
            let count = report.count(severity);
            let tone = Tone::of(severity);
            (count > 0).then(|| self.paint(tone, &counted(count, singular, plural)))
        })
        .collect::<Vec<_>>();
        let found = if !counts.is_empty() {
            format!("{} in {files}", counts.join(", "))
        } else if report.errors.is_empty() && report.summary.files == 0 {
            // Saying "no problems" here would let a wrong path look like a clean result.
            "No Terraform or CloudFormation files found (--verbose shows what was skipped)"
                .to_string()
        } else if report.errors.is_empty() {
            format!("No problems found in {files}")
        } else {
            format!("No findings in {files}")
        };
        format!("{found}{}.", self.summary_remarks())
    }

    /// ` (1 file could not be analysed, 2 suppressed)`, or nothing.
    fn summary_remarks(&self) -> String {
        let mut remarks = Vec::new();
        let errors = self.report.errors.len();
        if errors > 0 {
            let text = format!("{} could not be analysed", counted(errors, "file", "files"));
            remarks.push(self.paint(Tone::Error, &text));
        }
        let suppressed = self.report.suppressed_findings().count();
        if suppressed > 0 {
            remarks.push(format!("{suppressed} suppressed"));
        }
        if remarks.is_empty() {
            String::new()
        } else {
            format!(" ({})", remarks.join(", "))
        }
    }
}

/// The colours of the summary, matching miette's ANSI theme.
#[derive(Debug, Clone, Copy)]
enum Tone {
    Error,
    Warning,
    Note,
    Plain,
}

impl Tone {
    fn of(severity: Severity) -> Tone {
        match severity {
            Severity::Error => Tone::Error,
            Severity::Warning => Tone::Warning,
            Severity::Note => Tone::Note,
        }
    }

    /// The SGR parameters: bold, and red, yellow or cyan.
    fn sgr(self) -> &'static str {
        match self {
            Tone::Error => "1;31",
            Tone::Warning => "1;33",
            Tone::Note => "1;36",
            Tone::Plain => "1",
        }
    }
}

fn input_code() -> String {
    let name = crate::rules::by_id(INPUT_RULE).map_or("parse-error", |rule| rule.name);
    rule_code(INPUT_RULE, name)
}

/// ` [suppressed in source: reason]`.
fn suppression_note(finding: &Finding) -> String {
    let Some(suppression) = &finding.suppressed else {
        return String::new();
    };
    let place = match suppression.kind {
        SuppressionKind::InSource => "in source",
        SuppressionKind::External => "by the config file",
    };
    match &suppression.reason {
        Some(reason) => format!(" [suppressed {place}: {}]", printable(reason)),
        None => format!(" [suppressed {place}]"),
    }
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

/// Builds the diagnostic of one finding: the primary file's snippet, then an advice for related
/// labels in other files (miette draws one source per diagnostic) or far above the primary.
struct FindingDiagnostic<'a> {
    sources: &'a SourceMap,
    finding: &'a Finding,
    layout: Layout,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(sources: &'a SourceMap, finding: &'a Finding, layout: Layout) -> Self {
        FindingDiagnostic {
            sources,
            finding,
            layout,
        }
    }

    /// The finding's diagnostic, then one per other file it points into; the help goes last.
    fn build(&self) -> Vec<Snippet> {
        let mut parts = vec![self.primary_part()];
        parts.extend(self.related_parts());
        if let Some(last) = parts.last_mut() {
            last.help = self
                .finding
                .help
                .as_deref()
                .map(|help| self.layout.help(&printable(help)));
        }
        parts
    }

    /// The headline and the primary file's snippet with the related labels that fit in it.
    fn primary_part(&self) -> Snippet {
        let finding = self.finding;
        let headline = self.layout.headline(&format!(
            "{}: {}",
            rule_code(&finding.rule, &finding.name),
            finding.message
        ));
        let snippet = Snippet::new(headline, miette_severity(finding.severity));
        let Some(file) = self.sources.get(finding.primary.span.file) else {
            return snippet;
        };
        let mut snippet = snippet.with_source(file).with_label(primary_label(
            file,
            finding.primary.span,
            self.primary_text(),
        ));
        for label in finding.related.iter().filter(|label| self.inline(label)) {
            snippet = snippet.with_label(secondary_label(file, label));
        }
        snippet
    }

    /// The primary label's text, naming the resource unless the label already does.
    fn primary_text(&self) -> Option<String> {
        let message = self.finding.primary.message.trim();
        let text = match self.finding.resource.as_deref() {
            Some(resource) if message.is_empty() => resource.to_string(),
            Some(resource) if !message.contains(resource) => format!("{resource}: {message}"),
            _ => message.to_string(),
        };
        label_text(&text)
    }

    /// Whether a related label goes in the primary snippet: same file, and not so far above the
    /// primary label that miette would give it a frame of its own before the primary's (users
    /// look for the place to fix in the first frame).
    fn inline(&self, label: &Label) -> bool {
        let primary = self.finding.primary.span;
        if label.span.file != primary.file {
            return false;
        }
        let Some(file) = self.sources.get(primary.file) else {
            return false;
        };
        let label_end = file.line_col(label.span.end as usize).line;
        let primary_start = file.line_col(primary.start as usize).line;
        label_end + FRAME_MERGE_DISTANCE >= primary_start
    }

    /// The related labels not shown inline, one advice per file: the primary's file first, then
    /// the others by path.
    fn related_parts(&self) -> Vec<Snippet> {
        let primary_file = self.finding.primary.span.file;
        let mut groups: BTreeMap<(bool, String, FileId), Vec<&Label>> = BTreeMap::new();
        for label in self.finding.related.iter().filter(|l| !self.inline(l)) {
            let file = label.span.file;
            let path = self
                .sources
                .get(file)
                .map(SourceFile::display_path)
                .unwrap_or_default();
            let key = (file != primary_file, path, file);
            groups.entry(key).or_default().push(label);
        }
        groups
            .into_iter()
            .map(|((_, _, file), labels)| self.related_part(file, &labels))
            .collect()
    }

    /// An advice whose headline is the label's message (its underline then stays bare), or
    /// "related" with each label's message under its span.
    fn related_part(&self, file: FileId, labels: &[&Label]) -> Snippet {
        let single = match labels {
            [only] if !only.message.trim().is_empty() => Some(only.message.trim()),
            _ => None,
        };
        let headline = self.layout.headline(single.unwrap_or("related locations"));
        let mut snippet = Snippet::new(headline, miette::Severity::Advice);
        let Some(file) = self.sources.get(file) else {
            return snippet;
        };
        snippet = snippet.with_source(file);
        for label in labels {
            let label = match single {
                Some(_) => LabeledSpan::new_with_span(None, source_span(file, label.span)),
                None => secondary_label(file, label),
            };
            snippet = snippet.with_label(label);
        }
        snippet
    }
}

fn primary_label(file: &SourceFile, span: Span, text: Option<String>) -> LabeledSpan {
    LabeledSpan::new_primary_with_span(text, source_span(file, span))
}

fn secondary_label(file: &SourceFile, label: &Label) -> LabeledSpan {
    LabeledSpan::new_with_span(label_text(&label.message), source_span(file, label.span))
}

/// A label's text as shown: one printable line, or none when empty.
fn label_text(text: &str) -> Option<String> {
    let text = printable(text.trim()).replace(['\n', '\r'], " ");
    (!text.is_empty()).then_some(text)
}

/// `text` with control characters (other than line breaks and tabs) replaced by `?`, byte for
/// byte, so spans into it stay valid.
fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let replaced = text
        .chars()
        .map(|c| {
            if is_unprintable(c) {
                "?".repeat(c.len_utf8())
            } else {
                c.to_string()
            }
        })
        .collect();
    Cow::Owned(replaced)
}

fn is_unprintable(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// The span as miette wants it: clamped to character boundaries and to the last character, so
/// a span at the end of the file ("unexpected end of file") is drawn at the end of its last line.
fn source_span(file: &SourceFile, span: Span) -> SourceSpan {
    let text = &file.text;
    let last = char_floor(text, text.len().saturating_sub(1));
    let start = char_floor(text, span.start as usize).min(last);
    let end = char_floor(text, span.end as usize).max(start);
    SourceSpan::from(start..end)
}

fn char_floor(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Wraps text to the terminal width, since miette's own wrapping (turned off) would also wrap
/// the Terraform and CloudFormation code in help texts.
#[derive(Debug, Clone, Copy)]
struct Layout {
    width: usize,
}

/// Below this many columns, text is wrapped as if the terminal had this many.
const MIN_TEXT_WIDTH: usize = 30;

impl Layout {
    /// The headline after miette's `  × ` (and `  │ ` on continuation lines).
    fn headline(&self, text: &str) -> String {
        self.wrap_lines(text, 6)
    }

    /// Help after miette's `  help: `: prose wrapped, code kept exactly as written.
    fn help(&self, help: &str) -> String {
        let width = self.text_width(10);
        classify_help(help)
            .into_iter()
            .map(|line| match line {
                HelpLine::Blank => String::new(),
                HelpLine::Code(code) => code.trim_end().to_string(),
                HelpLine::Prose(prose) => wrap_line(prose, width),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn wrap_lines(&self, text: &str, indent: usize) -> String {
        let width = self.text_width(indent);
        text.lines()
            .map(|line| wrap_line(line, width))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Columns left for text after miette's margin and an indent of `indent` columns.
    fn text_width(&self, indent: usize) -> usize {
        self.width.saturating_sub(indent).max(MIN_TEXT_WIDTH)
    }
}

/// A line of help text, as laid out.
#[derive(Debug, PartialEq, Eq)]
enum HelpLine<'a> {
    Blank,
    /// Inside a ``` fence, or in a paragraph that looks like code: never wrapped.
    Code(&'a str),
    Prose(&'a str),
}

/// Splits help into blank lines, code and prose. Fence lines (```hcl) are dropped: the
/// terminal shows the code alone.
fn classify_help(help: &str) -> Vec<HelpLine<'_>> {
    let mut lines = Vec::new();
    let mut paragraph = Vec::new();
    let mut in_fence = false;
    for line in help.lines() {
        if line.trim_start().starts_with("```") {
            flush_paragraph(&mut paragraph, &mut lines);
            in_fence = !in_fence;
        } else if in_fence {
            lines.push(HelpLine::Code(line));
        } else if line.trim().is_empty() {
            flush_paragraph(&mut paragraph, &mut lines);
            lines.push(HelpLine::Blank);
        } else {
            paragraph.push(line);
        }
    }
    flush_paragraph(&mut paragraph, &mut lines);
    lines
}

fn flush_paragraph<'a>(paragraph: &mut Vec<&'a str>, lines: &mut Vec<HelpLine<'a>>) {
    let code = looks_like_code(paragraph);
    lines.extend(paragraph.drain(..).map(|line| {
        if code {
            HelpLine::Code(line)
        } else {
            HelpLine::Prose(line)
        }
    }));
}

/// A paragraph is code when a line is indented, opens a block or closes one.
fn looks_like_code(paragraph: &[&str]) -> bool {
    paragraph.iter().any(|line| {
        let line = line.trim_end();
        line.starts_with([' ', '\t', '}', ']', ')']) || line.ends_with(['{', '[', '('])
    })
}

/// Greedy word wrap of one line to `width` characters; a long word stays whole. List items
/// (`- `, `* `) continue under their text.
fn wrap_line(line: &str, width: usize) -> String {
    let hanging = if line.starts_with("- ") || line.starts_with("* ") {
        "  "
    } else {
        ""
    };
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in line.split_whitespace() {
        if current.is_empty() {
            current.push_str(word);
        } else if current.chars().count() + 1 + word.chars().count() <= width {
            current.push(' ');
            current.push_str(word);
        } else {
            lines.push(std::mem::replace(&mut current, format!("{hanging}{word}")));
        }
    }
    lines.push(current);
    lines.join("\n")
}

/// A diagnostic built at runtime. Unlike `miette::MietteDiagnostic` it carries its source.
#[derive(Debug)]
struct Snippet {
    headline: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
}

impl Snippet {
    fn new(headline: String, severity: miette::Severity) -> Self {
        Snippet {
            headline: printable(&headline).into_owned(),
            severity,
            help: None,
            source: None,
            labels: Vec::new(),
        }
    }

    fn with_source(mut self, file: &SourceFile) -> Self {
        let text = match printable(&file.text) {
            Cow::Borrowed(_) => Arc::clone(&file.text),
            Cow::Owned(text) => Arc::from(text),
        };
        let name = printable(&file.display_path()).into_owned();
        self.source = Some(NamedSource::new(name, text));
        self
    }

    fn with_label(mut self, label: LabeledSpan) -> Self {
        self.labels.push(label);
        self
    }
}

impl fmt::Display for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for Snippet {}

impl Diagnostic for Snippet {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn plain(verbose: bool) -> TextOptions {
        TextOptions {
            color: false,
            width: 100,
            verbose,
        }
    }

    fn summary_line(report: &Report) -> String {
        let text = render_text(report, &plain(false));
        text.lines().last().unwrap_or_default().to_string()
    }

    fn with_findings(severities: &[Severity]) -> Report {
        let mut report = sample::report();
        report.errors.clear();
        report.findings.retain(|f| f.suppressed.is_none());
        let template = report.findings[0].clone();
        report.findings = severities
            .iter()
            .map(|&severity| Finding {
                severity,
                ..template.clone()
            })
            .collect();
        report
    }

    #[test]
    fn sample_report() {
        insta::assert_snapshot!(render_text(&sample::report(), &plain(false)));
    }

    #[test]
    fn sample_report_verbose() {
        insta::assert_snapshot!(render_text(&sample::report(), &plain(true)));
    }

    #[test]
    fn summary_variants() {
        let lines = [
            summary_line(&sample::clean(14)),
            summary_line(&sample::clean(1)),
            summary_line(&sample::clean(0)),
            summary_line(&with_findings(&[Severity::Error])),
            summary_line(&with_findings(&[Severity::Warning, Severity::Warning])),
            summary_line(&with_findings(&[
                Severity::Error,
                Severity::Error,
                Severity::Warning,
                Severity::Note,
                Severity::Note,
                Severity::Note,
            ])),
            summary_line(&{
                let mut report = sample::report();
                report.findings.clear();
                report.errors.truncate(1);
                report
            }),
            summary_line(&sample::report()),
        ];
        insta::assert_snapshot!(lines.join("\n"), @r"
        No problems found in 14 files.
        No problems found in 1 file.
        No Terraform or CloudFormation files found (--verbose shows what was skipped).
        1 error in 5 files.
        2 warnings in 5 files.
        2 errors, 1 warning, 3 notes in 5 files.
        No findings in 5 files (1 file could not be analysed).
        1 error, 1 warning, 1 note in 5 files (2 files could not be analysed, 1 suppressed).
        ");
    }

    #[test]
    fn colour_only_when_asked() {
        let report = sample::report();
        let coloured = render_text(
            &report,
            &TextOptions {
                color: true,
                ..plain(true)
            },
        );
        let plain_text = render_text(&report, &plain(true));
        assert!(coloured.contains("\u{1b}["), "colour output has ANSI codes");
        assert!(
            coloured.contains("\u{1b}[1;31m1 error\u{1b}[0m"),
            "summary counts are coloured"
        );
        assert!(
            !plain_text.contains('\u{1b}'),
            "plain output has no escape codes"
        );
    }

    #[test]
    fn output_is_deterministic() {
        let report = sample::report();
        assert_eq!(
            render_text(&report, &plain(true)),
            render_text(&report, &plain(true))
        );
    }

    #[test]
    fn paths_are_the_display_paths() {
        let text = render_text(&sample::report(), &plain(true));
        assert!(!text.contains("/work"), "no absolute paths");
        assert!(text.contains("[infra/main.tf:3:3]"));
    }

    #[test]
    fn edge_spans_render_without_failing() {
        let mut report = sample::report();
        let main = report.findings[1].primary.span.file;
        let file_len = sample::MAIN_TF.len();
        report.errors.clear();
        report.findings.truncate(2);
        // A whole-file span, a point, and a span past the end of the file.
        report.findings[0].primary.span = Span::new(main, 0, 0);
        report.findings[0].related.clear();
        report.findings[1].primary.span = Span::new(main, file_len + 5, file_len + 9);
        report.findings[1].related = vec![Label::new(Span::new(main, 40, 40), "a point")];
        // An error in an empty file.
        let empty = report.sources.add("stacks/empty.yaml".into(), "");
        report.errors.push(InputError {
            path: "stacks/empty.yaml".into(),
            span: Some(Span::new(empty, 0, 0)),
            line: Some(1),
            column: Some(1),
            message: "the template is empty".into(),
        });
        let text = render_text(&report, &plain(false));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn several_labels_in_another_file() {
        let mut report = sample::report();
        report.errors.clear();
        report.findings.truncate(1);
        let lb = report.findings[0].primary.span.file;
        let main = report.findings[0].related[1].span.file;
        let sources = &report.sources;
        report.findings[0].related = vec![
            Label::new(
                sample::span_of(sources, main, "\"example.com\""),
                "domain name",
            ),
            Label::new(
                sample::span_of(sources, main, "validation_method"),
                "validated by DNS",
            ),
            Label::new(sample::span_of(sources, lb, "port              = 80"), ""),
        ];
        report.findings[0].help = None;
        insta::assert_snapshot!(render_text(&report, &plain(false)));
    }

    #[test]
    fn narrow_terminal_wraps_help_and_message() {
        let report = sample::report();
        let text = render_text(
            &report,
            &TextOptions {
                width: 60,
                ..plain(false)
            },
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn help_code_is_never_wrapped() {
        let help = "Add the record:\n\n```hcl\nresource \"aws_route53_record\" \"v\" {\n  name = \"x\"\n}\n```\n\n- a list item that is long enough to wrap onto a second line";
        let layout = Layout { width: 40 };
        insta::assert_snapshot!(layout.help(help), @r#"
        Add the record:

        resource "aws_route53_record" "v" {
          name = "x"
        }

        - a list item that is long
          enough to wrap onto a second
          line
        "#);
    }

    #[test]
    fn wrap_line_keeps_long_words_whole() {
        assert_eq!(
            wrap_line("see module.network.aws_lb_listener.https now", 10),
            "see\nmodule.network.aws_lb_listener.https\nnow"
        );
        assert_eq!(wrap_line("", 10), "");
    }

    #[test]
    fn control_characters_from_files_never_reach_the_terminal() {
        let mut report = sample::report();
        report.errors.clear();
        report.findings.truncate(1);
        let text = sample::LB_TF.replace("port              = 80", "port = 8\u{1b}[2J\u{9b}0");
        let evil = report.sources.add("evil.tf".into(), text);
        report.findings[0].primary.span.file = evil;
        report.findings[0].related.clear();
        report.findings[0].message = "bell \u{7}".into();
        let out = render_text(&report, &plain(true));
        assert!(!out.chars().any(is_unprintable), "{out}");
        assert!(out.contains("port = 8?[2J??0"), "{out}");
        assert!(out.contains("bell ?"), "{out}");
    }

    #[test]
    fn printable_keeps_byte_offsets() {
        let text = "a\u{1b}b\u{9b}c\td\n";
        assert_eq!(printable(text).len(), text.len());
        assert!(matches!(printable("plain\ttext\n"), Cow::Borrowed(_)));
    }
}
