//! The command line: `acmlint check`, `acmlint rules`, `acmlint explain`.

use crate::finding::Severity;
use crate::report::text::TextOptions;
use crate::rules::{self, RuleInfo};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "acmlint",
    version,
    about = "Finds, before deployment, every reason AWS Certificate Manager would fail to renew a certificate",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Terraform and CloudFormation files or directories (default: `.`)
    Check(CheckArgs),
    /// List the rules
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Show a rule's documentation (by ID or name)
    Explain { rule: String },
    /// Print the certificate views the policies run over, as JSON (for policy authors)
    Views {
        /// Files or directories to read
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
    },
    /// Write a commented default `.acmlint.toml` in the current directory
    Init,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format, repeatable: FORMAT or FORMAT=FILE (text, json, sarif, github, junit,
    /// markdown). A format with a file is written there; the one without (default text) goes
    /// to stdout, e.g. `--format sarif=acmlint.sarif --format github`
    #[arg(long, value_name = "FORMAT[=FILE]", value_parser = parse_format_spec)]
    pub format: Vec<FormatSpec>,
    /// Write the report of the one `--format` given without `=FILE` to this file (the text
    /// report then still goes to stdout)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this level [default: warning, or the config
    /// file's `fail-on`]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// The configuration file (default: the nearest `.acmlint.toml` at or above the first path)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not read any configuration file
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Only run these rules (IDs or names, comma-separated)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (IDs or names, comma-separated)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Skip paths matching these globs
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Extra Guard policies to run over the certificate views (files or directories)
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
    /// Files larger than this many bytes are reported and skipped
    #[arg(long, default_value_t = crate::discover::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// When to use colours
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also show what could not be resolved and what was skipped
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Junit,
    Markdown,
}

/// One `--format` value: a format and, optionally, the file it is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    pub format: Format,
    pub file: Option<PathBuf>,
}

