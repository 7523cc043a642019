//! CloudFormation templates, YAML or JSON, into the span-aware [`tree`](super::tree).
//!
//! The loader consumes the `saphyr-parser` event stream and builds the tree itself, rather than
//! going through `saphyr`'s `MarkedYaml`, for four reasons:
//! - **No recursion over user data.** The tree is built with an explicit stack of open
//!   collections, and nesting is capped at [`MAX_DEPTH`] levels, so no input can overflow the
//!   stack (here, or later in code that walks or drops the tree).
//! - **Exact spans.** saphyr reports character indices; they are converted once to byte offsets
//!   (a UTF-8 BOM and non-ASCII text do not shift them, CRLF is just bytes). A short-form
//!   intrinsic such as `!Ref X` becomes `{Ref: X}` whose key span is exactly the tag.
//! - **Bounded alias expansion.** Every node, including every copy made by an alias, is charged
//!   against [`MAX_NODES`] and [`MAX_STRING_BYTES`] *before* it is made, so an alias bomb fails
//!   at the offending alias in bounded time and memory.
//! - **CloudFormation semantics.** Duplicate keys are errors (CloudFormation rejects them), and
//!   only the first document of a stream is read.
//!
//! JSON goes through the same path: JSON is YAML 1.2 flow syntax, and saphyr's positions are
//! exact for it (tabs, `\/` and `\u` escapes included).

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as YamlSpan, Tag};

use super::tree::{Entry, Map, Node, Value};
use super::ParseError;
use crate::source::{SourceFile, Span};

/// Deepest nesting accepted, counted in levels of the resulting tree (a short-form intrinsic
/// counts two: its wrapper map and its argument). Real templates stay far below; the cap keeps
/// every recursive walk over the tree (including `Drop`) safe on small thread stacks.
pub const MAX_DEPTH: usize = 256;

/// Most nodes a document may expand to, alias copies included: far above any real template
/// (CloudFormation caps a template at 1 MB), low enough to stop an alias bomb in milliseconds.
/// A larger text (`--max-file-size` raised) gets twice its length in bytes: without aliases a
/// node takes at least one byte of text, so only alias copies can exhaust the budget.
pub const MAX_NODES: usize = 1_000_000;

/// Most bytes of keys and string values a document may expand to, alias copies included: the
/// node budget alone does not bound memory when an alias copies a huge scalar many times. A
/// larger text gets twice its length, as for [`MAX_NODES`].
pub const MAX_STRING_BYTES: usize = 64 * 1024 * 1024;

/// Parses a CloudFormation template (YAML or JSON; JSON is parsed as YAML flow syntax, with
/// exact positions) into a span-aware tree. Only the first document of a stream is read; an
/// empty stream is a `Null` node at offset 0.
pub fn parse_template(file: &SourceFile) -> Result<Node, ParseError> {
    match rewrite_surrogate_pairs(&file.text) {
        Some(rewrite) => Loader::new(file, rewrite.shifts).load(&rewrite.text),
        None => Loader::new(file, Vec::new()).load(&file.text),
    }
}

/// The node and string byte budgets of a text of `len` bytes.
fn budget(len: usize) -> (usize, usize) {
    let scaled = len.saturating_mul(2);
    (MAX_NODES.max(scaled), MAX_STRING_BYTES.max(scaled))
}

/// Cheap pre-check on raw text: does it mention `AWSTemplateFormatVersion` or `AWS::`?
pub fn mentions_cloudformation(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || text.contains("AWS::")
}

/// Is this parsed document a CloudFormation template: it has `AWSTemplateFormatVersion`, or a
/// `Resources` map whose entries have a `Type` starting with `AWS::` (SAM `AWS::Serverless::*`
/// included). One such resource is enough: templates mix in `Custom::` types.
pub fn is_cloudformation(root: &Node) -> bool {
    let Some(map) = root.as_map() else {
        return false;
    };
    if map.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    map.get("Resources")
        .and_then(Node::as_map)
        .is_some_and(|resources| resources.iter().any(|entry| has_aws_type(&entry.value)))
}

fn has_aws_type(resource: &Node) -> bool {
    resource
        .get("Type")
        .and_then(Node::as_str)
        .is_some_and(|t| t.starts_with("AWS::"))
}

/// Converts saphyr's character indices to byte offsets into the text.
///
/// ASCII text maps one to one. Otherwise a checkpoint every [`Self::STRIDE`] characters bounds
/// each lookup to a short forward walk, with memory proportional to the text length / stride;
/// and since events arrive in text order, the walk starts from the previous lookup when that
/// is nearer.
///
/// When the parser read a rewritten text (see [`rewrite_surrogate_pairs`]), `shifts` maps its
/// character indices back to the original's first.
struct CharOffsets<'a> {
    text: &'a str,
    ascii: bool,
    checkpoints: Vec<usize>,
    /// The last lookup: (character index, byte offset).
    cursor: Cell<(usize, usize)>,
    shifts: Vec<Shift>,
}

impl<'a> CharOffsets<'a> {
    const STRIDE: usize = 64;

    fn new(text: &'a str, shifts: Vec<Shift>) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(Self::STRIDE)
                .map(|(byte, _)| byte)
                .collect()
        };
        CharOffsets {
            text,
            ascii,
            checkpoints,
            cursor: Cell::new((0, 0)),
            shifts,
        }
    }

    /// The byte offset of the character at `index` (of the text the parser read); the text
    /// length past the end.
    fn byte(&self, index: usize) -> usize {
        let index = self.original_index(index);
        if self.ascii {
            return index.min(self.text.len());
        }
        let slot = index / Self::STRIDE;
        let Some(&checkpoint) = self.checkpoints.get(slot) else {
            return self.text.len();
        };
        let (cursor_index, cursor_byte) = self.cursor.get();
        let (from_index, from_byte) =
            if cursor_index >= slot * Self::STRIDE && cursor_index <= index {
                (cursor_index, cursor_byte)
            } else {
                (slot * Self::STRIDE, checkpoint)
            };
        let byte = self
            .text
            .get(from_byte..)
            .and_then(|rest| rest.char_indices().nth(index - from_index))
            .map_or(self.text.len(), |(within, _)| from_byte + within);
        self.cursor.set((index, byte));
        byte
    }

    fn original_index(&self, index: usize) -> usize {
        let passed = self.shifts.partition_point(|shift| shift.after <= index);
        let removed = passed
            .checked_sub(1)
            .and_then(|i| self.shifts.get(i))
            .map_or(0, |shift| shift.removed);
        index.saturating_add(removed)
    }
}

/// From character index `after` of a rewritten text on, positions lie `removed` characters
/// further in the original text.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Shift {
    after: usize,
    removed: usize,
}

/// A text rewritten for the parser, with the map back to the original positions.
struct Rewrite {
    text: String,
    shifts: Vec<Shift>,
}

