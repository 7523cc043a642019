//! The configuration file, `.acmlint.toml`: found by walking up from the first checked path, or
//! given with `--config`. Unknown keys, unknown rules and bad values are errors with the file,
//! line and column. Command-line flags override it (`--exclude` adds to its `exclude`).
//!
//! ```toml
//! select = ["ACM001", "ACM003"]      # only these rules (default: all)
//! ignore = ["ACM007"]                # never these
//! fail-on = "error"                  # error | warning | note | never
//! exclude = ["vendor/**"]            # globs, as --exclude (under each checked path)
//!
//! [severity]
//! ACM004 = "error"                   # per-rule severity
//!
//! [[per-path]]
//! path = "legacy/**"                 # glob relative to this file
//! ignore = ["ACM004"]
//! reason = "retired in 2026"         # optional: shown as the suppression's justification
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::finding::{Finding, Severity, Suppression, SuppressionKind};
use crate::rules;
use crate::source::SourceMap;

/// The file name looked for.
pub const FILE_NAME: &str = ".acmlint.toml";

/// What `acmlint init` writes.
pub const DEFAULT_CONFIG: &str = r#"# acmlint configuration: https://github.com/acmlint/acmlint#configuration
# Command-line flags override these settings; `--exclude` adds to `exclude`.

# Only run these rules (IDs or names; default: all). `acmlint rules` lists them.
# select = ["ACM001", "ACM003"]

# Never run these rules.
# ignore = ["ACM007"]

# Exit with 1 when a finding is at or above this level: error, warning, note or never.
fail-on = "warning"

# Paths to skip, as globs (like --exclude: matched under each checked path, and against file
# names).
exclude = []

# Change a rule's severity.
[severity]
# ACM004 = "error"

# Suppress rules under some paths; each suppressed finding stays in the JSON and SARIF reports
# as suppressed (kind "external"), with the reason.
# [[per-path]]
# path = "legacy/**"
# ignore = ["ACM004"]
# reason = "the legacy stacks are retired in 2026"
"#;

/// A configuration that was read and checked.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from.
    pub path: PathBuf,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// `None` in the file means "not set"; `Some(None)` is `never`.
    pub fail_on: Option<Option<Severity>>,
    /// Globs, as `--exclude` takes them (matched against paths under each checked path, and
    /// against file names).
    pub exclude: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub per_path: Vec<PathIgnore>,
}

/// `[[per-path]]`: rules suppressed under a glob.
#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub pattern: String,
    matcher: globset::GlobMatcher,
    /// The config file's directory: the glob is relative to it.
    base: PathBuf,
    /// Rule IDs.
    pub rules: Vec<String>,
    pub reason: Option<String>,
}

/// A configuration file that cannot be used, with its position when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    per_path: Vec<RawPerPath>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerPath {
    path: Spanned<String>,
    ignore: Vec<Spanned<String>>,
    reason: Option<String>,
}

/// The `.acmlint.toml` in the directory of `start` or the nearest one above it.
pub fn find(start: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(start).ok()?;
    let first = if absolute.is_dir() {
        absolute.as_path()
    } else {
        absolute.parent()?
    };
    first
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
        .map(|found| crate::source::display_path(&found))
}

/// Reads and checks a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        message: format!("cannot read: {e}"),
    })?;
    parse(path, &text)
}

/// Parses and checks the text of a configuration file.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let checker = Checker { path, text };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end().to_string();
        checker.error(e.span().map(|s| s.start), message)
    })?;
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let base = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
    Ok(Config {
        path: path.to_path_buf(),
        select: checker.rules(&raw.select)?,
        ignore: checker.rules(&raw.ignore)?,
        fail_on: raw
            .fail_on
            .as_ref()
            .map(|v| checker.fail_on(v))
            .transpose()?,
        exclude: raw.exclude,
        severity: raw
            .severity
            .iter()
            .map(|(rule, level)| Ok((checker.rule(rule)?, checker.severity(level)?)))
            .collect::<Result<_, ConfigError>>()?,
        per_path: raw
            .per_path
            .iter()
            .map(|entry| checker.per_path(entry, &base))
            .collect::<Result<_, ConfigError>>()?,
    })
}

