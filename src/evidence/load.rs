//! Reads evidence files: the JSON of `aws acm describe-certificate` (one object, several
//! concatenated, or an array of them; the bare `Certificate` object too) and of
//! `aws acm list-certificates` (`CertificateSummaryList`).
//!
//! A file that is not such JSON is an input error with its line and column; the records of the
//! other files (and the well-formed records of the same file) are still used.

use super::{CertificateDetail, CertificateSummary, Evidence, Location};
use crate::finding::InputError;
use crate::source::{self, SourceFile, SourceMap};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Evidence files larger than this are refused (a list of many thousand certificates is a few
/// megabytes).
pub const MAX_EVIDENCE_SIZE: u64 = 256 << 20;

/// How deep arrays of outputs may nest (`[[...]]` from `jq -s` over arrays).
const MAX_NESTING: usize = 4;

/// Reads the evidence files on their own (positions refer to a private source map).
pub fn load(paths: &[PathBuf]) -> (Vec<Evidence>, Vec<InputError>) {
    load_into(paths, &mut SourceMap::default())
}

/// Reads the evidence files, registering their text in `sources` so that findings and errors
/// can point into them.
pub fn load_into(paths: &[PathBuf], sources: &mut SourceMap) -> (Vec<Evidence>, Vec<InputError>) {
    let mut loader = Loader::default();
    for path in paths {
        let shown = source::display_path(path);
        match crate::discover::read_source(path, MAX_EVIDENCE_SIZE) {
            Ok(text) => {
                let id = sources.add(shown, text);
                if let Some(file) = sources.get(id) {
                    loader.file(file);
                }
            }
            Err(message) => loader.errors.push(InputError {
                path: shown.to_string_lossy().replace('\\', "/"),
                span: None,
                line: None,
                column: None,
                message: format!("cannot read evidence file: {message}"),
            }),
        }
    }
    (loader.evidence, loader.errors)
}

#[derive(Default)]
struct Loader {
    evidence: Vec<Evidence>,
    by_arn: HashMap<String, usize>,
    errors: Vec<InputError>,
}

/// A record found in a file, before it is merged by ARN.
enum Record {
    Detail(Box<CertificateDetail>),
    Summary(CertificateSummary),
}

const EXPECTED: &str = "expected the JSON output of `aws acm describe-certificate` \
    ({\"Certificate\": {...}}) or `aws acm list-certificates` ({\"CertificateSummaryList\": [...]})";

impl Loader {
    fn file(&mut self, file: &SourceFile) {
        let text: &str = &file.text;
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let body = text.get(bom..).unwrap_or("");
        let mut values = 0;
        for item in serde_json::Deserializer::from_str(body).into_iter::<&RawValue>() {
            match item {
                Ok(raw) => {
                    values += 1;
                    self.value(file, raw.get(), offset_in(text, raw.get()), 0);
                }
                Err(e) => {
                    let at = bom + byte_offset(body, e.line(), e.column());
                    self.error(file, at, format!("not valid JSON: {}", bare_message(&e)));
                    break;
                }
            }
        }
        if values == 0 && body.trim().is_empty() {
            self.error(file, 0, format!("the file is empty: {EXPECTED}"));
        }
    }

    /// One JSON value of a file, at byte `at`: an output object, a bare record, or an array.
    fn value(&mut self, file: &SourceFile, json: &str, at: usize, depth: usize) {
        match json.trim_start().as_bytes().first() {
            Some(b'[') if depth < MAX_NESTING => {
                match serde_json::from_str::<Vec<&RawValue>>(json) {
                    Ok(items) => {
                        for item in items {
                            let at = offset_in(&file.text, item.get());
                            self.value(file, item.get(), at, depth + 1);
                        }
                    }
                    Err(e) => self.serde_error(file, json, at, &e),
                }
            }
            Some(b'{') => self.object(file, json, at),
            _ => self.error(file, at, format!("unexpected JSON value: {EXPECTED}")),
        }
    }

    fn object(&mut self, file: &SourceFile, json: &str, at: usize) {
        let keys = match serde_json::from_str::<BTreeMap<String, IgnoredAny>>(json) {
            Ok(keys) => keys,
            Err(e) => return self.serde_error(file, json, at, &e),
        };
        if keys.contains_key("Certificate") {
            self.describe_output(file, json, at);
        } else if keys.contains_key("CertificateSummaryList") {
            self.summary_list(file, json, at);
        } else if keys.contains_key("CertificateArn") {
            let summary =
                keys.contains_key("SubjectAlternativeNameSummaries") || keys.contains_key("InUse");
            let record = if summary {
                serde_json::from_str::<CertificateSummary>(json).map(Record::Summary)
            } else {
                serde_json::from_str::<CertificateDetail>(json).map(|d| Record::Detail(Box::new(d)))
            };
            match record {
                Ok(record) => self.record(file, at, record),
                Err(e) => self.serde_error(file, json, at, &e),
            }
        } else {
            let found: Vec<&str> = keys.keys().map(String::as_str).take(5).collect();
            self.error(
                file,
                at,
                format!(
                    "not an ACM certificate: {EXPECTED}; this object has {}",
                    if found.is_empty() {
                        "no keys".to_string()
                    } else {
                        format!("the keys {}", found.join(", "))
                    }
                ),
            );
        }
    }

    /// `{"Certificate": {...}}`: the record is the inner object.
    fn describe_output(&mut self, file: &SourceFile, json: &str, at: usize) {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct RawOutput<'a> {
            #[serde(borrow)]
            certificate: &'a RawValue,
        }
        let output = match serde_json::from_str::<RawOutput>(json) {
            Ok(output) => output,
            Err(e) => return self.serde_error(file, json, at, &e),
        };
        let inner = output.certificate.get();
        let at = offset_in(&file.text, inner);
        match serde_json::from_str::<CertificateDetail>(inner) {
            Ok(detail) => self.record(file, at, Record::Detail(Box::new(detail))),
            Err(e) => self.serde_error(file, inner, at, &e),
        }
    }

    fn summary_list(&mut self, file: &SourceFile, json: &str, at: usize) {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct RawList<'a> {
            #[serde(borrow)]
            certificate_summary_list: Vec<&'a RawValue>,
        }
        let list = match serde_json::from_str::<RawList>(json) {
            Ok(list) => list,
            Err(e) => return self.serde_error(file, json, at, &e),
        };
        for item in list.certificate_summary_list {
            let at = offset_in(&file.text, item.get());
            match serde_json::from_str::<CertificateSummary>(item.get()) {
                Ok(summary) => self.record(file, at, Record::Summary(summary)),
                Err(e) => self.serde_error(file, item.get(), at, &e),
            }
        }
    }

    fn record(&mut self, file: &SourceFile, at: usize, record: Record) {
        let arn = match &record {
            Record::Detail(d) => d.certificate_arn.clone(),
            Record::Summary(s) => s.certificate_arn.clone(),
        };
        let Some(arn) = arn.filter(|a| !a.trim().is_empty()) else {
            return self.error(
                file,
                at,
                "a certificate without `CertificateArn`: acmlint cannot tell which certificate it is"
                    .into(),
            );
        };
        let location = location(file, at);
        let index = match self.by_arn.get(&arn) {
            Some(&i) => i,
            None => {
                self.by_arn.insert(arn.clone(), self.evidence.len());
                self.evidence.push(Evidence {
                    arn,
                    detail: None,
                    summary: None,
                    location: location.clone(),
                });
                self.evidence.len() - 1
            }
        };
        let Some(evidence) = self.evidence.get_mut(index) else {
            return;
        };
        // The first record of each kind wins; a detail's location is the more telling one.
        match record {
            Record::Detail(d) if evidence.detail.is_none() => {
                if evidence.summary.is_some() {
                    evidence.location = location;
                }
                evidence.detail = Some(*d);
            }
            Record::Summary(s) if evidence.summary.is_none() => evidence.summary = Some(s),
            _ => {}
        }
    }

    /// A typed-deserialization error in `json` (which starts at byte `at` of the file).
    fn serde_error(&mut self, file: &SourceFile, json: &str, at: usize, e: &serde_json::Error) {
        let within = byte_offset(json, e.line(), e.column());
        self.error(
            file,
            at + within,
            format!("invalid ACM certificate JSON: {}", bare_message(e)),
        );
    }

    fn error(&mut self, file: &SourceFile, at: usize, message: String) {
        let position = file.line_col(at);
        self.errors.push(InputError {
            path: file.display_path(),
            span: Some(file.span(at, at)),
            line: Some(position.line),
            column: Some(position.column),
            message,
        });
    }
}

