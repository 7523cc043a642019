//! acmlint finds, before deployment, every reason AWS Certificate Manager would fail to renew a
//! certificate automatically.
//!
//! The pipeline, one module per stage:
//! [`discover`] files → [`parse`] them with spans → [`model`] one resource graph for Terraform
//! and CloudFormation, with whole-graph facts and one view per certificate → [`rules`] evaluate
//! the views (Guard policies in `rules/`) → [`report`] render the findings.

pub mod cli;
pub mod config;
pub mod discover;
pub mod evidence;
pub mod finding;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;

use finding::{InputError, Severity};
use model::terraform::TfDir;
use parse::ParseError;
use rayon::prelude::*;
use report::{Report, Summary};
use rules::RuleInfo;
use source::{FileId, SourceMap};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What to check and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub exclude: Vec<String>,
    pub max_file_size: u64,
    /// Built-in rules to run (all when empty), by ID or name.
    pub select: Vec<String>,
    /// Built-in rules not to run, by ID or name.
    pub ignore: Vec<String>,
    /// User policies (`--rules`).
    pub custom_rules: Vec<rules::run::CustomPolicy>,
    /// Per-rule severities (`[severity]` in the config file), by rule ID.
    pub severity: Vec<(String, Severity)>,
    /// Rules suppressed under some paths (`[[per-path]]` in the config file).
    pub path_ignores: Vec<config::PathIgnore>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: vec![PathBuf::from(".")],
            exclude: Vec::new(),
            max_file_size: discover::DEFAULT_MAX_FILE_SIZE,
            select: Vec::new(),
            ignore: Vec::new(),
            custom_rules: Vec::new(),
            severity: Vec::new(),
            path_ignores: Vec::new(),
        }
    }
}

/// An error that stops the whole run (not one file): a user policy that does not parse.
#[derive(Debug)]
pub struct FatalError(pub String);

impl std::fmt::Display for FatalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FatalError {}

/// Runs the whole pipeline.
pub fn check(options: &Options) -> Result<Report, FatalError> {
    let analysis = analyse(options);
    let selected = selected_rules(options);
    let directives = suppress::collect(&analysis.run.sources, &analysis.templates);
    let evaluated = suppress::rules_to_evaluate(&selected, &directives, &options.ignore);
    let mut findings = rules::run::evaluate(&analysis.views, &evaluated, &options.custom_rules)
        .map_err(|e| FatalError(e.to_string()))?;
    let custom = custom_rule_names(&options.custom_rules);
    let evaluated_ids: Vec<String> = evaluated
        .iter()
        .map(|r| r.id.to_string())
        .chain(custom.iter().cloned())
        .collect();
    let problems = suppress::apply(
        &mut findings,
        &directives,
        &suppress::Context {
            sources: &analysis.run.sources,
            graph: &analysis.graph,
            evaluated: &evaluated_ids,
            custom_rules: &custom,
        },
    );
    findings.extend(problems);
    config::apply_severity(&mut findings, &options.severity);
    config::apply_path_ignores(&mut findings, &options.path_ignores, &analysis.run.sources);
    findings.retain(|f| custom.contains(&f.rule) || selected.iter().any(|r| r.id == f.rule));
    report::sort_findings(&mut findings, &analysis.run.sources);
    let (mut report, _) = analysis.into_report();
    report.summary.findings = findings.iter().filter(|f| f.suppressed.is_none()).count();
    report.findings = findings;
    Ok(report)
}

/// Every stage up to the views: the report (sources, input errors, summary) without findings,
/// and one view per certificate.
pub fn views(options: &Options) -> (Report, Vec<model::view::View>) {
    analyse(options).into_report()
}

/// What the stages before the rules produce.
struct Analysis {
    run: Run,
    templates: Vec<parse::tree::Node>,
    graph: model::Graph,
    views: Vec<model::view::View>,
}

impl Analysis {
    fn into_report(self) -> (Report, Vec<model::view::View>) {
        let Analysis {
            mut run,
            graph,
            views,
            ..
        } = self;
        let mut unresolved: Vec<String> = graph
            .unresolved
            .iter()
            .map(|u| format!("unresolved: {u}"))
            .collect();
        unresolved.sort();
        unresolved.dedup();
        run.diagnostics.extend(unresolved);
        let summary = Summary {
            files: run.sources.len(),
            resources: graph.resources.len(),
            certificates: graph.certificates.len(),
            findings: 0,
            errors: run.errors.len(),
        };
        let report = Report {
            sources: run.sources,
            findings: Vec::new(),
            errors: run.errors,
            summary,
            diagnostics: run.diagnostics,
        };
        (report, views)
    }
}

