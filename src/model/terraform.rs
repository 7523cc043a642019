//! Terraform into the graph: module instances, resources, certificate facts.
//!
//! Directories are modules. Roots are the analysed directories that no other analysed
//! directory calls; a called directory is analysed once per call (instance), under the caller's
//! address (`module.edge.aws_lb.main`). Local modules (`source = "./..."`) are followed; remote
//! ones are unknown. Variables take their value from the call's arguments, else from the root's
//! `terraform.tfvars` / `*.auto.tfvars`, else from their default.

use super::mapping::{self, Field, Kind};
use super::tf_eval::{Ev, Named, Scope};
use super::{
    validation_name, CertName, CertOrigin, Certificate, Export, FieldValue, Graph, Lang, Method,
    PartialValidation, RecordStatus, Ref, ResId, Resource, Val,
};
use crate::parse::hcl_ast::{Attribute, Block, Body, Expr, ExprKind};
use crate::source::{FileId, Span};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// How deep module calls may nest.
pub const MAX_MODULE_DEPTH: usize = 24;

/// Most module instances built in one run: a module that calls another twice, twenty levels
/// deep, would otherwise make a million.
pub const MAX_INSTANCES: usize = 10_000;

/// One parsed Terraform directory.
#[derive(Debug)]
pub struct TfDir {
    /// Canonical path of the directory.
    pub dir: PathBuf,
    pub files: Vec<(FileId, Body)>,
    pub tfvars: Vec<(FileId, Body)>,
    /// Given on the command line (or under a given directory), not only loaded as a module.
    pub given: bool,
}

/// The local module directories a directory calls (canonical paths; missing ones left out).
pub fn local_module_sources(dir: &TfDir) -> Vec<PathBuf> {
    dir.files
        .iter()
        .flat_map(|(_, body)| body.blocks_named("module"))
        .filter_map(|call| local_source(&dir.dir, call))
        .collect()
}

fn local_source(dir: &Path, call: &Block) -> Option<PathBuf> {
    let source = call.body.attribute("source")?.expr.as_str()?;
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    dir.join(source).canonicalize().ok()
}

pub(super) struct Module<'a> {
    pub dir: PathBuf,
    pub resources: Vec<(&'a str, &'a str, &'a Block)>,
    resource_index: HashMap<String, &'a Block>,
    pub locals: HashMap<&'a str, &'a Expr>,
    pub variables: HashMap<&'a str, Option<&'a Expr>>,
    pub outputs: HashMap<&'a str, &'a Expr>,
    output_spans: Vec<(&'a str, Span)>,
    calls: Vec<&'a Block>,
    providers: Vec<&'a Block>,
    /// Route 53 zones or records are managed (or a zone is looked up) here: a validation
    /// record missing from such a configuration is missing, not made elsewhere.
    uses_route53: bool,
}

impl Module<'_> {
    pub fn dir_text(&self) -> String {
        self.dir.to_string_lossy().into_owned()
    }
}

fn load_module(dir: &TfDir) -> Module<'_> {
    let mut m = Module {
        dir: dir.dir.clone(),
        resources: Vec::new(),
        resource_index: HashMap::new(),
        locals: HashMap::new(),
        variables: HashMap::new(),
        outputs: HashMap::new(),
        output_spans: Vec::new(),
        calls: Vec::new(),
        providers: Vec::new(),
        uses_route53: false,
    };
    for (_, body) in &dir.files {
        for block in &body.blocks {
            match (block.ident.as_str(), block.labels.as_slice()) {
                ("data", [rtype, _]) if rtype == "aws_route53_zone" => m.uses_route53 = true,
                ("resource", [rtype, name]) => {
                    m.uses_route53 |= rtype.starts_with("aws_route53_");
                    m.resources.push((rtype, name, block));
                    m.resource_index.insert(format!("{rtype}.{name}"), block);
                }
                ("locals", _) => {
                    for attr in &block.body.attributes {
                        m.locals.insert(&attr.key, &attr.expr);
                    }
                }
                ("variable", [name]) => {
                    let default = block.body.attribute("default").map(|a| &a.expr);
                    m.variables.insert(name, default);
                }
                ("output", [name]) => {
                    if let Some(value) = block.body.attribute("value") {
                        m.outputs.insert(name, &value.expr);
                        m.output_spans.push((name, block.header_span));
                    }
                }
                ("module", [_]) => m.calls.push(block),
                ("provider", [_]) => m.providers.push(block),
                _ => {}
            }
        }
    }
    m
}

/// One use of a module: the root, or a `module` block of a parent instance.
struct Instance {
    module: usize,
    /// `module.a.module.b.` (empty for a root).
    prefix: String,
    parent: Option<(usize, usize)>,
    /// The instances each module call of this one makes, with their keys.
    children: HashMap<String, Vec<(Option<Val>, usize)>>,
    /// Index of the root instance this one descends from (for tfvars and `path.root`).
    root: usize,
    /// `each` / `count` of the call that made this instance, for its arguments.
    call_scope: Scope,
}

/// One instance of a module call `for_each` or `count` makes: its key (`"api"`, `0`; `None`
/// for a call without them, or when they are unknown) and the scope its arguments are
/// evaluated in (`each.key`, `each.value`, `count.index`).
#[derive(Clone)]
pub(super) struct CallInstance {
    pub key: Option<Val>,
    pub scope: Scope,
}

/// A call of a registry module modelled from its inputs (see `tf_acm_module`).
#[derive(Clone)]
struct MacroCall {
    inst: usize,
    call_idx: usize,
    instance: CallInstance,
}

/// A certificate of one instance of a modelled module call, with the instance key.
pub(super) type KeyedCert = (Option<Val>, ResId);

/// Most instances one module call is expanded into by key; above it, one instance whose
/// `each` is unknown.
const MAX_KEYED_INSTANCES: usize = 64;

