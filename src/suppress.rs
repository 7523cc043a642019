//! Suppressions: `acmlint:ignore` comments and CloudFormation `Metadata`, applied after the
//! rules ran. A suppressed finding stays in the report with [`Finding::suppressed`] set.
//!
//! A comment `# acmlint:ignore ACM003, ACM004 -- reason` (or `//`; IDs or rule names,
//! separated by commas or spaces; the reason after `--`, or after the last rule) applies:
//! - at the end of a line: to that line;
//! - on a line of its own: to the next line that is not a comment (a blank line in between
//!   leaves it nothing to suppress);
//! - as the first line inside a block: also to the block's resource.
//!
//! Applying to a line means: every finding of the named rules whose primary span starts on
//! that line, and, when a resource header (`resource "t" "n"`, a CloudFormation logical ID)
//! starts there, every finding about that resource (its `resource`, with a label in the same
//! directory, so that `aws_acm_certificate.app` of another root is not suppressed).
//!
//! CloudFormation `Metadata: {acmlint: {ignore: [ACM003, {rule: ACM004, reason: "..."}]}}`
//! suppresses the named rules for that resource in that template.
//!
//! What suppressions themselves get wrong is reported: ACM901 (names an unknown rule, or a
//! rule that ran and found nothing there) and ACM902 (no reason given).

use std::path::Path;

use crate::finding::{Finding, Label, Severity, Suppression, SuppressionKind};
use crate::model::Graph;
use crate::parse::tree::Node;
use crate::rules::{self, RuleInfo};
use crate::source::{FileId, SourceFile, SourceMap, Span};

const MARKER: &str = "acmlint:ignore";

/// Rule ID of "this suppression suppresses nothing".
pub const UNUSED: &str = "ACM901";
/// Rule ID of "this suppression gives no reason".
pub const NO_REASON: &str = "ACM902";

/// One suppression as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Rule IDs or names, as written.
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// The comment or metadata entry.
    pub span: Span,
    pub target: Target,
}

/// What a directive applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Lines (1-based) of the directive's file, and the resources whose header starts on one
    /// of them or that the comment opens (first line inside the block).
    Lines {
        lines: Vec<usize>,
        opened: Option<usize>,
    },
    /// A CloudFormation resource of the directive's file, by logical ID.
    Resource(String),
}

/// Finds every directive: comments in all sources, `Metadata` in the templates.
pub fn collect(sources: &SourceMap, templates: &[Node]) -> Vec<Directive> {
    let mut out: Vec<Directive> = sources.files().iter().flat_map(comments).collect();
    out.extend(templates.iter().flat_map(metadata));
    out
}

/// The built-in rules to evaluate: the selected ones and, when ACM901 is selected, the
/// rules the directives name (unless ignored), so that "suppresses nothing" can be judged.
pub fn rules_to_evaluate(
    selected: &[&'static RuleInfo],
    directives: &[Directive],
    ignored: &[String],
) -> Vec<&'static RuleInfo> {
    let mut out = selected.to_vec();
    if !selected.iter().any(|r| r.id == UNUSED) {
        return out;
    }
    let named = directives
        .iter()
        .flat_map(|d| &d.rules)
        .filter_map(|key| rules::lookup(key));
    for rule in named {
        let is_ignored = ignored.iter().any(|k| rules::lookup(k) == Some(rule));
        if !is_ignored && !out.contains(&rule) {
            out.push(rule);
        }
    }
    out
}

/// What [`apply`] needs to know about the run.
pub struct Context<'a> {
    pub sources: &'a SourceMap,
    pub graph: &'a Graph,
    /// Rule IDs that were evaluated (built-in) and the user policies' rule names.
    pub evaluated: &'a [String],
    /// Rule keys that exist (built-in IDs and names are looked up in the registry).
    pub custom_rules: &'a [String],
}

