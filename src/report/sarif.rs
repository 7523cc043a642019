//! SARIF 2.1.0, shaped for GitHub code scanning.
//!
//! - `tool.driver.rules` lists the whole catalog (and any user policy that produced a finding),
//!   so every `ruleIndex` points into it and code scanning shows each rule's documentation.
//! - Locations are relative to `%SRCROOT%` (the working directory, given in
//!   `originalUriBaseIds`); columns count Unicode code points (`columnKind`), as the text report.
//! - `partialFingerprints["acmlint/v1"]` hashes the rule, resource, file and message, never a
//!   line number, so an alert survives edits above it.
//! - Input errors (ACM000) are *results*, not `toolExecutionNotifications`: code scanning shows
//!   results as alerts on the file and in pull requests, while notifications only appear on the
//!   tool's status page, where nobody reviewing a change would see that a file was not analysed.
//! - Suppressed findings are results with `suppressions` (`inSource` or `external`); code
//!   scanning records them as dismissed rather than open.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::{Location, Report};
use crate::finding::{Finding, InputError, Label, Severity, SuppressionKind};
use crate::rules::{self, RuleInfo};

/// Where rule documentation pages are published: `<BASE><page>.md`.
pub const DOCS_BASE_URL: &str = "https://github.com/acmlint/acmlint/blob/main/rules/";

/// The project's home page (`tool.driver.informationUri`).
pub const HOME_URL: &str = "https://github.com/acmlint/acmlint";

const SCHEMA_URL: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of acmlint's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "acmlint/v1";

