//! CloudFormation into the graph: resources of one template, intrinsics resolved.
//!
//! `Ref` and `Fn::GetAtt` to a resource of the same template are edges; `Fn::Sub` strings are
//! scanned for `${Resource}` and `${Resource.Attr}`; `Fn::If` counts both branches; `Ref` to a
//! parameter, `Fn::ImportValue` and pseudo parameters are unknown, never a finding by
//! themselves. SAM resources are read untransformed.

use super::mapping::{self, Field, Kind};
use super::{
    validation_name, CertName, CertOrigin, Certificate, Export, FieldValue, Graph, Lang, Method,
    RecordStatus, Ref, ResId, Resource, Val,
};
use crate::parse::tree::{Node, Value};
use crate::source::Span;
use std::collections::HashMap;

/// How deep intrinsic functions may nest before the value is taken as unknown.
const MAX_DEPTH: usize = 64;

/// One parsed template.
pub struct Template<'a> {
    pub root: &'a Node,
    /// The template's path as shown to users.
    pub path: String,
}

/// The result of evaluating a template value.
#[derive(Debug, Clone, Default)]
struct Ev {
    val: Option<Val>,
    refs: Vec<Ref>,
    unresolved: bool,
}

impl Ev {
    fn val(self) -> Val {
        self.val.unwrap_or(Val::Unknown)
    }
}

struct Ctx<'a> {
    ids: HashMap<&'a str, ResId>,
    /// The template manages Route 53 zones or records.
    uses_route53: bool,
    /// Some value nested past the evaluation limit (its references are lost).
    truncated: bool,
    parameters: Vec<&'a str>,
    unresolved: Vec<String>,
}

/// Adds the resources of one template to the graph.
pub fn build(template: &Template, graph: &mut Graph) {
    let root = template.root;
    let Some(resources) = root.get("Resources").and_then(Node::as_map) else {
        return;
    };
    let base = graph.resources.len();
    let unit = graph.units;
    graph.units += 1;
    graph.unit_labels.insert(unit, template.path.clone());
    let mut ctx = Ctx {
        ids: resources
            .iter()
            .enumerate()
            .map(|(i, e)| (e.key.as_str(), ResId(base + i)))
            .collect(),
        parameters: root
            .get("Parameters")
            .and_then(Node::as_map)
            .map(|m| m.iter().map(|e| e.key.as_str()).collect())
            .unwrap_or_default(),
        unresolved: Vec::new(),
        truncated: false,
        uses_route53: resources.iter().any(|e| {
            e.value
                .get("Type")
                .and_then(Node::as_str)
                .is_some_and(|t| t.starts_with("AWS::Route53::"))
        }),
    };
    for entry in resources.iter() {
        let rtype = entry.value.get("Type").and_then(Node::as_str).unwrap_or("");
        let props = entry.value.get("Properties");
        let kind = mapping::kind_of(rtype);
        let mut fields = Vec::new();
        let mapped = match sam_globals(root, rtype) {
            Some(globals) if props.and_then(|p| p.get("Domain")).is_none() => Some(globals),
            _ => props,
        };
        if let (Some(spec), Some(mapped)) = (mapping::spec_for(rtype), mapped) {
            for path in spec.fields.iter().filter(|p| !p.cloudformation.is_empty()) {
                let segments: Vec<&str> = path.cloudformation.split('.').collect();
                collect(&mut ctx, mapped, &segments, path.field, 0, &mut fields);
            }
        }
        if let (Kind::BeanstalkEnvironment, Some(props)) = (kind, props) {
            beanstalk_settings(&mut ctx, props, &mut fields);
        }
        if kind == Kind::Other {
            if let Some(props) = props {
                fields.extend(mentions(&mut ctx, props));
            }
        }
        let id = graph.add(Resource {
            id: ResId(0),
            unit,
            address: entry.key.clone(),
            rtype: rtype.to_string(),
            kind,
            lang: Lang::CloudFormation,
            span: entry.key_span,
            fields,
        });
        if kind == Kind::Certificate {
            let props = props.cloned().unwrap_or(Node {
                value: Value::Null,
                span: entry.key_span,
            });
            let cert = certificate_facts(&mut ctx, id, &props, entry.key_span);
            graph.certificates.push(cert);
        }
    }
    outputs(&mut ctx, root, graph);
    if ctx.truncated {
        graph.truncated_units.insert(unit);
        ctx.unresolved
            .push("intrinsics nested past the evaluation limit: certificate use is unknown".into());
    }
    graph.unresolved.extend(
        ctx.unresolved
            .drain(..)
            .map(|u| format!("{}: {u}", template.path)),
    );
}

