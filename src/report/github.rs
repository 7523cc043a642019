//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per active
//! finding and input error, which GitHub shows as annotations on the changed lines.
//!
//! `::error file=infra/main.tf,line=12,col=3,endLine=12,endColumn=48,title=ACM003 validation-record-missing::message`
//!
//! Data is escaped as the runner expects (`%`, CR, LF), properties also `:` and `,`.

use super::Report;
use crate::finding::{Finding, InputError, Severity};
use crate::rules;

/// Renders one workflow command per line; suppressed findings are left out.
pub fn render_github(report: &Report) -> String {
    let mut out = String::new();
    for finding in report.active_findings() {
        out.push_str(&finding_command(report, finding));
        out.push('\n');
    }
    for error in &report.errors {
        out.push_str(&error_command(report, error));
        out.push('\n');
    }
    out
}

fn finding_command(report: &Report, finding: &Finding) -> String {
    let mut properties = Vec::new();
    if let Some(location) = report.locate(finding.primary.span) {
        properties.push(("file", location.file));
        properties.push(("line", location.start.line.to_string()));
        properties.push(("col", location.start.column.to_string()));
        properties.push(("endLine", location.end.line.to_string()));
        properties.push(("endColumn", location.end.column.to_string()));
    }
    properties.push(("title", title(&finding.rule, &finding.name)));
    let message = match &finding.help {
        Some(help) => format!("{}\nhelp: {help}", finding.message),
        None => finding.message.clone(),
    };
    command(command_name(finding.severity), &properties, &message)
}

fn error_command(report: &Report, error: &InputError) -> String {
    let at = report.error_location(error);
    let mut properties = vec![("file", at.file)];
    if let Some(line) = at.line {
        properties.push(("line", line.to_string()));
    }
    if let Some(column) = at.column {
        properties.push(("col", column.to_string()));
    }
    let name = rules::by_id("ACM000").map_or("parse-error", |r| r.name);
    properties.push(("title", title("ACM000", name)));
    command("error", &properties, &error.message)
}

fn title(rule: &str, name: &str) -> String {
    if name.is_empty() || name == rule {
        rule.to_string()
    } else {
        format!("{rule} {name}")
    }
}

fn command_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

fn command(name: &str, properties: &[(&str, String)], message: &str) -> String {
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    format!(
        "::{name} {}::{}",
        properties.join(","),
        escape_data(message)
    )
}

/// Escapes a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as data, and `:` and `,`, which end properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn sample_report() {
        insta::assert_snapshot!(render_github(&sample::report()));
    }

    #[test]
    fn one_line_per_active_finding_and_error() {
        let out = render_github(&sample::report());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3 + 2, "3 active findings, 2 errors");
        assert!(lines[0].starts_with(
            "::warning file=infra/lb.tf,line=11,col=3,endLine=11,endColumn=29,title=ACM002 listener-not-https::"
        ), "{}", lines[0]);
        assert!(lines.iter().any(|l| l.starts_with("::notice ")));
        assert!(!out.contains("ACM004"), "suppressed findings are left out");
    }

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn errors_without_position_name_only_the_file() {
        let out = render_github(&sample::report());
        assert!(
            out.contains(
                "::error file=modules/vendor/big.tf,title=ACM000 parse-error::cannot read file: permission denied\n"
            ),
            "{out}"
        );
    }
}