/// Renders the report as one SARIF 2.1.0 log with one run; pretty-printed, trailing newline.
pub fn render_sarif(report: &Report) -> String {
    let catalog = Catalog::new(report);
    let mut fingerprints = Fingerprints::default();
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| finding_result(report, &catalog, &mut fingerprints, f))
        .collect();
    results.extend(
        report
            .errors
            .iter()
            .map(|e| error_result(report, &catalog, &mut fingerprints, e)),
    );
    let log = json!({
        "$schema": SCHEMA_URL,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver(&catalog)},
            "originalUriBaseIds": original_uri_base_ids(),
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": true}],
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

/// The rules of `tool.driver.rules`, in order, and their indices.
struct Catalog {
    rules: Vec<Value>,
    index: HashMap<String, usize>,
}

impl Catalog {
    fn new(report: &Report) -> Self {
        let mut catalog = Catalog {
            rules: Vec::new(),
            index: HashMap::new(),
        };
        for info in rules::RULES {
            catalog.push(info.id, rule_descriptor(info));
        }
        for finding in &report.findings {
            if !catalog.index.contains_key(&finding.rule) {
                catalog.push(&finding.rule, policy_descriptor(finding));
            }
        }
        catalog
    }

    fn push(&mut self, id: &str, descriptor: Value) {
        self.index.insert(id.to_string(), self.rules.len());
        self.rules.push(descriptor);
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

fn driver(catalog: &Catalog) -> Value {
    json!({
        "name": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": HOME_URL,
        "rules": catalog.rules,
    })
}

/// A built-in rule's `reportingDescriptor`, with its documentation page as help.
fn rule_descriptor(info: &RuleInfo) -> Value {
    json!({
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": full_description(info)},
        "help": {"text": info.docs, "markdown": info.docs},
        "helpUri": format!("{DOCS_BASE_URL}{}", info.page),
        "defaultConfiguration": {"level": level(info.severity)},
        "properties": {"tags": ["security", "acm"]},
    })
}

/// A user policy's descriptor: it has no documentation beyond its name.
fn policy_descriptor(finding: &Finding) -> Value {
    json!({
        "id": finding.rule,
        "name": finding.rule,
        "shortDescription": {"text": format!("user policy {}", finding.rule)},
        "defaultConfiguration": {"level": level(finding.severity)},
    })
}

/// The first paragraph under `## What it checks`, else the summary.
fn full_description(info: &RuleInfo) -> String {
    let Some((_, rest)) = info.docs.split_once("## What it checks") else {
        return info.summary.to_string();
    };
    let paragraph: Vec<&str> = rest
        .trim_start()
        .lines()
        .take_while(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .collect();
    if paragraph.is_empty() {
        info.summary.to_string()
    } else {
        paragraph.join(" ")
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn finding_result(
    report: &Report,
    catalog: &Catalog,
    fingerprints: &mut Fingerprints,
    finding: &Finding,
) -> Value {
    let location = report.locate(finding.primary.span);
    let file = location.as_ref().map_or("", |l| l.file.as_str());
    let fingerprint = fingerprints.next(&[
        &finding.rule,
        finding.resource.as_deref().unwrap_or(""),
        file,
        &finding.message,
    ]);
    let mut result = result_head(catalog, &finding.rule, finding.severity, &message(finding));
    result.insert("locations".into(), json!([physical(location.as_ref())]));
    let related = related_locations(report, &finding.related);
    if !related.is_empty() {
        result.insert("relatedLocations".into(), Value::Array(related));
    }
    result.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint }),
    );
    if let Some(resource) = &finding.resource {
        result.insert("properties".into(), json!({ "resource": resource }));
    }
    if let Some(suppression) = &finding.suppressed {
        let kind = match suppression.kind {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::External => "external",
        };
        let mut entry = json!({"kind": kind, "status": "accepted"});
        if let Some(reason) = &suppression.reason {
            entry["justification"] = json!(reason);
        }
        result.insert("suppressions".into(), json!([entry]));
    }
    Value::Object(result)
}

/// The message, with the fix under it: code scanning shows only the message on the alert.
fn message(finding: &Finding) -> String {
    match &finding.help {
        Some(help) => format!("{}\n\nhelp: {help}", finding.message),
        None => finding.message.clone(),
    }
}

fn result_head(
    catalog: &Catalog,
    rule: &str,
    severity: Severity,
    text: &str,
) -> Map<String, Value> {
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(rule));
    if let Some(index) = catalog.index_of(rule) {
        result.insert("ruleIndex".into(), json!(index));
    }
    result.insert("level".into(), json!(level(severity)));
    result.insert("message".into(), json!({ "text": text }));
    result
}

fn error_result(
    report: &Report,
    catalog: &Catalog,
    fingerprints: &mut Fingerprints,
    error: &InputError,
) -> Value {
    let at = report.error_location(error);
    let fingerprint = fingerprints.next(&["ACM000", &at.file, &error.message]);
    let mut result = result_head(catalog, "ACM000", Severity::Error, &error.message);
    let mut region = Map::new();
    region.insert("startLine".into(), json!(at.line.unwrap_or(1)));
    if let Some(column) = at.column {
        region.insert("startColumn".into(), json!(column));
    }
    result.insert(
        "locations".into(),
        json!([{"physicalLocation": {
            "artifactLocation": artifact(&at.file),
            "region": region,
        }}]),
    );
    result.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint }),
    );
    Value::Object(result)
}

fn related_locations(report: &Report, labels: &[Label]) -> Vec<Value> {
    labels
        .iter()
        .filter_map(|label| Some((label, report.locate(label.span)?)))
        .enumerate()
        .map(|(id, (label, location))| {
            let mut value = physical(Some(&location));
            value["id"] = json!(id + 1);
            if !label.message.is_empty() {
                value["message"] = json!({ "text": label.message });
            }
            value
        })
        .collect()
}

/// A `location` with its `physicalLocation`; a finding outside the source map has none.
fn physical(location: Option<&Location>) -> Value {
    let Some(location) = location else {
        return json!({});
    };
    json!({"physicalLocation": {
        "artifactLocation": artifact(&location.file),
        "region": {
            "startLine": location.start.line,
            "startColumn": location.start.column,
            "endLine": location.end.line,
            "endColumn": location.end.column,
        },
    }})
}