/// Discover, parse, build the graph and the views.
fn analyse(options: &Options) -> Analysis {
    let discover_options = discover::DiscoverOptions {
        exclude: options.exclude.clone(),
        max_file_size: options.max_file_size,
    };
    let found = discover::discover(&options.paths, &discover_options);
    let mut run = Run {
        sources: SourceMap::default(),
        errors: found.errors,
        diagnostics: found
            .skipped
            .iter()
            .map(|(path, why)| format!("skipped {}: {why}", source::display_path(path).display()))
            .collect(),
        max_file_size: options.max_file_size,
    };
    let mut dirs: Vec<TfDir> = found
        .terraform_dirs
        .iter()
        .filter_map(|d| run.load_terraform_dir(&d.dir, &d.files, &d.tfvars, true))
        .collect();
    run.load_local_modules(&mut dirs);
    let templates = run.load_templates(&found.cloudformation_candidates);

    let mut graph = model::Graph::default();
    model::terraform::build(&dirs, &mut graph);
    for root in &templates {
        let path = run
            .sources
            .path(root.span.file)
            .to_string_lossy()
            .replace('\\', "/");
        model::cloudformation::build(&model::cloudformation::Template { root, path }, &mut graph);
    }
    let facts = model::facts::compute(&graph);
    let views = model::view::build(&graph, &facts);
    Analysis {
        run,
        templates,
        graph,
        views,
    }
}

/// The rule names the user's policies define.
fn custom_rule_names(policies: &[rules::run::CustomPolicy]) -> Vec<String> {
    policies
        .iter()
        .filter_map(|p| rules::guard::rule_names(p).ok())
        .flatten()
        .map(|name| name.split("__").next().unwrap_or(&name).to_string())
        .collect()
}

/// The built-in rules `--select` and `--ignore` leave.
pub fn selected_rules(options: &Options) -> Vec<&'static RuleInfo> {
    let matches = |rule: &RuleInfo, keys: &[String]| {
        keys.iter()
            .any(|k| k.eq_ignore_ascii_case(rule.id) || k.eq_ignore_ascii_case(rule.name))
    };
    rules::RULES
        .iter()
        .filter(|r| options.select.is_empty() || matches(r, &options.select))
        .filter(|r| !matches(r, &options.ignore))
        .collect()
}

/// The state of one run while files are loaded.
struct Run {
    sources: SourceMap,
    errors: Vec<InputError>,
    diagnostics: Vec<String>,
    max_file_size: u64,
}

impl Run {
    /// Reads and parses (in parallel) the files of one Terraform directory.
    fn load_terraform_dir(
        &mut self,
        dir: &Path,
        files: &[PathBuf],
        tfvars: &[PathBuf],
        given: bool,
    ) -> Option<TfDir> {
        let canonical = dir.canonicalize().ok()?;
        let files = self.read_and_parse(files, parse::hcl::parse_hcl);
        let tfvars = self.read_and_parse(tfvars, parse::hcl::parse_hcl);
        Some(TfDir {
            dir: canonical,
            files,
            tfvars,
            given,
        })
    }

    /// Loads the local modules the analysed directories call but that were not given.
    fn load_local_modules(&mut self, dirs: &mut Vec<TfDir>) {
        let mut known: HashSet<PathBuf> = dirs.iter().map(|d| d.dir.clone()).collect();
        let mut next = 0;
        while next < dirs.len() && dirs.len() < 10_000 {
            let sources = model::terraform::local_module_sources(&dirs[next]);
            next += 1;
            for source in sources {
                if !known.insert(source.clone()) {
                    continue;
                }
                let files = tf_files(&source);
                if let Some(dir) = self.load_terraform_dir(&source, &files, &[], false) {
                    dirs.push(dir);
                }
            }
        }
    }

    /// Reads and parses the CloudFormation candidates; keeps the templates.
    fn load_templates(&mut self, candidates: &[PathBuf]) -> Vec<parse::tree::Node> {
        let ids = self.read_all(candidates);
        let parsed = self.parse_all(&ids, parse::cfn::parse_template);
        let mut templates = Vec::new();
        for (id, result) in parsed {
            match result {
                Ok(root) if parse::cfn::is_cloudformation(&root) => templates.push(root),
                Ok(_) => self.diagnostics.push(format!(
                    "skipped {}: not a CloudFormation template",
                    self.sources.path(id).display()
                )),
                // A broken file that only mentions AWS:: in passing is not reported as broken
                // CloudFormation unless it looks like a template.
                Err(e)
                    if self
                        .sources
                        .get(id)
                        .is_some_and(|f| looks_like_template(&f.text)) =>
                {
                    self.parse_error(e);
                }
                Err(e) => self.diagnostics.push(format!(
                    "skipped {}: not parseable and not recognisably CloudFormation ({})",
                    self.sources.path(id).display(),
                    e.message
                )),
            }
        }
        templates
    }

