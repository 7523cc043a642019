//! Terraform expression evaluation: a value where it is known, and the resources it draws on.
//!
//! One pass computes both ([`Ev`]): the value (strings, numbers, lists... or [`Val::Unknown`])
//! and the *flows*, the resource attributes the expression depends on, followed through
//! variables, locals and module outputs. Named values are memoised per module instance, so each
//! is evaluated once whatever the fan-out, and a cycle or a chain deeper than [`MAX_DEPTH`]
//! evaluates to unknown instead of recursing without end.

use super::terraform::{Module, Tf};
use super::{ResId, Val};
use crate::parse::hcl_ast::{Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, TraversalOp};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// How deep evaluation may nest (expressions inside named values inside module outputs...).
pub const MAX_DEPTH: usize = 96;

/// Largest value (in nodes: lists, maps and scalars) an expression may evaluate to; larger ones
/// are unknown. Far above real configurations, low enough that copying one stays cheap.
pub const MAX_VALUE_NODES: usize = 100_000;

/// Most bytes of text (strings and map keys) a value may hold; larger ones are unknown.
pub const MAX_VALUE_BYTES: usize = 4 << 20;

/// Most elements a `for` expression is evaluated over, one by one; above it, unknown.
pub const MAX_FOR_ELEMENTS: usize = 4096;

/// Most `for` elements evaluated one by one in a run (nested `for`s multiply); past it, `for`
/// expressions are unknown.
pub const FOR_BUDGET: usize = 1_000_000;

/// A resource attribute an expression depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Flow {
    pub res: ResId,
    /// First attribute after the resource (`arn`, `domain_validation_options`); `None` when the
    /// whole object is used.
    pub attr: Option<String>,
    /// The attribute was indexed with a constant (`[0]`, `.0`, `element(x, 0)`), so only one
    /// element of a collection attribute is used.
    pub indexed: bool,
}

/// The result of evaluating an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Ev {
    pub val: Val,
    pub flows: Vec<Flow>,
    /// Something in it could not be resolved (variable without value, data source, remote
    /// module output...).
    pub unresolved: bool,
}

impl Ev {
    pub fn known(val: Val) -> Ev {
        Ev {
            val,
            flows: Vec::new(),
            unresolved: false,
        }
    }

    pub fn unknown() -> Ev {
        Ev::known(Val::Unknown)
    }

    fn unresolved() -> Ev {
        Ev {
            unresolved: true,
            ..Ev::unknown()
        }
    }

    /// Adds another result's flows and unresolved flag to this one (keeps this value).
    ///
    /// Flows are kept without duplicates: a value referenced through a fan-out (`[local.b,
    /// local.b]`, thirty levels deep) would otherwise double its flows at every level.
    fn absorb(&mut self, other: Ev) {
        self.unresolved |= other.unresolved;
        if self.flows.is_empty() {
            self.flows = other.flows;
        } else if self.flows.len().saturating_mul(other.flows.len()) <= 4096 {
            for flow in other.flows {
                if !self.flows.contains(&flow) {
                    self.flows.push(flow);
                }
            }
        } else {
            let mut seen: HashSet<Flow> = self.flows.iter().cloned().collect();
            for flow in other.flows {
                if seen.insert(flow.clone()) {
                    self.flows.push(flow);
                }
            }
        }
    }

    /// This result, with its value replaced by unknown when it is larger than
    /// [`MAX_VALUE_NODES`] nodes or [`MAX_VALUE_BYTES`] bytes of text: values built by fan-out
    /// (`[local.b, local.b]`, `"${local.b}${local.b}"`) grow exponentially with the depth.
    fn bounded(mut self) -> Ev {
        if too_big(&self.val) {
            self.val = Val::Unknown;
            self.unresolved = true;
        }
        self
    }

    fn mark_indexed(&mut self) {
        for flow in &mut self.flows {
            flow.indexed = true;
        }
    }
}

