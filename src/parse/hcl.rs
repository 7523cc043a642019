//! Terraform front end: `.tf` / `.tfvars` text into the span-aware tree of [`super::hcl_ast`].
//!
//! hcl-edit (re-exported by hcl-rs as `hcl::edit`) does the parsing; this module only converts
//! its tree, so that hcl-edit's types stay out of the rest of the crate.
//!
//! Spans are byte ranges into `file.text`. A leading UTF-8 byte order mark, which hcl-edit
//! rejects, is skipped before parsing and every span is shifted back by its length. A node for
//! which hcl-edit reports no span gets its parent's span.
//!
//! Depth: hcl-edit refuses input nested more than 64 levels (blocks, brackets, parentheses,
//! templates...) or with more than 128 chained binary operators on one path, and the conversion
//! gives up past [`MAX_DEPTH`] levels of its own. Within those limits hcl-edit's recursive
//! descent still takes about 20 KiB of stack per level in a debug build (1.1 to 1.5 MiB at 64
//! levels), more than a 1 MiB or 2 MiB worker thread has; so the work runs on a thread of its
//! own with [`PARSER_STACK`] bytes, whatever stack the caller has.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::thread;

use hcl::edit::expr::{self as hexpr, Expression, TraversalOperator};
use hcl::edit::parser::{self, Location};
use hcl::edit::structure::{self as hstruct, Structure};
use hcl::edit::template::{Directive, Element, Strip, Template};
use hcl::edit::Span as _;

use super::hcl_ast::{
    Attribute, Block, Body, Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, TraversalOp,
};
use super::ParseError;
use crate::source::{SourceFile, Span};

/// How deep the conversion recurses (blocks, expressions, template directives) before it gives
/// up with a [`ParseError`]. A backstop only: hcl-edit's limits allow at most three tree levels
/// per nesting level plus the operator chains, about 64 * 3 + 128 = 320.
pub const MAX_DEPTH: usize = 512;

/// Stack of the parsing thread: about four times what the deepest input hcl-edit and
/// [`MAX_DEPTH`] allow needs in a debug build (1.5 MiB to parse, under 3 MiB to convert). Only
/// the pages touched are ever committed.
const PARSER_STACK: usize = 16 << 20;

const BOM: char = '\u{feff}';

/// Parses a Terraform (.tf / .tfvars) file into the acmlint HCL tree, every node with its byte
/// span.
///
/// Comments are dropped. Object keys written as a plain quoted string (`{"a" = 1}`) become
/// [`ObjectKey::Ident`], like bare keys (`{a = 1}`); any other key expression stays
/// [`ObjectKey::Expr`]. Parentheses are unwrapped: the inner expression keeps the outer span.
/// Strip markers (`${~ x ~}`) are applied to the neighbouring template literals.
///
/// # Errors
///
/// Returns a [`ParseError`] with hcl-edit's one-line message and a point span where the input
/// stops being valid HCL, or where it nests deeper than the parser allows.
pub fn parse_hcl(file: &SourceFile) -> Result<Body, ParseError> {
    let outcome = thread::scope(|scope| {
        let spawned = thread::Builder::new()
            .name("acmlint-hcl".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || parse_here(file));
        match spawned {
            Ok(handle) => handle.join(),
            // No thread to be had: parse on the caller's stack rather than not at all.
            Err(_) => catch_unwind(AssertUnwindSafe(|| parse_here(file))),
        }
    });
    // A panic inside hcl-edit must not end the run: report it as this file's parse error.
    outcome.unwrap_or_else(|_| {
        Err(ParseError::new(
            "internal error: the HCL parser failed on this file",
            file.span(0, 0),
        ))
    })
}

/// [`parse_hcl`] on the current thread's stack.
fn parse_here(file: &SourceFile) -> Result<Body, ParseError> {
    let shift = if file.text.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    };
    let text = file.text.get(shift..).unwrap_or_default();
    let parsed = parser::parse_body(text).map_err(|err| {
        let at = shift + error_offset(text, err.location());
        ParseError::new(err.message(), file.span(at, at))
    })?;
    let mut converter = Converter {
        file,
        shift,
        depth: 0,
    };
    converter.body(&parsed, file.span(shift, file.text.len()))
}

/// The byte offset in `text` of an hcl-edit error location.
///
/// hcl-edit clamps an error at the very end of the input to the last byte and adds the overshoot
/// to the column only, and it counts the column in bytes when the error sits on a multi-byte
/// character; so the offset is the reliable part and the column only tells the end-of-input case
/// apart.
fn error_offset(text: &str, location: &Location) -> usize {
    let at = location.offset();
    if at >= text.len() {
        return text.len();
    }
    let last_byte = at + 1 == text.len();
    if last_byte && (!text.is_char_boundary(at) || location.column() > column_of(text, at)) {
        return text.len();
    }
    floor_char_boundary(text, at)
}

/// The 1-based column (in characters) of byte `at`, which must be a char boundary of `text`.
fn column_of(text: &str, at: usize) -> usize {
    let before = text.get(..at).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    before.get(line_start..).map_or(0, |s| s.chars().count()) + 1
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Converts hcl-edit's tree into ours, one node kind per method.
struct Converter<'f> {
    file: &'f SourceFile,
    /// Bytes skipped before the parsed text (a BOM): added to every hcl-edit span.
    shift: usize,
    /// Current recursion depth, checked against [`MAX_DEPTH`].
    depth: usize,
}