/// Checks values and positions errors in one file.
struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Checker<'_> {
    fn error(&self, offset: Option<usize>, message: String) -> ConfigError {
        let position = offset.map(|offset| {
            let file =
                crate::source::SourceFile::new(crate::source::FileId(0), PathBuf::new(), self.text);
            file.line_col(offset)
        });
        ConfigError {
            path: self.path.to_path_buf(),
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
            message,
        }
    }

    fn rule(&self, key: &Spanned<String>) -> Result<String, ConfigError> {
        rules::lookup(key.get_ref())
            .map(|r| r.id.to_string())
            .ok_or_else(|| {
                self.error(
                    Some(key.span().start),
                    format!(
                        "unknown rule `{}`; `acmlint rules` lists them",
                        key.get_ref()
                    ),
                )
            })
    }

    fn rules(&self, keys: &[Spanned<String>]) -> Result<Vec<String>, ConfigError> {
        keys.iter().map(|k| self.rule(k)).collect()
    }

    fn severity(&self, value: &Spanned<String>) -> Result<Severity, ConfigError> {
        Severity::parse(value.get_ref()).ok_or_else(|| {
            self.error(
                Some(value.span().start),
                format!(
                    "unknown severity `{}`: use error, warning or note",
                    value.get_ref()
                ),
            )
        })
    }

    fn fail_on(&self, value: &Spanned<String>) -> Result<Option<Severity>, ConfigError> {
        if value.get_ref().eq_ignore_ascii_case("never") {
            return Ok(None);
        }
        Severity::parse(value.get_ref()).map(Some).ok_or_else(|| {
            self.error(
                Some(value.span().start),
                format!(
                    "unknown fail-on level `{}`: use error, warning, note or never",
                    value.get_ref()
                ),
            )
        })
    }

    fn per_path(&self, entry: &RawPerPath, base: &Path) -> Result<PathIgnore, ConfigError> {
        let pattern = entry.path.get_ref();
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| self.error(Some(entry.path.span().start), format!("bad glob: {e}")))?;
        Ok(PathIgnore {
            pattern: pattern.clone(),
            matcher: glob.compile_matcher(),
            base: base.to_path_buf(),
            rules: self.rules(&entry.ignore)?,
            reason: entry.reason.clone(),
        })
    }
}

/// Applies `[severity]` overrides to the findings of those rules.
pub fn apply_severity(findings: &mut [Finding], overrides: &[(String, Severity)]) {
    for finding in findings {
        if let Some((_, severity)) = overrides.iter().find(|(rule, _)| *rule == finding.rule) {
            finding.severity = *severity;
        }
    }
}

/// Marks the findings `[[per-path]]` entries suppress (kind `external`).
pub fn apply_path_ignores(findings: &mut [Finding], ignores: &[PathIgnore], sources: &SourceMap) {
    if ignores.is_empty() {
        return;
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    for finding in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        let file = cwd.join(sources.path(finding.primary.span.file));
        let Some(ignore) = ignores.iter().find(|i| i.covers(&finding.rule, &file)) else {
            continue;
        };
        finding.suppressed =
            Some(Suppression {
                kind: SuppressionKind::External,
                reason: Some(ignore.reason.clone().unwrap_or_else(|| {
                    format!("ignored under `{}` in {FILE_NAME}", ignore.pattern)
                })),
                span: None,
            });
    }
}

impl PathIgnore {
    fn covers(&self, rule: &str, file: &Path) -> bool {
        self.rules.iter().any(|r| r == rule)
            && file
                .strip_prefix(&self.base)
                .is_ok_and(|relative| self.matcher.is_match(relative))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("/repo/.acmlint.toml"), text)
    }

    #[test]
    fn the_default_file_parses() {
        let config = parsed(DEFAULT_CONFIG).unwrap();
        assert_eq!(config.fail_on, Some(Some(Severity::Warning)));
        assert!(config.select.is_empty() && config.per_path.is_empty());
    }

    #[test]
    fn reads_every_key() {
        let config = parsed(
            "select = [\"validation-record-missing\", \"ACM004\"]\nignore = [\"ACM007\"]\nfail-on = \"never\"\nexclude = [\"vendor/**\"]\n[severity]\nACM004 = \"error\"\n[[per-path]]\npath = \"legacy/**\"\nignore = [\"ACM004\"]\n",
        )
        .unwrap();
        assert_eq!(config.select, ["ACM003", "ACM004"]);
        assert_eq!(config.ignore, ["ACM007"]);
        assert_eq!(config.fail_on, Some(None));
        assert_eq!(config.exclude, ["vendor/**"]);
        assert_eq!(config.severity, [("ACM004".to_string(), Severity::Error)]);
        assert!(config.per_path[0].covers("ACM004", Path::new("/repo/legacy/a/main.tf")));
        assert!(!config.per_path[0].covers("ACM004", Path::new("/repo/new/main.tf")));
        assert!(!config.per_path[0].covers("ACM003", Path::new("/repo/legacy/main.tf")));
    }

    #[test]
    fn unknown_keys_are_errors_with_their_position() {
        let error = parsed("fail-on = \"error\"\n\nselekt = [\"ACM003\"]\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(3), Some(1)));
        assert!(
            error.message.contains("unknown field `selekt`"),
            "{}",
            error.message
        );
        assert!(error
            .to_string()
            .starts_with("/repo/.acmlint.toml:3:1: unknown field"));
    }

    #[test]
    fn unknown_rules_and_levels_are_errors_with_their_position() {
        let error = parsed("ignore = [\"ACM003\", \"ACM999\"]\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(1), Some(21)));
        assert!(error.message.contains("unknown rule `ACM999`"));
        let error = parsed("[severity]\nACM004 = \"fatal\"\n").unwrap_err();
        assert_eq!(error.line, Some(2));
        let error = parsed("[severity]\nACM404 = \"note\"\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(1)));
        let error = parsed("fail-on = \"sometimes\"\n").unwrap_err();
        assert_eq!(error.line, Some(1));
        let error = parsed("[[per-path]]\npath = \"x\"\nignore = []\nwhy = \"\"\n").unwrap_err();
        assert_eq!(error.line, Some(4));
    }
}