/// Values bound by `for` expressions, `each`, `count` and dynamic block iterators.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    bindings: HashMap<String, Rc<Ev>>,
}

impl Scope {
    pub fn with(&self, name: &str, ev: Ev) -> Scope {
        let mut scope = self.clone();
        scope.bindings.insert(name.to_string(), Rc::new(ev));
        scope
    }

    fn get(&self, name: &str) -> Option<&Rc<Ev>> {
        self.bindings.get(name)
    }
}

/// Named values, memoised per instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Named {
    Var(String),
    Local(String),
    Output(String),
}

impl Tf<'_> {
    /// Evaluates `expr` in module instance `inst`.
    pub fn ev(&self, inst: usize, expr: &Expr, scope: &Scope) -> Ev {
        self.ev_depth(inst, expr, scope, 0)
    }

    pub(super) fn ev_depth(&self, inst: usize, expr: &Expr, scope: &Scope, depth: usize) -> Ev {
        if depth > MAX_DEPTH {
            // A reference past this depth is lost: certificates must not look unused for it.
            self.truncated.set(true);
            return Ev::unresolved();
        }
        let d = depth + 1;
        match &expr.kind {
            ExprKind::Null => Ev::known(Val::Null),
            ExprKind::Bool(b) => Ev::known(Val::Bool(*b)),
            ExprKind::Number(n) => Ev::known(Val::Num(*n)),
            ExprKind::String(s) => Ev::known(Val::Str(s.clone())),
            ExprKind::Template(parts) => self.ev_template(inst, parts, scope, d).bounded(),
            ExprKind::Array(items) => {
                let evs: Vec<Ev> = items
                    .iter()
                    .map(|e| self.ev_depth(inst, e, scope, d))
                    .collect();
                collect_list(evs).bounded()
            }
            ExprKind::Object(entries) => self.ev_object(inst, entries, scope, d).bounded(),
            ExprKind::Variable(name) => self.ev_traversal(inst, name, &[], scope, d),
            ExprKind::Traversal { base, ops } => match &base.kind {
                ExprKind::Variable(name) => self.ev_traversal(inst, name, ops, scope, d),
                _ => {
                    let base = self.ev_depth(inst, base, scope, d);
                    self.apply_ops(inst, base, ops, scope, d)
                }
            },
            ExprKind::FuncCall { name, args, .. } => {
                self.ev_call(inst, name, args, scope, d).bounded()
            }
            ExprKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                let c = self.ev_depth(inst, cond, scope, d);
                match c.val.as_bool() {
                    Some(true) => self.ev_depth(inst, then, scope, d),
                    Some(false) => self.ev_depth(inst, otherwise, scope, d),
                    None => {
                        let mut out = Ev::unknown();
                        out.unresolved = c.unresolved;
                        out.absorb(self.ev_depth(inst, then, scope, d));
                        out.absorb(self.ev_depth(inst, otherwise, scope, d));
                        out
                    }
                }
            }
            ExprKind::For(f) => self.ev_for(inst, f, scope, d).bounded(),
            ExprKind::Unary { op, expr } => {
                let mut e = self.ev_depth(inst, expr, scope, d);
                e.val = match (op.as_str(), &e.val) {
                    ("!", v) => v.as_bool().map_or(Val::Unknown, |b| Val::Bool(!b)),
                    ("-", v) => v.as_f64().map_or(Val::Unknown, |n| Val::Num(-n)),
                    _ => Val::Unknown,
                };
                e
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.ev_depth(inst, lhs, scope, d);
                let r = self.ev_depth(inst, rhs, scope, d);
                let val = binary(op, &l.val, &r.val);
                let mut out = Ev::known(val);
                out.absorb(l);
                out.absorb(r);
                out
            }
        }
    }

    /// A `for` expression: its value over a known collection (filtered by its `if`), unknown
    /// over an unknown one or when the filter is unknown for some element. Either way it keeps
    /// the flows of the collection and of the element expressions.
    fn ev_for(&self, inst: usize, f: &ForExpr, scope: &Scope, d: usize) -> Ev {
        let coll = self.ev_depth(inst, &f.collection, scope, d);
        let elements: Option<Vec<(Val, Val)>> = match &coll.val {
            Val::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Val::Num(i as f64), v.clone()))
                    .collect(),
            ),
            Val::Map(entries) => Some(
                entries
                    .iter()
                    .map(|(k, v)| (Val::Str(k.clone()), v.clone()))
                    .collect(),
            ),
            _ => None,
        };
        let within_budget = |e: &Vec<(Val, Val)>| {
            let left = self.for_budget.get();
            self.for_budget.set(left.saturating_sub(e.len()));
            e.len() <= MAX_FOR_ELEMENTS && e.len() <= left
        };
        let Some(elements) = elements.filter(within_budget) else {
            return self.ev_for_unknown(inst, f, scope, d, coll);
        };
        let mut out = Ev::unknown();
        let mut list = Some(Vec::new());
        let mut map: Option<Vec<(String, Val)>> = Some(Vec::new());
        for (key, value) in elements {
            let bind = |val: Val| Ev {
                val,
                flows: coll.flows.clone(),
                unresolved: coll.unresolved,
            };
            let mut inner = scope.with(&f.value_var, bind(value));
            if let Some(k) = &f.key_var {
                inner = inner.with(k, bind(key));
            }
            if let Some(cond) = &f.cond {
                let c = self.ev_depth(inst, cond, &inner, d);
                let keep = c.val.as_bool();
                out.absorb(c);
                match keep {
                    Some(true) => {}
                    Some(false) => continue,
                    None => {
                        list = None;
                        map = None;
                    }
                }
            }
            let v = self.ev_depth(inst, &f.value_expr, &inner, d);
            match &f.key_expr {
                None => {
                    if let Some(l) = &mut list {
                        l.push(v.val.clone());
                    }
                }
                Some(key_expr) => {
                    let k = self.ev_depth(inst, key_expr, &inner, d);
                    match (&mut map, k.val.to_text()) {
                        (Some(m), Some(k)) => insert_for_entry(m, k, v.val.clone(), f.grouping),
                        _ => map = None,
                    }
                    out.absorb(k);
                }
            }
            out.absorb(v);
        }
        out.absorb(coll);
        out.val = match &f.key_expr {
            None => list.map_or(Val::Unknown, Val::List),
            Some(_) => map.map_or(Val::Unknown, Val::Map),
        };
        out
    }

    /// A `for` over a collection whose elements are unknown: unknown, with every flow.
    fn ev_for_unknown(&self, inst: usize, f: &ForExpr, scope: &Scope, d: usize, coll: Ev) -> Ev {
        let mut out = Ev::unknown();
        let binding = Ev {
            val: Val::Unknown,
            flows: coll.flows.clone(),
            unresolved: coll.unresolved,
        };
        let mut inner = scope.with(&f.value_var, binding.clone());
        if let Some(k) = &f.key_var {
            inner = inner.with(k, binding);
        }
        out.absorb(coll);
        out.absorb(self.ev_depth(inst, &f.value_expr, &inner, d));
        if let Some(k) = &f.key_expr {
            out.absorb(self.ev_depth(inst, k, &inner, d));
        }
        if let Some(c) = &f.cond {
            out.absorb(self.ev_depth(inst, c, &inner, d));
        }
        out
    }

    fn ev_template(&self, inst: usize, parts: &[TemplatePart], scope: &Scope, d: usize) -> Ev {
        let mut text = Some(String::new());
        let mut out = Ev::unknown();
        for part in parts {
            match part {
                TemplatePart::Literal(s) => {
                    if let Some(t) = &mut text {
                        t.push_str(s);
                    }
                }
                TemplatePart::Interpolation(e) => {
                    let ev = self.ev_depth(inst, e, scope, d);
                    match (&mut text, ev.val.to_text()) {
                        (Some(t), Some(s)) => t.push_str(&s),
                        _ => text = None,
                    }
                    out.absorb(ev);
                }
                TemplatePart::Directive(exprs) => {
                    text = None;
                    for e in exprs {
                        out.absorb(self.ev_depth(inst, e, scope, d));
                    }
                }
            }
        }
        out.val = text.map_or(Val::Unknown, Val::Str);
        out
    }

    fn ev_object(&self, inst: usize, entries: &[(ObjectKey, Expr)], scope: &Scope, d: usize) -> Ev {
        let mut out = Ev::unknown();
        let mut map = Some(Vec::new());
        for (key, value) in entries {
            let key = match key {
                ObjectKey::Ident(k) => Some(k.clone()),
                ObjectKey::Expr(e) => {
                    let ev = self.ev_depth(inst, e, scope, d);
                    let text = ev.val.to_text();
                    out.absorb(ev);
                    text
                }
            };
            let ev = self.ev_depth(inst, value, scope, d);
            match (&mut map, key) {
                (Some(m), Some(k)) => m.push((k, ev.val.clone())),
                _ => map = None,
            }
            out.absorb(ev);
        }
        out.val = map.map_or(Val::Unknown, Val::Map);
        out
    }

    fn ev_traversal(
        &self,
        inst: usize,
        root: &str,
        ops: &[TraversalOp],
        scope: &Scope,
        d: usize,
    ) -> Ev {
        if let Some(bound) = scope.get(root) {
            return self.apply_ops(inst, (**bound).clone(), ops, scope, d);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOp::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        match root {
            "var" | "local" => {
                let Some(name) = attr(0) else {
                    return Ev::unresolved();
                };
                let named = if root == "var" {
                    Named::Var(name.to_string())
                } else {
                    Named::Local(name.to_string())
                };
                let ev = (*self.named(inst, &named, d)).clone();
                self.apply_ops(inst, ev, ops.get(1..).unwrap_or(&[]), scope, d)
            }
            "module" => self.ev_module_output(inst, ops, scope, d),
            "path" => match attr(0) {
                Some("module") => Ev::known(Val::Str(self.module_of(inst).dir_text())),
                Some("root" | "cwd") => Ev::known(Val::Str(self.root_dir_text(inst))),
                _ => Ev::unknown(),
            },
            "data" => {
                if let (Some(t), Some(n)) = (attr(0), attr(1)) {
                    self.note_unresolved(inst, format!("data.{t}.{n} (data source: external)"));
                }
                Ev::unresolved()
            }
            "each" | "count" | "self" | "terraform" => Ev::unknown(),
            rtype => self.ev_resource(inst, rtype, ops, scope, d),
        }
    }

    /// `module.call.output`, `module.call["key"].output`, `module.call[0].output`: the output
    /// of that instance. Without a key, or with one that is not known, over a call with
    /// several instances: unknown, with the flows of every instance's output.
    fn ev_module_output(&self, inst: usize, ops: &[TraversalOp], scope: &Scope, d: usize) -> Ev {
        let Some(TraversalOp::Attr(call)) = ops.first() else {
            return Ev::unresolved();
        };
        let (key, at) = match ops.get(1) {
            Some(TraversalOp::Index(e)) => (Some(self.ev_depth(inst, e, scope, d)), 2),
            Some(TraversalOp::LegacyIndex(i)) => (Some(Ev::known(Val::Num(*i as f64))), 2),
            Some(TraversalOp::FullSplat | TraversalOp::AttrSplat) => (Some(Ev::unknown()), 2),
            _ => (None, 1),
        };
        let Some(TraversalOp::Attr(output)) = ops.get(at) else {
            return Ev::unresolved();
        };
        let rest = ops.get(at + 1..).unwrap_or(&[]);
        let wanted = key.as_ref().map(|k| k.val.to_text());
        let children = self.children_of(inst, call);
        let macros = self.macro_index.get(&(inst, call.to_string()));
        let mut out = match (children.is_empty(), macros) {
            (false, _) => {
                let picked = pick_instances(children, wanted.as_ref());
                let mut out = Ev::unknown();
                for &child in &picked {
                    let ev = (*self.named(child, &Named::Output(output.to_string()), d)).clone();
                    let ev = self.apply_ops(inst, ev, rest, scope, d);
                    if picked.len() == 1 {
                        out.val = ev.val.clone();
                    }
                    out.absorb(ev);
                }
                out
            }
            (true, Some(certs)) => {
                let picked = pick_instances(certs, wanted.as_ref());
                let mut out = Ev::unknown();
                for res in picked {
                    out.absorb(self.acm_module_output(inst, res, output, rest, scope, d));
                }
                out
            }
            (true, None) => {
                self.note_unresolved(inst, format!("module.{call}.{output}"));
                return Ev::unresolved();
            }
        };
        if let Some(key) = key {
            out.absorb(key);
        }
        out
    }

    fn ev_resource(
        &self,
        inst: usize,
        rtype: &str,
        ops: &[TraversalOp],
        scope: &Scope,
        d: usize,
    ) -> Ev {
        let Some(TraversalOp::Attr(name)) = ops.first() else {
            return Ev::unknown();
        };
        let Some(res) = self.resource_id(inst, rtype, name) else {
            // A dangling reference (typo, or a resource removed by `count = 0`): resolves to
            // nothing, attaches nothing, reports nothing.
            return Ev::unknown();
        };
        let mut rest = ops.get(1..).unwrap_or(&[]);
        // Skip the instance selector (`x[0]`, `x["k"]`, `x[*]`, `x.*`) to reach the attribute.
        if matches!(
            rest.first(),
            Some(
                TraversalOp::Index(_)
                    | TraversalOp::LegacyIndex(_)
                    | TraversalOp::FullSplat
                    | TraversalOp::AttrSplat
            )
        ) {
            rest = rest.get(1..).unwrap_or(&[]);
        }
        let (attr, after) = match rest.first() {
            Some(TraversalOp::Attr(a)) => (Some(a.clone()), rest.get(1..).unwrap_or(&[])),
            _ => (None, rest),
        };
        let indexed = attr.is_some() && starts_with_constant_index(after);
        let val = attr
            .as_deref()
            .and_then(|a| self.resource_input(inst, rtype, name, a, d))
            .unwrap_or(Val::Unknown);
        let mut out = self.apply_ops(inst, Ev::known(val), after, scope, d);
        out.flows.push(Flow { res, attr, indexed });
        out
    }

    /// An output of a modelled ACM module call: a flow to its certificate.
    fn acm_module_output(
        &self,
        inst: usize,
        res: ResId,
        output: &str,
        rest: &[TraversalOp],
        scope: &Scope,
        d: usize,
    ) -> Ev {
        let Some(attr) = super::tf_acm_module::output_attribute(output) else {
            return Ev::unknown();
        };
        let mut out = self.apply_ops(inst, Ev::unknown(), rest, scope, d);
        out.flows.push(Flow {
            res,
            attr: Some(attr.to_string()),
            indexed: starts_with_constant_index(rest),
        });
        out
    }

    /// Applies the remaining traversal operators to a value.
    fn apply_ops(
        &self,
        inst: usize,
        mut ev: Ev,
        ops: &[TraversalOp],
        scope: &Scope,
        d: usize,
    ) -> Ev {
        if starts_with_constant_index(ops) {
            ev.mark_indexed();
        }
        for op in ops {
            ev.val = match op {
                TraversalOp::Attr(a) => ev.val.get(a).cloned().unwrap_or(Val::Unknown),
                TraversalOp::LegacyIndex(i) => index(&ev.val, &Val::Num(*i as f64)),
                TraversalOp::Index(e) => {
                    let key = self.ev_depth(inst, e, scope, d);
                    let v = index(&ev.val, &key.val);
                    ev.absorb(key);
                    v
                }
                TraversalOp::AttrSplat | TraversalOp::FullSplat => Val::Unknown,
            };
        }
        ev
    }

    fn ev_call(&self, inst: usize, name: &str, args: &[Expr], scope: &Scope, d: usize) -> Ev {
        if name == "try" {
            return self.ev_try(inst, args, scope, d);
        }
        let evs: Vec<Ev> = args
            .iter()
            .map(|a| self.ev_depth(inst, a, scope, d))
            .collect();
        let vals: Vec<&Val> = evs.iter().map(|e| &e.val).collect();
        let val = match name {
            "file" => self.read_file(inst, &vals),
            _ => super::tf_functions::call(name, &vals),
        };
        let constant_second = args
            .get(1)
            .is_some_and(|a| matches!(a.kind, ExprKind::Number(_)));
        let mut out = Ev::known(val);
        for (i, ev) in evs.into_iter().enumerate() {
            let mut ev = ev;
            if i == 0 && constant_second && name == "element" {
                ev.mark_indexed();
            }
            out.absorb(ev);
        }
        out
    }

    /// `try(a, b, ...)`: the first argument that evaluates without an error. An argument that
    /// is unknown could succeed, so it ends the search with an unknown result; one that
    /// certainly fails (an attribute missing from a known object, anything of `null`) is
    /// passed over.
    fn ev_try(&self, inst: usize, args: &[Expr], scope: &Scope, d: usize) -> Ev {
        let mut out = Ev::unknown();
        for arg in args {
            if self.certainly_fails(inst, arg, scope, d) {
                continue;
            }
            let ev = self.ev_depth(inst, arg, scope, d);
            let val = ev.val.clone();
            out.absorb(ev);
            out.val = val;
            return out;
        }
        out
    }

    /// Does evaluating `expr` certainly raise an error in Terraform? Only traversals are
    /// judged: a known value that lacks the attribute or index asked for, or is null.
    fn certainly_fails(&self, inst: usize, expr: &Expr, scope: &Scope, d: usize) -> bool {
        let ExprKind::Traversal { base, ops } = &expr.kind else {
            return false;
        };
        // The longest prefix that is a plain reference is evaluated as one (`var.x`,
        // `local.y`, `module.m.out`); the operators after it are checked one by one.
        for split in (1..=ops.len()).rev() {
            let (head, tail) = ops.split_at(split - 1);
            let prefix = Expr {
                kind: ExprKind::Traversal {
                    base: base.clone(),
                    ops: head.to_vec(),
                },
                span: expr.span,
            };
            let start = if head.is_empty() {
                self.ev_depth(inst, base, scope, d).val
            } else {
                self.ev_depth(inst, &prefix, scope, d).val
            };
            if !start.is_known() {
                continue;
            }
            let mut val = start;
            for op in tail {
                let next = match (op, &val) {
                    (_, Val::Null) => return true,
                    (TraversalOp::Attr(a), Val::Map(_)) => match val.get(a) {
                        Some(v) => v.clone(),
                        None => return true,
                    },
                    (TraversalOp::Index(e), Val::Map(_) | Val::List(_)) => {
                        let key = self.ev_depth(inst, e, scope, d).val;
                        if !key.is_known() {
                            return false;
                        }
                        match lookup_index(&val, &key) {
                            Some(v) => v,
                            None => return true,
                        }
                    }
                    (TraversalOp::LegacyIndex(i), Val::List(items)) => match items.get(*i as usize)
                    {
                        Some(v) => v.clone(),
                        None => return true,
                    },
                    _ => return false,
                };
                val = next;
            }
            return false;
        }
        false
    }

    /// `file(path)`: the text of a local file (PEM bodies of imported certificates), read only
    /// when the path is known and the file is small; never anything else.
    fn read_file(&self, inst: usize, args: &[&Val]) -> Val {
        let Some(path) = args.first().and_then(|v| v.as_str()) else {
            return Val::Unknown;
        };
        let module_dir = &self.module_of(inst).dir;
        let full = module_dir.join(path);
        let Ok(meta) = std::fs::metadata(&full) else {
            return Val::Unknown;
        };
        if !meta.is_file() || meta.len() > 1 << 20 {
            return Val::Unknown;
        }
        std::fs::read_to_string(&full).map_or(Val::Unknown, Val::Str)
    }

    /// A variable, local or output of instance `inst`, evaluated once.
    pub fn named(&self, inst: usize, named: &Named, depth: usize) -> Rc<Ev> {
        let key = (inst, named.clone());
        if let Some(done) = self.memo.borrow().get(&key) {
            return done.clone();
        }
        if !self.in_progress.borrow_mut().insert(key.clone()) {
            return Rc::new(Ev::unresolved());
        }
        let ev = Rc::new(self.compute_named(inst, named, depth));
        self.in_progress.borrow_mut().remove(&key);
        self.memo.borrow_mut().insert(key, ev.clone());
        ev
    }

    fn compute_named(&self, inst: usize, named: &Named, depth: usize) -> Ev {
        let module: &Module = self.module_of(inst);
        let scope = Scope::default();
        match named {
            Named::Local(name) => match module.locals.get(name.as_str()) {
                Some(expr) => self.ev_depth(inst, expr, &scope, depth + 1),
                None => Ev::unresolved(),
            },
            Named::Output(name) => match module.outputs.get(name.as_str()) {
                Some(expr) => self.ev_depth(inst, expr, &scope, depth + 1),
                None => Ev::unresolved(),
            },
            Named::Var(name) => self.variable(inst, name, depth),
        }
    }

    fn variable(&self, inst: usize, name: &str, depth: usize) -> Ev {
        let scope = Scope::default();
        if let Some((parent, arg, call_scope)) = self.call_argument(inst, name) {
            return self.ev_depth(parent, arg, call_scope, depth + 1);
        }
        if let Some(val) = self.tfvar(inst, name) {
            return Ev::known(val);
        }
        let module = self.module_of(inst);
        match module.variables.get(name).and_then(|v| *v) {
            Some(default) => self.ev_depth(inst, default, &scope, depth + 1),
            None => {
                self.note_unresolved(inst, format!("var.{name} (no value in tfvars, no default)"));
                Ev::unresolved()
            }
        }
    }
}