fn location(file: &SourceFile, at: usize) -> Location {
    let position = file.line_col(at);
    Location {
        path: file.display_path(),
        line: position.line,
        column: position.column,
        span: file.span(at, at + 1),
    }
}

/// The byte offset of `part` in `whole`, when `part` is a slice of it.
fn offset_in(whole: &str, part: &str) -> usize {
    let start = whole.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    at.checked_sub(start)
        .filter(|o| *o <= whole.len())
        .unwrap_or(0)
}

/// The byte offset of serde_json's 1-based line and (byte) column in `text`: the column is the
/// byte just read, so the offset is the one before it.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let mut at = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// serde_json's message without its " at line L column C" (the report shows the position).
fn bare_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn loaded(files: &[(&str, &str)]) -> (Vec<Evidence>, Vec<InputError>) {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = files
            .iter()
            .map(|(name, text)| {
                let path = dir.path().join(name);
                std::fs::write(&path, text).unwrap();
                path
            })
            .collect();
        load(&paths)
    }

    const DESCRIBE: &str = r#"{
    "Certificate": {
        "CertificateArn": "arn:aws:acm:eu-west-1:111122223333:certificate/aaaa",
        "DomainName": "shop.example.org",
        "SubjectAlternativeNames": ["shop.example.org", "*.shop.example.org"],
        "Status": "ISSUED",
        "Type": "AMAZON_ISSUED",
        "NotAfter": "2027-01-31T23:59:59+00:00",
        "InUseBy": [],
        "RenewalEligibility": "INELIGIBLE"
    }
}
"#;

    const LIST: &str = r#"{
    "CertificateSummaryList": [
        {
            "CertificateArn": "arn:aws:acm:eu-west-1:111122223333:certificate/aaaa",
            "DomainName": "shop.example.org",
            "SubjectAlternativeNameSummaries": ["shop.example.org", "*.shop.example.org"],
            "HasAdditionalSubjectAlternativeNames": false,
            "InUse": false,
            "NotAfter": 1801439999
        },
        {
            "CertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/bbbb",
            "DomainName": "cdn.example.org",
            "SubjectAlternativeNameSummaries": ["cdn.example.org"],
            "HasAdditionalSubjectAlternativeNames": false,
            "Status": "ISSUED",
            "Type": "IMPORTED",
            "InUse": true
        }
    ]
}
"#;

    #[test]
    fn describe_and_list_of_one_certificate_are_merged() {
        let (evidence, errors) = loaded(&[("list.json", LIST), ("describe.json", DESCRIBE)]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(evidence.len(), 2);
        let shop = &evidence[0];
        assert!(shop.detail.is_some() && shop.summary.is_some());
        assert!(shop.location.path.ends_with("describe.json"));
        assert_eq!(shop.location.line, 2);
        assert_eq!(shop.names(), ["shop.example.org", "*.shop.example.org"]);
        assert_eq!(shop.region(), Some("eu-west-1"));
        assert_eq!(shop.in_use(), Some(false));
        assert_eq!(shop.not_after().unwrap().date(), "2027-01-31");
        let cdn = &evidence[1];
        assert!(cdn.detail.is_none());
        assert_eq!(cdn.cert_type(), Some("IMPORTED"));
        assert_eq!(cdn.location.line, 11);
        assert!(cdn.names_complete());
    }

    #[test]
    fn concatenated_objects_and_arrays_are_read() {
        let second = DESCRIBE.replace("aaaa", "cccc");
        let concatenated = format!("{DESCRIBE}{second}");
        let (evidence, errors) = loaded(&[("many.json", &concatenated)]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(evidence.len(), 2);
        assert_eq!(evidence[1].location.line, 14);
        let array = format!("[{DESCRIBE}, {second}]");
        let (evidence, errors) = loaded(&[("array.json", &array)]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(evidence.len(), 2);
        let bare = r#"{"CertificateArn": "arn:aws:acm:eu-west-1:1:certificate/d", "DomainName": "a.example"}"#;
        let (evidence, _) = loaded(&[("bare.json", bare)]);
        assert_eq!(evidence[0].names(), ["a.example"]);
        assert!(evidence[0].detail.is_some());
    }

    #[test]
    fn bad_files_are_errors_with_positions_and_the_rest_is_read() {
        let wrong_type = DESCRIBE.replace("\"InUseBy\": []", "\"InUseBy\": \"none\"");
        let (evidence, errors) = loaded(&[
            (
                "broken.json",
                "{\n  \"Certificate\": {\n    \"DomainName\": \"x\",\n  }\n}\n",
            ),
            ("wrong.json", &wrong_type),
            ("other.json", "{\"Certificates\": []}"),
            ("empty.json", "\n"),
            (
                "time.json",
                &DESCRIBE.replace("2027-01-31T23:59:59+00:00", "31/01/2027"),
            ),
            (
                "noarn.json",
                "{\"Certificate\": {\"DomainName\": \"x.example\"}}",
            ),
            ("good.json", LIST),
        ]);
        assert_eq!(evidence.len(), 2, "the good file is still read");
        let seen: Vec<(String, Option<usize>, Option<usize>, &str)> = errors
            .iter()
            .map(|e| {
                let name = e.path.rsplit('/').next().unwrap().to_string();
                (name, e.line, e.column, e.message.as_str())
            })
            .collect();
        assert_eq!(seen.len(), 6, "{seen:#?}");
        assert_eq!(seen[0].0, "broken.json");
        assert_eq!((seen[0].1, seen[0].2), (Some(4), Some(3)));
        assert!(
            seen[0]
                .3
                .starts_with("not valid JSON: key must be a string"),
            "{}",
            seen[0].3
        );
        assert_eq!((seen[1].1, seen[1].2), (Some(9), Some(25)), "{seen:?}");
        assert!(seen[1].3.contains("expected a sequence"), "{}", seen[1].3);
        assert!(seen[2].3.contains("this object has the keys Certificates"));
        assert!(seen[3].3.starts_with("the file is empty"));
        assert_eq!(seen[4].1, Some(8));
        assert!(seen[4]
            .3
            .contains("`31/01/2027` is not an ISO 8601 timestamp"));
        assert!(seen[5].3.contains("without `CertificateArn`"));
    }

    #[test]
    fn a_missing_file_is_an_error_without_position() {
        let (evidence, errors) = load(&[PathBuf::from("/nonexistent/evidence.json")]);
        assert!(evidence.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.starts_with("cannot read evidence file"));
        assert_eq!(errors[0].line, None);
    }
}
