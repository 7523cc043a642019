//! The cfn-guard adapter: evaluates Guard rules over view documents.
//!
//! The only module that knows cfn-guard's API and its JSON report layout. It runs
//! `cfn-guard validate --payload --structured --output-format json` in-process (cfn-guard's
//! report types are private, so the report is read back through the tolerant serde structs at the
//! bottom of this file) and turns every failing clause into a [`Failure`].
//!
//! # What cfn-guard 3.2.1 reports (pinned by the tests below)
//!
//! Paths: [`Failure::path`] is a JSON pointer (RFC 6901, `~0`/`~1` escaped) into the document.
//!
//! * A comparison over an array reports one failure per failing element, at the element's value:
//!   `certificate.names[*].validation_record != "missing"` over
//!   `{"names":[{…"present"},{…"missing"}]}` gives one failure at
//!   `/certificate/names/1/validation_record`. Passing elements are not reported.
//! * `IN [...]`, `exists`, `!exists`, `empty`, `!empty` report the value they tested:
//!   `names[*].name !exists` → `/certificate/names/0/name` and `/certificate/names/1/name`;
//!   `certificate.tags !empty` → `/certificate/tags`.
//! * A filter reports the *selected element*: `certificate.names[ validation_record == "missing" ]
//!   empty` → `/certificate/names/1`; `names[ … ].name !exists` → `/certificate/names/1/name`.
//!   The same through a variable (`let bad = names[ … ]` / `%bad empty`).
//! * `some names[*].x == v` fails only if no element matches, and then reports every element.
//! * A block `names[*] { validation_record != "missing" }` reports like the flat form.
//! * A property that does not exist: every operator FAILS except `empty`, which passes
//!   (`certificate.nosuch empty` is true). The reported path is the deepest value Guard reached:
//!   `certificate.nosuch == "x"` and `certificate.nosuch.deeper IN ["x"]` → `/certificate`;
//!   `names[*].nosuch == "x"` → `/certificate/names/0` and `/certificate/names/1`.
//! * `[*]` over an EMPTY array FAILS (it selects nothing) and reports the array:
//!   `names[*].validation_record != "missing"` with `names: []` → `/certificate/names`. Guard such
//!   clauses with `when certificate.names !empty` or test with a filter + `empty` instead.
//! * A named-rule reference that did not pass (`rule C { A <<…>> }`) reports path `""`; the
//!   referenced rule's own failures are reported separately under its own name.
//! * `a or b`: Guard reports every failing disjunct; they are folded into ONE failure whose path
//!   is the longest common prefix of the disjuncts' paths (`names[*] { x == 1 or y == 2 }` →
//!   `/certificate/names/1`) and whose message is the last non-empty message in the group, i.e. the
//!   one written after the last disjunct.
//! * A rule with two failing clauses gives two failures, in clause order.
//!
//! Conditions: `when` on a missing property (`when certificate.nosuch == "x"`, `when
//! certificate.nosuch exists`) SKIPs the rule — no failure. `rule B when A` SKIPs when `A` fails.
//! So does a condition comparing different types (`when c.count > 10` with `"count": "50"`).
//! A condition Guard cannot evaluate at all (`when c.z !empty` with `"z": null`) FAILS the rule:
//! one failure with path `""` and Guard's explanation as the message ("The rule's condition could
//! not be evaluated, …").
//!
//! Types: comparisons are typed (`true == "true"` fails; `5 == 5.0` passes). `null` exists, equals
//! `null`, and is neither `empty` nor `!empty` (both fail): views should omit unknown values
//! rather than write `null`. A clause over a list compares each element (`c.names > 3` →
//! `/c/names/0`). `count()` works only through a variable (`let n = count(c.names)` / `%n == 2`
//! reports `/c/names`).
//!
//! Documents: Guard evaluates every document against every rules file and reports each document
//! in input order (as `DATA_STDIN[n]`, 1-based), PASS and SKIP documents included with no failing
//! clauses. [`Failure::document`] is taken from that name, so identical documents keep their own
//! indices. Failures are ordered by document, then rules file, rule and clause.
//!
//! Messages: `<<…>>` text survives Guard's parser verbatim, `{` and `}` included
//! (`<<braces {x} } { and }} >>`); a message cannot contain `>>`. [`Failure::message`] is the text
//! trimmed, with line breaks (and the indentation around them) folded to one space; an empty or
//! absent message is `None`.
//!
//! Rule names: clauses outside any `rule` form a rule named `<file name>/default`.
//! Parameterized rules are not reported by [`rule_names`]. A rule name defined twice (in one file
//! or two) is not an error: both rules run and both report under that name.
//!
//! Syntax pitfalls (each a [`GuardError::Parse`]): a named-rule reference directly before `}` on
//! the same line (`rule F { A }`, `rule F { !A }`, `rule F { A or B }`) does not parse — put it on
//! its own line or give it a message (`rule F { !A <<…>> }`); a named-rule reference cannot appear
//! inside a `names[*] { … }` block (a nested `when … { … }` can); `count(…)` cannot be compared
//! directly. A negated reference that fails (`!A` while `A` passes) reports path `""`.
//!
//! Performance: see [`evaluate`].

use cfn_guard::commands::validate::{parse_rules, OutputFormatType, ShowSummaryType};
use cfn_guard::commands::Executable;
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use cfn_guard::{CommandBuilder, ValidateBuilder};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::io::{self, Cursor};
use std::panic::{self, AssertUnwindSafe};

/// One Guard policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardSource {
    /// The file name, for errors.
    pub name: String,
    pub text: String,
}

/// One failing clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The Guard `rule` name, e.g. "ACM003".
    pub rule: String,
    /// Index into the `documents` slice given to [`evaluate`].
    pub document: usize,
    /// JSON pointer into that document of the value that failed (see the module docs), or the
    /// closest value Guard reached, or `""` when Guard reports none.
    pub path: String,
    /// The clause's `<<custom message>>`, trimmed; not interpolated (see [`interpolate`]).
    pub message: Option<String>,
}