/// Parses `sarif` or `sarif=out.sarif`.
pub fn parse_format_spec(value: &str) -> Result<FormatSpec, String> {
    let (name, file) = match value.split_once('=') {
        Some((name, "")) => return Err(format!("`{name}=` needs a file name")),
        Some((name, file)) => (name, Some(PathBuf::from(file))),
        None => (value, None),
    };
    let format = Format::from_str(name, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{name}` (one of: {})", names.join(", "))
    })?;
    Ok(FormatSpec { format, file })
}

/// Where each report goes: the formats with a file, and the one for stdout (text unless a
/// `--format` without a file says otherwise). `--output` gives the file of the format without
/// one.
pub fn plan_outputs(
    specs: &[FormatSpec],
    output: Option<&std::path::Path>,
) -> Result<(Format, Vec<FormatSpec>), String> {
    let mut files = Vec::new();
    let mut stdout = Vec::new();
    for spec in specs {
        match &spec.file {
            Some(_) => files.push(spec.clone()),
            None => stdout.push(spec.format),
        }
    }
    if stdout.len() > 1 {
        return Err("only one --format can go to stdout; give the others a file: --format sarif=acmlint.sarif".into());
    }
    match (output, stdout.first()) {
        (Some(file), format) => {
            files.push(FormatSpec {
                format: format.copied().unwrap_or(Format::Text),
                file: Some(file.to_path_buf()),
            });
            Ok((Format::Text, files))
        }
        (None, format) => Ok((format.copied().unwrap_or(Format::Text), files)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    fn level(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Rules { format } => {
            print(&rules_table(format));
            0
        }
        Command::Views { paths } => views(paths),
        Command::Explain { rule } => match rules::lookup(&rule) {
            Some(info) => {
                print(&rules::docs::for_terminal(
                    info.docs,
                    terminal_width().min(100),
                ));
                0
            }
            None => {
                eprintln!("error: no rule {rule:?}; `acmlint rules` lists them");
                2
            }
        },
        Command::Init => init(std::path::Path::new(crate::config::FILE_NAME)),
    }
}

/// Writes the default configuration; refuses to replace an existing file.
fn init(path: &std::path::Path) -> i32 {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    let written = file.and_then(|mut f| f.write_all(crate::config::DEFAULT_CONFIG.as_bytes()));
    match written {
        Ok(()) => {
            println!("wrote {}", path.display());
            0
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "error: {} already exists; not overwriting it",
                path.display()
            );
            2
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            2
        }
    }
}

fn check(args: &CheckArgs) -> i32 {
    match run_check(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn run_check(args: &CheckArgs) -> Result<i32, String> {
    let custom_rules = load_policies(&args.rules)?;
    if let Some(unknown) = args
        .select
        .iter()
        .chain(&args.ignore)
        .find(|k| rules::lookup(k).is_none())
    {
        return Err(format!("no rule {unknown:?}; `acmlint rules` lists them"));
    }
    let (stdout_format, files) = plan_outputs(&args.format, args.output.as_deref())?;
    let config = load_config(args).map_err(|e| e.to_string())?;
    let options = options(args, &config, custom_rules);
    let report = crate::check(&options).map_err(|e| e.to_string())?;
    for spec in &files {
        if let Some(file) = &spec.file {
            std::fs::write(file, render(spec.format, &report, args, false))
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        }
    }
    print(&render(stdout_format, &report, args, use_color(args.color)));
    let fail_on = match args.fail_on {
        Some(level) => level.level(),
        None => config.fail_on.unwrap_or(Some(Severity::Warning)),
    };
    Ok(crate::exit_code(&report, fail_on))
}

/// The configuration: `--config`, else the nearest `.acmlint.toml`, else none.
fn load_config(args: &CheckArgs) -> Result<crate::config::Config, crate::config::ConfigError> {
    if args.no_config {
        return Ok(crate::config::Config::default());
    }
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => args.paths.first().and_then(|p| crate::config::find(p)),
    };
    path.map_or_else(
        || Ok(crate::config::Config::default()),
        |p| crate::config::load(&p),
    )
}

/// The check options: command-line flags override the configuration file; `--exclude` adds to
/// its `exclude`.
fn options(
    args: &CheckArgs,
    config: &crate::config::Config,
    custom_rules: Vec<rules::run::CustomPolicy>,
) -> crate::Options {
    let pick = |flag: &Vec<String>, file: &Vec<String>| {
        if flag.is_empty() {
            file.clone()
        } else {
            flag.clone()
        }
    };
    crate::Options {
        paths: args.paths.clone(),
        exclude: config
            .exclude
            .iter()
            .chain(&args.exclude)
            .cloned()
            .collect(),
        max_file_size: args.max_file_size,
        select: pick(&args.select, &config.select),
        ignore: pick(&args.ignore, &config.ignore),
        custom_rules,
        severity: config.severity.clone(),
        path_ignores: config.per_path.clone(),
    }
}

/// One report in one format (colour only matters for text).
fn render(format: Format, report: &crate::report::Report, args: &CheckArgs, color: bool) -> String {
    use crate::report::{github, json, junit, markdown, sarif, text};
    match format {
        Format::Text => text::render_text(
            report,
            &TextOptions {
                color,
                width: terminal_width(),
                verbose: args.verbose,
            },
        ),
        Format::Json => json::render_json(report),
        Format::Sarif => sarif::render_sarif(report),
        Format::Github => github::render_github(report),
        Format::Junit => junit::render_junit(report),
        Format::Markdown => markdown::render_markdown(report),
    }
}

fn views(paths: Vec<PathBuf>) -> i32 {
    let options = crate::Options {
        paths,
        ..crate::Options::default()
    };
    let (report, views) = crate::views(&options);
    let documents: Vec<&serde_json::Value> = views.iter().map(|v| &v.document).collect();
    print(&(serde_json::to_string_pretty(&documents).unwrap_or_default() + "\n"));
    for error in &report.errors {
        eprintln!("error[ACM000]: {}: {}", error.path, error.message);
    }
    i32::from(!report.errors.is_empty()) * 2
}

fn load_policies(paths: &[PathBuf]) -> Result<Vec<rules::run::CustomPolicy>, String> {
    let mut out = Vec::new();
    for path in paths {
        let files: Vec<PathBuf> = if path.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .into_iter()
                .filter_map(Result::ok)
                .map(|e| e.into_path())
                .filter(|p| p.extension().is_some_and(|e| e == "guard"))
                .collect();
            files.sort();
            files
        } else {
            vec![path.clone()]
        };
        for file in files {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read policy {}: {e}", file.display()))?;
            let policy = rules::guard::GuardSource {
                name: file.display().to_string(),
                text,
            };
            let names = rules::guard::rule_names(&policy).map_err(|e| e.to_string())?;
            if let Some(reserved) = names
                .iter()
                .find(|n| n.to_ascii_uppercase().starts_with("ACM"))
            {
                return Err(format!(
                    "{}: rule {reserved}: names starting with ACM are reserved for built-in rules",
                    file.display()
                ));
            }
            out.push(policy);
        }
    }
    Ok(out)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &usize| *w >= 40)
        .unwrap_or(100)
}

fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`acmlint ... | head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = stdout.write_all(b"\n");
    }
    let _ = stdout.flush();
}

/// The rule catalog as a table, JSON or Markdown (the README's table).
pub fn rules_table(format: RulesFormat) -> String {
    match format {
        RulesFormat::Text => {
            let mut out = String::new();
            for r in rules::RULES {
                out.push_str(&format!(
                    "{:<7} {:<26} {:<8} {}\n",
                    r.id, r.name, r.severity, r.summary
                ));
            }
            out
        }
        RulesFormat::Json => {
            let rows: Vec<serde_json::Value> = rules::RULES
                .iter()
                .map(|r: &RuleInfo| {
                    serde_json::json!({"id": r.id, "name": r.name, "severity": r.severity, "summary": r.summary})
                })
                .collect();
            serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
        }
        RulesFormat::Markdown => {
            let mut out = String::from("| ID | Name | Severity | Summary |\n|---|---|---|---|\n");
            for r in rules::RULES {
                out.push_str(&format!(
                    "| {} | `{}` | {} | {} |\n",
                    r.id, r.name, r.severity, r.summary
                ));
            }
            out
        }
    }
}
