//! Custom Guard policies (`--rules`) and the views they run over (`acmlint views`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use acmlint::finding::Severity;
use acmlint::rules::guard::GuardSource;
use std::process::Command;

fn policy(name: &str, text: &str) -> GuardSource {
    GuardSource {
        name: name.to_string(),
        text: text.to_string(),
    }
}

#[test]
fn a_custom_policy_reports_at_the_failing_value_with_its_severity_suffix() {
    let text = std::fs::read_to_string("examples/policies/no_wildcards.guard").unwrap();
    let options = acmlint::Options {
        paths: vec!["examples/demo/terraform".into()],
        select: vec!["ACM000".into()],
        custom_rules: vec![policy("no_wildcards.guard", &text)],
        ..acmlint::Options::default()
    };
    let report = acmlint::check(&options).unwrap();
    let found: Vec<(String, usize, Severity, String)> = report
        .findings
        .iter()
        .map(|f| {
            let (at, _) = report.sources.line_col(f.primary.span);
            (f.rule.clone(), at.line, f.severity, f.message.clone())
        })
        .collect();
    assert_eq!(
        found,
        vec![(
            "NO_WILDCARD_CERTIFICATES".to_string(),
            26,
            Severity::Error,
            "*.shop.example.com is a wildcard name: request one certificate per host instead"
                .to_string()
        )]
    );
}

#[test]
fn a_custom_policy_without_suffix_is_a_warning() {
    let options = acmlint::Options {
        paths: vec!["fixtures/ACM004/bad/tf_email".into()],
        select: vec!["ACM000".into()],
        custom_rules: vec![policy(
            "dns_only.guard",
            "rule DNS_ONLY {\n    certificate.validation_method != \"EMAIL\" <<{certificate.address} must use DNS>>\n}\n",
        )],
        ..acmlint::Options::default()
    };
    let report = acmlint::check(&options).unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].severity, Severity::Warning);
    assert_eq!(
        report.findings[0].message,
        "aws_acm_certificate.legacy must use DNS"
    );
}

#[test]
fn policies_named_like_built_in_rules_and_broken_policies_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let reserved = dir.path().join("reserved.guard");
    std::fs::write(&reserved, "rule ACM999 { usage != \"unused\" }\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_acmlint"))
        .args(["check", "examples/demo", "--rules"])
        .arg(&reserved)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reserved"));

    let broken = dir.path().join("broken.guard");
    std::fs::write(&broken, "rule BROKEN {\n    usage ==\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_acmlint"))
        .args(["check", "examples/demo", "--rules"])
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.guard"));
}

#[test]
fn views_print_one_versioned_document_per_certificate() {
    let out = Command::new(env!("CARGO_BIN_EXE_acmlint"))
        .args(["views", "examples/demo/cloudformation"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let views: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let views = views.as_array().unwrap();
    let addresses: Vec<&str> = views
        .iter()
        .map(|v| v["certificate"]["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        addresses,
        vec!["AuthCertificate", "SiteCertificate", "PartnerCertificate"]
    );
    for view in views {
        assert_eq!(view["schema_version"], 1);
        for key in [
            "usage",
            "consumers",
            "plain_http_listeners",
            "served_on_443",
            "exports",
        ] {
            assert!(view.get(key).is_some(), "{key} missing");
        }
    }
}