    fn read_and_parse<T: Send>(
        &mut self,
        paths: &[PathBuf],
        parse: fn(&source::SourceFile) -> Result<T, ParseError>,
    ) -> Vec<(FileId, T)> {
        let ids = self.read_all(paths);
        let mut out = Vec::new();
        for (id, result) in self.parse_all(&ids, parse) {
            match result {
                Ok(value) => out.push((id, value)),
                Err(e) => self.parse_error(e),
            }
        }
        out
    }

    /// Parses registered files in parallel (each file's text and line index exist once).
    fn parse_all<T: Send>(
        &self,
        ids: &[FileId],
        parse: fn(&source::SourceFile) -> Result<T, ParseError>,
    ) -> Vec<(FileId, Result<T, ParseError>)> {
        ids.par_iter()
            .filter_map(|id| {
                self.sources
                    .get(*id)
                    .map(|file| (*id, parse_guarded(file, parse)))
            })
            .collect()
    }

    /// Reads files in parallel; registers the readable ones, records errors for the others.
    fn read_all(&mut self, paths: &[PathBuf]) -> Vec<FileId> {
        let max = self.max_file_size;
        let texts: Vec<(&PathBuf, Result<String, String>)> = paths
            .par_iter()
            .map(|p| (p, discover::read_source(p, max)))
            .collect();
        let mut out = Vec::new();
        for (path, text) in texts {
            let shown = source::display_path(path);
            match text {
                Ok(text) => out.push(self.sources.add(shown, text)),
                Err(message) => self.errors.push(InputError {
                    path: shown.to_string_lossy().replace('\\', "/"),
                    span: None,
                    line: None,
                    column: None,
                    message,
                }),
            }
        }
        out
    }

    fn parse_error(&mut self, e: ParseError) {
        let Some(file) = self.sources.get(e.span.file) else {
            return;
        };
        let at = file.line_col(e.span.start as usize);
        self.errors.push(InputError {
            path: file.display_path(),
            span: Some(e.span),
            line: Some(at.line),
            column: Some(at.column),
            message: e.message,
        });
    }
}

/// Runs one file's parser; a panic in it becomes that file's parse error (ACM000) instead of
/// ending the run.
fn parse_guarded<T>(
    file: &source::SourceFile,
    parse: fn(&source::SourceFile) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(file))).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(ParseError::new(
            format!("internal error while parsing: {what}"),
            file.span(0, 0),
        ))
    })
}

fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
}

/// The `.tf` files of a module directory loaded on demand.
fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf" || e == "tofu") && p.is_file())
        .collect();
    files.sort();
    files
}

/// The exit code for a report: 2 when some input could not be analysed, 1 when a finding is
/// at or above `fail_on`, else 0.
pub fn exit_code(report: &Report, fail_on: Option<Severity>) -> i32 {
    if !report.errors.is_empty() {
        return 2;
    }
    match fail_on {
        Some(level) if report.active_findings().any(|f| f.severity >= level) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn boom(_: &source::SourceFile) -> Result<(), ParseError> {
        panic!("boom at {}", 42)
    }

    #[test]
    fn a_panicking_parser_is_a_parse_error_of_its_file() {
        let file = source::SourceFile::new(FileId(3), PathBuf::new(), "x");
        let error = parse_guarded(&file, boom).unwrap_err();
        assert_eq!(error.message, "internal error while parsing: boom at 42");
        assert_eq!(error.span, file.span(0, 0));
    }

    #[test]
    fn a_panicking_parser_does_not_stop_the_others() {
        let tmp = std::env::temp_dir().join(format!("acmlint-guard-{}", std::process::id()));
        std::fs::create_dir_all(&tmp).ok();
        let paths: Vec<PathBuf> = ["a.tf", "b.tf"].iter().map(|n| tmp.join(n)).collect();
        for p in &paths {
            std::fs::write(p, "x = 1\n").ok();
        }
        let mut run = Run {
            sources: SourceMap::default(),
            errors: Vec::new(),
            diagnostics: Vec::new(),
            max_file_size: 1 << 20,
        };
        let parsed = run.read_and_parse(&paths, boom);
        std::fs::remove_dir_all(&tmp).ok();
        assert!(parsed.is_empty());
        assert_eq!(run.errors.len(), 2);
        assert!(run
            .errors
            .iter()
            .all(|e| e.message == "internal error while parsing: boom at 42" && e.line == Some(1)));
    }
}