/// Why rules could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardError {
    /// A rules file that does not parse. `line` and `column` are 1-based.
    Parse {
        file: String,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// cfn-guard failed while evaluating, or its report could not be read.
    Evaluation { message: String },
}

impl fmt::Display for GuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardError::Parse {
                file,
                line: Some(line),
                column: Some(column),
                message,
            } => write!(f, "{file}:{line}:{column}: {message}"),
            GuardError::Parse { file, message, .. } => write!(f, "{file}: {message}"),
            GuardError::Evaluation { message } => {
                write!(f, "cfn-guard evaluation failed: {message}")
            }
        }
    }
}

impl std::error::Error for GuardError {}

fn evaluation_error(error: impl fmt::Display) -> GuardError {
    GuardError::Evaluation {
        message: error.to_string(),
    }
}

/// Checks that a policy parses; returns the names of the rules it defines, in file order.
///
/// References are not resolved here: an unknown rule (`when NOPE`) or variable (`%nope`) is a
/// [`GuardError::Evaluation`] from [`evaluate`], which does not name the file.
pub fn rule_names(source: &GuardSource) -> Result<Vec<String>, GuardError> {
    let parsed =
        parse_rules(&source.text, &source.name).map_err(|e| parse_error(&source.name, &e))?;
    let Some(rules_file) = parsed else {
        return Ok(Vec::new());
    };
    let tree = serde_json::to_value(&rules_file).map_err(evaluation_error)?;
    let names = tree
        .get("guard_rules")
        .and_then(Value::as_array)
        .map(|rules| {
            rules
                .iter()
                .filter_map(|rule| rule.get("rule_name")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(names)
}

/// Turns cfn-guard's parse error text ("… at line L at column C, when handling X, fragment F")
/// into a [`GuardError::Parse`].
fn parse_error(file: &str, error: &cfn_guard::Error) -> GuardError {
    let text = match error {
        cfn_guard::Error::ParseError(text) => text.clone(),
        other => other.to_string(),
    };
    GuardError::Parse {
        file: file.to_owned(),
        line: number_after(&text, " at line "),
        column: number_after(&text, " at column "),
        message: describe_parse_error(&text),
    }
}

fn number_after(text: &str, marker: &str) -> Option<usize> {
    let (_, rest) = text.split_once(marker)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn describe_parse_error(text: &str) -> String {
    let Some((head, fragment)) = text
        .rsplit_once(", fragment ")
        .or_else(|| text.rsplit_once(", remaining "))
    else {
        return text.to_owned();
    };
    let found = match fragment.lines().next().map(str::trim) {
        Some(line) if !line.is_empty() => format!("`{}`", shorten(line, 40)),
        _ => "end of file".to_owned(),
    };
    match head
        .split_once(", when handling ")
        .map(|(_, what)| what.trim())
    {
        Some(expected) if !expected.is_empty() => format!("{expected}; found {found}"),
        _ => format!("unexpected {found}"),
    }
}

fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// The fewest documents worth a cfn-guard run of their own: a run costs ~0.3 ms besides its
/// documents (~0.2 ms each in release).
const MIN_CHUNK: usize = 32;

/// Chunks per rayon thread, so that a thread slowed by other load does not hold up the rest.
const CHUNKS_PER_THREAD: usize = 4;

/// Evaluates all rules over all documents and returns every failing clause.
///
/// Every rules file is parsed first, so a syntax error is a [`GuardError::Parse`] naming the
/// file, never a silent skip (cfn-guard itself only logs it and evaluates nothing). The documents
/// are then split into chunks of at least 32 documents, 4 per rayon thread, each evaluated by its
/// own cfn-guard run, in parallel; failures come back in document order.
///
/// Measured with 5 rules over documents of ~30 entries (8 names × 3 fields plus scalars), on the
/// 2-core build machine shared with other builds:
///
/// | documents | debug, 1 run | debug, chunked | release, 1 run | release, 2 chunks | release, 4–32 chunks |
/// |-----------|--------------|----------------|----------------|-------------------|----------------------|
/// | 1         | 2 ms         | –              | 0.3 ms         | –                 | –                    |
/// | 100       | 330 ms       | 190 ms         | 23 ms          | 22 ms             | 19–24 ms             |
/// | 2,000     | 4.3 s        | 3.9–4.2 s      | 500 ms         | 285 ms            | 243–245 ms           |
///
/// So chunking pays on 2 cores (about 2× for 2,000 documents in release), and more chunks than
/// threads balance better than one per thread; the default here gives 8 chunks of 250 for 2,000
/// documents and 4 of 32 for 100. Of a 2,000-document release run, cfn-guard takes 540 ms
/// (libyaml parsing, evaluation, its pretty-printed report); building its payload (10 ms) and
/// reading its report (8 ms) are negligible.
pub fn evaluate(rules: &[GuardSource], documents: &[Value]) -> Result<Vec<Failure>, GuardError> {
    for source in rules {
        parse_rules(&source.text, &source.name).map_err(|e| parse_error(&source.name, &e))?;
    }
    if rules.is_empty() || documents.is_empty() {
        return Ok(Vec::new());
    }
    let chunk = chunk_size(documents.len(), rayon::current_num_threads());
    evaluate_in_chunks(rules, documents, chunk)
}

/// Evaluates `documents` in chunks of `chunk` documents, in parallel; failures in document order.
fn evaluate_in_chunks(
    rules: &[GuardSource],
    documents: &[Value],
    chunk: usize,
) -> Result<Vec<Failure>, GuardError> {
    let chunk = chunk.max(1);
    let chunks = documents
        .par_chunks(chunk)
        .enumerate()
        .map(|(i, docs)| evaluate_chunk(rules, docs, i * chunk))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(chunks.into_iter().flatten().collect())
}

fn chunk_size(documents: usize, threads: usize) -> usize {
    let chunks = threads.max(1) * CHUNKS_PER_THREAD;
    documents.div_ceil(chunks).max(MIN_CHUNK)
}

/// One cfn-guard run over `documents`, whose first element is `documents[offset]` of the caller.
fn evaluate_chunk(
    rules: &[GuardSource],
    documents: &[Value],
    offset: usize,
) -> Result<Vec<Failure>, GuardError> {
    let output = run_guard(payload(rules, documents)?)?;
    let reports: Vec<FileReport> = serde_json::from_str(&output).map_err(evaluation_error)?;
    let mut failures = Vec::new();
    for (position, report) in reports.iter().enumerate() {
        let index = data_index(&report.name).unwrap_or(position);
        let document = documents.get(index).ok_or_else(|| GuardError::Evaluation {
            message: format!("report for unknown document {}", report.name),
        })?;
        for clause in &report.not_compliant {
            for located in rule_failures(clause) {
                failures.push(Failure {
                    rule: rule_name(&located.rule, rules),
                    document: offset + index,
                    path: json_pointer(document, &located.path),
                    message: located.message,
                });
            }
        }
    }
    Ok(failures)
}

/// cfn-guard's `--payload` input: rules texts and data texts.
#[derive(Serialize)]
struct Payload<'a> {
    rules: Vec<&'a str>,
    data: Vec<String>,
}

fn payload(rules: &[GuardSource], documents: &[Value]) -> Result<String, GuardError> {
    let data = documents
        .iter()
        .map(yaml_safe_json)
        .collect::<Result<Vec<_>, _>>()?;
    let rules = rules.iter().map(|r| r.text.as_str()).collect();
    serde_json::to_string(&Payload { rules, data }).map_err(evaluation_error)
}

/// Serializes a document as JSON that cfn-guard's YAML loader (libyaml, YAML 1.1) reads back
/// unchanged: libyaml rejects raw non-printable characters (DEL, C1 controls, U+FFFE/U+FFFF) and
/// folds the YAML line breaks U+0085/U+2028/U+2029 inside quoted strings, and serde_json writes
/// them all raw. They are written as `\uXXXX` escapes instead, which both JSON and YAML read.
fn yaml_safe_json(document: &Value) -> Result<String, GuardError> {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, YamlSafe);
    document
        .serialize(&mut serializer)
        .map_err(evaluation_error)?;
    String::from_utf8(out).map_err(evaluation_error)
}

struct YamlSafe;

impl serde_json::ser::Formatter for YamlSafe {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        for piece in fragment.split_inclusive(needs_yaml_escape) {
            match piece.chars().next_back().filter(|c| needs_yaml_escape(*c)) {
                Some(c) => {
                    writer.write_all(piece.strip_suffix(c).unwrap_or_default().as_bytes())?;
                    write!(writer, "\\u{:04x}", u32::from(c))?;
                }
                None => writer.write_all(piece.as_bytes())?,
            }
        }
        Ok(())
    }
}

fn needs_yaml_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
    )
}

