//! `--format sarif` against the OASIS schema and GitHub code scanning's expectations: every
//! result names a rule of `tool.driver.rules`, has a relative location and a fingerprint, and
//! fingerprints survive a second run and a line inserted above the finding.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn sarif(dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_acmlint"))
        .current_dir(dir)
        .args(["check", "--format", "sarif", "--fail-on", "never"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).expect("SARIF is JSON")
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json").unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn assert_valid(log: &Value) {
    let validator = validator();
    let problems: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn assert_code_scanning_constraints(log: &Value) {
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap()
        .ends_with('/'));
    for result in results(log) {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], id, "{result}");
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.contains("://"), "{uri}");
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        assert!(result["partialFingerprints"]["acmlint/v1"].is_string());
    }
}

/// A copy of the demo plus a suppressed finding, an unused suppression and a broken template.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new("examples/demo") {
        let entry = entry.unwrap();
        let target = dir
            .path()
            .join(entry.path().strip_prefix("examples/demo").unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("extra.yaml"),
        "Resources:\n  # acmlint:ignore ACM004 -- the partner approves renewals\n  Partner:\n    Type: AWS::CertificateManager::Certificate\n    Metadata:\n      acmlint:\n        ignore: [ACM003]\n    Properties:\n      DomainName: partner.example.com\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [unclosed\n",
    )
    .unwrap();
    dir
}

#[test]
fn demo_output_is_valid_sarif_for_code_scanning() {
    let log = sarif(Path::new("."), &["examples/demo"]);
    assert_valid(&log);
    assert_code_scanning_constraints(&log);
    assert_eq!(results(&log).len(), 6);
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        !validator().is_valid(&broken),
        "the schema does check levels"
    );
}

#[test]
fn suppressions_and_parse_errors_are_valid_sarif() {
    let dir = workspace();
    let log = sarif(dir.path(), &[]);
    assert_valid(&log);
    assert_code_scanning_constraints(&log);
    let all = results(&log);
    let suppressed: Vec<&Value> = all
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1, "{all:#?}");
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    assert!(all.iter().any(|r| r["ruleId"] == "ACM000"));
    assert!(all.iter().any(|r| r["ruleId"] == "ACM901"));
    assert!(all.iter().any(|r| r["ruleId"] == "ACM902"));
}

fn fingerprints(log: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = results(log)
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["partialFingerprints"]["acmlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn start_lines(log: &Value) -> Vec<u64> {
    results(log)
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[test]
fn fingerprints_are_stable_across_runs_and_line_shifts() {
    let dir = workspace();
    let first = sarif(dir.path(), &[]);
    let second = sarif(dir.path(), &[]);
    assert_eq!(fingerprints(&first), fingerprints(&second));
    for file in [
        "terraform/main.tf",
        "cloudformation/edge.yaml",
        "extra.yaml",
    ] {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("\n{text}")).unwrap();
    }
    let shifted = sarif(dir.path(), &[]);
    assert_ne!(
        start_lines(&first),
        start_lines(&shifted),
        "the lines did move"
    );
    assert_eq!(fingerprints(&first), fingerprints(&shifted));
}