/// The instances of a module call a key designates: the one with that key; every one when
/// the key is unknown (or a splat); the only one when no key is given.
fn pick_instances<T: Copy>(
    instances: &[(Option<Val>, T)],
    wanted: Option<&Option<String>>,
) -> Vec<T> {
    match wanted {
        Some(Some(key)) => instances
            .iter()
            .filter(|(k, _)| match k {
                Some(k) => k.to_text().as_deref() == Some(key.as_str()),
                // Instances whose keys are not known may be the one asked for.
                None => true,
            })
            .map(|(_, t)| *t)
            .collect(),
        _ => instances.iter().map(|(_, t)| *t).collect(),
    }
}

/// One entry of an object `for`: with `...` the values of a key are grouped into a list;
/// without it a repeated key is an error in Terraform, so the value is unknown.
fn insert_for_entry(map: &mut Vec<(String, Val)>, key: String, value: Val, grouping: bool) {
    match map.iter_mut().find(|(k, _)| *k == key) {
        Some((_, Val::List(items))) if grouping => items.push(value),
        Some((_, slot)) => *slot = Val::Unknown,
        None if grouping => map.push((key, Val::List(vec![value]))),
        None => map.push((key, value)),
    }
}

fn starts_with_constant_index(ops: &[TraversalOp]) -> bool {
    match ops.first() {
        Some(TraversalOp::LegacyIndex(_)) => true,
        Some(TraversalOp::Index(e)) => matches!(e.kind, ExprKind::Number(_)),
        _ => false,
    }
}