/// A relative path is relative to `%SRCROOT%`; an absolute one (outside the working
/// directory) is a `file://` URI of its own.
fn artifact(path: &str) -> Value {
    if path.starts_with('/') {
        json!({ "uri": format!("file://{}", encode_path(path)) })
    } else {
        json!({ "uri": encode_path(path), "uriBaseId": "%SRCROOT%" })
    }
}

fn original_uri_base_ids() -> Value {
    let Some(cwd) = std::env::current_dir().ok().and_then(|d| {
        let text = d.to_string_lossy().replace('\\', "/");
        text.starts_with('/').then_some(text)
    }) else {
        return json!({});
    };
    let mut uri = format!("file://{}", encode_path(&cwd));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    json!({ "%SRCROOT%": { "uri": uri } })
}

/// Percent-encodes a path for a URI, keeping `/` and RFC 3986's unreserved characters.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Stable fingerprints: a hash of the parts, with a counter so that identical parts (the same
/// message twice in one file) still get distinct fingerprints, in report order.
#[derive(Default)]
struct Fingerprints {
    seen: HashMap<u64, usize>,
}

impl Fingerprints {
    fn next(&mut self, parts: &[&str]) -> String {
        let hash = fnv1a(parts);
        let count = self.seen.entry(hash).or_insert(0);
        *count += 1;
        format!("{hash:016x}:{count}")
    }
}

/// 64-bit FNV-1a over the parts, each followed by a NUL: stable across runs and platforms.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn parsed(report: &Report) -> Value {
        serde_json::from_str(&render_sarif(report)).expect("valid JSON")
    }

    #[test]
    fn every_result_points_into_the_driver_rules() {
        let log = parsed(&sample::report());
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 6, "4 findings and 2 input errors");
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
        }
    }

    #[test]
    fn locations_are_relative_to_srcroot_with_exclusive_end_columns() {
        let log = parsed(&sample::report());
        let result = &log["runs"][0]["results"][0];
        let physical = &result["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], "infra/lb.tf");
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &physical["region"];
        let width = r#"protocol          = "HTTP""#.chars().count() as u64;
        assert_eq!(
            region["endColumn"].as_u64().unwrap() - region["startColumn"].as_u64().unwrap(),
            width
        );
    }

    #[test]
    fn suppressed_findings_carry_suppressions_with_justification() {
        let log = parsed(&sample::report());
        let suppressed: Vec<&Value> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r.get("suppressions").is_some())
            .collect();
        assert_eq!(suppressed.len(), 1);
        assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
        assert_eq!(
            suppressed[0]["suppressions"][0]["justification"],
            "the security team answers the mail"
        );
    }

    #[test]
    fn input_errors_are_acm000_results_at_their_position() {
        let log = parsed(&sample::report());
        let errors: Vec<&Value> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["ruleId"] == "ACM000")
            .collect();
        assert_eq!(errors.len(), 2);
        let region = &errors[0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 4);
        assert_eq!(region["startColumn"], 6);
        assert_eq!(errors[1]["level"], "error");
    }

    #[test]
    fn fingerprints_ignore_line_numbers_and_tell_duplicates_apart() {
        let mut fingerprints = Fingerprints::default();
        let first = fingerprints.next(&["ACM003", "aws_acm_certificate.app", "main.tf", "m"]);
        let second = fingerprints.next(&["ACM003", "aws_acm_certificate.app", "main.tf", "m"]);
        assert_ne!(first, second);
        let mut again = Fingerprints::default();
        assert_eq!(
            again.next(&["ACM003", "aws_acm_certificate.app", "main.tf", "m"]),
            first
        );
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("a dir/ü.tf"), "a%20dir/%C3%BC.tf");
        assert_eq!(artifact("/abs/x.tf")["uri"], "file:///abs/x.tf");
    }

    #[test]
    fn full_description_is_the_first_paragraph_of_what_it_checks() {
        let info = rules::by_id("ACM003").unwrap();
        let text = full_description(info);
        assert!(!text.is_empty() && !text.contains('#'), "{text}");
        assert_ne!(text, info.summary);
    }
}