/// The Terraform side of the build: modules, instances and the evaluation state.
pub struct Tf<'a> {
    modules: Vec<Module<'a>>,
    instances: Vec<Instance>,
    tfvars: HashMap<usize, HashMap<String, Val>>,
    res_index: HashMap<(usize, String), ResId>,
    pub(super) memo: RefCell<HashMap<(usize, Named), Rc<Ev>>>,
    pub(super) in_progress: RefCell<HashSet<(usize, Named)>>,
    /// Some evaluation went past the depth limit.
    pub(super) truncated: std::cell::Cell<bool>,
    /// `for` elements that may still be evaluated one by one (see `tf_eval::FOR_BUDGET`).
    pub(super) for_budget: std::cell::Cell<usize>,
    /// Calls of the registry ACM module, modelled from their inputs, one per instance key.
    macros: Vec<MacroCall>,
    /// The certificates each modelled ACM module call creates, by (instance, call name), with
    /// their instance keys.
    pub(super) macro_index: HashMap<(usize, String), Vec<KeyedCert>>,
    unresolved: RefCell<Vec<String>>,
}

impl<'a> Tf<'a> {
    pub(super) fn module_of(&self, inst: usize) -> &Module<'a> {
        let idx = self.instances.get(inst).map_or(0, |i| i.module);
        &self.modules[idx.min(self.modules.len().saturating_sub(1))]
    }

    pub(super) fn root_dir_text(&self, inst: usize) -> String {
        let root = self.instances.get(inst).map_or(inst, |i| i.root);
        self.module_of(root).dir_text()
    }

    /// The instances of module call `call` of `inst`, with their keys.
    pub(super) fn children_of(&self, inst: usize, call: &str) -> &[(Option<Val>, usize)] {
        self.instances
            .get(inst)
            .and_then(|i| i.children.get(call))
            .map_or(&[], Vec::as_slice)
    }

    pub(super) fn resource_id(&self, inst: usize, rtype: &str, name: &str) -> Option<ResId> {
        self.res_index
            .get(&(inst, format!("{rtype}.{name}")))
            .copied()
    }

    /// The value of an argument written in a resource block (`aws_route53_zone.main.name`).
    pub(super) fn resource_input(
        &self,
        inst: usize,
        rtype: &str,
        name: &str,
        attr: &str,
        depth: usize,
    ) -> Option<Val> {
        let block = self
            .module_of(inst)
            .resource_index
            .get(&format!("{rtype}.{name}"))?;
        let expr = &block.body.attribute(attr)?.expr;
        Some(self.ev_depth(inst, expr, &Scope::default(), depth + 1).val)
    }

    /// The argument a parent passes for variable `name` of instance `inst`, with the scope
    /// (`each`, `count`) it is evaluated in.
    pub(super) fn call_argument(
        &self,
        inst: usize,
        name: &str,
    ) -> Option<(usize, &'a Expr, &Scope)> {
        let instance = self.instances.get(inst)?;
        let (parent, call_idx) = instance.parent?;
        let call = self.module_of(parent).calls.get(call_idx)?;
        Some((
            parent,
            &call.body.attribute(name)?.expr,
            &instance.call_scope,
        ))
    }

    pub(super) fn tfvar(&self, inst: usize, name: &str) -> Option<Val> {
        let instance = self.instances.get(inst)?;
        if instance.parent.is_some() {
            return None;
        }
        self.tfvars.get(&inst)?.get(name).cloned()
    }

    /// The region of the `aws` provider a module called by `call` from `inst` gets.
    pub(super) fn call_provider_region(
        &self,
        inst: usize,
        call: &Block,
    ) -> (Option<String>, Option<Span>) {
        let passed = passed_provider(call, "aws");
        provider_region(self, inst, passed.as_deref().unwrap_or("aws"), 0)
    }

    pub(super) fn note_unresolved(&self, inst: usize, what: String) {
        let dir = self.module_of(inst).dir.display().to_string();
        self.unresolved.borrow_mut().push(format!("{dir}: {what}"));
    }

    fn address(&self, inst: usize, rtype: &str, name: &str) -> String {
        let prefix = self.instances.get(inst).map_or("", |i| i.prefix.as_str());
        format!("{prefix}{rtype}.{name}")
    }
}

/// Adds every Terraform root (and its module instances) to the graph.
pub fn build(dirs: &[TfDir], graph: &mut Graph) {
    let modules: Vec<Module> = dirs.iter().map(load_module).collect();
    let by_dir: HashMap<&Path, usize> = dirs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.dir.as_path(), i))
        .collect();
    let mut tf = Tf {
        modules,
        instances: Vec::new(),
        tfvars: HashMap::new(),
        res_index: HashMap::new(),
        memo: RefCell::new(HashMap::new()),
        in_progress: RefCell::new(HashSet::new()),
        unresolved: RefCell::new(Vec::new()),
        truncated: std::cell::Cell::new(false),
        for_budget: std::cell::Cell::new(super::tf_eval::FOR_BUDGET),
        macros: Vec::new(),
        macro_index: HashMap::new(),
    };
    if tf.modules.is_empty() {
        return;
    }
    for root in roots(dirs, &by_dir) {
        let inst = tf.instances.len();
        tf.instances.push(Instance {
            module: root,
            prefix: String::new(),
            parent: None,
            children: HashMap::new(),
            root: inst,
            call_scope: Scope::default(),
        });
        if let Some(dir) = dirs.get(root) {
            tf.tfvars.insert(inst, read_tfvars(&dir.tfvars));
        }
        instantiate(&mut tf, &by_dir, inst, &mut vec![root]);
    }
    let existing = existing_resources(&tf);
    tf.memo.borrow_mut().clear();
    let base = graph.resources.len();
    for (i, (inst, rtype, name, _)) in existing.iter().enumerate() {
        tf.res_index
            .insert((*inst, format!("{rtype}.{name}")), ResId(base + i));
    }
    let macro_base = base + existing.len();
    let macros = tf.macros.clone();
    for (k, m) in macros.iter().enumerate() {
        let name = tf
            .module_of(m.inst)
            .calls
            .get(m.call_idx)
            .and_then(|c| c.labels.first());
        if let Some(name) = name {
            tf.macro_index
                .entry((m.inst, name.clone()))
                .or_default()
                .push((m.instance.key.clone(), ResId(macro_base + k)));
        }
    }
    let unit_base = graph.units;
    graph.units += tf.instances.len();
    for (i, instance) in tf.instances.iter().enumerate() {
        if instance.parent.is_none() {
            let dir = crate::source::display_path(&tf.module_of(i).dir);
            graph
                .unit_labels
                .insert(unit_base + i, dir.to_string_lossy().into_owned());
        }
    }
    let mut builder = Builder {
        unit_base,
        macro_certificates: HashSet::new(),
        tf: &tf,
        graph,
        dvo_uses: Vec::new(),
        literal_records: Vec::new(),
        external_fqdns: Vec::new(),
    };
    for (inst, rtype, name, block) in &existing {
        builder.add_resource(*inst, rtype, name, block);
    }
    for m in &macros {
        builder.add_acm_module(m.inst, m.call_idx, &m.instance);
    }
    builder.scan_instances();
    builder.finish_certificates(base);
    if tf.truncated.get() {
        graph
            .truncated_units
            .extend(unit_base..unit_base + tf.instances.len());
        graph.unresolved.push(
            "Terraform expressions nested past the evaluation limit: certificate use is unknown"
                .into(),
        );
    }
    let notes = tf.unresolved.take();
    graph.unresolved.extend(notes);
}

