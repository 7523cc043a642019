//! Every rule page's examples are real: each Example block produces the rule's finding, each
//! How-to-fix block produces none.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use acmlint::rules::docs::code_blocks;
use acmlint::rules::{Engine, RULES};

fn check_block(rule: &str, lang: &str, code: &str) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let file = match lang {
        "hcl" => "main.tf",
        "yaml" => "template.yaml",
        other => panic!("{rule}: code block in unsupported language {other:?}"),
    };
    std::fs::write(dir.path().join(file), code).unwrap();
    let options = acmlint::Options {
        paths: vec![dir.path().to_path_buf()],
        select: vec![rule.to_string()],
        ..acmlint::Options::default()
    };
    let report = acmlint::check(&options).unwrap();
    let findings = report.findings.iter().filter(|f| f.rule == rule).count();
    (findings, report.errors.len())
}

#[test]
fn examples_fire_and_fixes_are_clean() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for rule in RULES
        .iter()
        .filter(|r| matches!(r.engine, Engine::Guard { .. }))
    {
        for block in code_blocks(rule.docs) {
            if !matches!(block.lang.as_str(), "hcl" | "yaml") {
                continue;
            }
            let (findings, errors) = check_block(rule.id, &block.lang, &block.code);
            checked += 1;
            let ok = match block.section.as_str() {
                "Example" => findings > 0 && errors == 0,
                "How to fix" => findings == 0 && errors == 0,
                _ => true,
            };
            if !ok {
                problems.push(format!(
                    "{} {} ({}): {findings} findings, {errors} errors\n{}",
                    rule.id, block.section, block.lang, block.code
                ));
            }
        }
    }
    assert!(checked >= 20, "only {checked} blocks checked");
    assert!(problems.is_empty(), "{}", problems.join("\n---\n"));
}

#[test]
fn the_parse_error_example_is_a_parse_error() {
    let rule = RULES.iter().find(|r| r.id == "ACM000").unwrap();
    let block = code_blocks(rule.docs)
        .into_iter()
        .find(|b| b.section == "Example")
        .unwrap();
    let (_, errors) = check_block("ACM000", &block.lang, &block.code);
    assert_eq!(errors, 1);
}

#[test]
fn explain_reads_well_in_80_columns() {
    for rule in RULES {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_acmlint"))
            .args(["explain", rule.id])
            .env("COLUMNS", "80")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains("#~"), "{}: hidden lines shown", rule.id);
        let mut in_code = false;
        for line in text.lines() {
            if line.starts_with("```") {
                in_code = !in_code;
            } else if !in_code {
                assert!(
                    line.chars().count() <= 80,
                    "{}: prose line over 80 columns: {line}",
                    rule.id
                );
            }
        }
    }
}