impl Converter<'_> {
    /// The span of an hcl-edit node, or `parent` when hcl-edit has none.
    fn span_or(&self, range: Option<std::ops::Range<usize>>, parent: Span) -> Span {
        range.map_or(parent, |r| {
            self.file.span(r.start + self.shift, r.end + self.shift)
        })
    }

    /// Runs `f` one level deeper, or fails at `span` past [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        span: Span,
        f: impl FnOnce(&mut Self) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseError::new(
                format!("nesting too deep: more than {MAX_DEPTH} levels"),
                Span {
                    end: span.start,
                    ..span
                },
            ));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn body(&mut self, body: &hstruct::Body, parent: Span) -> Result<Body, ParseError> {
        let span = self.span_or(body.span(), parent);
        let mut out = Body::default();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => out.attributes.push(self.attribute(attr, span)?),
                Structure::Block(block) => out.blocks.push(self.block(block, span)?),
            }
        }
        Ok(out)
    }

    fn attribute(
        &mut self,
        attr: &hstruct::Attribute,
        parent: Span,
    ) -> Result<Attribute, ParseError> {
        let span = self.span_or(attr.span(), parent);
        Ok(Attribute {
            key: attr.key.as_str().to_owned(),
            key_span: self.span_or(attr.key.span(), span),
            expr: self.expr(&attr.value, span)?,
            span,
        })
    }

    fn block(&mut self, block: &hstruct::Block, parent: Span) -> Result<Block, ParseError> {
        let span = self.span_or(block.span(), parent);
        let ident_span = self.span_or(block.ident.span(), span);
        let header_span = block.labels.last().map_or(ident_span, |label| {
            ident_span.to(self.span_or(label.span(), ident_span))
        });
        let body = self.nested(span, |c| c.body(&block.body, span))?;
        Ok(Block {
            ident: block.ident.as_str().to_owned(),
            labels: block.labels.iter().map(|l| l.as_str().to_owned()).collect(),
            body,
            span,
            header_span,
        })
    }

    fn expr(&mut self, expr: &Expression, parent: Span) -> Result<Expr, ParseError> {
        let span = self.span_or(expr.span(), parent);
        let kind = self.nested(span, |c| c.expr_kind(expr, span))?;
        Ok(Expr { kind, span })
    }

    fn boxed(&mut self, expr: &Expression, parent: Span) -> Result<Box<Expr>, ParseError> {
        self.expr(expr, parent).map(Box::new)
    }

    fn expr_kind(&mut self, expr: &Expression, span: Span) -> Result<ExprKind, ParseError> {
        Ok(match expr {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(n.value().as_f64().unwrap_or(f64::NAN)),
            Expression::String(s) => ExprKind::String(s.value().clone()),
            Expression::StringTemplate(t) => self.template(t, span)?,
            Expression::HeredocTemplate(h) => self.template(&h.template, span)?,
            Expression::Array(array) => ExprKind::Array(self.exprs(array.iter(), span)?),
            Expression::Object(object) => self.object(object, span)?,
            Expression::Parenthesis(p) => self.expr(p.inner(), span)?.kind,
            Expression::Variable(v) => ExprKind::Variable(v.as_str().to_owned()),
            Expression::Conditional(c) => self.conditional(c, span)?,
            Expression::FuncCall(f) => self.func_call(f, span)?,
            Expression::Traversal(t) => self.traversal(t, span)?,
            Expression::UnaryOp(u) => ExprKind::Unary {
                op: u.operator.value().as_str().to_owned(),
                expr: self.boxed(&u.expr, span)?,
            },
            Expression::BinaryOp(b) => ExprKind::Binary {
                op: b.operator.value().as_str().to_owned(),
                lhs: self.boxed(&b.lhs_expr, span)?,
                rhs: self.boxed(&b.rhs_expr, span)?,
            },
            Expression::ForExpr(f) => ExprKind::For(Box::new(self.for_expr(f, span)?)),
        })
    }

    fn exprs<'e>(
        &mut self,
        exprs: impl Iterator<Item = &'e Expression>,
        parent: Span,
    ) -> Result<Vec<Expr>, ParseError> {
        exprs.map(|e| self.expr(e, parent)).collect()
    }

    fn object(&mut self, object: &hexpr::Object, span: Span) -> Result<ExprKind, ParseError> {
        let mut items = Vec::with_capacity(object.len());
        for (key, value) in object.iter() {
            let key = match key {
                hexpr::ObjectKey::Ident(ident) => ObjectKey::Ident(ident.as_str().to_owned()),
                hexpr::ObjectKey::Expression(Expression::String(s)) => {
                    ObjectKey::Ident(s.value().clone())
                }
                hexpr::ObjectKey::Expression(e) => ObjectKey::Expr(self.expr(e, span)?),
            };
            items.push((key, self.expr(value.expr(), span)?));
        }
        Ok(ExprKind::Object(items))
    }

    fn conditional(&mut self, c: &hexpr::Conditional, span: Span) -> Result<ExprKind, ParseError> {
        Ok(ExprKind::Conditional {
            cond: self.boxed(&c.cond_expr, span)?,
            then: self.boxed(&c.true_expr, span)?,
            otherwise: self.boxed(&c.false_expr, span)?,
        })
    }

    fn func_call(&mut self, call: &hexpr::FuncCall, span: Span) -> Result<ExprKind, ParseError> {
        let name = call
            .name
            .namespace
            .iter()
            .chain(std::iter::once(&call.name.name))
            .map(|part| part.as_str())
            .collect::<Vec<_>>()
            .join("::");
        Ok(ExprKind::FuncCall {
            name,
            args: self.exprs(call.args.iter(), span)?,
            expand_final: call.args.expand_final(),
        })
    }

    fn traversal(&mut self, t: &hexpr::Traversal, span: Span) -> Result<ExprKind, ParseError> {
        let base = self.boxed(&t.expr, span)?;
        let ops = t
            .operators
            .iter()
            .map(|op| {
                let op_span = self.span_or(op.span(), span);
                self.traversal_op(op.value(), op_span)
            })
            .collect::<Result<_, ParseError>>()?;
        Ok(ExprKind::Traversal { base, ops })
    }

    fn traversal_op(
        &mut self,
        op: &TraversalOperator,
        span: Span,
    ) -> Result<TraversalOp, ParseError> {
        Ok(match op {
            TraversalOperator::AttrSplat(_) => TraversalOp::AttrSplat,
            TraversalOperator::FullSplat(_) => TraversalOp::FullSplat,
            TraversalOperator::GetAttr(name) => TraversalOp::Attr(name.as_str().to_owned()),
            TraversalOperator::Index(index) => TraversalOp::Index(self.expr(index, span)?),
            TraversalOperator::LegacyIndex(index) => TraversalOp::LegacyIndex(*index.value()),
        })
    }

    fn for_expr(&mut self, f: &hexpr::ForExpr, span: Span) -> Result<ForExpr, ParseError> {
        Ok(ForExpr {
            key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_owned()),
            value_var: f.intro.value_var.as_str().to_owned(),
            collection: self.expr(&f.intro.collection_expr, span)?,
            key_expr: f
                .key_expr
                .as_ref()
                .map(|k| self.expr(k, span))
                .transpose()?,
            value_expr: self.expr(&f.value_expr, span)?,
            cond: f
                .cond
                .as_ref()
                .map(|c| self.expr(&c.expr, span))
                .transpose()?,
            grouping: f.grouping,
        })
    }

    /// A quoted string or heredoc: a plain [`ExprKind::String`] when it holds only literal text,
    /// otherwise [`ExprKind::Template`] with strip markers (`~`) applied to the literals.
    fn template(&mut self, template: &Template, span: Span) -> Result<ExprKind, ParseError> {
        if let Some(text) = literal_text(template) {
            return Ok(ExprKind::String(text));
        }
        let elements: Vec<&Element> = template.iter().collect();
        let mut parts = Vec::with_capacity(elements.len());
        for (i, element) in elements.iter().enumerate() {
            let element_span = self.span_or(element.span(), span);
            match element {
                Element::Literal(literal) => {
                    let text = stripped_literal(literal.value(), &elements, i);
                    if !text.is_empty() {
                        parts.push(TemplatePart::Literal(text.to_owned()));
                    }
                }
                Element::Interpolation(interp) => {
                    parts.push(TemplatePart::Interpolation(
                        self.expr(&interp.expr, element_span)?,
                    ));
                }
                Element::Directive(directive) => {
                    let mut exprs = Vec::new();
                    self.directive_exprs(directive, element_span, &mut exprs)?;
                    parts.push(TemplatePart::Directive(exprs));
                }
            }
        }
        Ok(ExprKind::Template(parts))
    }

    /// Every expression of a `%{if}` / `%{for}` directive, nested ones included, in source order.
    fn directive_exprs(
        &mut self,
        directive: &Directive,
        span: Span,
        out: &mut Vec<Expr>,
    ) -> Result<(), ParseError> {
        match directive {
            Directive::If(d) => {
                out.push(self.expr(&d.if_expr.cond_expr, span)?);
                self.template_exprs(&d.if_expr.template, span, out)?;
                if let Some(otherwise) = &d.else_expr {
                    self.template_exprs(&otherwise.template, span, out)?;
                }
            }
            Directive::For(d) => {
                out.push(self.expr(&d.for_expr.collection_expr, span)?);
                self.template_exprs(&d.for_expr.template, span, out)?;
            }
        }
        Ok(())
    }

    fn template_exprs(
        &mut self,
        template: &Template,
        parent: Span,
        out: &mut Vec<Expr>,
    ) -> Result<(), ParseError> {
        for element in template.iter() {
            let span = self.span_or(element.span(), parent);
            match element {
                Element::Literal(_) => {}
                Element::Interpolation(interp) => out.push(self.expr(&interp.expr, span)?),
                Element::Directive(d) => {
                    self.nested(span, |c| c.directive_exprs(d, span, out))?;
                }
            }
        }
        Ok(())
    }
}