/// Runs `cfn-guard validate --payload --structured -o json` in-process and returns its report.
fn run_guard(payload: String) -> Result<String, GuardError> {
    let command = ValidateBuilder::default()
        .payload(true)
        .structured(true)
        .output_format(OutputFormatType::JSON)
        .show_summary(vec![ShowSummaryType::None])
        .try_build()
        .map_err(evaluation_error)?;
    let mut reader = Reader::new(ReadBuffer::Cursor(Cursor::new(payload.into_bytes())));
    let mut writer =
        Writer::new_with_err(WriteBuffer::Vec(Vec::new()), WriteBuffer::Vec(Vec::new()))
            .map_err(evaluation_error)?;
    // cfn-guard has `unwrap`s and `unreachable!`s on paths we have not seen it take; a panic there
    // is reported as an evaluation error rather than taking the linter down.
    let status = panic::catch_unwind(AssertUnwindSafe(|| {
        command.execute(&mut writer, &mut reader)
    }))
    .map_err(|panic| evaluation_error(panic_text(panic.as_ref())))?
    .map_err(evaluation_error)?;
    match status {
        SUCCESS | FAILURE => writer.into_string().map_err(evaluation_error),
        _ => Err(evaluation_error(writer.err_to_stripped().unwrap_or_else(
            |_| format!("cfn-guard exited with status {status}"),
        ))),
    }
}

/// cfn-guard's exit statuses: all rules passed or skipped; some rule failed.
const SUCCESS: i32 = 0;
const FAILURE: i32 = 19;

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("cfn-guard panicked: {detail}")
}

/// `DATA_STDIN[3]` → 2.
fn data_index(name: &str) -> Option<usize> {
    let number = name.strip_prefix("DATA_STDIN[")?.strip_suffix(']')?;
    number.parse::<usize>().ok()?.checked_sub(1)
}

/// cfn-guard names the default rule of payload file n `RULES_STDIN[n]/default`; report it as
/// `<file name>/default`, the name [`rule_names`] gives it.
fn rule_name(raw: &str, rules: &[GuardSource]) -> String {
    let source = raw
        .strip_prefix("RULES_STDIN[")
        .and_then(|rest| rest.strip_suffix("]/default"))
        .and_then(|n| n.parse::<usize>().ok()?.checked_sub(1))
        .and_then(|i| rules.get(i));
    match source {
        Some(source) => format!("{}/default", source.name),
        None => raw.to_owned(),
    }
}

/// A failing clause as Guard reported it: its rule, Guard's path, its message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Located {
    rule: String,
    path: String,
    message: Option<String>,
}