/// Analysed directories that no other analysed directory calls; plus, so that nothing is
/// silently skipped, any given directory only reachable through a call cycle.
fn roots(dirs: &[TfDir], by_dir: &HashMap<&Path, usize>) -> Vec<usize> {
    let calls: Vec<Vec<usize>> = dirs
        .iter()
        .map(|d| {
            local_module_sources(d)
                .iter()
                .filter_map(|p| by_dir.get(p.as_path()).copied())
                .collect()
        })
        .collect();
    let called: HashSet<usize> = calls
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.iter().copied().filter(move |&j| j != i))
        .collect();
    let mut roots: Vec<usize> = (0..dirs.len())
        .filter(|i| dirs[*i].given && !called.contains(i))
        .collect();
    let mut reached: HashSet<usize> = roots.iter().copied().collect();
    let mut stack = roots.clone();
    while let Some(i) = stack.pop() {
        for &j in calls.get(i).into_iter().flatten() {
            if reached.insert(j) {
                stack.push(j);
            }
        }
    }
    // A call cycle among given directories (a calls b, b calls a): one root per cycle, so that
    // each directory is analysed once.
    for (i, dir) in dirs.iter().enumerate() {
        if !dir.given || !reached.insert(i) {
            continue;
        }
        roots.push(i);
        let mut stack = vec![i];
        while let Some(i) = stack.pop() {
            for &j in calls.get(i).into_iter().flatten() {
                if reached.insert(j) {
                    stack.push(j);
                }
            }
        }
    }
    roots
}

fn instantiate(
    tf: &mut Tf,
    by_dir: &HashMap<&Path, usize>,
    inst: usize,
    ancestry: &mut Vec<usize>,
) {
    let module = tf.instances[inst].module;
    let calls: Vec<(usize, &Block)> = tf.modules[module]
        .calls
        .iter()
        .copied()
        .enumerate()
        .collect();
    let dir = tf.modules[module].dir.clone();
    for (call_idx, call) in calls {
        let Some(name) = call.labels.first() else {
            continue;
        };
        let keyed = call_instances(tf, inst, call);
        if keyed.is_empty() {
            continue;
        }
        let Some(child_module) =
            local_source(&dir, call).and_then(|p| by_dir.get(p.as_path()).copied())
        else {
            let source = call
                .body
                .attribute("source")
                .and_then(|a| a.expr.as_str())
                .unwrap_or("?");
            if super::tf_acm_module::is_acm_module(source) {
                tf.macros
                    .extend(keyed.into_iter().map(|instance| MacroCall {
                        inst,
                        call_idx,
                        instance,
                    }));
                continue;
            }
            tf.note_unresolved(
                inst,
                format!("module.{name}: source {source:?} is not analysed"),
            );
            continue;
        };
        if tf.instances.len() >= MAX_INSTANCES {
            tf.note_unresolved(
                inst,
                format!("module.{name}: more than {MAX_INSTANCES} module instances, not followed"),
            );
            continue;
        }
        if ancestry.contains(&child_module) || ancestry.len() >= MAX_MODULE_DEPTH {
            tf.note_unresolved(
                inst,
                format!("module.{name}: recursive module call not followed"),
            );
            continue;
        }
        for instance in keyed {
            let child = tf.instances.len();
            let prefix = format!(
                "{}module.{name}{}.",
                tf.instances[inst].prefix,
                key_suffix(instance.key.as_ref())
            );
            let root = tf.instances[inst].root;
            tf.instances.push(Instance {
                module: child_module,
                prefix,
                parent: Some((inst, call_idx)),
                children: HashMap::new(),
                root,
                call_scope: instance.scope,
            });
            tf.instances[inst]
                .children
                .entry(name.clone())
                .or_default()
                .push((instance.key, child));
            ancestry.push(child_module);
            instantiate(tf, by_dir, child, ancestry);
            ancestry.pop();
        }
    }
}

/// `["api"]` or `[0]` after a module call's name in addresses; empty without a key.
pub(super) fn key_suffix(key: Option<&Val>) -> String {
    match key {
        Some(Val::Num(n)) => format!("[{}]", *n as i64),
        Some(k) => format!("[{:?}]", k.to_text().unwrap_or_default()),
        None => String::new(),
    }
}