/// JSON writes a character outside the Basic Multilingual Plane as a UTF-16 surrogate pair
/// (`"\ud83d\ude00"`, as Python's `json.dumps` does by default); YAML has no such escape and
/// saphyr rejects it. For a JSON document (it opens with `{` or `[`) that has such pairs, this
/// rewrites each pair inside a string as the YAML escape `\U0001F600`, two characters shorter,
/// and records the shift. `None` when nothing needs rewriting.
fn rewrite_surrogate_pairs(text: &str) -> Option<Rewrite> {
    let looks_like_json = text
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .starts_with(['{', '[']);
    if !looks_like_json || !(text.contains("\\ud") || text.contains("\\uD")) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut shifts: Vec<Shift> = Vec::new();
    let mut out_chars = 0usize;
    let mut in_string = false;
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        if in_string && c == '\\' {
            if let Some(decoded) = text.get(at..).and_then(surrogate_pair) {
                let escape = format!("\\U{:08X}", u32::from(decoded));
                out_chars += escape.len();
                out.push_str(&escape);
                let removed =
                    shifts.last().map_or(0, |s| s.removed) + SURROGATE_PAIR_LEN - escape.len();
                shifts.push(Shift {
                    after: out_chars,
                    removed,
                });
                // The pair is ASCII: skip its remaining characters.
                chars.nth(SURROGATE_PAIR_LEN - 2);
                continue;
            }
            out.push(c);
            out_chars += 1;
            if let Some((_, escaped)) = chars.next() {
                out.push(escaped);
                out_chars += 1;
            }
            continue;
        }
        if c == '"' {
            in_string = !in_string;
        }
        out.push(c);
        out_chars += 1;
    }
    (!shifts.is_empty()).then_some(Rewrite { text: out, shifts })
}

/// Length of `\uD83D\uDE00`.
const SURROGATE_PAIR_LEN: usize = 12;

/// The character a JSON surrogate pair escape at the start of `text` stands for.
fn surrogate_pair(text: &str) -> Option<char> {
    let pair = text.get(..SURROGATE_PAIR_LEN)?;
    let high = pair
        .strip_prefix("\\u")
        .and_then(|rest| hex4(rest.get(..4)?))?;
    let low = pair.get(6..)?.strip_prefix("\\u").and_then(hex4)?;
    if !(0xD800..0xDC00).contains(&high) || !(0xDC00..0xE000).contains(&low) {
        return None;
    }
    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
}

fn hex4(digits: &str) -> Option<u32> {
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// What a node's tag asks for.
#[derive(Debug, Clone, PartialEq)]
enum TagKind {
    None,
    /// `!!str`, `!!int`...: the suffix; coerces a scalar, ignored on collections.
    Core(String),
    /// The bare `!` tag: a scalar stays a string.
    NonSpecific,
    /// A short-form intrinsic: the long-form key (`Ref`, `Condition`, `Fn::Sub`...).
    Intrinsic(String),
}

impl TagKind {
    fn of(tag: Option<&Tag>) -> TagKind {
        let Some(tag) = tag else {
            return TagKind::None;
        };
        if tag.is_yaml_core_schema() {
            return TagKind::Core(tag.suffix.clone());
        }
        if tag.handle.is_empty() && tag.suffix == "!" {
            // saphyr's form of the bare `!`.
            return TagKind::NonSpecific;
        }
        if tag.handle != "!" {
            // A %TAG handle or verbatim tag: nothing CloudFormation knows; keep the value.
            return TagKind::None;
        }
        match tag.suffix.as_str() {
            "" => TagKind::NonSpecific,
            "Ref" | "Condition" => TagKind::Intrinsic(tag.suffix.clone()),
            s if s.starts_with("Fn::") => TagKind::Intrinsic(s.to_owned()),
            s => TagKind::Intrinsic(format!("Fn::{s}")),
        }
    }
}

/// A node's properties (anchor and tag) and where its content starts.
struct Props {
    tag: TagKind,
    /// Byte range of the tag text (`!Ref`), when found.
    tag_span: Option<(usize, usize)>,
    anchor: usize,
    /// Byte offset of the first property, or of the content when there is none.
    start: usize,
    /// Byte offset of the content (after the properties).
    content: usize,
}

impl Props {
    /// Levels the node adds to the tree: two for an intrinsic (the wrapper map and the value).
    fn levels(&self) -> usize {
        1 + usize::from(matches!(self.tag, TagKind::Intrinsic(_)))
    }
}

/// Finds the tag among `count` properties (`&anchor`, `!tag`) starting at `start`, and the
/// offset of the content after them (past blanks, line breaks and comments).
fn scan_properties(text: &str, start: usize, count: usize) -> (Option<(usize, usize)>, usize) {
    let mut pos = start;
    let mut tag = None;
    for _ in 0..count {
        pos = skip_separation(text, pos);
        let rest = text.get(pos..).unwrap_or("");
        let end = pos + property_len(rest);
        match rest.chars().next() {
            Some('!') => tag = Some((pos, end)),
            Some('&') => {}
            _ => break,
        }
        pos = end;
    }
    (tag, skip_separation(text, pos))
}

/// Length in bytes of the property token at the start of `rest`.
fn property_len(rest: &str) -> usize {
    if rest.starts_with("!<") {
        return rest.find('>').map_or(rest.len(), |i| i + 1);
    }
    rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .unwrap_or(rest.len())
}

/// Skips blanks, line breaks and comments from `pos`.
fn skip_separation(text: &str, mut pos: usize) -> usize {
    loop {
        let rest = text.get(pos..).unwrap_or("");
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        pos += rest.len() - trimmed.len();
        if !trimmed.starts_with('#') {
            return pos;
        }
        pos += trimmed.find('\n').unwrap_or(trimmed.len());
    }
}

/// `end` moved back over blanks and line breaks, but not before `start`.
fn trim_trailing_blanks(text: &str, start: usize, end: usize) -> usize {
    text.get(start..end).map_or(end, |s| {
        start + s.trim_end_matches([' ', '\t', '\r', '\n']).len()
    })
}

/// The value of a scalar: quoted and block scalars are strings; plain ones follow the YAML 1.2
/// core schema (booleans, null, numbers as written); a core tag coerces.
fn resolve_scalar(text: String, style: ScalarStyle, tag: &TagKind) -> Value {
    match tag {
        TagKind::Core(suffix) => coerce_core(text, suffix),
        TagKind::NonSpecific => Value::String(text),
        _ if style != ScalarStyle::Plain => Value::String(text),
        _ => resolve_plain(text),
    }
}

fn coerce_core(text: String, suffix: &str) -> Value {
    match suffix {
        "null" => Value::Null,
        "bool" => match parse_bool(&text) {
            Some(b) => Value::Bool(b),
            None => Value::String(text),
        },
        "int" | "float" if is_int(&text) || is_float(&text) => Value::Number(text),
        _ => Value::String(text),
    }
}

fn resolve_plain(text: String) -> Value {
    if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if let Some(b) = parse_bool(&text) {
        return Value::Bool(b);
    }
    if is_int(&text) || is_float(&text) {
        return Value::Number(text);
    }
    Value::String(text)
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn all_digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`.
fn is_int(text: &str) -> bool {
    if let Some(octal) = text.strip_prefix("0o") {
        return all_digits(octal, 8);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return all_digits(hex, 16);
    }
    all_digits(text.strip_prefix(['-', '+']).unwrap_or(text), 10)
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf` or `.nan`.
fn is_float(text: &str) -> bool {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => all_digits(fraction, 10),
        Some((whole, fraction)) => {
            all_digits(whole, 10) && (fraction.is_empty() || all_digits(fraction, 10))
        }
        None => all_digits(mantissa, 10),
    };
    let exponent_ok =
        exponent.is_none_or(|e| all_digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    mantissa_ok && exponent_ok
}

/// What a finished subtree costs and how tall it is.
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    nodes: usize,
    bytes: usize,
    height: usize,
}

impl Size {
    fn leaf(bytes: usize) -> Size {
        Size {
            nodes: 1,
            bytes,
            height: 1,
        }
    }

    fn add_child(&mut self, child: Size) {
        self.nodes = self.nodes.saturating_add(child.nodes);
        self.bytes = self.bytes.saturating_add(child.bytes);
        self.height = self.height.max(child.height);
    }
}

/// A finished node with its size.
#[derive(Debug, Clone)]
struct Built {
    node: Node,
    size: Size,
}

/// A mapping being built.
#[derive(Default)]
struct MapBody {
    entries: Vec<Entry>,
    /// Each key seen so far, with the byte offset where it was first defined.
    seen: HashMap<String, usize>,
    /// A key waiting for its value.
    pending: Option<(String, Span)>,
}

enum Body {
    Seq(Vec<Node>),
    Map(MapBody),
}

/// An open collection.
struct Frame {
    body: Body,
    props: Props,
    /// Byte offset where the last child ends (a block collection ends there).
    last_end: usize,
    /// The children's total size and greatest height.
    children: Size,
}

/// A second definition of a key.
struct DuplicateKey {
    key: String,
    first: usize,
    at: Span,
}

/// The event-driven tree builder.
struct Loader<'f> {
    file: &'f SourceFile,
    offsets: CharOffsets<'f>,
    stack: Vec<Frame>,
    /// Levels of the tree taken by the open collections.
    depth: usize,
    /// Anchored nodes by saphyr's anchor id.
    anchors: HashMap<usize, Built>,
    /// Nodes and string bytes made so far, alias copies included.
    spent: Size,
    /// The most nodes and string bytes the document may expand to.
    budget: (usize, usize),
    root: Option<Node>,
}

