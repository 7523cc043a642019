//! The command line end to end: exit codes, formats, `--output`, the configuration file,
//! suppressions, `rules`, `explain` and `init`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn acmlint(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_acmlint"));
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A directory holding one Terraform file.
fn tf(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), text).unwrap();
    dir
}

const EMAIL_CERT: &str = "resource \"aws_acm_certificate\" \"app\" {\n  domain_name       = \"app.example.com\"\n  validation_method = \"EMAIL\"\n}\n\noutput \"arn\" {\n  value = aws_acm_certificate.app.arn\n}\n";

fn json(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn exit_codes_follow_fail_on() {
    // The demo has errors and warnings.
    for (level, code) in [("error", 1), ("warning", 1), ("note", 1), ("never", 0)] {
        acmlint(here())
            .args(["check", "examples/demo", "--fail-on", level])
            .assert()
            .code(code);
    }
    // Only a warning (ACM004) and a note (ACM001, exported).
    let dir = tf(EMAIL_CERT);
    for (level, code) in [("error", 0), ("warning", 1), ("note", 1), ("never", 0)] {
        acmlint(dir.path())
            .args(["check", "--fail-on", level])
            .assert()
            .code(code);
    }
    acmlint(dir.path()).arg("check").assert().code(1);
}

#[test]
fn a_parse_error_exits_2_and_other_files_are_still_checked() {
    let dir = tf(EMAIL_CERT);
    std::fs::create_dir(dir.path().join("broken")).unwrap();
    std::fs::write(dir.path().join("broken/main.tf"), "resource \"a\" {\n").unwrap();
    let report = json(acmlint(dir.path()).args(["check", "--format", "json"]));
    assert_eq!(report["errors"][0]["rule"], "ACM000");
    assert_eq!(report["errors"][0]["file"], "broken/main.tf");
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "ACM004"));
    acmlint(dir.path())
        .args(["check", "--fail-on", "never"])
        .assert()
        .code(2);
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["check", "--select", "ACM999"][..],
        &["check", "--ignore", "no-such-rule"],
        &["check", "--format", "yaml"],
        &["check", "--format", "json", "--format", "sarif"],
        &["explain", "ACM999"],
    ] {
        let out = acmlint(here()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
}

#[test]
fn json_report_has_the_design_schema() {
    let report = json(acmlint(here()).args(["check", "examples/demo", "--format", "json"]));
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&report),
        ["version", "tool", "findings", "errors", "summary"]
    );
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["name"], "acmlint");
    for finding in report["findings"].as_array().unwrap() {
        assert_eq!(
            keys(finding),
            [
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
                "related"
            ]
        );
        assert!(finding["file"]
            .as_str()
            .unwrap()
            .starts_with("examples/demo/"));
        assert!(finding["line"].as_u64().unwrap() >= 1);
    }
    assert_eq!(
        keys(&report["summary"]),
        ["files", "resources", "certificates", "findings", "errors"]
    );
    assert_eq!(report["summary"]["findings"], 6);
}

#[test]
fn output_files_get_their_format_and_stdout_keeps_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let demo = here().join("examples/demo");
    let out = acmlint(dir.path())
        .arg("check")
        .arg(&demo)
        .args(["--format", "sarif=out.sarif", "--format", "junit=out.xml"])
        .args(["--format", "json", "--output", "report.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("ACM003(validation-record-missing)"),
        "{stdout}"
    );
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let report: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["findings"], 6);
    let junit = std::fs::read_to_string(dir.path().join("out.xml")).unwrap();
    assert!(junit.contains("failures=\"6\""), "{junit}");
}