/// The instances a module call makes: none when `count` is 0 or `for_each` empty; one per
/// key when they are known (and few); otherwise one, whose `each` / `count` is unknown but
/// keeps the flows of the collection.
fn call_instances(tf: &Tf, inst: usize, call: &Block) -> Vec<CallInstance> {
    let scope = Scope::default();
    let single = |scope: Scope| vec![CallInstance { key: None, scope }];
    if let Some(for_each) = call.body.attribute("for_each") {
        let ev = tf.ev(inst, &for_each.expr, &scope);
        let entries: Option<Vec<(Val, Val)>> = match &ev.val {
            Val::Map(m) => Some(
                m.iter()
                    .map(|(k, v)| (Val::Str(k.clone()), v.clone()))
                    .collect(),
            ),
            // A set of strings: each key is its value.
            Val::List(items) if items.iter().all(|v| v.to_text().is_some()) => Some(
                items
                    .iter()
                    .filter_map(|v| v.to_text().map(|t| (Val::Str(t.clone()), Val::Str(t))))
                    .collect(),
            ),
            _ => None,
        };
        return match entries {
            Some(e) if e.len() <= MAX_KEYED_INSTANCES => e
                .into_iter()
                .map(|(key, value)| {
                    let each = Val::Map(vec![("key".into(), key.clone()), ("value".into(), value)]);
                    CallInstance {
                        key: Some(key),
                        scope: scope.with(
                            "each",
                            Ev {
                                val: each,
                                ..ev.clone()
                            },
                        ),
                    }
                })
                .collect(),
            _ => single(scope.with(
                "each",
                Ev {
                    val: Val::Unknown,
                    ..ev
                },
            )),
        };
    }
    if let Some(count) = call.body.attribute("count") {
        let ev = tf.ev(inst, &count.expr, &scope);
        return match ev.val.as_f64() {
            Some(n) if n >= 0.0 && n as usize <= MAX_KEYED_INSTANCES => (0..n as usize)
                .map(|i| {
                    let index = Val::Num(i as f64);
                    CallInstance {
                        key: Some(index.clone()),
                        scope: scope.with(
                            "count",
                            Ev {
                                val: Val::Map(vec![("index".into(), index)]),
                                ..ev.clone()
                            },
                        ),
                    }
                })
                .collect(),
            _ => single(scope.with(
                "count",
                Ev {
                    val: Val::Unknown,
                    ..ev
                },
            )),
        };
    }
    single(scope)
}

/// A resource or module exists unless its `count` is known to be 0 or its `for_each` known
/// to be empty.
fn module_exists(tf: &Tf, inst: usize, block: &Block) -> bool {
    let scope = Scope::default();
    if let Some(count) = block.body.attribute("count") {
        if tf.ev(inst, &count.expr, &scope).val.as_f64() == Some(0.0) {
            return false;
        }
    }
    if let Some(for_each) = block.body.attribute("for_each") {
        match tf.ev(inst, &for_each.expr, &scope).val {
            Val::List(items) if items.is_empty() => return false,
            Val::Map(entries) if entries.is_empty() => return false,
            _ => {}
        }
    }
    true
}

type Existing<'a> = Vec<(usize, &'a str, &'a str, &'a Block)>;

fn existing_resources<'a>(tf: &Tf<'a>) -> Existing<'a> {
    let mut out = Vec::new();
    for inst in 0..tf.instances.len() {
        for &(rtype, name, block) in &tf.module_of(inst).resources {
            if module_exists(tf, inst, block) {
                out.push((inst, rtype, name, block));
            }
        }
    }
    out
}

fn read_tfvars(files: &[(FileId, Body)]) -> HashMap<String, Val> {
    files
        .iter()
        .flat_map(|(_, body)| &body.attributes)
        .map(|attr| (attr.key.clone(), literal_value(&attr.expr, 0)))
        .collect()
}

/// tfvars hold literals; anything else (a reference, a function call) is unknown.
fn literal_value(expr: &Expr, depth: usize) -> Val {
    if depth > super::tf_eval::MAX_DEPTH {
        return Val::Unknown;
    }
    match &expr.kind {
        ExprKind::Null => Val::Null,
        ExprKind::Bool(b) => Val::Bool(*b),
        ExprKind::Number(n) => Val::Num(*n),
        ExprKind::String(s) => Val::Str(s.clone()),
        ExprKind::Array(items) => {
            Val::List(items.iter().map(|e| literal_value(e, depth + 1)).collect())
        }
        ExprKind::Object(entries) => Val::Map(
            entries
                .iter()
                .filter_map(|(k, v)| match k {
                    crate::parse::hcl_ast::ObjectKey::Ident(k) => {
                        Some((k.clone(), literal_value(v, depth + 1)))
                    }
                    crate::parse::hcl_ast::ObjectKey::Expr(_) => None,
                })
                .collect(),
        ),
        _ => Val::Unknown,
    }
}

/// How a resource uses a certificate's `domain_validation_options`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DvoUse {
    /// `for_each`/`count` over them: one record per name.
    All,
    /// A constant index: one name only.
    Indexed,
    /// Something acmlint does not follow (leaves the configuration, unusual shape).
    Other,
}

struct Builder<'t, 'a, 'g> {
    unit_base: usize,
    /// Certificates of modelled ACM module calls: their records are decided from the inputs.
    macro_certificates: HashSet<ResId>,
    tf: &'t Tf<'a>,
    graph: &'g mut Graph,
    dvo_uses: Vec<(ResId, DvoUse, String, Span)>,
    /// `(validated name, span)` of records written by hand with an `acm-validations.aws` value.
    literal_records: Vec<(String, Span)>,
    /// Certificates whose validation resource lists record FQDNs acmlint cannot follow.
    external_fqdns: Vec<(ResId, Span)>,
}

