//! Every rule against its fixtures: `fixtures/<RULE>/bad/<case>` must produce exactly the
//! findings its `# expect: <RULE>` markers name (JSON cases: a `<case>.expect` file with
//! `LINE RULE` lines; a directory case's `<case>.expect` has `FILE:LINE RULE` lines, for
//! findings on comment lines that cannot hold a marker), `fixtures/<RULE>/good/<case>` none of that rule; and the rendered text of
//! each case is pinned as a snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use acmlint::report::text::{render_text, TextOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

type Expected = BTreeSet<(String, usize, String)>;

fn cases() -> Vec<(String, &'static str, PathBuf)> {
    let mut out = Vec::new();
    let mut rules: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("ACM"))
        .collect();
    rules.sort();
    for rule_dir in rules {
        let rule = rule_dir.file_name().unwrap().to_string_lossy().into_owned();
        for kind in ["bad", "good"] {
            let Ok(entries) = std::fs::read_dir(rule_dir.join(kind)) else {
                continue;
            };
            let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
            entries.sort();
            for case in entries {
                if case.extension().is_some_and(|e| e == "expect") {
                    continue;
                }
                out.push((rule.clone(), kind, case));
            }
        }
    }
    out
}

fn files_of(case: &Path) -> Vec<PathBuf> {
    if case.is_file() {
        return vec![case.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(case)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn expected(case: &Path, rule: &str) -> Expected {
    let mut out = Expected::new();
    for file in files_of(case) {
        let shown = file.to_string_lossy().replace('\\', "/");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if let Some((_, marker)) = line.split_once("# expect: ") {
                for id in marker.split(',').map(str::trim) {
                    assert!(id.starts_with("ACM"), "{shown}:{}: bad marker", i + 1);
                    if id == rule {
                        out.insert((shown.clone(), i + 1, id.to_string()));
                    }
                }
            }
        }
    }
    let sidecar = case.with_extension("expect");
    if let Ok(text) = std::fs::read_to_string(&sidecar) {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (at, id) = line.split_once(' ').unwrap();
            // A directory case names the file: `main.tf:3 ACM902`.
            let (file, n) = match at.rsplit_once(':') {
                Some((file, n)) => (case.join(file), n),
                None => (case.to_path_buf(), at),
            };
            let shown = file.to_string_lossy().replace('\\', "/");
            out.insert((shown, n.parse().unwrap(), id.trim().to_string()));
        }
    }
    out
}

fn snapshot_name(rule: &str, kind: &str, case: &Path) -> String {
    let stem = case
        .file_name()
        .unwrap()
        .to_string_lossy()
        .replace('.', "_");
    format!("{rule}__{kind}__{stem}")
}

#[test]
fn every_rule_matches_its_fixtures() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() >= 20, "fixtures are missing: {}", all.len());
    for (rule, kind, case) in &all {
        let options = acmlint::Options {
            paths: vec![case.clone()],
            select: vec![rule.clone()],
            ..acmlint::Options::default()
        };
        let report = acmlint::check(&options).unwrap();
        assert!(
            report.errors.is_empty(),
            "{}: {:?}",
            case.display(),
            report.errors
        );
        let actual = findings_at(&report);
        let want = expected(case, rule);
        if *kind == "bad" && want.is_empty() {
            failures.push(format!(
                "{}: a bad case without `# expect:` markers",
                case.display()
            ));
        }
        if actual != want {
            failures.push(format!(
                "{}:\n  expected {want:?}\n  actual   {actual:?}",
                case.display()
            ));
        }
        let text = rendered(&report);
        insta::with_settings!({snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(snapshot_name(rule, kind, case), text);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_active_rule_has_bad_and_good_fixtures() {
    for rule in acmlint::rules::RULES.iter().filter(|r| r.id != "ACM000") {
        for kind in ["bad", "good"] {
            let dir = Path::new("fixtures").join(rule.id).join(kind);
            let n = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
            assert!(
                n > 0,
                "{} has no {kind} fixtures in {}",
                rule.id,
                dir.display()
            );
        }
    }
}

/// `fixtures/real-world/<case>`: a configuration shaped like public code, checked with every
/// rule; it must produce exactly the findings its markers (any rule) and sidecar name.
#[test]
fn real_world_cases_match_their_markers() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir("fixtures/real-world")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "expect"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "fixtures/real-world has no cases");
    let mut failures = Vec::new();
    for case in &cases {
        let options = acmlint::Options {
            paths: vec![case.clone()],
            ..acmlint::Options::default()
        };
        let report = acmlint::check(&options).unwrap();
        let actual: Expected = findings_at(&report)
            .into_iter()
            .chain(
                report
                    .errors
                    .iter()
                    .map(|e| (e.path.clone(), e.line.unwrap_or(0), "ACM000".to_string())),
            )
            .collect();
        let want = expected_any_rule(case);
        if actual != want {
            failures.push(format!(
                "{}:\n  expected {want:?}\n  actual   {actual:?}",
                case.display()
            ));
        }
        let text = rendered(&report);
        let name = case
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace('.', "_");
        insta::with_settings!({snapshot_path => "snapshots/real-world", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(name, text);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The findings a real-world case's markers name, whatever the rule.
fn expected_any_rule(case: &Path) -> Expected {
    let mut out = Expected::new();
    for id in acmlint::rules::RULES.iter().map(|r| r.id) {
        out.extend(expected(case, id));
    }
    out
}

/// (file, line, rule) of every finding.
fn findings_at(report: &acmlint::report::Report) -> Expected {
    report
        .findings
        .iter()
        .map(|f| {
            let (start, _) = report.sources.line_col(f.primary.span);
            let file = report.sources.path(f.primary.span.file);
            (
                file.to_string_lossy().replace('\\', "/"),
                start.line,
                f.rule.clone(),
            )
        })
        .collect()
}

/// The text report as the snapshots pin it.
fn rendered(report: &acmlint::report::Report) -> String {
    render_text(
        report,
        &TextOptions {
            color: false,
            width: 100,
            verbose: false,
        },
    )
}