/// The failures of one top-level entry of a document's `not_compliant` list (always a rule).
fn rule_failures(report: &ClauseReport) -> Vec<Located> {
    let Some(rule) = &report.rule else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for check in &rule.checks {
        collect(check, &mut found);
    }
    if found.is_empty() {
        // A rule failed with no clause to show for it: its `when` condition could not be
        // evaluated, and Guard put its explanation on the rule.
        found.push((String::new(), rule.messages.custom_message.clone()));
    }
    found
        .into_iter()
        .map(|(path, message)| Located {
            rule: rule.name.clone(),
            path,
            message: clean_message(message),
        })
        .collect()
}

/// Appends (Guard path, raw message) for every failing clause under `report`.
fn collect(report: &ClauseReport, out: &mut Vec<(String, Option<String>)>) {
    if let Some(rule) = &report.rule {
        rule.checks.iter().for_each(|check| collect(check, out));
    }
    if let Some(block) = &report.block {
        let path = block
            .unresolved
            .as_ref()
            .map(|u| u.traversed_to.path.clone());
        out.push((
            path.unwrap_or_default(),
            block.messages.custom_message.clone(),
        ));
    }
    if let Some(clause) = &report.clause {
        if let Some(body) = clause.unary.as_ref().or(clause.binary.as_ref()) {
            out.push((body.check.path(), body.messages.custom_message.clone()));
        }
    }
    if let Some(disjunctions) = &report.disjunctions {
        let mut disjuncts = Vec::new();
        disjunctions
            .checks
            .iter()
            .for_each(|check| collect(check, &mut disjuncts));
        out.push(fold_disjunction(&disjuncts));
    }
}

/// One failure for a failed `or`: the common prefix of its paths, its last message.
fn fold_disjunction(disjuncts: &[(String, Option<String>)]) -> (String, Option<String>) {
    let paths = disjuncts.iter().map(|(path, _)| path.as_str());
    let message = disjuncts
        .iter()
        .rev()
        .find_map(|(_, message)| clean_message(message.clone()));
    (common_prefix(paths.filter(|p| !p.is_empty())), message)
}

/// The longest common `/`-segment prefix of `paths`.
fn common_prefix<'a>(mut paths: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = paths.next() else {
        return String::new();
    };
    let mut prefix: Vec<&str> = first.split('/').collect();
    for path in paths {
        let shared = prefix
            .iter()
            .zip(path.split('/'))
            .take_while(|(a, b)| *a == b)
            .count();
        prefix.truncate(shared);
    }
    prefix.join("/")
}

/// Trims a custom message and folds its line breaks; `None` when nothing is left.
fn clean_message(raw: Option<String>) -> Option<String> {
    let folded = raw?
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!folded.is_empty()).then_some(folded)
}

/// Converts Guard's path (`/a/b/0`, keys unescaped) into a JSON pointer into `document`.
///
/// Guard joins keys with `/` without escaping, so a key containing `/` is found by matching
/// successive segments against the keys actually present in the document.
fn json_pointer(document: &Value, guard_path: &str) -> String {
    let Some(path) = guard_path.strip_prefix('/') else {
        return String::new();
    };
    let segments: Vec<&str> = path.split('/').collect();
    let mut pointer = String::new();
    let mut node = Some(document);
    let mut rest = segments.as_slice();
    while !rest.is_empty() {
        let (key, used, child) = step(node, rest);
        pointer.push('/');
        pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        node = child;
        rest = rest.get(used..).unwrap_or_default();
    }
    pointer
}

/// The next key of a Guard path below `node`: (key, segments it used, child value).
fn step<'a>(node: Option<&'a Value>, segments: &[&str]) -> (String, usize, Option<&'a Value>) {
    let first = segments.first().copied().unwrap_or_default();
    match node {
        Some(Value::Object(map)) => (1..=segments.len())
            .find_map(|n| {
                let key = segments.get(..n)?.join("/");
                map.get(&key).map(|child| (key, n, Some(child)))
            })
            .unwrap_or_else(|| (first.to_owned(), 1, None)),
        Some(Value::Array(items)) => {
            let child = first.parse::<usize>().ok().and_then(|i| items.get(i));
            (first.to_owned(), 1, child)
        }
        _ => (first.to_owned(), 1, None),
    }
}

/// Fills `{field}` placeholders of a custom message from the document.
///
/// `{a.b}` (dot-separated keys; array indices allowed: `{names.0.name}`) is looked up in the
/// failing value itself when it is an object (a filter reports the selected element), then in the
/// object that contains it, walking up the path's ancestors to the document root. Unknown
/// placeholders, and braces that do not enclose a plain name (`{ x }`, `}}`), stay as written.
/// Strings are inserted as is, arrays of strings joined with ", ", anything else as compact JSON.
pub fn interpolate(message: &str, document: &Value, path: &str) -> String {
    let scopes = ancestors(document, path);
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        let filled = after.split_once('}').and_then(|(name, tail)| {
            let value = is_placeholder(name)
                .then(|| scopes.iter().rev().find_map(|scope| lookup(scope, name)))??;
            Some((render(value), tail))
        });
        match filled {
            Some((text, tail)) => {
                out.push_str(&text);
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_placeholder(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
}

/// The values along a JSON pointer, from the document root to the deepest one that exists.
fn ancestors<'a>(document: &'a Value, pointer: &str) -> Vec<&'a Value> {
    let mut chain = vec![document];
    let mut node = document;
    for token in pointer.split('/').skip(1) {
        let key = token.replace("~1", "/").replace("~0", "~");
        match child(node, &key) {
            Some(next) => {
                chain.push(next);
                node = next;
            }
            None => break,
        }
    }
    chain
}

fn child<'a>(node: &'a Value, key: &str) -> Option<&'a Value> {
    match node {
        Value::Object(map) => map.get(key),
        Value::Array(items) => items.get(key.parse::<usize>().ok()?),
        _ => None,
    }
}

fn lookup<'a>(scope: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(scope, child)
}