impl Builder<'_, '_, '_> {
    fn add_resource(&mut self, inst: usize, rtype: &str, name: &str, block: &Block) {
        let tf = self.tf;
        let address = tf.address(inst, rtype, name);
        let kind = mapping::kind_of(rtype);
        let mut scope = Scope::default();
        let mut meta_flows = Vec::new();
        for meta in ["for_each", "count"] {
            if let Some(attr) = block.body.attribute(meta) {
                let ev = tf.ev(inst, &attr.expr, &scope);
                meta_flows.extend(ev.flows.iter().cloned());
                if meta == "for_each" {
                    scope = scope.with(
                        "each",
                        Ev {
                            val: Val::Unknown,
                            ..ev
                        },
                    );
                }
            }
        }
        let mut fields = Vec::new();
        if let Some(spec) = mapping::spec_for(rtype) {
            for path in spec.fields.iter().filter(|p| !p.terraform.is_empty()) {
                let segments: Vec<&str> = path.terraform.split('.').collect();
                collect_field(
                    tf,
                    inst,
                    &block.body,
                    &segments,
                    path.field,
                    &scope,
                    0,
                    &mut fields,
                );
            }
        }
        if kind == Kind::BeanstalkEnvironment {
            beanstalk_settings(tf, inst, &block.body, &scope, &mut fields);
        }
        let res = ResId(self.graph.resources.len());
        let mut all_flows: Vec<(Span, Ev)> = Vec::new();
        scan_body(tf, inst, &block.body, &scope, &mut all_flows, 0);
        self.record_dvo_uses(res, &address, block, &meta_flows, &all_flows);
        if kind == Kind::Other {
            fields.extend(mentions(&all_flows));
        }
        if kind == Kind::DnsRecord {
            self.note_literal_record(&fields);
        }
        if kind == Kind::CertificateValidation {
            self.note_external_fqdns(tf, inst, block, &scope);
        }
        let root = tf.instances.get(inst).map_or(0, |i| i.root);
        let resource = Resource {
            id: res,
            unit: self.unit_base + root,
            address,
            rtype: rtype.to_string(),
            kind,
            lang: Lang::Terraform,
            span: block.header_span,
            fields,
        };
        let id = self.graph.add(resource);
        if kind == Kind::Certificate {
            let cert = certificate_facts(tf, inst, id, block);
            self.graph.certificates.push(cert);
        }
    }

    /// The certificate a call of the registry ACM module creates (see `tf_acm_module`).
    fn add_acm_module(&mut self, inst: usize, call_idx: usize, instance: &CallInstance) {
        let tf = self.tf;
        let Some(call) = tf.module_of(inst).calls.get(call_idx) else {
            return;
        };
        let name = call.labels.first().map_or("", String::as_str);
        let res = ResId(self.graph.resources.len());
        let prefix = tf.instances.get(inst).map_or("", |i| i.prefix.as_str());
        let root = tf.instances.get(inst).map_or(0, |i| i.root);
        self.graph.add(Resource {
            id: res,
            unit: self.unit_base + root,
            address: format!(
                "{prefix}module.{name}{}.aws_acm_certificate.this[0]",
                key_suffix(instance.key.as_ref())
            ),
            rtype: "aws_acm_certificate".into(),
            kind: Kind::Certificate,
            lang: Lang::Terraform,
            span: call.header_span,
            fields: Vec::new(),
        });
        self.macro_certificates.insert(res);
        match super::tf_acm_module::certificate(tf, inst, call, res, &instance.scope) {
            Some(cert) => self.graph.certificates.push(cert),
            // `create_certificate = false`: the slot exists, the certificate does not.
            None => {
                if let Some(r) = self.graph.resources.last_mut() {
                    r.kind = Kind::Other;
                }
            }
        }
    }

    fn record_dvo_uses(
        &mut self,
        res: ResId,
        address: &str,
        block: &Block,
        meta_flows: &[super::tf_eval::Flow],
        all_flows: &[(Span, Ev)],
    ) {
        for flow in meta_flows.iter().filter(|f| is_dvo(f)) {
            self.dvo_uses.push((
                flow.res,
                DvoUse::All,
                address.to_string(),
                block.header_span,
            ));
        }
        for (span, ev) in all_flows {
            for flow in ev.flows.iter().filter(|f| is_dvo(f) && f.res != res) {
                let how = if meta_flows.iter().any(|m| m.res == flow.res && is_dvo(m)) {
                    DvoUse::All
                } else if flow.indexed {
                    DvoUse::Indexed
                } else {
                    DvoUse::Other
                };
                self.dvo_uses
                    .push((flow.res, how, address.to_string(), *span));
            }
        }
    }

    fn note_literal_record(&mut self, fields: &[FieldValue]) {
        let name = fields.iter().find(|f| f.field == Field::Name);
        let is_validation_value = fields
            .iter()
            .filter(|f| f.field == Field::Records)
            .any(|f| val_mentions(&f.value, "acm-validations.aws"));
        if let (Some(name), true) = (name, is_validation_value) {
            if let Some(text) = name.value.as_str() {
                let validated = text
                    .trim_end_matches('.')
                    .split_once('.')
                    .map_or("", |(_, rest)| rest);
                self.literal_records
                    .push((validated.to_ascii_lowercase(), name.span));
            }
        }
    }

    fn note_external_fqdns(&mut self, tf: &Tf, inst: usize, block: &Block, scope: &Scope) {
        let Some(fqdns) = block.body.attribute("validation_record_fqdns") else {
            return;
        };
        let ev = tf.ev(inst, &fqdns.expr, scope);
        // FQDNs drawn from resources here are judged through those resources.
        if !ev.flows.is_empty() {
            return;
        }
        let Some(cert_arn) = block.body.attribute("certificate_arn") else {
            return;
        };
        for flow in tf.ev(inst, &cert_arn.expr, scope).flows {
            self.external_fqdns.push((flow.res, fqdns.span));
        }
    }

    /// Root outputs (ARNs leaving the configuration) and calls to modules acmlint cannot read.
    fn scan_instances(&mut self) {
        let tf = self.tf;
        let scope = Scope::default();
        for (inst, instance) in tf.instances.iter().enumerate() {
            let module = tf.module_of(inst);
            if instance.parent.is_none() {
                for (name, span) in &module.output_spans {
                    let Some(expr) = module.outputs.get(name) else {
                        continue;
                    };
                    let ev = tf.ev(inst, expr, &scope);
                    for flow in &ev.flows {
                        if is_dvo(flow) {
                            self.dvo_uses.push((
                                flow.res,
                                DvoUse::Other,
                                format!("output.{name}"),
                                *span,
                            ));
                        } else if is_arn_like(flow) {
                            self.graph.exports.push(Export {
                                cert: flow.res,
                                what: format!("output \"{name}\""),
                                span: *span,
                            });
                        }
                    }
                }
            }
            for call in &module.calls {
                let Some(name) = call.labels.first() else {
                    continue;
                };
                if instance.children.contains_key(name.as_str())
                    || tf.macro_index.contains_key(&(inst, name.clone()))
                {
                    continue;
                }
                for attr in &call.body.attributes {
                    for flow in tf.ev(inst, &attr.expr, &scope).flows {
                        if is_dvo(&flow) {
                            self.dvo_uses.push((
                                flow.res,
                                DvoUse::Other,
                                format!("module.{name}"),
                                attr.span,
                            ));
                        } else if is_arn_like(&flow) {
                            self.graph.opaque.push(Export {
                                cert: flow.res,
                                what: format!("module \"{name}\" (not analysed)"),
                                span: attr.span,
                            });
                        }
                    }
                }
            }
        }
    }

    /// Decides, for each DNS-validated certificate, which names have a validation record.
    fn finish_certificates(&mut self, base: usize) {
        let tf = self.tf;
        let dns_roots: HashSet<usize> = (0..tf.instances.len())
            .filter(|i| tf.module_of(*i).uses_route53)
            .filter_map(|i| tf.instances.get(i).map(|inst| inst.root))
            .collect();
        let unit_base = self.unit_base;
        let graph = &mut *self.graph;
        let units: HashMap<ResId, usize> = graph
            .certificates
            .iter()
            .filter(|c| c.res.0 >= base)
            .filter_map(|c| graph.get(c.res).map(|r| (c.res, r.unit)))
            .collect();
        for cert in graph.certificates.iter_mut().filter(|c| c.res.0 >= base) {
            if cert.method != Method::Dns || self.macro_certificates.contains(&cert.res) {
                continue;
            }
            let uses: Vec<&(ResId, DvoUse, String, Span)> =
                self.dvo_uses.iter().filter(|u| u.0 == cert.res).collect();
            let distinct: HashSet<String> = cert
                .names
                .iter()
                .map(|n| validation_name(&n.name).to_ascii_lowercase())
                .collect();
            let status = if let Some(all) = uses.iter().find(|u| u.1 == DvoUse::All) {
                (RecordStatus::Present, Some(all.3))
            } else if let Some(other) = uses.iter().find(|u| u.1 == DvoUse::Other) {
                (RecordStatus::Unknown, Some(other.3))
            } else if let Some((_, span)) = self.external_fqdns.iter().find(|e| e.0 == cert.res) {
                (RecordStatus::Unknown, Some(*span))
            } else {
                let indexed: Vec<_> = uses.iter().filter(|u| u.1 == DvoUse::Indexed).collect();
                if let Some(first) = indexed.first() {
                    let records: HashSet<&str> = indexed.iter().map(|u| u.2.as_str()).collect();
                    if records.len() < distinct.len() && !cert.names_unknown {
                        cert.partial = Some(PartialValidation {
                            covered: records.len(),
                            needed: distinct.len(),
                            record: first.2.clone(),
                            span: first.3,
                        });
                    }
                    (RecordStatus::Unknown, Some(first.3))
                } else if units
                    .get(&cert.res)
                    .is_some_and(|u| dns_roots.contains(&(u - unit_base)))
                {
                    (RecordStatus::Missing, None)
                } else {
                    // No Route 53 here at all: the records live with another DNS provider or
                    // configuration. Unknown, not missing.
                    (RecordStatus::Unknown, None)
                }
            };
            for name in &mut cert.names {
                name.record = status.0;
                name.record_span = status.1;
                let key = validation_name(&name.name).to_ascii_lowercase();
                if let Some((_, span)) = self.literal_records.iter().find(|(n, _)| *n == key) {
                    name.record = RecordStatus::Present;
                    name.record_span = Some(*span);
                }
            }
        }
    }
}

