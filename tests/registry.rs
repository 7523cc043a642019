//! The registry is the single source of rule metadata: these tests keep everything that is
//! derived from it, and everything it points at, consistent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use acmlint::cli::{rules_table, RulesFormat};
use acmlint::rules::{Engine, RULES};
use std::collections::HashSet;

#[test]
fn ids_and_names_are_unique_and_well_formed() {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for rule in RULES {
        assert!(ids.insert(rule.id), "duplicate id {}", rule.id);
        assert!(names.insert(rule.name), "duplicate name {}", rule.name);
        assert!(
            rule.id.len() == 6 && rule.id.starts_with("ACM"),
            "{}",
            rule.id
        );
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            rule.name
        );
        assert!(
            !rule.summary.ends_with('.'),
            "{}: summary ends with a period",
            rule.id
        );
        assert!(rule.summary.len() < 80, "{}: summary too long", rule.id);
    }
    let sorted: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    let mut expected = sorted.clone();
    expected.sort_unstable();
    assert_eq!(sorted, expected, "rules must be listed in ID order");
}

#[test]
fn every_guard_file_belongs_to_exactly_one_rule_and_names_its_rules_after_it() {
    let mut referenced = HashSet::new();
    for rule in RULES {
        if let Engine::Guard { file, source } = rule.engine {
            referenced.insert(file.to_string());
            let names = acmlint::rules::guard::rule_names(&acmlint::rules::guard::GuardSource {
                name: file.to_string(),
                text: source.to_string(),
            })
            .unwrap();
            assert!(!names.is_empty(), "{file} defines no rule");
            for name in names {
                let id = name.split("__").next().unwrap();
                assert_eq!(
                    id, rule.id,
                    "{file}: rule {name} is not named after {}",
                    rule.id
                );
            }
        }
    }
    for entry in std::fs::read_dir("rules").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "guard") {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                referenced.contains(&file),
                "rules/{file} is not in the registry"
            );
        }
    }
}

#[test]
fn every_rule_page_has_the_sections_in_order() {
    for rule in RULES {
        let title = format!("# {} {}", rule.id, rule.name);
        assert!(
            rule.docs.starts_with(&title),
            "{}: page must start with `{title}`",
            rule.id
        );
        let mut at = 0;
        for heading in [
            "## What it checks",
            "## Why it matters for renewal",
            "## Example",
            "## How to fix",
        ] {
            let found = rule.docs[at..].find(heading);
            assert!(
                found.is_some(),
                "{}: missing or misplaced `{heading}`",
                rule.id
            );
            at += found.unwrap_or(0);
        }
    }
}

#[test]
fn readme_rule_table_is_current() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("<!-- rules:start -->\n")
        .expect("rules:start marker")
        + 21;
    let end = readme.find("<!-- rules:end -->").expect("rules:end marker");
    assert_eq!(
        &readme[start..end],
        rules_table(RulesFormat::Markdown),
        "README.md's rule table is stale: replace it with `cargo run -- rules --format markdown`"
    );
}
