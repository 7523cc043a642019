//! A Markdown summary: a heading with the counts and a table of the active findings and input
//! errors (severity, rule, location, message). The GitHub Action writes it to the job's step
//! summary; it also fits a pull-request comment.

use super::{counted, Report};
use crate::finding::Severity;

/// Renders the summary with a trailing newline.
pub fn render_markdown(report: &Report) -> String {
    let summary = report.rendered_summary();
    let mut out = format!(
        "### acmlint: {}, {} in {}\n\n",
        counted(summary.findings, "finding", "findings"),
        counted(summary.errors, "input error", "input errors"),
        counted(summary.files, "file", "files"),
    );
    if summary.findings == 0 && summary.errors == 0 {
        out.push_str("No certificate renewal problems found.\n");
        return out;
    }
    out.push_str("| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
    for finding in report.active_findings() {
        let location = report
            .locate(finding.primary.span)
            .map_or_else(String::new, |l| {
                format!("{}:{}:{}", l.file, l.start.line, l.start.column)
            });
        out.push_str(&row(
            icon(finding.severity),
            &format!("{} {}", finding.rule, finding.name),
            &location,
            &finding.message,
        ));
    }
    for error in &report.errors {
        let at = report.error_location(error);
        let location = match at.line {
            Some(line) => format!("{}:{line}", at.file),
            None => at.file,
        };
        out.push_str(&row(
            icon(Severity::Error),
            "ACM000 parse-error",
            &location,
            &error.message,
        ));
    }
    let suppressed = report.suppressed_findings().count();
    if suppressed > 0 {
        out.push_str(&format!(
            "\n{} not shown.\n",
            counted(suppressed, "suppressed finding", "suppressed findings")
        ));
    }
    out
}

fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn row(severity: &str, rule: &str, location: &str, message: &str) -> String {
    format!(
        "| {severity} | `{}` | `{}` | {} |\n",
        code(rule),
        code(location),
        cell(message)
    )
}

/// Text for a table cell: pipes escaped, line breaks as `<br>`, HTML-significant characters
/// escaped so a message cannot inject markup.
fn cell(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// Text inside a code span in a table cell: no backticks, pipes or line breaks.
fn code(text: &str) -> String {
    text.replace('`', "'")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn sample_report() {
        insta::assert_snapshot!(render_markdown(&sample::report()));
    }

    #[test]
    fn one_row_per_active_finding_and_error() {
        let out = render_markdown(&sample::report());
        let rows = out
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| Severity"))
            .count();
        assert_eq!(rows, 5);
        assert!(out.contains("1 suppressed finding not shown."));
    }

    #[test]
    fn clean_report_says_so() {
        let out = render_markdown(&sample::clean(3));
        assert!(out.starts_with("### acmlint: 0 findings, 0 input errors in 3 files\n"));
        assert!(out.contains("No certificate renewal problems found."));
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\n<i>"), "a\\|b<br>&lt;i&gt;");
        assert_eq!(code("x`|y"), "x'\\|y");
    }
}