impl<'f> Loader<'f> {
    /// A loader for `file`; `shifts` when the parser will read a rewrite of its text.
    fn new(file: &'f SourceFile, shifts: Vec<Shift>) -> Self {
        Loader {
            file,
            offsets: CharOffsets::new(&file.text, shifts),
            stack: Vec::new(),
            depth: 0,
            anchors: HashMap::new(),
            spent: Size::default(),
            budget: budget(file.text.len()),
            root: None,
        }
    }

    /// Builds the tree of the first document of `yaml`: the file's text, or its rewrite.
    fn load(mut self, yaml: &str) -> Result<Node, ParseError> {
        let mut parser = Parser::new_from_str(yaml);
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| self.scan_error(&e))?;
            if !self.on_event(event, span)? {
                break;
            }
        }
        Ok(self.root.unwrap_or_else(|| Node {
            value: Value::Null,
            span: self.file.span(0, 0),
        }))
    }

    /// Handles one event; `false` once the first document is complete.
    fn on_event(&mut self, event: Event<'_>, span: YamlSpan) -> Result<bool, ParseError> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(text, style, anchor, tag.as_deref(), span)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(Body::Seq(Vec::new()), anchor, tag.as_deref(), span)?;
            }
            Event::MappingStart(anchor, tag) => {
                self.open(Body::Map(MapBody::default()), anchor, tag.as_deref(), span)?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span)?,
            Event::Alias(id) => self.alias(id, span)?,
            Event::DocumentEnd | Event::StreamEnd => return Ok(false),
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => {}
        }
        Ok(true)
    }

    fn scan_error(&self, error: &ScanError) -> ParseError {
        let at = self.offsets.byte(error.marker().index());
        ParseError::new(error.info(), self.file.span(at, at))
    }

    fn error_at(&self, message: String, at: usize) -> ParseError {
        ParseError::new(message, self.file.span(at, at))
    }

    fn props(&self, tag: Option<&Tag>, anchor: usize, span: YamlSpan) -> Props {
        let start = self.offsets.byte(span.start.index());
        let count = usize::from(tag.is_some()) + usize::from(anchor > 0);
        let (tag_span, content) = scan_properties(&self.file.text, start, count);
        Props {
            tag: TagKind::of(tag),
            tag_span,
            anchor,
            start: tag_span.map_or(start, |(tag_start, _)| tag_start),
            content,
        }
    }

    fn check_depth(&self, levels: usize, at: usize) -> Result<(), ParseError> {
        if self.depth.saturating_add(levels) > MAX_DEPTH {
            return Err(self.error_at(format!("nesting deeper than {MAX_DEPTH} levels"), at));
        }
        Ok(())
    }

    /// Charges `size` against the budgets before the nodes are made.
    fn charge(&mut self, size: Size, at: usize) -> Result<(), ParseError> {
        let nodes = self.spent.nodes.saturating_add(size.nodes);
        let bytes = self.spent.bytes.saturating_add(size.bytes);
        let (max_nodes, max_bytes) = self.budget;
        if nodes > max_nodes {
            return Err(self.error_at(
                format!("document expands to more than {max_nodes} nodes (alias bomb?)"),
                at,
            ));
        }
        if bytes > max_bytes {
            return Err(self.error_at(
                format!("document expands to more than {max_bytes} bytes of text (alias bomb?)"),
                at,
            ));
        }
        self.spent.nodes = nodes;
        self.spent.bytes = bytes;
        Ok(())
    }

    /// Is the next finished node a mapping key?
    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame { body: Body::Map(map), .. }) if map.pending.is_none())
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: YamlSpan,
    ) -> Result<(), ParseError> {
        let props = self.props(tag, anchor, span);
        self.check_depth(props.levels(), props.start)?;
        let mut end = self.offsets.byte(span.end.index()).max(props.start);
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            // saphyr ends a block scalar at the next token, past its trailing line breaks.
            end = trim_trailing_blanks(&self.file.text, props.content, end);
        }
        let size = Size::leaf(text.len());
        self.charge(size, props.start)?;
        let value = if self.expecting_key() && !matches!(props.tag, TagKind::Intrinsic(_)) {
            // Keys keep their text as written: `True:` is the key "True", not a boolean.
            Value::String(text.into_owned())
        } else {
            resolve_scalar(text.into_owned(), style, &props.tag)
        };
        let node = Node {
            value,
            span: self.file.span(props.content.min(end), end),
        };
        let built = self.wrap(Built { node, size }, &props)?;
        self.finish(built, props.anchor)
    }

    fn open(
        &mut self,
        body: Body,
        anchor: usize,
        tag: Option<&Tag>,
        span: YamlSpan,
    ) -> Result<(), ParseError> {
        let props = self.props(tag, anchor, span);
        self.check_depth(props.levels(), props.start)?;
        self.charge(Size::leaf(0), props.start)?;
        self.depth += props.levels();
        let last_end = props.content;
        self.stack.push(Frame {
            body,
            props,
            last_end,
            children: Size::default(),
        });
        Ok(())
    }

    fn close(&mut self, span: YamlSpan) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            // saphyr balances its events; an unmatched end is ignored rather than trusted.
            return Ok(());
        };
        self.depth = self.depth.saturating_sub(frame.props.levels());
        // A flow collection ends after its closing bracket; a block one after its last child
        // (saphyr's end event for it sits at the next token, past comments and blank lines).
        let end = if span.is_empty() {
            frame.last_end
        } else {
            self.offsets.byte(span.end.index())
        };
        let value = match frame.body {
            Body::Seq(items) => Value::Seq(items),
            Body::Map(map) => Value::Map(Map {
                entries: map.entries,
            }),
        };
        let node = Node {
            value,
            span: self
                .file
                .span(frame.props.content, end.max(frame.props.content)),
        };
        let mut size = Size::leaf(0);
        size.add_child(frame.children);
        size.height = frame.children.height + 1;
        let built = self.wrap(Built { node, size }, &frame.props)?;
        self.finish(built, frame.props.anchor)
    }

    fn alias(&mut self, id: usize, span: YamlSpan) -> Result<(), ParseError> {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index()).max(start);
        let Some(size) = self.anchors.get(&id).map(|anchored| anchored.size) else {
            return Err(self.error_at(
                "alias to an anchor that is not complete here (recursive alias)".to_owned(),
                start,
            ));
        };
        self.check_depth(size.height, start)?;
        self.charge(size, start)?;
        let Some(mut built) = self.anchors.get(&id).cloned() else {
            return Ok(());
        };
        built.node.span = self.file.span(start, end);
        self.finish(built, 0)
    }

    /// Wraps the node of a short-form intrinsic into its long form: `!Ref X` → `{Ref: X}`.
    fn wrap(&mut self, built: Built, props: &Props) -> Result<Built, ParseError> {
        let TagKind::Intrinsic(name) = &props.tag else {
            return Ok(built);
        };
        let wrapper_size = Size::leaf(name.len());
        self.charge(wrapper_size, props.start)?;
        let (tag_start, tag_end) = props.tag_span.unwrap_or((props.start, props.start));
        let span = self.file.span(props.start, built.node.span.end as usize);
        let mut size = wrapper_size;
        size.add_child(built.size);
        size.height = built.size.height + 1;
        let entry = Entry {
            key: name.clone(),
            key_span: self.file.span(tag_start, tag_end),
            value: built.node,
        };
        let node = Node {
            value: Value::Map(Map {
                entries: vec![entry],
            }),
            span,
        };
        Ok(Built { node, size })
    }

    /// Records an anchored node, then hands the node to its parent (or makes it the root).
    fn finish(&mut self, built: Built, anchor: usize) -> Result<(), ParseError> {
        if anchor > 0 {
            self.charge(built.size, built.node.span.start as usize)?;
            self.anchors.insert(anchor, built.clone());
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built.node);
            return Ok(());
        };
        frame.last_end = frame.last_end.max(built.node.span.end as usize);
        frame.children.add_child(built.size);
        let result = match &mut frame.body {
            Body::Seq(items) => {
                items.push(built.node);
                Ok(())
            }
            Body::Map(map) => map.accept(built.node, &self.file.text),
        };
        result.map_err(|dup| self.duplicate_error(dup))
    }

    fn duplicate_error(&self, dup: DuplicateKey) -> ParseError {
        let line = self.file.line_col(dup.first).line;
        ParseError::new(
            format!("duplicate key `{}` (first defined at line {line})", dup.key),
            dup.at,
        )
    }
}

