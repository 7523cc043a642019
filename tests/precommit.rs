//! The pre-commit hook, for real: `pre-commit try-repo` builds this repository with
//! `language: rust` (`cargo install`) and runs `acmlint check` on the files of a bad and of a
//! good repository. Skipped, with a message, only when `pre-commit` is missing outside CI.
//!
//! The hook is built once: try-repo is given a committed snapshot of this working tree (so it
//! needs no shadow commit of its own and caches the environment by path and commit), and both
//! runs share one `PRE_COMMIT_HOME`; cargo builds into `target/precommit`, kept across runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// This working tree's files (tracked and new, not ignored) committed in a fresh repository.
fn snapshot(to: &Path) {
    let out = Command::new("git")
        .current_dir(here())
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .unwrap();
    for name in out.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).unwrap();
        let from = here().join(name);
        if !from.is_file() {
            continue;
        }
        let target = to.join(name);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&from, &target).unwrap();
    }
    git(to, &["init", "-q"]);
    git(to, &["add", "-A"]);
    git(to, &["commit", "-q", "-m", "snapshot"]);
}

fn project(dir: &Path, main_tf: &str) {
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    std::fs::write(dir.join("infra/main.tf"), main_tf).unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "infra"]);
}

fn try_repo(project: &Path, hook_repo: &Path, home: &Path) -> Output {
    Command::new("pre-commit")
        .current_dir(project)
        .args(["try-repo"])
        .arg(hook_repo)
        .args(["acmlint", "--all-files", "--color", "never"])
        .env("PRE_COMMIT_HOME", home)
        .env("CARGO_TARGET_DIR", here().join("target/precommit"))
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .output()
        .unwrap()
}

const BAD: &str = "resource \"aws_acm_certificate\" \"app\" {\n  domain_name       = \"app.example.com\"\n  validation_method = \"EMAIL\"\n}\n\noutput \"arn\" {\n  value = aws_acm_certificate.app.arn\n}\n";
const GOOD: &str = "resource \"aws_acm_certificate\" \"app\" {\n  domain_name       = \"app.example.com\"\n  validation_method = \"DNS\"\n}\n\nresource \"aws_route53_record\" \"validation\" {\n  for_each = { for o in aws_acm_certificate.app.domain_validation_options : o.domain_name => o }\n  zone_id  = \"Z123\"\n  name     = each.value.resource_record_name\n  type     = each.value.resource_record_type\n  records  = [each.value.resource_record_value]\n  ttl      = 60\n}\n\noutput \"arn\" {\n  value = aws_acm_certificate.app.arn\n}\n";

#[test]
fn pre_commit_hook_fails_the_bad_repository_and_passes_the_good_one() {
    if Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have pre-commit (see .ci/run)"
        );
        eprintln!("SKIPPED: pre-commit is not on PATH (python3 -m pip install pre-commit)");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let hook_repo = root.path().join("acmlint");
    let home = root.path().join("home");
    snapshot(&hook_repo);
    let started = std::time::Instant::now();
    let bad = root.path().join("bad");
    project(&bad, BAD);
    let out = try_repo(&bad, &hook_repo, &home);
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("ACM004(email-validation)"), "{log}");
    let good = root.path().join("good");
    project(&good, GOOD);
    let out = try_repo(&good, &hook_repo, &home);
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{log}");
    assert!(log.contains("acmlint") && log.contains("Passed"), "{log}");
    eprintln!("pre-commit try-repo, both runs: {:.0?}", started.elapsed());
}