fn is_dvo(flow: &super::tf_eval::Flow) -> bool {
    flow.attr.as_deref() == Some("domain_validation_options")
}

/// A flow that can carry a certificate ARN (`arn`, `id`, the whole object, or a validation
/// resource's `certificate_arn`).
fn is_arn_like(flow: &super::tf_eval::Flow) -> bool {
    matches!(
        flow.attr.as_deref(),
        None | Some("arn" | "id" | "certificate_arn")
    )
}

fn val_mentions(val: &Val, needle: &str) -> bool {
    match val {
        Val::Str(s) => s.contains(needle),
        Val::List(items) => items.iter().any(|v| val_mentions(v, needle)),
        _ => false,
    }
}

/// Every attribute's evaluation in a body (nested blocks included), with its span.
fn scan_body(
    tf: &Tf,
    inst: usize,
    body: &Body,
    scope: &Scope,
    out: &mut Vec<(Span, Ev)>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    for attr in &body.attributes {
        if matches!(
            attr.key.as_str(),
            "depends_on" | "provider" | "for_each" | "count"
        ) {
            continue;
        }
        out.push((attr.span, tf.ev(inst, &attr.expr, scope)));
    }
    for block in &body.blocks {
        if block.ident == "lifecycle" {
            continue;
        }
        scan_body(tf, inst, &block.body, scope, out, depth + 1);
    }
}

/// References from a resource type the table does not know: they make a certificate's use
/// unknown rather than absent (a Kubernetes ingress annotation can attach a certificate).
fn mentions(all_flows: &[(Span, Ev)]) -> Vec<FieldValue> {
    all_flows
        .iter()
        .filter(|(_, ev)| !ev.flows.is_empty())
        .map(|(span, ev)| FieldValue {
            field: Field::Mentions,
            span: *span,
            value: Val::Unknown,
            refs: refs_of(ev),
            unresolved: ev.unresolved,
            group: 0,
        })
        .collect()
}

fn refs_of(ev: &Ev) -> Vec<Ref> {
    let mut refs: Vec<Ref> = ev
        .flows
        .iter()
        .map(|f| Ref {
            target: f.res,
            attr: f.attr.clone(),
        })
        .collect();
    refs.sort();
    refs.dedup();
    refs
}