/// SAM's `Globals.Api` / `Globals.HttpApi` section: its `Domain` applies to every API of that
/// type that has none of its own.
fn sam_globals<'a>(root: &'a Node, rtype: &str) -> Option<&'a Node> {
    let section = match rtype {
        "AWS::Serverless::Api" => "Api",
        "AWS::Serverless::HttpApi" => "HttpApi",
        _ => return None,
    };
    root.path(&["Globals", section])
        .filter(|g| g.get("Domain").is_some())
}

fn outputs(ctx: &mut Ctx, root: &Node, graph: &mut Graph) {
    let Some(outputs) = root.get("Outputs").and_then(Node::as_map) else {
        return;
    };
    for output in outputs.iter() {
        let Some(value) = output.value.get("Value") else {
            continue;
        };
        let exported = output.value.get("Export").is_some();
        for r in ev(ctx, value, 0).refs {
            let what = if exported {
                format!("Outputs.{} (exported)", output.key)
            } else {
                format!("Outputs.{}", output.key)
            };
            graph.exports.push(Export {
                cert: r.target,
                what,
                span: output.key_span,
            });
        }
    }
}

fn collect(
    ctx: &mut Ctx,
    node: &Node,
    segments: &[&str],
    field: Field,
    current: usize,
    out: &mut Vec<FieldValue>,
) {
    if let Some(items) = node.as_seq() {
        for item in items {
            // An element's position identifies it across the passes for each field.
            let g = if current == 0 {
                item.span.start as usize + 1
            } else {
                current
            };
            collect(ctx, item, segments, field, g, out);
        }
        return;
    }
    if let Some(("Fn::If", args)) = node.intrinsic() {
        for branch in args.as_seq().unwrap_or(&[]).iter().skip(1) {
            collect(ctx, branch, segments, field, current, out);
        }
        return;
    }
    let Some((first, rest)) = segments.split_first() else {
        out.push(field_value(ctx, node, node.span, field, current));
        return;
    };
    let Some(entry) = node.as_map().and_then(|m| m.entry(first)) else {
        return;
    };
    if rest.is_empty() {
        out.push(field_value(
            ctx,
            &entry.value,
            entry.key_span.to(entry.value.span),
            field,
            current,
        ));
    } else {
        collect(ctx, &entry.value, rest, field, current, out);
    }
}

fn field_value(ctx: &mut Ctx, node: &Node, span: Span, field: Field, group: usize) -> FieldValue {
    let ev = ev(ctx, node, 0);
    FieldValue {
        field,
        span,
        refs: ev.refs.clone(),
        unresolved: ev.unresolved,
        value: ev.val(),
        group,
    }
}

fn beanstalk_settings(ctx: &mut Ctx, props: &Node, out: &mut Vec<FieldValue>) {
    let Some(settings) = props.get("OptionSettings").and_then(Node::as_seq) else {
        return;
    };
    for (group, setting) in settings.iter().enumerate() {
        let text = |key: &str| setting.get(key).and_then(Node::as_str);
        let (Some(namespace), Some(name)) = (text("Namespace"), text("OptionName")) else {
            continue;
        };
        if mapping::is_beanstalk_certificate_option(namespace, name) {
            if let Some(value) = setting.get("Value") {
                out.push(field_value(
                    ctx,
                    value,
                    value.span,
                    Field::CertificateArn,
                    group + 1,
                ));
            }
        }
    }
}

/// References from a resource type the table does not know (custom resources, CDK
/// constructs...): a certificate referenced there has an unknown use, not none.
fn mentions(ctx: &mut Ctx, props: &Node) -> Vec<FieldValue> {
    let ev = ev(ctx, props, 0);
    if ev.refs.is_empty() {
        return Vec::new();
    }
    vec![FieldValue {
        field: Field::Mentions,
        span: props.span,
        value: Val::Unknown,
        refs: ev.refs,
        unresolved: ev.unresolved,
        group: 0,
    }]
}

/// Evaluates a template value: plain values, and the intrinsics acmlint follows.
fn ev(ctx: &mut Ctx, node: &Node, depth: usize) -> Ev {
    if depth > MAX_DEPTH {
        ctx.truncated = true;
        return Ev {
            unresolved: true,
            ..Ev::default()
        };
    }
    if let Some((name, arg)) = node.intrinsic() {
        return intrinsic(ctx, name, arg, depth + 1);
    }
    match &node.value {
        Value::Null => known(Val::Null),
        Value::Bool(b) => known(Val::Bool(*b)),
        Value::Number(n) => known(n.parse().map_or(Val::Str(n.clone()), Val::Num)),
        Value::String(s) => known(Val::Str(s.clone())),
        Value::Seq(items) => {
            let mut out = Ev::default();
            let mut list = Some(Vec::new());
            for item in items {
                let e = ev(ctx, item, depth + 1);
                absorb(&mut out, &e);
                match (&mut list, e.val) {
                    (Some(l), Some(v)) => l.push(v),
                    _ => list = None,
                }
            }
            out.val = list.map(Val::List);
            out
        }
        Value::Map(map) => {
            let mut out = Ev::default();
            let mut entries = Vec::new();
            for entry in map.iter() {
                let e = ev(ctx, &entry.value, depth + 1);
                absorb(&mut out, &e);
                entries.push((entry.key.clone(), e.val()));
            }
            out.val = Some(Val::Map(entries));
            out
        }
    }
}