/// The text of a template made only of literals (no interpolation or directive).
fn literal_text(template: &Template) -> Option<String> {
    template
        .iter()
        .map(|element| match element {
            Element::Literal(literal) => Some(literal.value().as_str()),
            Element::Interpolation(_) | Element::Directive(_) => None,
        })
        .collect()
}

/// The literal at `elements[i]`, with whitespace removed on the sides where the neighbouring
/// interpolation or directive asks for it (`~}` before, `${~` after).
fn stripped_literal<'a>(text: &'a str, elements: &[&Element], i: usize) -> &'a str {
    let after_strip = i
        .checked_sub(1)
        .and_then(|p| elements.get(p))
        .is_some_and(|prev| strip_of(prev).strip_end());
    let before_strip = elements
        .get(i + 1)
        .is_some_and(|next| strip_of(next).strip_start());
    let text = if after_strip { text.trim_start() } else { text };
    if before_strip {
        text.trim_end()
    } else {
        text
    }
}

/// The strip markers on the outside of an element: `strip_start` for its opening `${~` / `%{~`,
/// `strip_end` for its (last) closing `~}`.
fn strip_of(element: &Element) -> Strip {
    let (start, end) = match element {
        Element::Literal(_) => (false, false),
        Element::Interpolation(interp) => (interp.strip.strip_start(), interp.strip.strip_end()),
        Element::Directive(directive) => match directive.as_ref() {
            Directive::If(d) => (
                d.if_expr.strip.strip_start(),
                d.endif_expr.strip.strip_end(),
            ),
            Directive::For(d) => (
                d.for_expr.strip.strip_start(),
                d.endfor_expr.strip.strip_end(),
            ),
        },
    };
    Strip::from((start, end))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::source::{FileId, LineCol};

    fn source(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "main.tf".into(), text)
    }

    fn parse(text: &str) -> (SourceFile, Body) {
        let file = source(text);
        let body = parse_hcl(&file).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        (file, body)
    }

    fn parse_err(text: &str) -> (SourceFile, ParseError) {
        let file = source(text);
        let err = parse_hcl(&file).expect_err("expected a parse error");
        (file, err)
    }

    /// The expression of `x = <text>`.
    fn expr(text: &str) -> Expr {
        let (_, body) = parse(&format!("x = {text}\n"));
        body.attribute("x").unwrap().expr.clone()
    }

    /// `expr(text)` rendered without spans.
    fn shape_of(text: &str) -> String {
        shape(&expr(text))
    }

    fn pos(file: &SourceFile, offset: u32) -> (usize, usize) {
        let LineCol { line, column } = file.line_col(offset as usize);
        (line, column)
    }

    fn slice(file: &SourceFile, span: Span) -> &str {
        &file.text[span.start as usize..span.end as usize]
    }

    /// A compact rendering of an expression tree, spans left out.
    fn shape(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Null => "null".into(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Number(n) => n.to_string(),
            ExprKind::String(s) => format!("{s:?}"),
            ExprKind::Template(parts) => format!("tmpl[{}]", join(parts.iter().map(part))),
            ExprKind::Array(items) => format!("[{}]", join(items.iter().map(shape))),
            ExprKind::Object(items) => format!("{{{}}}", join(items.iter().map(item))),
            ExprKind::Variable(name) => name.clone(),
            ExprKind::Traversal { base, ops } => ops
                .iter()
                .fold(shape(base), |acc, op| acc + &traversal_op(op)),
            ExprKind::FuncCall {
                name,
                args,
                expand_final,
            } => {
                let dots = if *expand_final { "..." } else { "" };
                format!("{name}({}{dots})", join(args.iter().map(shape)))
            }
            ExprKind::Conditional {
                cond,
                then,
                otherwise,
            } => format!("({} ? {} : {})", shape(cond), shape(then), shape(otherwise)),
            ExprKind::For(f) => for_expr(f),
            ExprKind::Unary { op, expr } => format!("({op}{})", shape(expr)),
            ExprKind::Binary { op, lhs, rhs } => {
                format!("({} {op} {})", shape(lhs), shape(rhs))
            }
        }
    }

    fn join(items: impl Iterator<Item = String>) -> String {
        items.collect::<Vec<_>>().join(", ")
    }

    fn part(p: &TemplatePart) -> String {
        match p {
            TemplatePart::Literal(s) => format!("{s:?}"),
            TemplatePart::Interpolation(e) => format!("${{{}}}", shape(e)),
            TemplatePart::Directive(exprs) => format!("%{{{}}}", join(exprs.iter().map(shape))),
        }
    }

    fn item((key, value): &(ObjectKey, Expr)) -> String {
        match key {
            ObjectKey::Ident(k) => format!("{k} = {}", shape(value)),
            ObjectKey::Expr(k) => format!("({}) = {}", shape(k), shape(value)),
        }
    }

    fn traversal_op(op: &TraversalOp) -> String {
        match op {
            TraversalOp::Attr(name) => format!(".{name}"),
            TraversalOp::Index(e) => format!("[{}]", shape(e)),
            TraversalOp::LegacyIndex(i) => format!(".{i}"),
            TraversalOp::AttrSplat => ".*".into(),
            TraversalOp::FullSplat => "[*]".into(),
        }
    }

    fn for_expr(f: &ForExpr) -> String {
        let vars = match &f.key_var {
            Some(k) => format!("{k}, {}", f.value_var),
            None => f.value_var.clone(),
        };
        let cond = f.cond.as_ref().map(|c| format!(" if {}", shape(c)));
        let cond = cond.unwrap_or_default();
        let head = format!("for {vars} in {} : ", shape(&f.collection));
        match &f.key_expr {
            Some(k) => {
                let dots = if f.grouping { "..." } else { "" };
                let (k, v) = (shape(k), shape(&f.value_expr));
                format!("{{{head}{k} => {v}{dots}{cond}}}")
            }
            None => format!("[{head}{}{cond}]", shape(&f.value_expr)),
        }
    }

    const RESOURCE: &str = r#"resource "aws_acm_certificate" "x" {
  domain_name       = "example.com"
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "https" {
  certificate_arn = aws_acm_certificate.x.arn # trailing comment
}
"#;

    #[test]
    fn spans_of_blocks_headers_attributes_and_traversals() {
        let (file, body) = parse(RESOURCE);
        assert_eq!(body.blocks.len(), 2);
        let cert = &body.blocks[0];
        assert_eq!(cert.ident, "resource");
        assert_eq!(cert.labels, ["aws_acm_certificate", "x"]);
        assert_eq!(pos(&file, cert.span.start), (1, 1));
        assert_eq!(pos(&file, cert.span.end), (8, 2));
        assert!(slice(&file, cert.span).ends_with("  }\n}"));
        assert_eq!(
            slice(&file, cert.header_span),
            r#"resource "aws_acm_certificate" "x""#
        );

        let domain = cert.body.attribute("domain_name").unwrap();
        assert_eq!(pos(&file, domain.span.start), (2, 3));
        assert_eq!(
            slice(&file, domain.span),
            r#"domain_name       = "example.com""#
        );
        assert_eq!(slice(&file, domain.key_span), "domain_name");
        assert_eq!(slice(&file, domain.expr.span), r#""example.com""#);
        assert_eq!(domain.expr.as_str(), Some("example.com"));

        let lifecycle = cert.body.blocks_named("lifecycle").next().unwrap();
        assert!(lifecycle.labels.is_empty());
        assert_eq!(pos(&file, lifecycle.span.start), (5, 3));
        assert_eq!(pos(&file, lifecycle.span.end), (7, 4));
        assert_eq!(slice(&file, lifecycle.header_span), "lifecycle");
        let cbd = lifecycle.body.attribute("create_before_destroy").unwrap();
        assert_eq!(pos(&file, cbd.span.start), (6, 5));
        assert_eq!(cbd.expr.kind, ExprKind::Bool(true));

        let arn = body.blocks[1].body.attribute("certificate_arn").unwrap();
        assert_eq!(pos(&file, arn.expr.span.start), (11, 21));
        assert_eq!(slice(&file, arn.expr.span), "aws_acm_certificate.x.arn");
        assert_eq!(
            slice(&file, arn.span),
            "certificate_arn = aws_acm_certificate.x.arn"
        );
        let ExprKind::Traversal { base, ops } = &arn.expr.kind else {
            panic!("{:?}", arn.expr.kind);
        };
        assert_eq!(slice(&file, base.span), "aws_acm_certificate");
        assert_eq!(ops.len(), 2);
    }

    #[test]
    fn identifier_labels_and_one_line_blocks() {
        let (file, body) =
            parse("resource aws_lb main {\n  lifecycle { prevent_destroy = true }\n}\n");
        let block = &body.blocks[0];
        assert_eq!(block.labels, ["aws_lb", "main"]);
        assert_eq!(slice(&file, block.header_span), "resource aws_lb main");
        let inner = &block.body.blocks[0];
        assert_eq!(
            slice(&file, inner.span),
            "lifecycle { prevent_destroy = true }"
        );
        let attr = inner.body.attribute("prevent_destroy").unwrap();
        assert_eq!(slice(&file, attr.span), "prevent_destroy = true");
        assert_eq!(slice(&file, attr.key_span), "prevent_destroy");
    }

    #[test]
    fn crlf_positions() {
        let (file, body) = parse(&RESOURCE.replace('\n', "\r\n"));
        let cert = &body.blocks[0];
        assert_eq!(pos(&file, cert.span.end), (8, 2));
        let lifecycle = &cert.body.blocks[0];
        assert_eq!(pos(&file, lifecycle.span.start), (5, 3));
        let arn = body.blocks[1].body.attribute("certificate_arn").unwrap();
        assert_eq!(pos(&file, arn.expr.span.start), (11, 21));
        assert_eq!(slice(&file, arn.expr.span), "aws_acm_certificate.x.arn");
    }

    #[test]
    fn bom_is_skipped_and_spans_stay_on_the_file_text() {
        let (file, body) = parse(&format!("\u{feff}{RESOURCE}"));
        let cert = &body.blocks[0];
        assert_eq!(cert.span.start, 3);
        assert_eq!(
            slice(&file, cert.header_span),
            r#"resource "aws_acm_certificate" "x""#
        );
        let arn = body.blocks[1].body.attribute("certificate_arn").unwrap();
        assert_eq!(slice(&file, arn.expr.span), "aws_acm_certificate.x.arn");
        assert_eq!(pos(&file, arn.expr.span.start), (11, 21));

        let (file, err) = parse_err("\u{feff}x = \"${a\"\n");
        // The BOM takes no column: `"` is the ninth character an editor shows.
        assert_eq!(pos(&file, err.span.start), (1, 9));
        assert_eq!(&file.text[err.span.start as usize..], "\"\n");
    }

    #[test]
    fn empty_and_comment_only_files_give_an_empty_body() {
        for text in ["", "\n\n", "# only a comment\n", "/* block */", "\u{feff}"] {
            assert_eq!(parse(text).1, Body::default(), "{text:?}");
        }
    }

    #[test]
    fn literals() {
        assert_eq!(shape_of("null"), "null");
        assert_eq!(shape_of("false"), "false");
        assert_eq!(shape_of("1.5"), "1.5");
        assert_eq!(shape_of("-3"), "-3");
        assert_eq!(shape_of("1e3"), "1000");
        assert_eq!(
            shape_of(r#""a\"b\n\u00e9 $${x} %%{y}""#),
            r#""a\"b\né ${x} %{y}""#
        );
        assert_eq!(shape_of(r#""""#), r#""""#);
    }

    #[test]
    fn templates() {
        assert_eq!(
            shape_of(r#""${aws_lb.x.dns_name}:443""#),
            r#"tmpl[${aws_lb.x.dns_name}, ":443"]"#
        );
        assert_eq!(shape_of(r#""a\t${var.b}""#), r#"tmpl["a\t", ${var.b}]"#);
        assert_eq!(
            shape_of(r#""x%{ if var.a }${var.b}%{ else }${upper(var.c)}%{ endif }y""#),
            r#"tmpl["x", %{var.a, var.b, upper(var.c)}, "y"]"#
        );
        assert_eq!(
            shape_of(r#""%{ for k, v in var.m }%{ if v }${k}%{ endif }%{ endfor }""#),
            "tmpl[%{var.m, v, k}]"
        );
        assert_eq!(
            shape_of(r#""a  ${~ var.b ~}  c  %{~ if true ~}  %{~ endif ~}  d""#),
            r#"tmpl["a", ${var.b}, "c", %{true}, "d"]"#
        );
    }

    #[test]
    fn template_spans() {
        let (file, body) = parse("x = \"${aws_lb.x.dns_name}:443\"\n");
        let e = &body.attribute("x").unwrap().expr;
        assert_eq!(slice(&file, e.span), "\"${aws_lb.x.dns_name}:443\"");
        let ExprKind::Template(parts) = &e.kind else {
            panic!("{e:?}")
        };
        let TemplatePart::Interpolation(inner) = &parts[0] else {
            panic!("{parts:?}")
        };
        assert_eq!(slice(&file, inner.span), "aws_lb.x.dns_name");
    }

    #[test]
    fn heredocs() {
        assert_eq!(
            shape_of("<<EOT\nline one\n  line two\nEOT"),
            r#""line one\n  line two\n""#
        );
        assert_eq!(shape_of("<<-EOT\n    a\n      b\n    EOT"), r#""a\n  b\n""#);
        assert_eq!(shape_of("<<EOT\nEOT"), r#""""#);
        assert_eq!(
            shape_of("<<EOT\n{\"arn\": \"${aws_acm_certificate.x.arn}\"}\nEOT"),
            r#"tmpl["{\"arn\": \"", ${aws_acm_certificate.x.arn}, "\"}\n"]"#
        );
        let (file, body) = parse("x = <<EOT\nhello\nEOT\ny = 1\n");
        let e = &body.attribute("x").unwrap().expr;
        assert_eq!(slice(&file, e.span), "<<EOT\nhello\nEOT");
    }

    #[test]
    fn arrays_and_objects() {
        assert_eq!(shape_of("[]"), "[]");
        assert_eq!(shape_of("[1, \"a\", var.b,]"), r#"[1, "a", var.b]"#);
        assert_eq!(shape_of("{}"), "{}");
        assert_eq!(
            shape_of("{\n  a = 1\n  \"b\" = 2, \"c-d\": 3\n  (var.k) = 4\n  \"${var.p}x\" = 5\n}"),
            r#"{a = 1, b = 2, c-d = 3, (var.k) = 4, (tmpl[${var.p}, "x"]) = 5}"#
        );
        assert_eq!(shape(&expr("{\"a\" = 1}")), shape(&expr("{a = 1}")));
    }

    #[test]
    fn traversals() {
        assert_eq!(shape_of("var.x"), "var.x");
        assert_eq!(shape_of("x[0]"), "x[0]");
        assert_eq!(shape_of("x[\"k\"]"), r#"x["k"]"#);
        assert_eq!(
            shape_of("aws_acm_certificate.x.domain_validation_options.0.resource_record_name"),
            "aws_acm_certificate.x.domain_validation_options.0.resource_record_name"
        );
        assert_eq!(
            shape_of("aws_route53_record.v.*.fqdn"),
            "aws_route53_record.v.*.fqdn"
        );
        assert_eq!(
            shape_of("aws_route53_record.v[*].fqdn"),
            "aws_route53_record.v[*].fqdn"
        );
        assert_eq!(
            shape_of(
                "tolist(aws_acm_certificate.x.domain_validation_options)[0].resource_record_name"
            ),
            "tolist(aws_acm_certificate.x.domain_validation_options)[0].resource_record_name"
        );
        assert_eq!(shape_of("(var.m)[each.key]"), "var.m[each.key]");
        assert_eq!(
            shape_of("provider::aws::arn_parse(var.a).region"),
            "provider::aws::arn_parse(var.a).region"
        );
    }

    #[test]
    fn legacy_index_is_its_own_op() {
        let ExprKind::Traversal { ops, .. } = expr("a.b.0.c").kind else {
            panic!()
        };
        assert_eq!(ops[1], TraversalOp::LegacyIndex(0));
    }

    #[test]
    fn traversal_base_spans() {
        let (file, body) = parse("x = tolist(a.b)[0].c\n");
        let e = &body.attribute("x").unwrap().expr;
        assert_eq!(slice(&file, e.span), "tolist(a.b)[0].c");
        let ExprKind::Traversal { base, ops } = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(slice(&file, base.span), "tolist(a.b)");
        let TraversalOp::Index(index) = &ops[0] else {
            panic!("{ops:?}")
        };
        assert_eq!(slice(&file, index.span), "0");
    }

    #[test]
    fn function_calls() {
        assert_eq!(shape_of("timestamp()"), "timestamp()");
        assert_eq!(shape_of("merge(var.a, {b = 1},)"), "merge(var.a, {b = 1})");
        assert_eq!(shape_of("concat(var.lists...)"), "concat(var.lists...)");
        assert_eq!(
            shape_of("provider::terraform::encode_tfvars(var.x)"),
            "provider::terraform::encode_tfvars(var.x)"
        );
    }

    #[test]
    fn conditionals_and_operators() {
        assert_eq!(
            shape_of(r#"var.x == "" ? null : var.x"#),
            r#"((var.x == "") ? null : var.x)"#
        );
        assert_eq!(
            shape_of("!var.a && var.b || var.c"),
            "(((!var.a) && var.b) || var.c)"
        );
        assert_eq!(shape_of("1 + 2 * 3"), "(1 + (2 * 3))");
        assert_eq!(shape_of("-var.n"), "(-var.n)");
        assert_eq!(shape_of("a != b"), "(a != b)");
        assert_eq!(shape_of("a % 2 >= 1"), "((a % 2) >= 1)");
    }

    #[test]
    fn parentheses_unwrap_but_keep_the_outer_span() {
        let (file, body) = parse("x = ( var.a + 1 )\n");
        let e = &body.attribute("x").unwrap().expr;
        assert_eq!(slice(&file, e.span), "( var.a + 1 )");
        assert_eq!(shape(e), "(var.a + 1)");
        assert_eq!(shape_of("((((1))))"), "1");
    }

    #[test]
    fn for_expressions() {
        assert_eq!(
            shape_of("[for r in aws_route53_record.v : r.fqdn]"),
            "[for r in aws_route53_record.v : r.fqdn]"
        );
        assert_eq!(
            shape_of("[for i, r in var.l : upper(r) if i > 0]"),
            "[for i, r in var.l : upper(r) if (i > 0)]"
        );
        assert_eq!(
            shape_of("{ for dvo in aws_acm_certificate.x.domain_validation_options : dvo.domain_name => { name = dvo.resource_record_name } }"),
            "{for dvo in aws_acm_certificate.x.domain_validation_options : dvo.domain_name => {name = dvo.resource_record_name}}"
        );
        assert_eq!(
            shape_of("{for k, v in var.m : v.zone => k... if v.enabled}"),
            "{for k, v in var.m : v.zone => k... if v.enabled}"
        );
    }

    #[test]
    fn acm_validation_records_file() {
        let text = include_str!("../../fixtures/parse/hcl/acm_dns_validation.tf");
        let (file, body) = parse(text);
        let record = body
            .blocks_named("resource")
            .find(|b| b.labels == ["aws_route53_record", "validation"])
            .unwrap();
        let for_each = record.body.attribute("for_each").unwrap();
        assert!(matches!(for_each.expr.kind, ExprKind::For(_)));
        assert_eq!(pos(&file, for_each.span.start).1, 3);
        let validation = body
            .blocks_named("resource")
            .find(|b| b.labels[0] == "aws_acm_certificate_validation")
            .unwrap();
        let fqdns = validation
            .body
            .attribute("validation_record_fqdns")
            .unwrap();
        assert_eq!(
            shape(&fqdns.expr),
            "[for r in aws_route53_record.validation : r.fqdn]"
        );
        let provider = validation.body.attribute("provider").unwrap();
        assert_eq!(shape(&provider.expr), "aws.us_east_1");
        assert_eq!(slice(&file, provider.expr.span), "aws.us_east_1");
    }

    #[test]
    fn unterminated_string_error_has_a_position() {
        // hcl-edit backtracks out of the broken string and reports the attribute it started.
        let (file, err) = parse_err("a = 1\nb = \"open\n");
        assert_eq!(pos(&file, err.span.start), (2, 1));
        assert!(err.span.is_empty());
        assert_eq!(err.message, "unexpected token");

        let (file, err) = parse_err("x = \"${aws_lb.x.arn\"\n");
        assert_eq!(pos(&file, err.span.start), (1, 20));
        assert_eq!(err.message, "expected `}`");
    }

    #[test]
    fn missing_brace_error_has_a_position() {
        let (file, err) = parse_err("resource \"a\" \"b\" {\n  x = 1\n");
        assert_eq!(err.span.start as usize, file.text.len());
        assert!(err.message.contains('}'), "{}", err.message);

        let (file, err) = parse_err("locals {\n  x = [1, 2\n}\n");
        assert_eq!(pos(&file, err.span.start), (3, 1));
        assert!(err.message.contains(']'), "{}", err.message);
    }

    #[test]
    fn error_position_counts_characters_after_multibyte_text() {
        let (file, err) = parse_err("a = \"é\" }\n");
        assert_eq!(pos(&file, err.span.start), (1, 9));
        assert_eq!(&file.text[err.span.start as usize..], "}\n");
        // Here hcl-edit's own column is 10: it counts bytes when the error is on a multi-byte
        // character.
        let (file, err) = parse_err("a = \"é\" é\n");
        assert_eq!(pos(&file, err.span.start), (1, 9));
        assert_eq!(&file.text[err.span.start as usize..], "é\n");
    }

    #[test]
    fn invalid_input_is_an_error_not_a_panic() {
        let inputs = [
            "\0\u{1}\u{2}\u{7f}",
            "\u{fffd}\u{fffd}PNG\r\n\u{1a}\n",
            "}",
            "a = ",
            "a = 1 = 2",
            "a = 1\na = 2\n",
            "resource \"x\" {",
            "a = \"${\"",
            "a = \"%{ if x }\"",
            "a = <<EOT\nno end",
            "a = x.",
            "a = f(x...,)",
            "a = \"\\q\"",
        ];
        for input in inputs {
            assert!(parse_hcl(&source(input)).is_err(), "{input:?}");
        }
    }

    #[test]
    fn pseudo_random_bytes_never_panic() {
        let alphabet: Vec<char> = "{}[]()\"$%~<>=!?:.,*-+/#\\ \n\tab0_é\u{feff}"
            .chars()
            .collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            let len = (seed % 40) as usize;
            let text: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            let file = source(&text);
            if let Err(err) = parse_hcl(&file) {
                assert!(err.span.end as usize <= file.text.len(), "{text:?}");
                assert!(
                    file.text.is_char_boundary(err.span.start as usize),
                    "{text:?}"
                );
            }
        }
    }

    /// Parses on a thread with a 1 MiB stack, as a worker thread might have.
    fn parse_on_small_stack(text: String) -> Result<Body, ParseError> {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || parse_hcl(&source(&text)))
            .unwrap()
            .join()
            .unwrap()
    }

    fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn very_deep_nesting_is_an_error_without_stack_overflow() {
        let deep = 10_000;
        let cases = [
            nested("a {\n", "", "}\n", deep),
            format!("x = {}", nested("[", "1", "]", deep)),
            format!("x = {}", nested("(", "1", ")", deep)),
            format!("x = {}", nested("{a = ", "1", "}", deep)),
            format!("x = {}", nested("f(", "1", ")", deep)),
            format!("x = {}", nested("\"${", "1", "}\"", deep)),
            format!("x = {}", nested("%{if a}", "", "%{endif}", deep)),
            format!("x = {}1", "!".repeat(deep)),
            format!("x = {}1", "- ".repeat(deep)),
            format!("x = a{}", "[a".repeat(deep) + &"]".repeat(deep)),
            format!("x = {}1", "a ? b : ".repeat(deep)),
            format!("x = 1{}", " + 1".repeat(deep)),
            format!("x = {}", nested("[for a in ", "b", " : a]", deep)),
        ];
        for case in cases {
            let head: String = case.chars().take(12).collect();
            let err = parse_on_small_stack(case).expect_err(&head);
            assert!(!err.message.is_empty(), "{head}");
        }
    }

    #[test]
    fn deepest_trees_hcl_edit_accepts_convert() {
        // 64 nesting levels of two tree levels each, around 128 chained operators.
        let ops = format!("1{}", " + 1".repeat(128));
        let text = format!("x = {}\n", nested("f(", &ops, ")[0]", 64));
        assert!(parse_on_small_stack(text).is_ok());
    }

    #[test]
    fn conversion_depth_limit_is_an_error() {
        // Past what hcl-edit accepts, so built by hand; converted on a parser-sized stack.
        thread::Builder::new()
            .stack_size(PARSER_STACK)
            .spawn(convert_too_deep)
            .unwrap()
            .join()
            .unwrap();
    }

    fn convert_too_deep() {
        let mut deep = Expression::from(1u64);
        for _ in 0..=MAX_DEPTH {
            deep = Expression::Array(hexpr::Array::from(vec![deep]));
        }
        let file = source("x = 1\n");
        let mut converter = Converter {
            file: &file,
            shift: 0,
            depth: 0,
        };
        let err = converter.expr(&deep, file.span(4, 5)).unwrap_err();
        assert_eq!(err.message, "nesting too deep: more than 512 levels");
        assert_eq!(err.span, file.span(4, 4));
        assert_eq!(converter.depth, 0);
    }

    #[test]
    fn nesting_within_hcl_edit_limits_parses() {
        assert!(parse_on_small_stack(nested("a {\n", "", "}\n", 64)).is_ok());
        let err = parse_on_small_stack(nested("a {\n", "", "}\n", 65)).unwrap_err();
        assert_eq!(
            err.message,
            "invalid nesting depth; expected at most 64 nested levels"
        );
        assert!(parse_on_small_stack(format!("x = {}", nested("[", "1", "]", 64))).is_ok());
        assert!(parse_on_small_stack(format!("x = {}", nested("[", "1", "]", 65))).is_err());
        assert!(parse_on_small_stack(format!("x = 1{}", " + 1".repeat(128))).is_ok());
        assert!(parse_on_small_stack(format!("x = 1{}", " + 1".repeat(129))).is_err());
    }
}