/// Marks the findings the directives suppress; returns ACM901/ACM902 findings about the
/// directives themselves.
pub fn apply(findings: &mut [Finding], directives: &[Directive], cx: &Context) -> Vec<Finding> {
    let mut problems = Vec::new();
    for directive in directives {
        let matcher = Matcher::new(directive, cx);
        for key in &directive.rules {
            let hits = suppress_rule(findings, directive, key, &matcher);
            if let Some(problem) = unused_problem(directive, key, hits, cx) {
                problems.push(problem);
            }
        }
        if directive.rules.is_empty() {
            problems.push(directive_finding(
                UNUSED,
                directive,
                format!("`{MARKER}` names no rule, so it suppresses nothing"),
                "name the rules to suppress: # acmlint:ignore ACM003 -- reason",
            ));
        }
        if directive.reason.is_none() && !directive.rules.is_empty() {
            problems.push(directive_finding(
                NO_REASON,
                directive,
                format!("suppression of {} gives no reason", directive.rules.join(", ")),
                "say why after `--`: # acmlint:ignore ACM004 -- the domain's owner approves renewals by email",
            ));
        }
    }
    problems
}

/// Suppresses the findings of rule `key` the directive covers; returns how many.
fn suppress_rule(
    findings: &mut [Finding],
    directive: &Directive,
    key: &str,
    matcher: &Matcher,
) -> usize {
    let mut hits = 0;
    for finding in findings.iter_mut() {
        let names_rule =
            finding.rule.eq_ignore_ascii_case(key) || finding.name.eq_ignore_ascii_case(key);
        if !names_rule || !matcher.covers(finding) {
            continue;
        }
        hits += 1;
        if finding.suppressed.is_none() {
            finding.suppressed = Some(Suppression {
                kind: SuppressionKind::InSource,
                reason: directive.reason.clone(),
                span: Some(directive.span),
            });
        }
    }
    hits
}

fn unused_problem(directive: &Directive, key: &str, hits: usize, cx: &Context) -> Option<Finding> {
    if hits > 0 {
        return None;
    }
    let known = rules::lookup(key).map(|r| r.id.to_string()).or_else(|| {
        cx.custom_rules
            .iter()
            .find(|r| r.eq_ignore_ascii_case(key))
            .cloned()
    });
    match known {
        None => Some(directive_finding(
            UNUSED,
            directive,
            format!("`{key}` is not a rule, so this suppresses nothing"),
            "use a rule ID or name from `acmlint rules`",
        )),
        Some(id) if cx.evaluated.iter().any(|e| e.eq_ignore_ascii_case(&id)) => {
            Some(directive_finding(
                UNUSED,
                directive,
                format!("suppression of {key} suppresses nothing: {id} found nothing here"),
                "remove the suppression (or the rule from it)",
            ))
        }
        Some(_) => None,
    }
}

fn directive_finding(rule: &str, directive: &Directive, message: String, help: &str) -> Finding {
    let info = rules::by_id(rule);
    Finding {
        rule: rule.to_string(),
        name: info.map_or("", |i| i.name).to_string(),
        severity: info.map_or(Severity::Warning, |i| i.severity),
        message,
        resource: None,
        primary: Label::new(directive.span, info.map_or("", |i| i.label)),
        related: Vec::new(),
        help: Some(help.to_string()),
        suppressed: None,
    }
}

/// Decides whether a finding lies where a directive applies.
struct Matcher<'a> {
    file: FileId,
    lines: &'a [usize],
    /// Addresses of the resources the directive covers.
    resources: Vec<String>,
    /// The directory of the directive's file: resource matches need a label there.
    dir: &'a Path,
    sources: &'a SourceMap,
}

impl<'a> Matcher<'a> {
    fn new(directive: &'a Directive, cx: &'a Context) -> Self {
        let file = directive.span.file;
        let dir = cx.sources.path(file).parent().unwrap_or(Path::new(""));
        let (lines, resources): (&[usize], Vec<String>) = match &directive.target {
            Target::Lines { lines, opened } => {
                let header_lines: Vec<usize> = lines.iter().copied().chain(*opened).collect();
                (lines, resources_with_header(cx, file, &header_lines))
            }
            Target::Resource(id) => (&[], vec![id.clone()]),
        };
        Matcher {
            file,
            lines,
            resources,
            dir,
            sources: cx.sources,
        }
    }