fn known(val: Val) -> Ev {
    Ev {
        val: Some(val),
        ..Ev::default()
    }
}

fn absorb(out: &mut Ev, other: &Ev) {
    out.refs.extend(other.refs.iter().cloned());
    out.unresolved |= other.unresolved;
}

fn intrinsic(ctx: &mut Ctx, name: &str, arg: &Node, depth: usize) -> Ev {
    match name {
        "Ref" => reference(ctx, arg.as_str().unwrap_or(""), None),
        "Fn::GetAtt" => {
            let (target, attr) = match (arg.as_str(), arg.as_seq()) {
                (Some(s), _) => s.split_once('.').map_or((s.to_string(), None), |(a, b)| {
                    (a.to_string(), Some(b.to_string()))
                }),
                (_, Some([a, b, ..])) => (
                    a.as_str().unwrap_or("").to_string(),
                    b.as_str().map(str::to_string),
                ),
                _ => (String::new(), None),
            };
            let mut e = reference(ctx, &target, attr);
            e.val = None;
            e
        }
        "Fn::Sub" => substitute(ctx, arg, depth),
        "Fn::Join" => join(ctx, arg, depth),
        "Fn::ImportValue" => {
            let mut e = ev(ctx, arg, depth);
            e.val = None;
            e.unresolved = true;
            e
        }
        _ => {
            // Fn::If, Fn::Select, Fn::FindInMap...: the value is unknown, the references count.
            let mut e = ev(ctx, arg, depth);
            e.val = None;
            e
        }
    }
}

fn reference(ctx: &mut Ctx, target: &str, attr: Option<String>) -> Ev {
    if let Some(&id) = ctx.ids.get(target) {
        return Ev {
            val: None,
            refs: vec![Ref { target: id, attr }],
            unresolved: false,
        };
    }
    if ctx.parameters.contains(&target) {
        ctx.unresolved.push(format!(
            "Ref {target}: a parameter, known only at deploy time"
        ));
    } else if !target.starts_with("AWS::") {
        ctx.unresolved
            .push(format!("Ref {target}: no such resource or parameter"));
    }
    Ev {
        unresolved: true,
        ..Ev::default()
    }
}

/// `Fn::Sub`: references in `${Name}` and `${Name.Attr}`, and in the variable map.
fn substitute(ctx: &mut Ctx, arg: &Node, depth: usize) -> Ev {
    let (text, vars) = match (arg.as_str(), arg.as_seq()) {
        (Some(s), _) => (s, None),
        (_, Some([s, vars, ..])) => (s.as_str().unwrap_or(""), Some(vars)),
        _ => return Ev::default(),
    };
    let mut out = Ev::default();
    let local: Vec<&str> = vars
        .and_then(|v| v.as_map())
        .map(|m| m.iter().map(|e| e.key.as_str()).collect())
        .unwrap_or_default();
    if let Some(vars) = vars {
        absorb(&mut out, &ev(ctx, vars, depth));
    }
    let mut has_vars = false;
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else {
            break;
        };
        let name = after.get(..end).unwrap_or("");
        rest = after.get(end + 1..).unwrap_or("");
        if name.starts_with('!') {
            continue;
        }
        has_vars = true;
        if local.contains(&name) {
            continue;
        }
        let (target, attr) = name
            .split_once('.')
            .map_or((name, None), |(a, b)| (a, Some(b.to_string())));
        absorb(&mut out, &reference(ctx, target, attr));
    }
    if !has_vars {
        out.val = Some(Val::Str(text.replace("${!", "${")));
    }
    out
}

fn join(ctx: &mut Ctx, arg: &Node, depth: usize) -> Ev {
    let Some([sep, items, ..]) = arg.as_seq() else {
        return ev(ctx, arg, depth);
    };
    let items = ev(ctx, items, depth);
    let text = match (&items.val, sep.as_str()) {
        (Some(Val::List(parts)), Some(sep)) => parts
            .iter()
            .map(Val::to_text)
            .collect::<Option<Vec<_>>>()
            .map(|p| Val::Str(p.join(sep))),
        _ => None,
    };
    Ev { val: text, ..items }
}

