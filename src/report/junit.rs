//! JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines).
//!
//! One `<testsuite name="acmlint">`: a failing `<testcase>` per finding (its `classname` the
//! file, its name the rule and position), an `<error>` test case per input error (ACM000), a
//! `<skipped>` one per suppressed finding, and a passing test case per analysed file without
//! any of these, so a clean run still reports what it checked.

use std::collections::BTreeSet;

use super::{Report, Summary};
use crate::finding::{Finding, InputError};

/// Renders the report as a JUnit XML document with a trailing newline.
pub fn render_junit(report: &Report) -> String {
    let mut cases = Vec::new();
    let mut flagged = BTreeSet::new();
    for finding in &report.findings {
        let (case, file) = finding_case(report, finding);
        flagged.insert(file);
        cases.push(case);
    }
    for error in &report.errors {
        let file = report.error_location(error).file;
        flagged.insert(file);
        cases.push(error_case(report, error));
    }
    for file in report.sources.files() {
        let path = file.display_path();
        if !flagged.contains(&path) {
            cases.push(format!(
                "    <testcase classname=\"{}\" name=\"{}\"/>\n",
                xml(&path),
                xml(&path)
            ));
        }
    }
    let summary = report.rendered_summary();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n{}{}  </testsuite>\n</testsuites>\n",
        suite_header(report, &summary, cases.len()),
        cases.concat()
    )
}

fn suite_header(report: &Report, summary: &Summary, tests: usize) -> String {
    format!(
        "  <testsuite name=\"acmlint\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        summary.findings,
        summary.errors,
        report.suppressed_findings().count()
    )
}

/// A finding's test case and the file it is in.
fn finding_case(report: &Report, finding: &Finding) -> (String, String) {
    let location = report.locate(finding.primary.span);
    let (file, position) = match &location {
        Some(l) => (
            l.file.clone(),
            format!("{}:{}:{}", l.file, l.start.line, l.start.column),
        ),
        None => (String::new(), String::from("?")),
    };
    let name = format!("{} {} at {position}", finding.rule, finding.name);
    let body = match &finding.suppressed {
        Some(suppression) => format!(
            "      <skipped message=\"suppressed: {}\"/>\n",
            xml(suppression.reason.as_deref().unwrap_or("no reason given"))
        ),
        None => format!(
            "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
            xml(&finding.rule),
            xml(&finding.message),
            xml(&failure_text(finding, &position))
        ),
    };
    let case = format!(
        "    <testcase classname=\"{}\" name=\"{}\">\n{body}    </testcase>\n",
        xml(&file),
        xml(&name)
    );
    (case, file)
}

fn failure_text(finding: &Finding, position: &str) -> String {
    let mut text = format!(
        "{position}: {} ({}): {}",
        finding.severity, finding.rule, finding.message
    );
    if let Some(resource) = &finding.resource {
        text.push_str(&format!("\nresource: {resource}"));
    }
    if let Some(help) = &finding.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    text
}

fn error_case(report: &Report, error: &InputError) -> String {
    let at = report.error_location(error);
    let position = match (at.line, at.column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", at.file),
        (Some(line), None) => format!("{}:{line}", at.file),
        _ => at.file.clone(),
    };
    format!(
        "    <testcase classname=\"{}\" name=\"ACM000 parse-error at {}\">\n      <error type=\"ACM000\" message=\"{}\">{}: {}</error>\n    </testcase>\n",
        xml(&at.file),
        xml(&position),
        xml(&error.message),
        xml(&position),
        xml(&error.message)
    )
}

/// Escapes text for XML attributes and content; characters XML 1.0 cannot hold become U+FFFD.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push_str(&format!("&#{};", u32::from(c))),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn sample_report() {
        insta::assert_snapshot!(render_junit(&sample::report()));
    }

    #[test]
    fn counts_agree_with_the_test_cases() {
        let out = render_junit(&sample::report());
        assert!(
            out.contains(
                r#"<testsuite name="acmlint" tests="6" failures="3" errors="2" skipped="1">"#
            ),
            "{out}"
        );
        assert_eq!(out.matches("<failure ").count(), 3);
        assert_eq!(out.matches("<error ").count(), 2);
        assert_eq!(out.matches("<skipped ").count(), 1);
    }

    #[test]
    fn a_clean_run_lists_each_file_as_passing() {
        let mut report = sample::clean(0);
        report
            .sources
            .add(std::path::PathBuf::from("a&b.tf"), "x = 1\n");
        let out = render_junit(&report);
        assert!(
            out.contains(r#"<testcase classname="a&amp;b.tf" name="a&amp;b.tf"/>"#),
            "{out}"
        );
        assert!(out.contains(r#"tests="1" failures="0" errors="0""#));
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            xml("<a href='x'>&\"\u{1b}"),
            "&lt;a href=&apos;x&apos;&gt;&amp;&quot;\u{fffd}"
        );
        assert_eq!(xml("a\nb"), "a&#10;b");
    }
}