impl MapBody {
    /// Takes the next finished node: a key, or the value of the pending key.
    fn accept(&mut self, node: Node, text: &str) -> Result<(), DuplicateKey> {
        if let Some((key, key_span)) = self.pending.take() {
            self.entries.push(Entry {
                key,
                key_span,
                value: node,
            });
            return Ok(());
        }
        let key = key_string(&node, text);
        if let Some(&first) = self.seen.get(&key) {
            return Err(DuplicateKey {
                key,
                first,
                at: node.span,
            });
        }
        self.seen.insert(key.clone(), node.span.start as usize);
        self.pending = Some((key, node.span));
        Ok(())
    }
}

/// The string form of a mapping key: a scalar's text, or the source text of a complex key.
fn key_string(node: &Node, text: &str) -> String {
    match &node.value {
        Value::String(s) | Value::Number(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        Value::Seq(_) | Value::Map(_) => text
            .get(node.span.start as usize..node.span.end as usize)
            .unwrap_or("")
            .trim()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::source::FileId;
    use std::path::Path;

    fn source(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "t.yaml".into(), text)
    }

    fn parse(text: &str) -> Node {
        parse_template(&source(text)).unwrap_or_else(|e| panic!("{e:?} in {text:?}"))
    }

    fn parse_err(text: &str) -> (String, usize, usize) {
        let file = source(text);
        let err = parse_template(&file).expect_err("expected a parse error");
        let at = file.line_col(err.span.start as usize);
        (err.message, at.line, at.column)
    }

    /// Line and column of the start of a span, and its text.
    fn locate(file: &SourceFile, span: Span) -> (usize, usize, String) {
        let at = file.line_col(span.start as usize);
        let text = file.text[span.start as usize..span.end as usize].to_owned();
        (at.line, at.column, text)
    }

    fn str_value(node: &Node) -> &str {
        node.as_str()
            .unwrap_or_else(|| panic!("not a string: {node:?}"))
    }

    #[test]
    fn nested_yaml_values_have_exact_positions() {
        let text = "Resources:\n  Cert:\n    Type: AWS::CertificateManager::Certificate\n    Properties:\n      DomainName: example.com\n      SubjectAlternativeNames:\n        - www.example.com\n";
        let file = source(text);
        let root = parse_template(&file).unwrap();
        let props = root.path(&["Resources", "Cert", "Properties"]).unwrap();
        let domain = props.as_map().unwrap().entry("DomainName").unwrap();
        assert_eq!(locate(&file, domain.key_span), (5, 7, "DomainName".into()));
        assert_eq!(
            locate(&file, domain.value.span),
            (5, 19, "example.com".into())
        );
        let san = &props
            .get("SubjectAlternativeNames")
            .unwrap()
            .as_seq()
            .unwrap()[0];
        assert_eq!(locate(&file, san.span), (7, 11, "www.example.com".into()));
        // A block mapping spans from its first key to the end of its last value.
        let (line, column, body) = locate(&file, props.span);
        assert_eq!((line, column), (5, 7));
        assert!(body.ends_with("www.example.com"), "{body:?}");
        assert_eq!(root.span.start, 0);
    }

    #[test]
    fn crlf_bom_and_non_ascii_do_not_shift_positions() {
        let text = "\u{feff}# déjà vu\r\nResources:\r\n  Cert: # ünïcödé\r\n    Type: AWS::CertificateManager::Certificate\r\n    Properties: {Tags: [{Key: é, Value: ü}], DomainName: \"ex-é.com\"}\r\n";
        let file = source(text);
        let root = parse_template(&file).unwrap();
        let props = root.path(&["Resources", "Cert", "Properties"]).unwrap();
        let domain = props.get("DomainName").unwrap();
        assert_eq!(str_value(domain), "ex-é.com");
        assert_eq!(locate(&file, domain.span), (5, 58, "\"ex-é.com\"".into()));
        let cert = root
            .as_map()
            .unwrap()
            .get("Resources")
            .unwrap()
            .as_map()
            .unwrap();
        assert_eq!(
            locate(&file, cert.entry("Cert").unwrap().key_span),
            (3, 3, "Cert".into())
        );
        assert_eq!(
            locate(&file, props.span).2,
            "{Tags: [{Key: é, Value: ü}], DomainName: \"ex-é.com\"}"
        );
    }

    #[test]
    fn json_values_have_exact_positions() {
        let text = "{\r\n\t\"Resources\": {\r\n\t\t\"Cért\": {\r\n\t\t\t\"Type\":\"AWS::CertificateManager::Certificate\",\r\n\t\t\t\"Properties\": {\"DomainName\": \"é.example.com\", \"Port\": 443, \"On\": true, \"X\": null}\r\n\t\t}\r\n\t}\r\n}\r\n";
        let file = source(text);
        let root = parse_template(&file).unwrap();
        let props = root.path(&["Resources", "Cért", "Properties"]).unwrap();
        let domain = props.as_map().unwrap().entry("DomainName").unwrap();
        assert_eq!(
            locate(&file, domain.key_span),
            (5, 19, "\"DomainName\"".into())
        );
        assert_eq!(
            locate(&file, domain.value.span),
            (5, 33, "\"é.example.com\"".into())
        );
        assert_eq!(
            props.get("Port").unwrap().value,
            Value::Number("443".into())
        );
        assert_eq!(props.get("On").unwrap().value, Value::Bool(true));
        assert_eq!(props.get("X").unwrap().value, Value::Null);
        let ty = root.path(&["Resources", "Cért", "Type"]).unwrap();
        assert_eq!(
            locate(&file, ty.span),
            (4, 11, "\"AWS::CertificateManager::Certificate\"".into())
        );
        assert_eq!(locate(&file, root.span).2, text.trim_end());
        assert!(is_cloudformation(&root));
    }

    #[test]
    fn json_escapes_are_decoded() {
        let root = parse(r#"{"a": "x\/y\u00e9\n\"q\"", "b": "\ud83d\ude00"}"#);
        assert_eq!(str_value(root.get("a").unwrap()), "x/yé\n\"q\"");
        assert_eq!(str_value(root.get("b").unwrap()), "😀");
    }

    #[test]
    fn json_surrogate_pairs_keep_positions_exact() {
        let text = "{\"a\": \"\\ud83d\\ude00 x \\uD83D\\uDE01\", \"k\\\\ud83d\": \"\\\\ud83d\\\\ude00\",\n \"b\": \"é\"}";
        let file = source(text);
        let root = parse_template(&file).unwrap();
        assert_eq!(str_value(root.get("a").unwrap()), "😀 x 😁");
        assert_eq!(str_value(root.get("k\\ud83d").unwrap()), "\\ud83d\\ude00");
        let b = root.as_map().unwrap().entry("b").unwrap();
        assert_eq!(locate(&file, b.key_span), (2, 2, "\"b\"".into()));
        assert_eq!(locate(&file, b.value.span), (2, 7, "\"é\"".into()));
        assert_eq!(
            locate(&file, root.get("a").unwrap().span).2,
            "\"\\ud83d\\ude00 x \\uD83D\\uDE01\""
        );
        // YAML has no surrogate escapes: a YAML document keeps saphyr's error.
        assert!(parse_template(&source("a: \"\\ud83d\\ude00\"\n")).is_err());
    }

    #[test]
    fn short_tags_become_long_forms_with_the_tag_as_key_span() {
        let cases = [
            ("!Ref Cert", "Ref"),
            ("!Condition IsProd", "Condition"),
            ("!GetAtt Lb.DNSName", "Fn::GetAtt"),
            ("!Sub 'arn:${AWS::Partition}'", "Fn::Sub"),
            ("!If [c, a, b]", "Fn::If"),
            ("!Join ['', [a, b]]", "Fn::Join"),
            ("!Select [0, !GetAZs '']", "Fn::Select"),
            ("!Split [',', 'a,b']", "Fn::Split"),
            ("!FindInMap [M, K, V]", "Fn::FindInMap"),
            ("!Base64 text", "Fn::Base64"),
            ("!Cidr [10.0.0.0/16, 4, 8]", "Fn::Cidr"),
            ("!GetAZs us-east-1", "Fn::GetAZs"),
            ("!ImportValue Shared-Cert", "Fn::ImportValue"),
            ("!Equals [a, b]", "Fn::Equals"),
            ("!And [!Condition A, !Condition B]", "Fn::And"),
            ("!Or [!Condition A, !Condition B]", "Fn::Or"),
            ("!Not [!Condition A]", "Fn::Not"),
            ("!Transform {Name: X}", "Fn::Transform"),
            ("!ToJsonString {a: b}", "Fn::ToJsonString"),
            ("!Length [a, b]", "Fn::Length"),
            ("!ForEach::Things [x]", "Fn::ForEach::Things"),
        ];
        for (yaml, key) in cases {
            let text = format!("V: {yaml}\n");
            let file = source(&text);
            let root = parse_template(&file).unwrap();
            let v = root.get("V").unwrap();
            let (name, arg) = v.intrinsic().unwrap_or_else(|| panic!("{yaml}: {v:?}"));
            assert_eq!(name, key, "{yaml}");
            let entry = &v.as_map().unwrap().entries[0];
            let tag = yaml.split(' ').next().unwrap();
            assert_eq!(
                locate(&file, entry.key_span),
                (1, 4, tag.to_owned()),
                "{yaml}"
            );
            assert_eq!(locate(&file, v.span), (1, 4, yaml.to_owned()), "{yaml}");
            let arg_text = yaml[tag.len() + 1..].to_owned();
            assert_eq!(
                locate(&file, arg.span),
                (1, 5 + tag.len(), arg_text),
                "{yaml}"
            );
        }
    }

    #[test]
    fn getatt_keeps_its_string_and_sequence_forms() {
        let root = parse("A: !GetAtt Lb.DNSName\nB: !GetAtt [Lb, DNSName]\n");
        let (_, a) = root.get("A").unwrap().intrinsic().unwrap();
        assert_eq!(str_value(a), "Lb.DNSName");
        let (_, b) = root.get("B").unwrap().intrinsic().unwrap();
        let parts: Vec<_> = b.as_seq().unwrap().iter().map(str_value).collect();
        assert_eq!(parts, ["Lb", "DNSName"]);
    }

    #[test]
    fn nested_and_block_tags() {
        let text = "A: !Sub [ \"x-${B}\", {B: !Ref Bucket} ]\nC: !If\n  - IsProd\n  - !Ref Cert\n  - !Ref AWS::NoValue\nD: !Join\n  # separator\n  - ''\n  - [a, b]\nE: !Ref\n";
        let file = source(text);
        let root = parse_template(&file).unwrap();
        let (_, sub) = root.get("A").unwrap().intrinsic().unwrap();
        let vars = &sub.as_seq().unwrap()[1];
        let (name, bucket) = vars.get("B").unwrap().intrinsic().unwrap();
        assert_eq!((name, str_value(bucket)), ("Ref", "Bucket"));
        let c = root.get("C").unwrap();
        let (_, args) = c.intrinsic().unwrap();
        assert_eq!(locate(&file, args.span).0, 3);
        assert_eq!(args.as_seq().unwrap().len(), 3);
        let (_, cert) = args.as_seq().unwrap()[1].intrinsic().unwrap();
        assert_eq!(locate(&file, cert.span), (4, 10, "Cert".into()));
        let d = root.get("D").unwrap();
        let (_, join) = d.intrinsic().unwrap();
        assert_eq!(locate(&file, join.span).0, 8);
        assert_eq!(
            locate(&file, d.as_map().unwrap().entries[0].key_span).2,
            "!Join"
        );
        let (_, empty) = root.get("E").unwrap().intrinsic().unwrap();
        assert_eq!(empty.value, Value::Null);
    }

    #[test]
    fn long_forms_are_kept() {
        let root =
            parse("A: {Ref: Cert}\nB:\n  Fn::GetAtt: [Lb, DNSName]\nC: {\"Fn::Sub\": \"${X}\"}\n");
        assert_eq!(root.get("A").unwrap().intrinsic().unwrap().0, "Ref");
        assert_eq!(root.get("B").unwrap().intrinsic().unwrap().0, "Fn::GetAtt");
        assert_eq!(root.get("C").unwrap().intrinsic().unwrap().0, "Fn::Sub");
    }

    #[test]
    fn core_tags_coerce_scalars() {
        let root = parse("a: !!str 1\nb: !!int \"5\"\nc: !!bool true\nd: !!null ''\ne: ! 12\nf: !!map {x: 1}\ng: !!str\n");
        assert_eq!(root.get("a").unwrap().value, Value::String("1".into()));
        assert_eq!(root.get("b").unwrap().value, Value::Number("5".into()));
        assert_eq!(root.get("c").unwrap().value, Value::Bool(true));
        assert_eq!(root.get("d").unwrap().value, Value::Null);
        assert_eq!(root.get("e").unwrap().value, Value::String("12".into()));
        assert!(root.get("f").unwrap().as_map().is_some());
        assert_eq!(root.get("g").unwrap().value, Value::String(String::new()));
    }

    #[test]
    fn scalars_resolve_like_the_core_schema() {
        let text = "a: true\nb: False\nc: 'true'\nd: null\ne: ~\nf:\ng: 42\nh: -1.5\ni: 1e3\nj: 0x1F\nk: 2010-09-09\nl: |\n  line\nm: >\n  folded\n  text\nn: \"42\"\no: 1.2.3\np: .5\nq: yes\n";
        let root = parse(text);
        let get = |k: &str| root.get(k).unwrap().value.clone();
        assert_eq!(get("a"), Value::Bool(true));
        assert_eq!(get("b"), Value::Bool(false));
        assert_eq!(get("c"), Value::String("true".into()));
        assert_eq!(get("d"), Value::Null);
        assert_eq!(get("e"), Value::Null);
        assert_eq!(get("f"), Value::Null);
        assert_eq!(get("g"), Value::Number("42".into()));
        assert_eq!(get("h"), Value::Number("-1.5".into()));
        assert_eq!(get("i"), Value::Number("1e3".into()));
        assert_eq!(get("j"), Value::Number("0x1F".into()));
        assert_eq!(get("k"), Value::String("2010-09-09".into()));
        assert_eq!(get("l"), Value::String("line\n".into()));
        assert_eq!(get("m"), Value::String("folded text\n".into()));
        assert_eq!(get("n"), Value::String("42".into()));
        assert_eq!(get("o"), Value::String("1.2.3".into()));
        assert_eq!(get("p"), Value::Number(".5".into()));
        assert_eq!(get("q"), Value::String("yes".into()));
    }

    #[test]
    fn non_string_keys_are_stringified() {
        let root = parse("1: a\nTrue: b\n~: c\n? [x, y]\n: d\n");
        let keys: Vec<_> = root
            .as_map()
            .unwrap()
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(keys, ["1", "True", "~", "[x, y]"]);
    }

    #[test]
    fn aliases_copy_the_anchored_node_with_the_alias_span() {
        let text = "Base: &tags\n  - {Key: Env, Value: !Ref Env}\nOther: *tags\nName: &n !Sub '${AWS::StackName}'\nAgain: *n\n";
        let file = source(text);
        let root = parse_template(&file).unwrap();
        let base = root.get("Base").unwrap();
        let other = root.get("Other").unwrap();
        assert_eq!(base.as_seq(), other.as_seq());
        assert_eq!(locate(&file, other.span), (3, 8, "*tags".into()));
        assert_eq!(
            locate(&file, base.span),
            (2, 3, "- {Key: Env, Value: !Ref Env}".into())
        );
        let again = root.get("Again").unwrap();
        assert_eq!(again.intrinsic().unwrap().0, "Fn::Sub");
        assert_eq!(locate(&file, again.span).2, "*n");
        assert_eq!(
            locate(&file, root.get("Name").unwrap().span).2,
            "!Sub '${AWS::StackName}'"
        );
    }

    #[test]
    fn recursive_alias_is_an_error() {
        let (message, line, column) = parse_err("a: &x [1, *x]\n");
        assert!(message.contains("recursive alias"), "{message}");
        assert_eq!((line, column), (1, 11));
    }

    fn alias_bomb(levels: usize) -> String {
        let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..levels {
            let refs = vec![format!("*l{}", level - 1); 10].join(", ");
            text.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
        }
        text
    }

    #[test]
    fn alias_bomb_fails_fast_at_an_alias() {
        let text = alias_bomb(10);
        // Time is bounded by the hostile suite (a child process with a deadline), not here: a
        // wall-clock assertion in a unit test fails on a loaded machine.
        let (message, line, column) = parse_err(&text);
        assert!(message.contains("alias bomb"), "{message}");
        let source_line = text.lines().nth(line - 1).unwrap();
        assert!(
            source_line[column - 1..].starts_with("*l"),
            "{source_line} at {column}"
        );
        // A modest use of aliases is fine.
        assert!(parse_template(&source(&alias_bomb(3))).is_ok());
    }

    #[test]
    fn huge_scalar_copies_hit_the_byte_budget() {
        let big = "x".repeat(1 << 20);
        let refs = vec!["*b"; 100].join(", ");
        let text = format!("a: &b {big}\nc: [{refs}]\n");
        let (message, line, _) = parse_err(&text);
        assert!(message.contains("bytes"), "{message}");
        assert_eq!(line, 2);
    }

    /// Runs `f` on a thread with a 256 KiB stack, as a proof that it does not recurse deeply.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = 10_000;
        let inputs = [
            "[".repeat(deep),
            format!("{}1{}", "[".repeat(deep), "]".repeat(deep)),
            format!("{}1{}", "{a: ".repeat(deep), "}".repeat(deep)),
            format!("{}1{}", "{\"a\": ".repeat(deep), "}".repeat(deep)),
            format!("{}x\n", "- ".repeat(deep)),
            (0..300)
                .map(|i| format!("{}a:\n", "  ".repeat(i)))
                .collect(),
        ];
        for text in inputs {
            let result = on_small_stack(move || {
                parse_template(&source(&text))
                    .map(|_| ())
                    .map_err(|e| e.message)
            });
            let message = result.expect_err("deep nesting must fail");
            assert!(
                message.contains("nesting") || message.contains("recursion"),
                "{message}"
            );
        }
    }

    #[test]
    fn nesting_up_to_the_limit_parses_and_drops_on_a_small_stack() {
        let depth = MAX_DEPTH - 1;
        let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let ok = on_small_stack(move || parse_template(&source(&text)).is_ok());
        assert!(ok);
        let (message, line, column) = parse_err(&format!("{}x\n", "- ".repeat(MAX_DEPTH + 1)));
        assert!(message.contains("nesting deeper than 256"), "{message}");
        assert_eq!((line, column), (1, 2 * MAX_DEPTH + 1));
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let (message, line, column) =
            parse_err("Resources:\n  Cert: {}\n  Other: {}\n  Cert: {}\n");
        assert_eq!(message, "duplicate key `Cert` (first defined at line 2)");
        assert_eq!((line, column), (4, 3));
        let (message, line, column) = parse_err("{\n  \"a\": 1,\n  \"a\": 2\n}");
        assert_eq!(message, "duplicate key `a` (first defined at line 2)");
        assert_eq!((line, column), (3, 3));
        // The same key in different maps is fine.
        assert!(parse_template(&source("a: {x: 1}\nb: {x: 2}\n")).is_ok());
    }

    #[test]
    fn syntax_errors_carry_saphyr_message_and_position() {
        let cases = [
            (
                "Resources:\n  Cert: \"unterminated\n",
                "quoted scalar",
                2,
                9,
            ),
            ("a: b: c\n", "mapping values are not allowed", 1, 5),
            ("a:\n  - x\n  y: 1\n", "expected '-'", 3, 3),
            ("{\"a\": 1,, }", "did not find expected node content", 1, 9),
            ("{\"a\": 1} x", "document start", 1, 10),
            ("é: [1, 2\nb: 3\n", "':'", 2, 2),
        ];
        for (text, expected, line, column) in cases {
            let (message, l, c) = parse_err(text);
            assert!(message.contains(expected), "{text:?}: {message}");
            assert_eq!((l, c), (line, column), "{text:?}: {message}");
        }
    }

    #[test]
    fn tabs_in_yaml_indentation_are_an_error_with_position() {
        let (message, line, column) = parse_err("Resources:\n\tCert: {}\n");
        assert!(message.contains("tab"), "{message}");
        assert_eq!(line, 2);
        assert!(column <= 2, "column {column}");
    }

    #[test]
    fn first_document_of_a_stream_and_empty_streams() {
        let root = parse("a: 1\n---\nb: 2\n--- [\n");
        assert!(root.get("a").is_some() && root.get("b").is_none());
        for empty in ["", "# only a comment\n", "\u{feff}"] {
            let node = parse(empty);
            assert_eq!(node.value, Value::Null);
            assert_eq!((node.span.start, node.span.end), (0, 0));
        }
    }

    #[test]
    fn char_offsets_match_char_indices() {
        let text = "aé😀\r\nb".repeat(100);
        let offsets = CharOffsets::new(&text, Vec::new());
        for (index, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.byte(index), byte);
        }
        let expected: Vec<usize> = text.char_indices().map(|(byte, _)| byte).collect();
        for index in (0..expected.len()).rev().step_by(3) {
            assert_eq!(offsets.byte(index), expected[index], "backwards to {index}");
        }
        assert_eq!(offsets.byte(text.chars().count()), text.len());
        assert_eq!(offsets.byte(usize::MAX), text.len());
    }

    #[test]
    fn recognises_cloudformation_documents() {
        let versioned = parse("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n");
        assert!(is_cloudformation(&versioned));
        let sam = parse("Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n");
        assert!(is_cloudformation(&sam));
        let resources_only = parse("Resources:\n  C:\n    Type: Custom::Thing\n  Cert:\n    Type: AWS::CertificateManager::Certificate\n");
        assert!(is_cloudformation(&resources_only));
        let workflow = parse("name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: aws cloudformation deploy --template-file t.yaml # AWS::\n");
        assert!(!is_cloudformation(&workflow));
        let k8s = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:x\nspec:\n  ports: [{port: 443}]\n");
        assert!(!is_cloudformation(&k8s));
        let package = parse("{\"name\": \"app\", \"version\": \"1.0.0\", \"dependencies\": {\"aws-cdk-lib\": \"^2\"}}");
        assert!(!is_cloudformation(&package));
        let custom_only = parse("Resources:\n  C:\n    Type: Custom::Thing\n");
        assert!(!is_cloudformation(&custom_only));
        assert!(!is_cloudformation(&parse("- a\n- b\n")));
    }

    /// Mutates a template byte by byte (deterministically) and checks that the loader never
    /// panics and every error position lies inside the text.
    #[test]
    fn mutated_templates_never_panic() {
        let seed = "\u{feff}AWSTemplateFormatVersion: '2010-09-09'\r\nResources:\n  Cert: &c\n    Type: AWS::CertificateManager::Certificate\n    Properties:\n      DomainName: !Sub 'x.${Zone}'\n      Tags: [{Key: é, Value: !If [c, !Ref A, *c]}]\n      V: |\n        text\n  L: {\"Type\": \"AWS::X\", \"P\": [\"\\ud83d\\ude00\", 1.5e3, null]}\n";
        let alphabet: Vec<char> = "{}[]:,-!&*?|>'\"#% \t\r\n\\éaZ0\u{feff}".chars().collect();
        let base: Vec<char> = seed.chars().collect();
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).unwrap()
        };
        for _ in 0..1500 {
            let mut chars = base.clone();
            for _ in 0..1 + next(4) {
                let at = next(chars.len());
                let c = alphabet[next(alphabet.len())];
                match next(3) {
                    0 => chars[at] = c,
                    1 => chars.insert(at, c),
                    _ => {
                        chars.remove(at);
                    }
                }
            }
            let text: String = chars.into_iter().collect();
            let file = source(&text);
            if let Err(e) = parse_template(&file) {
                assert!(e.span.end as usize <= text.len(), "{text:?}: {e:?}");
                assert!(
                    text.is_char_boundary(e.span.start as usize),
                    "{text:?}: {e:?}"
                );
            }
        }
    }

    fn fixtures() -> Vec<SourceFile> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/parse/cfn");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        assert!(paths.len() >= 3, "{paths:?}");
        paths
            .into_iter()
            .map(|p| SourceFile::new(FileId(0), p.clone(), std::fs::read_to_string(&p).unwrap()))
            .collect()
    }

    /// Checks every span of the tree: in bounds, on character boundaries, and pointing at the
    /// text it stands for (a key at its key or tag, a plain scalar at its own text).
    fn check_spans(file: &SourceFile, root: &Node) {
        let text = &*file.text;
        let slice = |span: Span| {
            let (start, end) = (span.start as usize, span.end as usize);
            assert!(start <= end && end <= text.len(), "{span:?}");
            text.get(start..end)
                .unwrap_or_else(|| panic!("{span:?} not on char boundaries"))
        };
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            let written = slice(node.span);
            match &node.value {
                Value::Map(map) => {
                    for entry in map.iter() {
                        let key_text = slice(entry.key_span);
                        let expected = match key_text.strip_prefix('!') {
                            Some("Ref" | "Condition") => key_text[1..].to_owned(),
                            Some(name) => format!("Fn::{name}"),
                            None => key_text.trim_matches('"').to_owned(),
                        };
                        assert_eq!(
                            entry.key,
                            expected,
                            "key at {:?}",
                            file.line_col(entry.key_span.start as usize)
                        );
                        stack.push(&entry.value);
                    }
                }
                Value::Seq(items) => stack.extend(items),
                Value::String(s) if !written.starts_with(['"', '\'', '*']) && !s.contains('\n') => {
                    assert_eq!(
                        written,
                        s,
                        "at {:?}",
                        file.line_col(node.span.start as usize)
                    );
                }
                Value::Number(n) => assert_eq!(written, n),
                Value::Bool(b) => assert_eq!(written.to_ascii_lowercase(), b.to_string()),
                _ => {}
            }
        }
    }

    /// Our tree as JSON, to compare with serde_json's reading of a JSON template.
    fn to_json(node: &Node) -> serde_json::Value {
        match &node.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::from_str(n).unwrap(),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => items.iter().map(to_json).collect(),
            Value::Map(map) => map
                .iter()
                .map(|e| (e.key.clone(), to_json(&e.value)))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    #[test]
    fn fixture_templates_parse_with_exact_spans() {
        for file in fixtures() {
            let root = parse_template(&file).unwrap_or_else(|e| panic!("{:?}: {e:?}", file.path));
            assert!(is_cloudformation(&root), "{:?}", file.path);
            assert!(mentions_cloudformation(&file.text));
            check_spans(&file, &root);
            if file.path.extension().is_some_and(|e| e == "json") {
                let expected: serde_json::Value = serde_json::from_str(&file.text).unwrap();
                assert_eq!(to_json(&root), expected, "{:?}", file.path);
            }
        }
    }

    #[test]
    fn fixture_positions_match_an_editor() {
        let files = fixtures();
        let find = |name: &str| files.iter().find(|f| f.path.ends_with(name)).unwrap();
        let yaml = find("certificate-alb.yaml");
        let root = parse_template(yaml).unwrap();
        let arn = root
            .path(&["Resources", "HttpsListener", "Properties", "Certificates"])
            .and_then(|c| c.as_seq()?.first()?.get("CertificateArn"))
            .unwrap();
        let (name, args) = arn.intrinsic().unwrap();
        assert_eq!(name, "Fn::If");
        let (_, cert) = args.as_seq().unwrap()[1].intrinsic().unwrap();
        assert_eq!(locate(yaml, cert.span), (47, 20, "Certificate".into()));
        let tags = root
            .path(&["Resources", "LoadBalancer", "Properties", "Tags"])
            .unwrap();
        assert_eq!(locate(yaml, tags.span), (37, 13, "*tags".into()));
        assert_eq!(
            str_value(tags.as_seq().unwrap()[0].get("Value").unwrap()),
            "équipe-réseau"
        );
        let description = root
            .path(&[
                "Resources",
                "WebSecurityGroup",
                "Properties",
                "GroupDescription",
            ])
            .unwrap();
        let (line, column, written) = locate(yaml, description.span);
        assert_eq!((line, column), (56, 9));
        assert!(written.ends_with("validated names)"), "{written:?}");
        let sam = find("sam-api-bom-crlf.yaml");
        let root = parse_template(sam).unwrap();
        let method = root
            .path(&["Resources", "Certificate", "Properties", "ValidationMethod"])
            .unwrap();
        assert_eq!(locate(sam, method.span), (19, 25, "EMAIL".into()));
        let json = find("certificate-cloudfront.json");
        let root = parse_template(json).unwrap();
        let description = root.get("Description").unwrap();
        assert_eq!(str_value(description), "Cert for CloudFront — us-east-1 🔒");
        let reference = root
            .path(&[
                "Resources",
                "Distribution",
                "Properties",
                "DistributionConfig",
                "ViewerCertificate",
                "AcmCertificateArn",
                "Ref",
            ])
            .unwrap();
        assert_eq!(
            locate(json, reference.span),
            (22, 36, "\"Certificate\"".into())
        );
    }

    #[test]
    fn mentions_cloudformation_is_a_text_check() {
        assert!(mentions_cloudformation("AWSTemplateFormatVersion: x"));
        assert!(mentions_cloudformation("Type: AWS::S3::Bucket"));
        assert!(!mentions_cloudformation("name: ci\non: push\n"));
    }
}