/// Is `val` larger than [`MAX_VALUE_NODES`] nodes or [`MAX_VALUE_BYTES`] bytes of text? Walks
/// at most that many nodes, without recursion.
fn too_big(val: &Val) -> bool {
    let mut nodes = 0usize;
    let mut bytes = 0usize;
    let mut stack = vec![val];
    while let Some(v) = stack.pop() {
        nodes += 1;
        match v {
            Val::Str(s) => bytes = bytes.saturating_add(s.len()),
            Val::List(items) => stack.extend(items),
            Val::Map(entries) => {
                for (k, v) in entries {
                    bytes = bytes.saturating_add(k.len());
                    stack.push(v);
                }
            }
            Val::Unknown | Val::Null | Val::Bool(_) | Val::Num(_) => {}
        }
        if nodes > MAX_VALUE_NODES || bytes > MAX_VALUE_BYTES {
            return true;
        }
    }
    false
}

fn collect_list(evs: Vec<Ev>) -> Ev {
    let mut out = Ev::unknown();
    let mut list = Some(Vec::with_capacity(evs.len()));
    for ev in evs {
        match (&mut list, &ev.val) {
            (Some(l), v) if v.is_known() => l.push(v.clone()),
            _ => list = None,
        }
        out.absorb(ev);
    }
    out.val = list.map_or(Val::Unknown, Val::List);
    out
}