fn certificate_facts(ctx: &mut Ctx, res: ResId, props: &Node, header: Span) -> Certificate {
    let entry = |key: &str| props.as_map().and_then(|m| m.entry(key));
    let private = entry("CertificateAuthorityArn");
    let (origin, origin_span) = match private {
        Some(e) => (CertOrigin::Private, Some(e.key_span.to(e.value.span))),
        None => (CertOrigin::AmazonIssued, None),
    };
    let method_entry = entry("ValidationMethod");
    let (method, defaulted) = match (origin, method_entry) {
        (CertOrigin::Private, _) => (Method::NotApplicable, false),
        // CloudFormation's default is EMAIL when ValidationMethod is absent.
        (_, None) => (Method::Email, true),
        (_, Some(e)) => match ev(ctx, &e.value, 0).val {
            Some(Val::Str(m)) if m.eq_ignore_ascii_case("DNS") => (Method::Dns, false),
            Some(Val::Str(m)) if m.eq_ignore_ascii_case("EMAIL") => (Method::Email, false),
            Some(Val::Str(m)) if m.eq_ignore_ascii_case("HTTP") => (Method::Http, false),
            _ => (Method::Unknown, false),
        },
    };
    let (mut names, names_unknown) = names(ctx, props);
    if method == Method::Dns {
        validation_coverage(ctx, props, &mut names);
    }
    let export = entry("CertificateExport")
        .and_then(|e| ev(ctx, &e.value, 0).val)
        .and_then(|v| v.as_str().map(|s| s.eq_ignore_ascii_case("ENABLED")))
        .unwrap_or(false);
    Certificate {
        res,
        origin,
        origin_span,
        method,
        method_span: method_entry
            .map(|e| e.key_span.to(e.value.span))
            .or(Some(header)),
        method_defaulted: defaulted,
        method_origin: None,
        names,
        names_unknown,
        partial: None,
        exportable: export,
        region: None,
        region_span: None,
        expires: None,
    }
}

fn names(ctx: &mut Ctx, props: &Node) -> (Vec<CertName>, bool) {
    let mut names = Vec::new();
    let mut unknown = false;
    let mut push =
        |ctx: &mut Ctx, node: &Node, names: &mut Vec<CertName>| match ev(ctx, node, 0).val {
            Some(Val::Str(name)) => names.push(CertName {
                name,
                span: node.span,
                record: RecordStatus::Unknown,
                record_span: None,
            }),
            _ => unknown = true,
        };
    if let Some(domain) = props.get("DomainName") {
        push(ctx, domain, &mut names);
    }
    if let Some(sans) = props.get("SubjectAlternativeNames") {
        match sans.as_seq() {
            Some(items) => {
                for item in items {
                    push(ctx, item, &mut names);
                }
            }
            None => push(ctx, sans, &mut names),
        }
    }
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.name.to_ascii_lowercase()));
    (names, unknown)
}

/// `DomainValidationOptions` entries with a `HostedZoneId` make CloudFormation create the
/// validation CNAME; a name without one waits for a record made by hand.
fn validation_coverage(ctx: &mut Ctx, props: &Node, names: &mut [CertName]) {
    let options = props.get("DomainValidationOptions");
    let mut covered: Vec<(String, Span)> = Vec::new();
    let mut without_zone: Vec<(String, Span)> = Vec::new();
    let mut opaque: Option<Span> = None;
    match options.map(|o| (o, o.as_seq())) {
        Some((_, Some(entries))) => {
            for entry in entries {
                let domain = entry.get("DomainName").and_then(|d| ev(ctx, d, 0).val);
                let zone = entry.get("HostedZoneId");
                match (domain, zone) {
                    (Some(Val::Str(d)), Some(_)) => {
                        covered.push((validation_name(&d).to_ascii_lowercase(), entry.span));
                    }
                    (Some(Val::Str(d)), None) => {
                        without_zone.push((validation_name(&d).to_ascii_lowercase(), entry.span));
                    }
                    _ => opaque = Some(entry.span),
                }
            }
        }
        Some((o, None)) => opaque = Some(o.span),
        None => {}
    }
    for name in names {
        let key = validation_name(&name.name).to_ascii_lowercase();
        if let Some((_, span)) = covered.iter().find(|(n, _)| *n == key) {
            name.record = RecordStatus::Present;
            name.record_span = Some(*span);
        } else if let Some(span) = opaque {
            name.record = RecordStatus::Unknown;
            name.record_span = Some(span);
        } else if covered.is_empty() && !ctx.uses_route53 {
            // Nothing here uses Route 53: the record is made by hand or at another provider.
            name.record = RecordStatus::Unknown;
        } else {
            name.record = RecordStatus::Missing;
            name.record_span = without_zone
                .iter()
                .find(|(n, _)| *n == key)
                .map(|(_, s)| *s);
        }
    }
}