#[test]
fn github_format_prints_workflow_commands() {
    let out = acmlint(here())
        .args(["check", "examples/demo", "--format", "github"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 6);
    assert!(stdout
        .lines()
        .all(|l| ["::error file=", "::warning file=", "::notice file="]
            .iter()
            .any(|p| l.starts_with(p))));
    assert!(stdout.contains(",title=ACM003 validation-record-missing::"));
}

#[test]
fn suppressed_findings_stay_in_json_and_do_not_fail() {
    let dir = tf(&format!(
        "# acmlint:ignore ACM004, ACM001 -- approved by the domain owner\n{EMAIL_CERT}"
    ));
    let report = json(acmlint(dir.path()).args(["check", "--format", "json"]));
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for finding in findings {
        assert_eq!(finding["suppressed"]["kind"], "inSource", "{finding}");
        assert_eq!(
            finding["suppressed"]["reason"],
            "approved by the domain owner"
        );
    }
    assert_eq!(report["summary"]["findings"], 0);
    let out = acmlint(dir.path())
        .args(["check", "--fail-on", "note"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("ACM004(email-validation)"), "{text}");
    let verbose = acmlint(dir.path())
        .args(["check", "--verbose"])
        .output()
        .unwrap();
    assert!(String::from_utf8(verbose.stdout)
        .unwrap()
        .contains("approved by the domain owner"));
}

#[test]
fn config_file_is_found_upward_and_flags_override_it() {
    let dir = tf(EMAIL_CERT);
    std::fs::write(
        dir.path().join(".acmlint.toml"),
        "fail-on = \"error\"\n[severity]\nACM004 = \"error\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/x.tf"), EMAIL_CERT).unwrap();
    let report = json(acmlint(&dir.path().join("sub")).args(["check", "--format", "json"]));
    let severities: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "ACM004")
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["error"]);
    acmlint(dir.path()).arg("check").assert().code(1);
    acmlint(dir.path())
        .args(["check", "--fail-on", "never"])
        .assert()
        .code(0);
    acmlint(dir.path())
        .args(["check", "--no-config", "--ignore", "ACM004,ACM001"])
        .assert()
        .code(0);
}

#[test]
fn per_path_ignores_are_external_suppressions() {
    let dir = tf(EMAIL_CERT);
    std::fs::write(
        dir.path().join(".acmlint.toml"),
        "[[per-path]]\npath = \"*.tf\"\nignore = [\"ACM004\"]\nreason = \"legacy\"\n",
    )
    .unwrap();
    let report = json(acmlint(dir.path()).args(["check", "--format", "json"]));
    let acm004 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ACM004")
        .unwrap()
        .clone();
    assert_eq!(acm004["suppressed"]["kind"], "external");
    assert_eq!(acm004["suppressed"]["reason"], "legacy");
}

#[test]
fn config_errors_name_the_file_line_and_column() {
    let dir = tf(EMAIL_CERT);
    let config = dir.path().join("custom.toml");
    std::fs::write(
        &config,
        "fail-on = \"error\"\nselect = [\"ACM003\", \"ACM03\"]\n",
    )
    .unwrap();
    let out = acmlint(dir.path())
        .args(["check", "--config", "custom.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: custom.toml:2:21: unknown rule `ACM03`"),
        "{stderr}"
    );
}

#[test]
fn init_writes_a_config_that_loads_and_refuses_to_overwrite() {
    let dir = tf(EMAIL_CERT);
    acmlint(dir.path()).arg("init").assert().code(0);
    let written = std::fs::read_to_string(dir.path().join(".acmlint.toml")).unwrap();
    assert!(written.contains("fail-on = \"warning\""));
    acmlint(dir.path()).arg("check").assert().code(1);
    std::fs::write(dir.path().join(".acmlint.toml"), "# mine\n").unwrap();
    acmlint(dir.path()).arg("init").assert().code(2);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".acmlint.toml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn rules_and_explain() {
    let out = acmlint(here())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"ACM003") && ids.contains(&"ACM901") && ids.contains(&"ACM902"));
    let out = acmlint(here())
        .args(["explain", "validation-record-missing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("# ACM003 validation-record-missing"));
}
