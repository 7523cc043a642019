//! Runs the selected policies over the views and turns failing clauses into findings.
//!
//! A Guard rule is named after its rule ID (`ACM003`). A suffix after `__` names a variant of
//! the same rule: `__note`, `__warning` and `__error` also set the severity of its findings
//! (`ACM001__note`); any other suffix (`ACM004__default`) only tells the clauses apart.

use super::guard::{self, Failure, GuardSource};
use super::registry::{self, Engine, RuleInfo};
use crate::finding::{Finding, Label, Severity};
use crate::model::view::View;
use crate::model::Lang;

/// A user's policy file (`--rules`).
pub type CustomPolicy = GuardSource;

/// Evaluates the built-in rules in `selected` and the user's policies over every view.
pub fn evaluate(
    views: &[View],
    selected: &[&'static RuleInfo],
    custom: &[CustomPolicy],
) -> Result<Vec<Finding>, guard::GuardError> {
    let mut sources: Vec<GuardSource> = selected
        .iter()
        .filter_map(|rule| match rule.engine {
            Engine::Guard { file, source } => Some(GuardSource {
                name: file.to_string(),
                text: source.to_string(),
            }),
            Engine::Input => None,
        })
        .collect();
    sources.extend(custom.iter().cloned());
    if sources.is_empty() || views.is_empty() {
        return Ok(Vec::new());
    }
    let documents: Vec<serde_json::Value> = views.iter().map(|v| v.document.clone()).collect();
    let failures = guard::evaluate(&sources, &documents)?;
    let mut findings: Vec<Finding> = failures
        .iter()
        .filter_map(|failure| finding(views, failure))
        .collect();
    // Two certificates on one load balancer see the same plain-HTTP listener: report it once.
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| {
        seen.insert((
            f.rule.clone(),
            f.resource.clone(),
            f.primary.span,
            f.message.clone(),
        ))
    });
    Ok(findings)
}

fn finding(views: &[View], failure: &Failure) -> Option<Finding> {
    let view = views.get(failure.document)?;
    let (id, variant) = failure
        .rule
        .split_once("__")
        .map_or((failure.rule.as_str(), None), |(id, v)| (id, Some(v)));
    let info = registry::by_id(id);
    let severity = variant
        .and_then(Severity::parse)
        .or(info.map(|i| i.severity))
        .unwrap_or(Severity::Warning);
    let message = failure.message.as_deref().map_or_else(
        || info.map_or_else(|| format!("policy {id} failed"), |i| i.summary.to_string()),
        |m| guard::interpolate(m, &view.document, &failure.path),
    );
    // The same module file serves several roots: say which one this finding belongs to.
    let message = match &view.context {
        Some(context) => format!("{message} (in {context})"),
        None => message,
    };
    let variant_help = registry::VARIANT_HELP
        .iter()
        .find(|(rule, _, _)| *rule == failure.rule);
    let help = info.map(|i| {
        let (tf, cfn) =
            variant_help.map_or((i.help_terraform, i.help_cloudformation), |v| (v.1, v.2));
        let text = match view.lang {
            Lang::Terraform => tf,
            Lang::CloudFormation => cfn,
        };
        let name = view.address.rsplit('.').next().unwrap_or(&view.address);
        text.replace("<name>", name).replace("<Certificate>", name)
    });
    Some(Finding {
        rule: info.map_or(id, |i| i.id).to_string(),
        name: info.map_or(id, |i| i.name).to_string(),
        severity,
        message,
        resource: Some(view.resource_of(&failure.path).to_string()),
        primary: Label::new(
            view.span_of(&failure.path),
            view.label_of(&failure.path)
                .or(info.map(|i| i.label))
                .unwrap_or("violates this policy"),
        ),
        related: view.related_of(&failure.path),
        help,
        suppressed: None,
    })
}