fn render(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

// cfn-guard's structured JSON report (`FileReport` and friends in its `rules::eval_context`).
// Only the fields read here are declared; unknown fields and enum variants are ignored. Guard's
// externally tagged enums (`{"Rule": {…}}`) are read as structs of optional variants.

/// The report for one data document.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FileReport {
    name: String,
    not_compliant: Vec<ClauseReport>,
}

/// One of `{"Rule": …}`, `{"Block": …}`, `{"Disjunctions": …}`, `{"Clause": …}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ClauseReport {
    #[serde(rename = "Rule")]
    rule: Option<RuleReport>,
    #[serde(rename = "Block")]
    block: Option<BlockReport>,
    #[serde(rename = "Disjunctions")]
    disjunctions: Option<DisjunctionsReport>,
    #[serde(rename = "Clause")]
    clause: Option<GuardClauseReport>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RuleReport {
    name: String,
    messages: Messages,
    checks: Vec<ClauseReport>,
}

/// A block clause whose query selected nothing (`names[*] { … }` over an empty array).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BlockReport {
    messages: Messages,
    unresolved: Option<Unresolved>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DisjunctionsReport {
    checks: Vec<ClauseReport>,
}

/// `{"Unary": …}` or `{"Binary": …}`; both carry `messages` and `check`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GuardClauseReport {
    #[serde(rename = "Unary")]
    unary: Option<ClauseBody>,
    #[serde(rename = "Binary")]
    binary: Option<ClauseBody>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ClauseBody {
    messages: Messages,
    check: Check,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Messages {
    custom_message: Option<String>,
}

/// `{"Resolved": …}`, `{"InResolved": …}`, `{"UnResolved": …}` or `{"UnResolvedContext": "rule"}`
/// (a named-rule reference, which has no path).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Check {
    #[serde(rename = "Resolved")]
    resolved: Option<Resolved>,
    #[serde(rename = "InResolved")]
    in_resolved: Option<Resolved>,
    #[serde(rename = "UnResolved")]
    unresolved: Option<UnresolvedCheck>,
}

impl Check {
    /// The path of the value that failed, or of the deepest value reached before a missing one.
    fn path(&self) -> String {
        let resolved = self.resolved.as_ref().or(self.in_resolved.as_ref());
        let failing = resolved.and_then(|r| r.from.as_ref().or(r.value.as_ref()));
        let reached = self.unresolved.as_ref().map(|u| &u.value.traversed_to);
        failing
            .or(reached)
            .map(|value| value.path.clone())
            .unwrap_or_default()
    }
}

