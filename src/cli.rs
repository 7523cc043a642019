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
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with 1 when a finding is at or above this level
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
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
    }
}

fn check(args: &CheckArgs) -> i32 {
    let custom_rules = match load_policies(&args.rules) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if let Some(unknown) = args
        .select
        .iter()
        .chain(&args.ignore)
        .find(|k| rules::lookup(k).is_none())
    {
        eprintln!("error: no rule {unknown:?}; `acmlint rules` lists them");
        return 2;
    }
    let options = crate::Options {
        paths: args.paths.clone(),
        exclude: args.exclude.clone(),
        max_file_size: args.max_file_size,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        custom_rules,
    };
    let report = match crate::check(&options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let out = match args.format {
        Format::Text => crate::report::text::render_text(
            &report,
            &TextOptions {
                color: use_color(args.color),
                width: terminal_width(),
                verbose: args.verbose,
            },
        ),
        Format::Json => crate::report::json::render_json(&report),
    };
    print(&out);
    crate::exit_code(&report, args.fail_on.level())
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
