//! The text report: one miette diagnostic per finding and input error, then a summary line.
//!
//! A finding reads like an oxlint or rustc diagnostic: `× ACM003(validation-record-missing):
//! message`, the snippet of the file with the primary label underlined (its label names the
//! resource), the related labels of the same file in the same snippet, a related diagnostic per
//! other file (miette cannot put two files in one snippet), and `help:`.

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

struct Renderer<'a> {
    report: &'a Report,
    handler: GraphicalReportHandler,
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
            .with_context_lines(1);
        Renderer {
            report,
            handler,
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
        let parts = FindingDiagnostic::new(self.sources(), finding).build();
        self.render(&parts, || self.finding_line(finding))
    }

    /// One input error: a diagnostic when its position is in a known file, else one line.
    fn input_error(&self, error: &InputError) -> String {
        let headline = format!("{}: {}", input_code(), error.message);
        let with_source = error
            .span
            .and_then(|span| Some((span, self.sources().get(span.file)?)));
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
            location.file,
            error.message
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
        format!(
            "{position}: {} {}: {}",
            finding.severity,
            rule_code(&finding.rule, &finding.name),
            finding.message
        )
    }

    /// Under `--verbose`: each suppressed finding on one line, with why it was suppressed.
    fn suppressed(&self) -> String {
        let lines: Vec<String> = self
            .report
            .suppressed_findings()
            .map(|finding| format!("  {}{}", self.finding_line(finding), suppression_note(finding)))
            .collect();
        self.section("Suppressed findings", &lines)
    }

    /// Under `--verbose`: what could not be resolved (unknown, so never a finding).
    fn unresolved(&self) -> String {
        let lines: Vec<String> = self
            .report
            .diagnostics
            .iter()
            .map(|line| format!("  {line}"))
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

    /// `2 errors, 1 warning, 3 notes in 14 files (1 file could not be analysed).`
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
        let found = if counts.is_empty() {
            format!("No problems found in {files}")
        } else {
            format!("{} in {files}", counts.join(", "))
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
        Some(reason) => format!(" [suppressed {place}: {reason}]"),
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

/// Builds the diagnostic of one finding: primary file snippet, related diagnostics for labels in
/// other files.
struct FindingDiagnostic<'a> {
    sources: &'a SourceMap,
    finding: &'a Finding,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(sources: &'a SourceMap, finding: &'a Finding) -> Self {
        FindingDiagnostic { sources, finding }
    }

    /// The finding's diagnostic, then one per other file it points into; the help goes last.
    fn build(&self) -> Vec<Snippet> {
        let finding = self.finding;
        let headline = format!(
            "{}: {}",
            rule_code(&finding.rule, &finding.name),
            finding.message
        );
        let primary_file = finding.primary.span.file;
        let mut snippet = Snippet::new(headline, miette_severity(finding.severity));
        if let Some(file) = self.sources.get(primary_file) {
            snippet = snippet
                .with_source(file)
                .with_label(primary_label(file, finding.primary.span, self.primary_text()));
            for label in finding.related.iter().filter(|l| l.span.file == primary_file) {
                snippet = snippet.with_label(secondary_label(file, label));
            }
        }
        let mut parts = vec![snippet];
        parts.extend(self.other_files(primary_file));
        if let Some(last) = parts.last_mut() {
            last.help = finding.help.clone();
        }
        parts
    }

    /// The primary label's text, naming the resource unless the label already does.
    fn primary_text(&self) -> Option<String> {
        let message = self.finding.primary.message.trim();
        let text = match self.finding.resource.as_deref() {
            Some(resource) if message.is_empty() => resource.to_string(),
            Some(resource) if !message.contains(resource) => format!("{resource}: {message}"),
            _ => message.to_string(),
        };
        (!text.is_empty()).then_some(text)
    }

    /// One related diagnostic per other file, in file order, with that file's labels.
    fn other_files(&self, primary_file: FileId) -> Vec<Snippet> {
        let mut by_file: BTreeMap<FileId, Vec<&Label>> = BTreeMap::new();
        for label in &self.finding.related {
            if label.span.file != primary_file {
                by_file.entry(label.span.file).or_default().push(label);
            }
        }
        by_file
            .into_iter()
            .map(|(file, labels)| self.other_file(file, &labels))
            .collect()
    }

    /// An advice whose headline is the label's message (its underline then stays bare), or
    /// "related" with each label's message under its span.
    fn other_file(&self, file: FileId, labels: &[&Label]) -> Snippet {
        let single = match labels {
            [only] if !only.message.trim().is_empty() => Some(only.message.trim()),
            _ => None,
        };
        let headline = single.unwrap_or("related").to_string();
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
    let text = label.message.trim();
    let text = (!text.is_empty()).then(|| text.to_string());
    LabeledSpan::new_with_span(text, source_span(file, label.span))
}

/// The span as miette wants it: clamped to the text and to character boundaries.
fn source_span(file: &SourceFile, span: Span) -> SourceSpan {
    let start = char_floor(&file.text, span.start as usize);
    let end = char_floor(&file.text, span.end as usize).max(start);
    SourceSpan::from(start..end)
}

fn char_floor(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
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
            headline,
            severity,
            help: None,
            source: None,
            labels: Vec::new(),
        }
    }

    fn with_source(mut self, file: &SourceFile) -> Self {
        self.source = Some(NamedSource::new(file.display_path(), Arc::clone(&file.text)));
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

    #[test]
    fn sample_report() {
        insta::assert_snapshot!(render_text(&sample::report(), &plain(false)));
    }

    #[test]
    fn sample_report_verbose() {
        insta::assert_snapshot!(render_text(&sample::report(), &plain(true)));
    }
}
