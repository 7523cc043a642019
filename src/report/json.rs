//! The stable JSON report (DESIGN.md, version 1): what other tools and the acceptance checks
//! read. Every member is always present (`null` when unknown), except `suppressed`, which only
//! suppressed findings carry.

use serde::Serialize;

use super::{Location, Report, Summary};
use crate::finding::{Finding, InputError, Label, Severity, Suppression, SuppressionKind};

/// The version of the schema below; bumped only on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// The stable JSON report of DESIGN.md (version 1): pretty-printed, with a trailing newline.
pub fn render_json(report: &Report) -> String {
    let document = JsonReport::new(report);
    match serde_json::to_string_pretty(&document) {
        Ok(mut json) => {
            json.push('\n');
            json
        }
        // Unreachable: every map key is a string. Still valid JSON, and says what went wrong.
        Err(error) => format!(
            "{}\n",
            serde_json::json!({ "version": SCHEMA_VERSION, "error": error.to_string() })
        ),
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
    summary: Summary,
}

impl<'a> JsonReport<'a> {
    fn new(report: &'a Report) -> Self {
        JsonReport {
            version: SCHEMA_VERSION,
            tool: Tool::default(),
            findings: report
                .findings
                .iter()
                .map(|finding| JsonFinding::new(report, finding))
                .collect(),
            errors: report
                .errors
                .iter()
                .map(|error| JsonError::new(report, error))
                .collect(),
            summary: report.rendered_summary(),
        }
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    resource: Option<&'a str>,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppression<'a>>,
}

impl<'a> JsonFinding<'a> {
    fn new(report: &Report, finding: &'a Finding) -> Self {
        let location = report.locate(finding.primary.span);
        let (start, end) = match &location {
            Some(Location { start, end, .. }) => (Some(*start), Some(*end)),
            None => (None, None),
        };
        JsonFinding {
            rule: &finding.rule,
            name: &finding.name,
            severity: finding.severity,
            message: &finding.message,
            resource: finding.resource.as_deref(),
            file: location.map(|location| location.file),
            line: start.map(|at| at.line),
            column: start.map(|at| at.column),
            end_line: end.map(|at| at.line),
            end_column: end.map(|at| at.column),
            help: finding.help.as_deref(),
            related: finding
                .related
                .iter()
                .map(|label| JsonRelated::new(report, label))
                .collect(),
            suppressed: finding.suppressed.as_ref().map(JsonSuppression::new),
        }
    }
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

impl<'a> JsonRelated<'a> {
    fn new(report: &Report, label: &'a Label) -> Self {
        let location = report.locate(label.span);
        JsonRelated {
            line: location.as_ref().map(|l| l.start.line),
            column: location.as_ref().map(|l| l.start.column),
            file: location.map(|l| l.file),
            message: &label.message,
        }
    }
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    reason: Option<&'a str>,
}

impl<'a> JsonSuppression<'a> {
    fn new(suppression: &'a Suppression) -> Self {
        JsonSuppression {
            kind: match suppression.kind {
                SuppressionKind::InSource => "inSource",
                SuppressionKind::External => "external",
            },
            reason: suppression.reason.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct JsonError<'a> {
    rule: &'static str,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

impl<'a> JsonError<'a> {
    fn new(report: &Report, error: &'a InputError) -> Self {
        let location = report.error_location(error);
        JsonError {
            rule: "ACM000",
            file: location.file,
            line: location.line,
            column: location.column,
            message: &error.message,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::report::sample;
    use serde_json::Value;

    fn parsed() -> Value {
        serde_json::from_str(&render_json(&sample::report())).expect("valid JSON")
    }

    #[test]
    fn sample_report() {
        insta::assert_snapshot!(render_json(&sample::report()));
    }

    #[test]
    fn ends_with_one_newline() {
        let json = render_json(&sample::report());
        assert!(json.ends_with("}\n") && !json.ends_with("\n\n"));
    }

    fn assert_kind(value: &Value, key: &str, check: fn(&Value) -> bool, what: &str) {
        let member = value
            .get(key)
            .unwrap_or_else(|| panic!("missing `{key}` in {value}"));
        assert!(check(member), "`{key}` should be {what}, is {member}");
    }

    fn string(v: &Value) -> bool {
        v.is_string()
    }
    fn number(v: &Value) -> bool {
        v.is_u64()
    }
    fn string_or_null(v: &Value) -> bool {
        v.is_string() || v.is_null()
    }
    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn top_level_members_and_tool() {
        let json = parsed();
        assert_eq!(
            keys(&json),
            ["version", "tool", "findings", "errors", "summary"]
        );
        assert_eq!(json["version"], 1);
        assert_eq!(json["tool"]["name"], "acmlint");
        assert_eq!(json["tool"]["version"], env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn every_finding_member_has_its_type() {
        let json = parsed();
        let findings = json["findings"].as_array().expect("findings array");
        assert_eq!(findings.len(), 4);
        for finding in findings {
            let mut expected = vec![
                "rule",
                "name",
                "severity",
                "message",
                "resource",
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "help",
                "related",
            ];
            if finding.get("suppressed").is_some() {
                expected.push("suppressed");
            }
            assert_eq!(keys(finding), expected);
            for key in ["rule", "name", "message", "file"] {
                assert_kind(finding, key, string, "a string");
            }
            assert_kind(
                finding,
                "severity",
                |v| matches!(v.as_str(), Some("error" | "warning" | "note")),
                "error, warning or note",
            );
            for key in ["line", "column", "end_line", "end_column"] {
                assert_kind(finding, key, number, "a number");
            }
            for key in ["resource", "help"] {
                assert_kind(finding, key, string_or_null, "a string or null");
            }
            for related in finding["related"].as_array().expect("related array") {
                assert_eq!(keys(related), ["file", "line", "column", "message"]);
                assert_kind(related, "file", string, "a string");
                assert_kind(related, "line", number, "a number");
                assert_kind(related, "column", number, "a number");
                assert_kind(related, "message", string, "a string");
            }
        }
    }

    #[test]
    fn only_suppressed_findings_carry_suppressed() {
        let json = parsed();
        let findings = json["findings"].as_array().expect("findings array");
        let suppressed: Vec<&Value> = findings
            .iter()
            .filter_map(|f| f.get("suppressed"))
            .collect();
        assert_eq!(suppressed.len(), 1);
        assert_eq!(suppressed[0]["kind"], "inSource");
        assert_kind(suppressed[0], "reason", string_or_null, "a string or null");
        assert_eq!(
            json["summary"]["findings"], 3,
            "suppressed ones do not count"
        );
    }

    #[test]
    fn every_error_member_has_its_type() {
        let json = parsed();
        let errors = json["errors"].as_array().expect("errors array");
        assert_eq!(errors.len(), 2);
        for error in errors {
            assert_eq!(keys(error), ["rule", "file", "line", "column", "message"]);
            assert_eq!(error["rule"], "ACM000");
            assert_kind(error, "file", string, "a string");
            assert_kind(error, "message", string, "a string");
            for key in ["line", "column"] {
                assert_kind(
                    error,
                    key,
                    |v| v.is_u64() || v.is_null(),
                    "a number or null",
                );
            }
        }
        assert_eq!(errors[0]["line"], 4);
        assert_eq!(errors[1]["line"], Value::Null);
    }

    #[test]
    fn summary_members_are_numbers() {
        let json = parsed();
        let summary = &json["summary"];
        assert_eq!(
            keys(summary),
            ["files", "resources", "certificates", "findings", "errors"]
        );
        for key in ["files", "resources", "certificates", "findings", "errors"] {
            assert_kind(summary, key, number, "a number");
        }
    }

    #[test]
    fn finding_outside_the_source_map_has_null_position() {
        let mut report = sample::report();
        report.findings.truncate(1);
        report.findings[0].primary.span.file = crate::source::FileId(99);
        let json: Value = serde_json::from_str(&render_json(&report)).expect("valid JSON");
        let finding = &json["findings"][0];
        for key in ["file", "line", "column", "end_line", "end_column"] {
            assert_eq!(finding[key], Value::Null, "{key}");
        }
    }
}