    fn covers(&self, finding: &Finding) -> bool {
        self.on_a_line(finding.primary.span) || self.about_a_resource(finding)
    }

    fn on_a_line(&self, span: Span) -> bool {
        span.file == self.file && self.lines.contains(&self.sources.line_col(span).0.line)
    }

    fn about_a_resource(&self, finding: &Finding) -> bool {
        let Some(resource) = &finding.resource else {
            return false;
        };
        self.resources.contains(resource)
            && std::iter::once(&finding.primary)
                .chain(&finding.related)
                .any(|label| self.sources.path(label.span.file).parent() == Some(self.dir))
    }
}

/// Addresses of the graph resources whose header starts in `file` on one of `lines`.
fn resources_with_header(cx: &Context, file: FileId, lines: &[usize]) -> Vec<String> {
    cx.graph
        .resources
        .iter()
        .filter(|r| r.span.file == file && lines.contains(&cx.sources.line_col(r.span).0.line))
        .map(|r| r.address.clone())
        .collect()
}

/// The `acmlint:ignore` comments of one file.
fn comments(file: &SourceFile) -> Vec<Directive> {
    let text: &str = &file.text;
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(comment) = find_comment(line) else {
            continue;
        };
        let (rules, reason) = parse_directive(&line[comment.marker_end..]);
        let start = file.offset_of(index + 1, 1) + comment.opener;
        let end = file.offset_of(index + 1, 1) + line.trim_end().len();
        out.push(Directive {
            rules,
            reason,
            span: file.span(start, end.max(start)),
            target: comment_target(&lines, index, comment.trailing),
        });
    }
    out
}

/// Where a comment is on its line.
struct Comment {
    /// Byte offset of `#` or `//`.
    opener: usize,
    /// Byte offset just after `acmlint:ignore`.
    marker_end: usize,
    /// Code precedes the comment on the line.
    trailing: bool,
}

/// Finds `# acmlint:ignore` or `// acmlint:ignore` on a line, outside a double-quoted string.
fn find_comment(line: &str) -> Option<Comment> {
    let at = line.find(MARKER)?;
    let marker_end = at + MARKER.len();
    if line[marker_end..]
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace())
    {
        return None;
    }
    let before = line[..at].trim_end();
    let opener = before
        .strip_suffix('#')
        .or_else(|| before.strip_suffix("//"))?
        .len();
    let code = &line[..opener];
    let separated = code.is_empty() || code.ends_with(char::is_whitespace);
    let in_string = code.matches('"').count() % 2 == 1;
    (separated && !in_string).then_some(Comment {
        opener,
        marker_end,
        trailing: !code.trim().is_empty(),
    })
}

/// `ACM003, ACM004 -- reason` → rules and reason. Rules are separated by commas, or by spaces
/// while the next word is a known rule; the rest (after an optional `--` or `:`) is the reason.
pub fn parse_directive(rest: &str) -> (Vec<String>, Option<String>) {
    let mut rules: Vec<String> = Vec::new();
    let mut rest = rest.trim_start();
    let mut after_comma = false;
    loop {
        let (word, after) = split_word(rest);
        let continues = rules.is_empty() || after_comma || rules::lookup(word).is_some();
        if word.is_empty() || word.starts_with("--") || !continues {
            break;
        }
        rules.push(word.to_string());
        rest = after.trim_start();
        after_comma = rest.starts_with(',');
        rest = rest.trim_start_matches(',').trim_start();
    }
    let reason = rest
        .trim_start_matches("--")
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("*/")
        .trim();
    let reason = (!reason.is_empty()).then(|| reason.to_string());
    (rules, reason)
}

/// The leading word of rule-ID characters, and the rest.
fn split_word(text: &str) -> (&str, &str) {
    let len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(text.len());
    text.split_at(len)
}

fn is_comment_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//")
}