#[allow(clippy::too_many_arguments)]
fn collect_field(
    tf: &Tf,
    inst: usize,
    body: &Body,
    segments: &[&str],
    field: Field,
    scope: &Scope,
    current_group: usize,
    out: &mut Vec<FieldValue>,
) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    if rest.is_empty() {
        if let Some(attr) = body.attribute(first) {
            out.extend(field_value(tf, inst, attr, field, scope, current_group));
        }
        return;
    }
    for block in body.blocks_named(first) {
        // A block's position identifies it: fields collected in separate passes over the
        // same block share its group.
        let g = group_of(current_group, block);
        collect_field(tf, inst, &block.body, rest, field, scope, g, out);
    }
    for dynamic in body
        .blocks_named("dynamic")
        .filter(|b| b.labels.first().map(String::as_str) == Some(*first))
    {
        let Some(content) = dynamic.body.blocks_named("content").next() else {
            continue;
        };
        let iterator = dynamic
            .body
            .attribute("iterator")
            .and_then(|a| match &a.expr.kind {
                ExprKind::Variable(v) => Some(v.clone()),
                _ => None,
            })
            .unwrap_or_else(|| (*first).to_string());
        let each = dynamic
            .body
            .attribute("for_each")
            .map_or_else(Ev::unknown, |a| tf.ev(inst, &a.expr, scope));
        let inner = scope.with(
            &iterator,
            Ev {
                val: Val::Unknown,
                ..each
            },
        );
        let g = group_of(current_group, content);
        collect_field(tf, inst, &content.body, rest, field, &inner, g, out);
    }
}

/// Fields of one top-level repeated block (a listener, an ingress rule, a default action)
/// share its group, however deep they sit inside it.
fn group_of(current: usize, block: &Block) -> usize {
    if current == 0 {
        block.span.start as usize + 1
    } else {
        current
    }
}

fn field_value(
    tf: &Tf,
    inst: usize,
    attr: &Attribute,
    field: Field,
    scope: &Scope,
    group: usize,
) -> Option<FieldValue> {
    let ev = tf.ev(inst, &attr.expr, scope);
    // An argument set to null is an argument not set.
    if ev.val == Val::Null {
        return None;
    }
    Some(FieldValue {
        field,
        span: attr.span,
        refs: refs_of(&ev),
        value: ev.val,
        unresolved: ev.unresolved,
        group,
    })
}

fn beanstalk_settings(tf: &Tf, inst: usize, body: &Body, scope: &Scope, out: &mut Vec<FieldValue>) {
    for (group, setting) in body.blocks_named("setting").enumerate() {
        let text = |key: &str| {
            setting
                .body
                .attribute(key)
                .and_then(|a| tf.ev(inst, &a.expr, scope).val.to_text())
        };
        let (Some(namespace), Some(name)) = (text("namespace"), text("name")) else {
            continue;
        };
        if mapping::is_beanstalk_certificate_option(&namespace, &name) {
            if let Some(value) = setting.body.attribute("value") {
                out.extend(field_value(
                    tf,
                    inst,
                    value,
                    Field::CertificateArn,
                    scope,
                    group + 1,
                ));
            }
        }
    }
}

fn certificate_facts(tf: &Tf, inst: usize, res: ResId, block: &Block) -> Certificate {
    let scope = Scope::default();
    let body = &block.body;
    let attr = |key: &str| non_null_attribute(tf, inst, body, key, &scope);
    let value = |key: &str| attr(key).map(|a| tf.ev(inst, &a.expr, &scope).val);
    let imported = attr("certificate_body").or_else(|| attr("private_key"));
    let private = attr("certificate_authority_arn");
    let (origin, origin_span) = match (imported, private) {
        (Some(a), _) => (CertOrigin::Imported, Some(a.span)),
        (None, Some(a)) => (CertOrigin::Private, Some(a.span)),
        (None, None) => (CertOrigin::AmazonIssued, None),
    };
    let method = match origin {
        CertOrigin::AmazonIssued => match value("validation_method") {
            Some(Val::Str(m)) if m.eq_ignore_ascii_case("DNS") => Method::Dns,
            Some(Val::Str(m)) if m.eq_ignore_ascii_case("EMAIL") => Method::Email,
            _ => Method::Unknown,
        },
        _ => Method::NotApplicable,
    };
    let (names, names_unknown) = certificate_names(tf, inst, body, RecordStatus::Unknown, &scope);
    let export = body
        .blocks_named("options")
        .filter_map(|o| o.body.attribute("export"))
        .any(|a| {
            tf.ev(inst, &a.expr, &scope)
                .val
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("ENABLED"))
        });
    let (region, region_span) = certificate_region(tf, inst, body);
    let expires = if origin == CertOrigin::Imported {
        value("certificate_body")
            .and_then(|v| v.as_str().map(str::to_string))
            .and_then(|pem| super::pem::not_after(&pem))
    } else {
        None
    };
    Certificate {
        res,
        origin,
        origin_span,
        method,
        method_span: attr("validation_method").map(|a| a.span),
        method_origin: attr("validation_method").and_then(|a| argument_origin(tf, inst, &a.expr)),
        method_defaulted: false,
        names,
        names_unknown,
        partial: None,
        exportable: export,
        region,
        region_span,
        expires,
    }
}

/// The argument `key` of a body, unless it is absent or its value is null (Terraform treats
/// both alike). An argument whose value is unknown is kept: it may well be set.
pub(super) fn non_null_attribute<'b>(
    tf: &Tf,
    inst: usize,
    body: &'b Body,
    key: &str,
    scope: &Scope,
) -> Option<&'b Attribute> {
    body.attribute(key)
        .filter(|a| tf.ev(inst, &a.expr, scope).val != Val::Null)
}

/// For `var.x` in a module instance: the span of the caller's argument for `x`.
fn argument_origin(tf: &Tf, inst: usize, expr: &Expr) -> Option<Span> {
    let ExprKind::Traversal { base, ops } = &expr.kind else {
        return None;
    };
    let (ExprKind::Variable(root), [crate::parse::hcl_ast::TraversalOp::Attr(name)]) =
        (&base.kind, ops.as_slice())
    else {
        return None;
    };
    if root != "var" {
        return None;
    }
    tf.call_argument(inst, name).map(|(_, arg, _)| arg.span)
}