/// A resolved comparison: binary ones name the left side `from`, unary ones `value`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Resolved {
    from: Option<PathValue>,
    value: Option<PathValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct UnresolvedCheck {
    value: Unresolved,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Unresolved {
    traversed_to: PathValue,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PathValue {
    path: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn source(name: &str, text: &str) -> GuardSource {
        GuardSource {
            name: name.to_owned(),
            text: text.to_owned(),
        }
    }

    type Outcome = Result<(), GuardError>;

    fn run(rules: &str, documents: &[Value]) -> Result<Vec<Failure>, GuardError> {
        evaluate(&[source("test.guard", rules)], documents)
    }

    /// (document, path, message) of each failure.
    fn brief(failures: &[Failure]) -> Vec<(usize, &str, Option<&str>)> {
        failures
            .iter()
            .map(|f| (f.document, f.path.as_str(), f.message.as_deref()))
            .collect()
    }

    fn paths(rules: &str, document: &Value) -> Result<Vec<String>, GuardError> {
        let failures = run(rules, std::slice::from_ref(document))?;
        Ok(failures.into_iter().map(|f| f.path).collect())
    }

    fn view() -> Value {
        json!({"certificate": {
            "validation_method": "DNS",
            "names": [
                {"name": "a.com", "validation_record": "present"},
                {"name": "b.com", "validation_record": "missing"}
            ],
            "tags": [],
            "sans": ["x", "y"]
        }})
    }

    fn no_names() -> Value {
        json!({"certificate": {"validation_method": "DNS", "names": []}})
    }

    const ACM003: &str = r#"
rule ACM003 when certificate.validation_method == "DNS" {
    certificate.names[*].validation_record != "missing" <<no validation CNAME for {name}>>
}
"#;

    #[test]
    fn array_clause_reports_the_failing_element() -> Outcome {
        let document = view();
        let failures = run(ACM003, std::slice::from_ref(&document))?;
        let expected = Failure {
            rule: "ACM003".to_owned(),
            document: 0,
            path: "/certificate/names/1/validation_record".to_owned(),
            message: Some("no validation CNAME for {name}".to_owned()),
        };
        assert_eq!(failures, vec![expected.clone()]);
        let message = interpolate(
            expected.message.as_deref().unwrap_or_default(),
            &document,
            &expected.path,
        );
        assert_eq!(message, "no validation CNAME for b.com");
        Ok(())
    }

    #[test]
    fn operators_report_the_value_they_tested() -> Outcome {
        let doc = view();
        let cases: &[(&str, &[&str])] = &[
            (
                r#"rule R { some certificate.names[*].validation_record == "nope" }"#,
                &[
                    "/certificate/names/0/validation_record",
                    "/certificate/names/1/validation_record",
                ],
            ),
            (
                r#"rule R { some certificate.names[*].validation_record == "missing" }"#,
                &[],
            ),
            (
                "rule R { certificate.names[*].name !exists }",
                &["/certificate/names/0/name", "/certificate/names/1/name"],
            ),
            ("rule R { certificate.names[*].name exists }", &[]),
            ("rule R { certificate.tags !empty }", &["/certificate/tags"]),
            (
                "rule R { certificate.names empty }",
                &["/certificate/names"],
            ),
            (
                r#"rule R { certificate.names[*].validation_record IN ["present", "pending"] }"#,
                &["/certificate/names/1/validation_record"],
            ),
            (
                r#"rule R { certificate.names[ validation_record == "missing" ] empty }"#,
                &["/certificate/names/1"],
            ),
            (
                r#"rule R { certificate.names[ validation_record == "missing" ].name !exists }"#,
                &["/certificate/names/1/name"],
            ),
            (
                r#"rule R {
                    let bad = certificate.names[ validation_record == "missing" ]
                    %bad empty
                }"#,
                &["/certificate/names/1"],
            ),
            (
                r#"rule R { certificate.names[*] { validation_record != "missing" } }"#,
                &["/certificate/names/1/validation_record"],
            ),
            (
                r#"rule R { certificate.sans[*] != "y" }"#,
                &["/certificate/sans/1"],
            ),
        ];
        for (rule, expected) in cases {
            assert_eq!(&paths(rule, &doc)?, expected, "{rule}");
        }
        Ok(())
    }

    #[test]
    fn when_on_a_missing_property_skips() -> Outcome {
        for rule in [
            r#"rule R when certificate.nosuch == "x" { certificate.names empty }"#,
            "rule R when certificate.nosuch exists { certificate.names empty }",
            "rule R when certificate.nosuch !empty { certificate.names empty }",
        ] {
            assert_eq!(paths(rule, &view())?, Vec::<String>::new(), "{rule}");
        }
        Ok(())
    }

    #[test]
    fn clauses_over_a_missing_property_fail_at_the_deepest_value_reached() -> Outcome {
        let doc = view();
        let cases: &[(&str, &[&str])] = &[
            (r#"rule R { certificate.nosuch == "x" }"#, &["/certificate"]),
            (r#"rule R { certificate.nosuch != "x" }"#, &["/certificate"]),
            (
                r#"rule R { certificate.nosuch.deeper IN ["x"] }"#,
                &["/certificate"],
            ),
            ("rule R { certificate.nosuch exists }", &["/certificate"]),
            ("rule R { certificate.nosuch !empty }", &["/certificate"]),
            ("rule R { certificate.nosuch empty }", &[]),
            ("rule R { certificate.nosuch !exists }", &[]),
            (
                r#"rule R { certificate.names[*].nosuch == "x" }"#,
                &["/certificate/names/0", "/certificate/names/1"],
            ),
        ];
        for (rule, expected) in cases {
            assert_eq!(&paths(rule, &doc)?, expected, "{rule}");
        }
        Ok(())
    }

    #[test]
    fn star_over_an_empty_array_fails_at_the_array() -> Outcome {
        let doc = no_names();
        let cases: &[(&str, &[&str])] = &[
            (
                r#"rule R { certificate.names[*].validation_record != "missing" }"#,
                &["/certificate/names"],
            ),
            (
                r#"rule R { certificate.names[*] { validation_record != "missing" } }"#,
                &["/certificate/names"],
            ),
            (
                r#"rule R when certificate.names !empty {
                    certificate.names[*].validation_record != "missing"
                }"#,
                &[],
            ),
            (
                r#"rule R { certificate.names[ validation_record == "missing" ] empty }"#,
                &[],
            ),
        ];
        for (rule, expected) in cases {
            assert_eq!(&paths(rule, &doc)?, expected, "{rule}");
        }
        Ok(())
    }

    #[test]
    fn named_rule_references() -> Outcome {
        let rules = r#"
rule A { certificate.validation_method == "EMAIL" <<A needs EMAIL>> }
rule B when A { certificate.names empty <<never reported>> }
rule C { A <<C needs A>> }
rule D when !A { certificate.tags !empty <<D>> }
"#;
        let failures = run(rules, &[view()])?;
        let got: Vec<_> = failures
            .iter()
            .map(|f| (f.rule.as_str(), f.path.as_str(), f.message.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", "/certificate/validation_method", Some("A needs EMAIL")),
                ("C", "", Some("C needs A")),
                ("D", "/certificate/tags", Some("D")),
            ]
        );
        Ok(())
    }

    #[test]
    fn a_failed_or_is_one_failure() -> Outcome {
        let rules = r#"
rule A { certificate.validation_method == "EMAIL" }
rule B { certificate.names empty }
rule C { A or B <<C needs A or B>> }
rule E { certificate.names[*] { validation_record == "present" or name == "a.com" <<{name}>> } }
rule F { certificate.validation_method == "EMAIL" or certificate.names empty }
"#;
        let failures = run(rules, &[view()])?;
        let got: Vec<_> = failures
            .iter()
            .filter(|f| f.rule != "A" && f.rule != "B")
            .map(|f| (f.rule.as_str(), f.path.as_str(), f.message.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("C", "", Some("C needs A or B")),
                ("E", "/certificate/names/1", Some("{name}")),
                ("F", "/certificate", None),
            ]
        );
        Ok(())
    }

    #[test]
    fn a_rule_with_two_failing_clauses_reports_both_in_order() -> Outcome {
        let rules = r#"
rule R {
    certificate.validation_method == "EMAIL" <<one>>
    certificate.names[*].validation_record == "present" <<two>>
}"#;
        assert_eq!(
            brief(&run(rules, &[view()])?),
            vec![
                (0, "/certificate/validation_method", Some("one")),
                (0, "/certificate/names/1/validation_record", Some("two")),
            ]
        );
        Ok(())
    }

    #[test]
    fn documents_keep_their_index_and_passing_ones_report_nothing() -> Outcome {
        let email = json!({"certificate": {"validation_method": "EMAIL", "names": []}});
        let docs = [view(), email.clone(), view(), no_names(), email, view()];
        let got: Vec<usize> = run(ACM003, &docs)?.iter().map(|f| f.document).collect();
        // 1 and 4 SKIP (EMAIL); 3 FAILs at the empty array.
        assert_eq!(got, vec![0, 2, 3, 5]);
        Ok(())
    }

    #[test]
    fn chunked_evaluation_keeps_document_indices() -> Outcome {
        let docs: Vec<Value> = (0..7)
            .map(|i| if i % 3 == 0 { view() } else { no_names() })
            .collect();
        let rules = [source("r.guard", ACM003)];
        let whole = evaluate_in_chunks(&rules, &docs, docs.len())?;
        let chunked = evaluate_in_chunks(&rules, &docs, 2)?;
        assert_eq!(whole, chunked);
        let indices: Vec<usize> = chunked.iter().map(|f| f.document).collect();
        assert_eq!(indices, (0..7).collect::<Vec<_>>());
        assert_eq!(chunked[3].path, "/certificate/names/1/validation_record");
        Ok(())
    }

    #[test]
    fn chunks_are_several_per_thread_but_never_small() -> Outcome {
        assert_eq!(chunk_size(1, 2), MIN_CHUNK);
        assert_eq!(chunk_size(100, 2), MIN_CHUNK);
        assert_eq!(chunk_size(2000, 2), 250);
        assert_eq!(chunk_size(2000, 0), 500);
        Ok(())
    }

    #[test]
    fn several_rules_files_and_default_rules() -> Outcome {
        let rules = [
            source("one.guard", "rule X { certificate.names empty <<x>> }"),
            source("two.guard", "certificate.tags !empty <<outside any rule>>"),
        ];
        let failures = evaluate(&rules, &[view()])?;
        let got: Vec<_> = failures.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(got, vec!["X", "two.guard/default"]);
        assert_eq!(rule_names(&rules[1])?, vec!["two.guard/default"]);
        Ok(())
    }

    #[test]
    fn messages_keep_braces_and_fold_line_breaks() -> Outcome {
        let rules = r#"
rule R {
    certificate.validation_method == "EMAIL" << braces {x} } { and }} >>
    certificate.tags !empty <<
        first line {certificate.validation_method}
        second line
    >>
    certificate.sans empty <<   >>
}"#;
        assert_eq!(
            brief(&run(rules, &[view()])?),
            vec![
                (
                    0,
                    "/certificate/validation_method",
                    Some("braces {x} } { and }}")
                ),
                (
                    0,
                    "/certificate/tags",
                    Some("first line {certificate.validation_method} second line")
                ),
                (0, "/certificate/sans", None),
            ]
        );
        Ok(())
    }

    #[test]
    fn keys_with_slash_and_tilde_become_escaped_pointers() -> Outcome {
        let doc = json!({"certificate": {"a/b": {"c~d": "v"}}});
        assert_eq!(
            paths(r#"rule R { certificate.'a/b'.'c~d' == "w" }"#, &doc)?,
            vec!["/certificate/a~1b/c~0d"]
        );
        Ok(())
    }

    #[test]
    fn strings_yaml_would_reject_or_fold_reach_guard_unchanged() -> Outcome {
        for text in [
            "a\u{7f}b",
            "a\u{85}b",
            "a\u{2028}b",
            "a\u{feff}b",
            "a\u{9f}b",
        ] {
            let doc = json!({"v": text, "w": "x"});
            let rule = format!("rule R {{ v != \"{text}\" <<same>> }}");
            let failures = run(&rule, &[doc])?;
            assert_eq!(brief(&failures), vec![(0, "/v", Some("same"))], "{text:?}");
        }
        Ok(())
    }

    #[test]
    fn yaml_safe_json_is_still_json() -> Outcome {
        let doc = json!({"k\u{2028}": ["\u{0}\u{7f}\u{85}é😀\"\\"]});
        let text = yaml_safe_json(&doc)?;
        assert!(!text.chars().any(needs_yaml_escape), "{text}");
        assert_eq!(
            serde_json::from_str::<Value>(&text).map_err(evaluation_error)?,
            doc
        );
        Ok(())
    }

    #[test]
    fn syntax_errors_name_the_file_and_position() -> Outcome {
        let bad = source("acm009.guard", "rule X {\n  a == 1\n  b ==== 2\n}\n");
        let expected = GuardError::Parse {
            file: "acm009.guard".to_owned(),
            line: Some(3),
            column: Some(7),
            message: "expecting either a property access \"engine.core\" or value like \
                      \"string\" or [\"this\", \"that\"]; found `== 2`"
                .to_owned(),
        };
        assert_eq!(rule_names(&bad), Err(expected.clone()));
        let good = source("ok.guard", "rule Y { a exists }");
        assert_eq!(evaluate(&[good, bad], &[json!({})]), Err(expected.clone()));
        assert!(expected
            .to_string()
            .starts_with("acm009.guard:3:7: expecting"));
        Ok(())
    }

    #[test]
    fn syntax_error_at_the_end_of_a_file() -> Outcome {
        let message = |text: &str| rule_names(&source("f.guard", text)).map_err(|e| e.to_string());
        assert_eq!(
            message("rule X { a == 1"),
            Err("f.guard:1:16: unexpected end of file".to_owned())
        );
        assert_eq!(
            message("rule F { A }"),
            Err("f.guard:1:12: unexpected `}`".to_owned())
        );
        Ok(())
    }

    #[test]
    fn unknown_rules_and_variables_fail_at_evaluation_not_parsing() -> Outcome {
        for (text, detail) in [
            (
                "rule R when NOPE { a exists }",
                "Rule NOPE by that name does not exist",
            ),
            (
                "rule R { %nope == 1 }",
                "Could not resolve variable by name nope",
            ),
        ] {
            let policy = source("p.guard", text);
            assert!(rule_names(&policy).is_ok(), "{text}");
            let result = evaluate(&[policy], &[json!({"a": 1})]);
            let message = match &result {
                Err(GuardError::Evaluation { message }) => message.as_str(),
                _ => "",
            };
            assert!(message.contains(detail), "{result:?}");
        }
        Ok(())
    }

    #[test]
    fn syntax_pitfalls() -> Outcome {
        let parses = |text: &str| rule_names(&source("p.guard", text)).is_ok();
        assert!(!parses("rule A { a exists }\nrule F { A }"));
        assert!(!parses("rule A { a exists }\nrule F { !A }"));
        assert!(parses("rule A { a exists }\nrule F {\n  !A\n}"));
        assert!(parses("rule A { a exists }\nrule F { A <<needs A>> }"));
        assert!(!parses("rule A { a exists }\nrule F { names[*] { A\n } }"));
        assert!(!parses("rule R { count(names) == 2 }"));
        let nested_when = r#"rule R { names[*] { when v == "missing" { name !exists <<m>> } } }"#;
        let doc = json!({"a": 3, "names": [{"name": "x", "v": "missing"}, {"v": "ok"}]});
        assert_eq!(paths(nested_when, &doc)?, vec!["/names/0/name"]);
        let negated = "rule A { a == 3 }\nrule F {\n  not A\n}";
        assert_eq!(paths(negated, &doc)?, vec![""]);
        Ok(())
    }

    #[test]
    fn a_repeated_rule_name_runs_both_rules() -> Outcome {
        let failures = run("rule R { a == 1 }\nrule R { a == 2 }", &[json!({"a": 3})])?;
        let rules: Vec<&str> = failures.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, vec!["R", "R"]);
        Ok(())
    }

    #[test]
    fn rule_names_lists_rules_in_order() -> Outcome {
        let text = "rule B { a exists }\nrule A when B { b exists }\nrule P(x) { %x exists }";
        assert_eq!(
            rule_names(&source("f.guard", text)),
            Ok(vec!["B".to_owned(), "A".to_owned()])
        );
        assert_eq!(rule_names(&source("f.guard", "# nothing\n")), Ok(vec![]));
        Ok(())
    }

    #[test]
    fn no_rules_or_no_documents_is_no_failures() -> Outcome {
        assert_eq!(evaluate(&[], &[view()]), Ok(vec![]));
        assert_eq!(evaluate(&[source("f", ACM003)], &[]), Ok(vec![]));
        Ok(())
    }

    #[test]
    fn null_is_neither_empty_nor_non_empty() -> Outcome {
        let doc = json!({"c": {"z": null, "o": {}}});
        let cases: &[(&str, &[&str])] = &[
            ("rule R { c.z exists }", &[]),
            ("rule R { c.z == null }", &[]),
            ("rule R { c.z empty }", &["/c/z"]),
            ("rule R { c.z !empty }", &["/c/z"]),
            ("rule R { c.o empty }", &[]),
        ];
        for (rule, expected) in cases {
            assert_eq!(&paths(rule, &doc)?, expected, "{rule}");
        }
        Ok(())
    }

    #[test]
    fn a_condition_that_cannot_be_evaluated_fails_the_rule_with_guards_explanation() -> Outcome {
        let doc = json!({"c": {"z": null, "o": {}}});
        let failures = run("rule R when c.z !empty { c.o !empty <<never>> }", &[doc])?;
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].path, "");
        let message = failures[0].message.as_deref().unwrap_or_default();
        assert!(message.starts_with("The rule's condition could not be evaluated"));
        Ok(())
    }

    #[test]
    fn comparisons_are_typed() -> Outcome {
        let doc = json!({"c": {"count": "50", "n": 5, "flag": true, "names": ["a"]}});
        let cases: &[(&str, &[&str])] = &[
            // A condition comparing a string with a number is undecidable: the rule SKIPs.
            ("rule R when c.count > 10 { c.names empty }", &[]),
            ("rule R { c.count > 10 }", &["/c/count"]),
            (r#"rule R { c.flag == "true" }"#, &["/c/flag"]),
            ("rule R { c.n == 5.0 }", &[]),
            // A list is compared element by element.
            ("rule R { c.names > 3 }", &["/c/names/0"]),
            ("rule R { c.names[*] == /^b/ }", &["/c/names/0"]),
            ("rule R { let n = count(c.names)\n %n == 2 }", &["/c/names"]),
        ];
        for (rule, expected) in cases {
            assert_eq!(&paths(rule, &doc)?, expected, "{rule}");
        }
        Ok(())
    }

    #[test]
    fn interpolate_looks_up_from_the_failing_value_outwards() -> Outcome {
        let doc = json!({
            "certificate": {
                "domain": "example.com",
                "names": [{"name": "a.com", "zone": {"id": "Z1"}}],
                "sans": ["a.com", "b.com"],
                "count": 2,
                "mixed": [1, "x"],
                "name": "certificate-level"
            },
            "name": "root-level"
        });
        let path = "/certificate/names/0/zone/id";
        let cases = [
            ("{name}", "a.com"),
            ("{zone.id}", "Z1"),
            ("{domain}", "example.com"),
            ("{certificate.domain}", "example.com"),
            ("{sans}", "a.com, b.com"),
            ("{count}", "2"),
            ("{mixed}", "[1,\"x\"]"),
            ("{names.0.zone}", "{\"id\":\"Z1\"}"),
            (
                "{nope} {name.x} { name } {} }{",
                "{nope} {name.x} { name } {} }{",
            ),
            ("{{name}}", "{a.com}"),
        ];
        for (message, expected) in cases {
            assert_eq!(interpolate(message, &doc, path), expected, "{message}");
        }
        assert_eq!(interpolate("{name}", &doc, ""), "root-level");
        assert_eq!(
            interpolate("{name}", &doc, "/certificate"),
            "certificate-level"
        );
        assert_eq!(interpolate("{name}", &doc, "/certificate/names/0"), "a.com");
        Ok(())
    }

    #[test]
    fn interpolate_follows_escaped_pointers() -> Outcome {
        let doc = json!({"a/b": {"c~d": {"name": "n"}}});
        assert_eq!(interpolate("{name}", &doc, "/a~1b/c~0d"), "n");
        Ok(())
    }
}