/// The element `key` designates in a known list or map; `None` when there is none.
fn lookup_index(val: &Val, key: &Val) -> Option<Val> {
    match val {
        Val::List(items) => key.as_f64().and_then(|i| items.get(i as usize)).cloned(),
        Val::Map(_) => key.to_text().and_then(|k| val.get(&k).cloned()),
        _ => None,
    }
}

fn index(val: &Val, key: &Val) -> Val {
    match (val, key) {
        (Val::List(items), k) => k
            .as_f64()
            .and_then(|i| items.get(i as usize))
            .cloned()
            .unwrap_or(Val::Unknown),
        (Val::Map(_), k) => k
            .to_text()
            .and_then(|k| val.get(&k).cloned())
            .unwrap_or(Val::Unknown),
        _ => Val::Unknown,
    }
}

fn binary(op: &str, l: &Val, r: &Val) -> Val {
    if !l.is_known() || !r.is_known() {
        return match (op, l.as_bool(), r.as_bool()) {
            ("&&", Some(false), _) | ("&&", _, Some(false)) => Val::Bool(false),
            ("||", Some(true), _) | ("||", _, Some(true)) => Val::Bool(true),
            _ => Val::Unknown,
        };
    }
    let num = |f: fn(f64, f64) -> f64| match (l.as_f64(), r.as_f64()) {
        (Some(a), Some(b)) => Val::Num(f(a, b)),
        _ => Val::Unknown,
    };
    let cmp = |f: fn(f64, f64) -> bool| match (l.as_f64(), r.as_f64()) {
        (Some(a), Some(b)) => Val::Bool(f(a, b)),
        _ => Val::Unknown,
    };
    match op {
        "==" => Val::Bool(loosely_equal(l, r)),
        "!=" => Val::Bool(!loosely_equal(l, r)),
        "&&" => match (l.as_bool(), r.as_bool()) {
            (Some(a), Some(b)) => Val::Bool(a && b),
            _ => Val::Unknown,
        },
        "||" => match (l.as_bool(), r.as_bool()) {
            (Some(a), Some(b)) => Val::Bool(a || b),
            _ => Val::Unknown,
        },
        "+" => num(|a, b| a + b),
        "-" => num(|a, b| a - b),
        "*" => num(|a, b| a * b),
        "/" => num(|a, b| a / b),
        "%" => num(|a, b| a % b),
        "<" => cmp(|a, b| a < b),
        "<=" => cmp(|a, b| a <= b),
        ">" => cmp(|a, b| a > b),
        ">=" => cmp(|a, b| a >= b),
        _ => Val::Unknown,
    }
}

fn loosely_equal(l: &Val, r: &Val) -> bool {
    match (l.to_text(), r.to_text()) {
        (Some(a), Some(b)) => a == b,
        _ => l == r,
    }
}