/// `domain_name` and `subject_alternative_names`, each name with the span of its literal.
/// Also reads the inputs of a modelled ACM module call, which have the same names.
pub(super) fn certificate_names(
    tf: &Tf,
    inst: usize,
    body: &Body,
    record: RecordStatus,
    scope: &Scope,
) -> (Vec<CertName>, bool) {
    let mut names = Vec::new();
    let mut unknown = false;
    let mut push = |val: Val, span: Span, names: &mut Vec<CertName>| match val {
        Val::Str(name) => names.push(CertName {
            name,
            span,
            record,
            record_span: None,
        }),
        Val::Null => {}
        _ => unknown = true,
    };
    if let Some(domain) = body.attribute("domain_name") {
        push(
            tf.ev(inst, &domain.expr, scope).val,
            domain.expr.span,
            &mut names,
        );
    }
    if let Some(sans) = body.attribute("subject_alternative_names") {
        match &sans.expr.kind {
            ExprKind::Array(items) => {
                for item in items {
                    push(tf.ev(inst, item, scope).val, item.span, &mut names);
                }
            }
            _ => match tf.ev(inst, &sans.expr, scope).val {
                Val::List(items) => {
                    for item in items {
                        push(item, sans.expr.span, &mut names);
                    }
                }
                Val::Null => {}
                other => push(other, sans.expr.span, &mut names),
            },
        }
    }
    let mut seen = HashSet::new();
    names.retain(|n| seen.insert(n.name.to_ascii_lowercase()));
    (names, unknown)
}

/// The certificate's region: the resource's `region` argument (provider v6), else the region
/// of the provider configuration it uses (`provider = aws.alias`, passed down through module
/// `providers` maps), else unknown.
fn certificate_region(tf: &Tf, inst: usize, body: &Body) -> (Option<String>, Option<Span>) {
    let scope = Scope::default();
    if let Some(region) = non_null_attribute(tf, inst, body, "region", &scope) {
        let val = tf.ev(inst, &region.expr, &scope).val;
        return (val.as_str().map(str::to_string), Some(region.span));
    }
    let key = body
        .attribute("provider")
        .and_then(|a| provider_key(&a.expr))
        .unwrap_or_else(|| "aws".to_string());
    provider_region(tf, inst, &key, 0)
}

fn provider_key(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::String(s) => Some(s.clone()),
        ExprKind::Variable(v) => Some(v.clone()),
        ExprKind::Traversal { base, ops } => {
            let ExprKind::Variable(root) = &base.kind else {
                return None;
            };
            let mut key = root.clone();
            for op in ops {
                if let crate::parse::hcl_ast::TraversalOp::Attr(a) = op {
                    key.push('.');
                    key.push_str(a);
                }
            }
            Some(key)
        }
        _ => None,
    }
}

fn provider_region(
    tf: &Tf,
    inst: usize,
    key: &str,
    depth: usize,
) -> (Option<String>, Option<Span>) {
    if depth > MAX_MODULE_DEPTH {
        return (None, None);
    }
    let module = tf.module_of(inst);
    let scope = Scope::default();
    let (name, alias) = key
        .split_once('.')
        .map_or((key, None), |(n, a)| (n, Some(a)));
    let declared = module.providers.iter().find(|p| {
        p.labels.first().map(String::as_str) == Some(name)
            && p.body.attribute("alias").and_then(|a| a.expr.as_str()) == alias
    });
    if let Some(provider) = declared {
        return match non_null_attribute(tf, inst, &provider.body, "region", &scope) {
            Some(region) => {
                let val = tf.ev(inst, &region.expr, &scope).val;
                (val.as_str().map(str::to_string), Some(region.span))
            }
            None => (None, None),
        };
    }
    let Some((parent, call_idx)) = tf.instances.get(inst).and_then(|i| i.parent) else {
        return (None, None);
    };
    let Some(call) = tf.module_of(parent).calls.get(call_idx) else {
        return (None, None);
    };
    match passed_provider(call, key) {
        Some(parent_key) => provider_region(tf, parent, &parent_key, depth + 1),
        // Default providers are inherited; an aliased one must be passed explicitly.
        None if alias.is_none() => provider_region(tf, parent, key, depth + 1),
        None => (None, None),
    }
}

/// The parent's provider a module call passes for the child's `key` (`providers = { aws =
/// aws.ireland }` gives `aws.ireland` for `aws`).
fn passed_provider(call: &Block, key: &str) -> Option<String> {
    let providers = call.body.attribute("providers")?;
    let ExprKind::Object(entries) = &providers.expr.kind else {
        return None;
    };
    entries.iter().find_map(|(k, v)| {
        let k = match k {
            crate::parse::hcl_ast::ObjectKey::Ident(s) => Some(s.clone()),
            crate::parse::hcl_ast::ObjectKey::Expr(e) => provider_key(e),
        };
        (k.as_deref() == Some(key))
            .then(|| provider_key(v))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::source::SourceFile;

    fn body(id: u32, text: &str) -> (FileId, Body) {
        let file = SourceFile::new(FileId(id), "x.tf".into(), text);
        (FileId(id), crate::parse::hcl::parse_hcl(&file).unwrap())
    }

    #[test]
    fn tfvars_with_references_are_unknown_and_literals_are_read() {
        let dir = TfDir {
            dir: std::env::temp_dir(),
            files: vec![body(
                0,
                "variable \"domain\" {}\nvariable \"other\" {}\nresource \"aws_acm_certificate\" \"c\" {\n  domain_name = var.domain\n  subject_alternative_names = [var.other]\n  validation_method = \"DNS\"\n}\n",
            )],
            tfvars: vec![body(1, "domain = \"example.com\"\nother = \"${var.domain}\"\n")],
            given: true,
        };
        let mut graph = Graph::default();
        build(&[dir], &mut graph);
        let cert = &graph.certificates[0];
        let names: Vec<&str> = cert.names.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["example.com"]);
        assert!(cert.names_unknown);
    }
}