/// The lines a comment on line `index` (0-based) applies to.
fn comment_target(lines: &[&str], index: usize, trailing: bool) -> Target {
    if trailing {
        return Target::Lines {
            lines: vec![index + 1],
            opened: None,
        };
    }
    let next = (index + 1..lines.len())
        .find(|&i| !is_comment_line(lines[i]))
        .map(|i| i + 1);
    let previous = (0..index)
        .rev()
        .find(|&i| !is_comment_line(lines[i]) && !lines[i].trim().is_empty())
        .filter(|&i| opens_block(lines[i]))
        .map(|i| i + 1);
    Target::Lines {
        lines: next.into_iter().collect(),
        opened: previous,
    }
}

/// A line that opens a block: `resource "t" "n" {` or a YAML key with nothing after it.
fn opens_block(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with('{') || (t.ends_with(':') && !t.trim_start().starts_with('-'))
}

/// The `Metadata.acmlint.ignore` entries of one template's resources.
fn metadata(root: &Node) -> Vec<Directive> {
    let Some(resources) = root.get("Resources").and_then(Node::as_map) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for resource in resources.iter() {
        let Some(entries) = resource
            .value
            .path(&["Metadata", "acmlint", "ignore"])
            .and_then(Node::as_seq)
        else {
            continue;
        };
        for entry in entries {
            let (rule, reason) = match entry.as_str() {
                Some(rule) => (Some(rule), None),
                None => (
                    entry.get("rule").and_then(Node::as_str),
                    entry.get("reason").and_then(Node::as_str),
                ),
            };
            out.push(Directive {
                rules: rule.map(str::to_string).into_iter().collect(),
                reason: reason
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_string),
                span: entry.span,
                target: Target::Resource(resource.key.clone()),
            });
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_rules_and_reasons() {
        assert_eq!(
            parse_directive(" ACM003, ACM004 -- owned elsewhere"),
            (
                strings(&["ACM003", "ACM004"]),
                Some("owned elsewhere".into())
            )
        );
        assert_eq!(
            parse_directive(" email-validation the owner answers"),
            (
                strings(&["email-validation"]),
                Some("the owner answers".into())
            )
        );
        assert_eq!(
            parse_directive(" ACM003 ACM004"),
            (strings(&["ACM003", "ACM004"]), None)
        );
        assert_eq!(
            parse_directive(" ACM003,ACM004:x"),
            (strings(&["ACM003", "ACM004"]), Some("x".into()))
        );
        assert_eq!(parse_directive(""), (Vec::new(), None));
    }

    #[test]
    fn finds_comments_but_not_strings_or_longer_words() {
        assert!(find_comment("# acmlint:ignore ACM003").is_some());
        assert!(find_comment("  // acmlint:ignore ACM003").is_some());
        let trailing =
            find_comment("  validation_method = \"EMAIL\" # acmlint:ignore ACM004").unwrap();
        assert!(trailing.trailing);
        assert!(find_comment("  description = \"# acmlint:ignore ACM004\"").is_none());
        assert!(find_comment("# acmlint:ignored ACM004").is_none());
        assert!(find_comment("x = 1 acmlint:ignore ACM004").is_none());
    }

    #[test]
    fn own_line_comments_target_the_next_code_line_and_the_block_they_open() {
        let text = "resource \"a\" \"b\" {\n  # acmlint:ignore ACM004 -- r\n  # more\n  x = 1\n}\n";
        let mut sources = SourceMap::default();
        let id = sources.add(PathBuf::from("main.tf"), text);
        let found = comments(sources.get(id).unwrap());
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].target,
            Target::Lines {
                lines: vec![4],
                opened: Some(1)
            }
        );
        assert_eq!(found[0].reason.as_deref(), Some("r"));
        let span = sources.line_col(found[0].span);
        assert_eq!((span.0.line, span.0.column), (2, 3));
    }

    #[test]
    fn a_blank_line_breaks_the_link() {
        let lines = ["# acmlint:ignore ACM001", "", "resource \"a\" \"b\" {"];
        assert_eq!(
            comment_target(&lines, 0, false),
            Target::Lines {
                lines: vec![2],
                opened: None
            }
        );
    }
}
