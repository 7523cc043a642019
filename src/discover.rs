//! Discover: the files to analyse under the paths given on the command line.
//!
//! Terraform is analysed per module, so `.tf` files are grouped by directory (a single `.tf`
//! file given explicitly, as pre-commit does, brings in its whole directory). YAML, JSON and
//! `.template` files become CloudFormation candidates when their text mentions CloudFormation;
//! the caller parses them and decides. Nothing here blocks or hangs: non-regular files are
//! refused before they are opened, and symlink loops become one error each.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use walkdir::WalkDir;

use crate::finding::InputError;
use crate::parse::cfn::mentions_cloudformation;
use crate::source::display_path;

/// Files larger than this are not analysed unless configured otherwise: CloudFormation caps a
/// template at 1 MB, so 10 MiB leaves ample room for Terraform while bounding memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Directories never descended into: tool caches, dependencies and build output, which hold
/// copies of modules and many JSON files but no configuration of the project's own.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".terraform",
    "node_modules",
    "target",
    ".terragrunt-cache",
    ".venv",
];

/// How much of an oversized or undecodable file is sniffed to tell whether it is CloudFormation.
const SNIFF_BYTES: u64 = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverOptions {
    /// Glob patterns, matched against the path relative to each given root and against the
    /// file name; a matching directory is not descended into.
    pub exclude: Vec<String>,
    /// Bytes; files above it are refused.
    pub max_file_size: u64,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// Terraform modules: one entry per directory holding `.tf` files (files sorted by name),
    /// with the directory's `terraform.tfvars` and `*.auto.tfvars` files (sorted).
    pub terraform_dirs: Vec<TerraformDir>,
    /// YAML/JSON/.template candidates whose text mentions CloudFormation (the caller parses
    /// them and decides with `is_cloudformation`).
    pub cloudformation_candidates: Vec<PathBuf>,
    /// Files passed over, with the reason (shown under --verbose): non-CloudFormation YAML,
    /// excluded, etc.
    pub skipped: Vec<(PathBuf, String)>,
    /// Paths that could not be read (permission denied, symlink loop, dangling symlink, walk
    /// errors): reported as ACM000.
    pub errors: Vec<InputError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerraformDir {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub tfvars: Vec<PathBuf>,
}

/// Finds the files to analyse under `paths` (files or directories). Deterministic: every list
/// is sorted, and directories reached through several paths (overlapping arguments, symlinks)
/// appear once.
pub fn discover(paths: &[PathBuf], opts: &DiscoverOptions) -> Discovered {
    let mut discovery = Discovery::new(opts);
    for path in paths {
        discovery.add_root(path);
    }
    discovery.finish()
}

/// Reads a file for analysis: refuses non-regular files (FIFO, device, socket: checked before
/// opening, so it never blocks), files over `max_file_size`, files with NUL bytes ("binary
/// file"), invalid UTF-8 (with the position of the first bad byte). Strips nothing: a BOM stays
/// in the text. Errors are human sentences.
pub fn read_source(path: &Path, max_file_size: u64) -> Result<String, String> {
    let bytes = read_bytes(path, max_file_size).map_err(|e| e.to_string())?;
    decode(bytes).map_err(|e| e.to_string())
}

/// Why a file could not be read.
#[derive(Debug)]
enum ReadError {
    NotRegular(&'static str),
    TooLarge { size: u64, limit: u64 },
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "not a regular file: it is {kind}"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "file is too large: {} (the limit is {})",
                human_size(*size),
                human_size(*limit)
            ),
            ReadError::Io(error) => f.write_str(&describe_io(error)),
        }
    }
}

/// Why a file's bytes are not text.
#[derive(Debug)]
enum DecodeError {
    Binary,
    NotUtf8 {
        line: usize,
        column: usize,
        bytes: Vec<u8>,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Binary => f.write_str("binary file (it contains NUL bytes)"),
            DecodeError::NotUtf8 { line, column, .. } => {
                write!(f, "not valid UTF-8 at line {line}, column {column}")
            }
        }
    }
}

/// The bytes of a regular file of at most `limit` bytes.
fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // `metadata` follows symlinks and does not open the file: a FIFO is refused here.
    let metadata = fs::metadata(path).map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(file_kind(&metadata.file_type())));
    }
    let size = metadata.len();
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    let file = File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // The file may grow between the check and the read: never read more than the limit allows.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(ReadError::TooLarge { size: read, limit });
    }
    Ok(bytes)
}

/// The text of a file's bytes: no NUL byte, valid UTF-8.
fn decode(bytes: Vec<u8>) -> Result<String, DecodeError> {
    if bytes.contains(&0) {
        return Err(DecodeError::Binary);
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.into_bytes();
        let (line, column) = position_after(bytes.get(..valid).unwrap_or_default());
        DecodeError::NotUtf8 {
            line,
            column,
            bytes,
        }
    })
}

/// 1-based line and column (in characters) just after `valid`, which is valid UTF-8.
fn position_after(valid: &[u8]) -> (usize, usize) {
    let text = std::str::from_utf8(valid).unwrap_or_default();
    let line = text.matches('\n').count() + 1;
    let line_start = text.rfind('\n').map_or(0, |i| i + 1);
    let column = text.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

fn file_kind(file_type: &fs::FileType) -> &'static str {
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    "a special file"
}

fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        // Display only: the precision lost in the conversion does not matter.
        let mib = bytes as f64 / MIB as f64;
        format!("{mib:.1} MiB")
    } else {
        format!("{bytes} bytes")
    }
}

/// What a file name makes of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Terraform,
    TfVars,
    /// `.tf.json`: Terraform's JSON syntax, which the HCL front end does not read.
    TerraformJson,
    /// `.yaml`, `.yml`, `.json`, `.template`: maybe CloudFormation.
    Template,
    Other,
}

fn file_kind_of(path: &Path) -> FileKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // OpenTofu's `.tofu` files are the same language.
    if name.ends_with(".tf") || name.ends_with(".tofu") {
        return FileKind::Terraform;
    }
    if name == "terraform.tfvars" || name.ends_with(".auto.tfvars") {
        return FileKind::TfVars;
    }
    if name.ends_with(".tf.json") {
        return FileKind::TerraformJson;
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "yaml" | "yml" | "json" | "template" => FileKind::Template,
        _ => FileKind::Other,
    }
}

/// The compiled `--exclude` patterns.
struct Excludes {
    set: GlobSet,
    patterns: Vec<String>,
}

impl Excludes {
    /// Compiles the valid patterns; each invalid one is an input error.
    fn new(patterns: &[String], errors: &mut Vec<InputError>) -> Self {
        let mut builder = GlobSetBuilder::new();
        let mut kept = Vec::new();
        for pattern in patterns {
            match Glob::new(pattern) {
                Ok(glob) => {
                    builder.add(glob);
                    kept.push(pattern.clone());
                }
                Err(error) => errors.push(input_error(
                    pattern,
                    format!("invalid exclude pattern: {}", error.kind()),
                )),
            }
        }
        let set = builder.build().unwrap_or_else(|_| GlobSet::empty());
        Excludes {
            set,
            patterns: kept,
        }
    }

    /// The first pattern matching `relative` (the path under its root) or the file name.
    fn matching(&self, relative: &Path) -> Option<&str> {
        let by_path = self.set.matches(relative);
        let by_name = relative
            .file_name()
            .map(|name| self.set.matches(Path::new(name)))
            .unwrap_or_default();
        let first = by_path.into_iter().chain(by_name).min()?;
        self.patterns.get(first).map(String::as_str)
    }
}

fn input_error(path: impl AsRef<Path>, message: impl Into<String>) -> InputError {
    InputError {
        path: display_path(path.as_ref()).to_string_lossy().into_owned(),
        span: None,
        line: None,
        column: None,
        message: message.into(),
    }
}

fn canonical(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The `.tf` and variable files of one directory, by file name.
#[derive(Debug, Default)]
struct ModuleFiles {
    dir: PathBuf,
    files: BTreeMap<PathBuf, PathBuf>,
    tfvars: BTreeMap<PathBuf, PathBuf>,
}

/// The state of one discovery run.
struct Discovery<'o> {
    opts: &'o DiscoverOptions,
    excludes: Excludes,
    /// Terraform directories by canonical path.
    modules: BTreeMap<PathBuf, ModuleFiles>,
    /// Directories whose whole listing was already added for an explicit `.tf` file.
    listed: HashSet<PathBuf>,
    /// Candidates by canonical path.
    candidates: BTreeMap<PathBuf, PathBuf>,
    skipped: Vec<(PathBuf, String)>,
    errors: Vec<InputError>,
}

impl<'o> Discovery<'o> {
    fn new(opts: &'o DiscoverOptions) -> Self {
        let mut errors = Vec::new();
        let excludes = Excludes::new(&opts.exclude, &mut errors);
        Discovery {
            opts,
            excludes,
            modules: BTreeMap::new(),
            listed: HashSet::new(),
            candidates: BTreeMap::new(),
            skipped: Vec::new(),
            errors,
        }
    }

    fn add_root(&mut self, path: &Path) {
        match fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => self.walk(path),
            Ok(_) => self.add_explicit_file(path),
            Err(error) if error.kind() == io::ErrorKind::NotFound && is_symlink(path) => {
                self.errors.push(input_error(
                    path,
                    "dangling symlink: its target does not exist",
                ))
            }
            Err(error) => self.errors.push(input_error(path, describe_io(&error))),
        }
    }

    /// A file named on the command line: a Terraform file brings in its whole directory, any
    /// other file is a CloudFormation candidate whatever its extension.
    fn add_explicit_file(&mut self, path: &Path) {
        if let Some(pattern) = self.excluded_explicit(path) {
            self.skip(path, format!("excluded by `{pattern}`"));
            return;
        }
        match file_kind_of(path) {
            FileKind::Terraform | FileKind::TfVars => {
                let dir = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                    _ => Path::new("."),
                };
                self.add_module_dir(dir);
            }
            FileKind::TerraformJson => self.skip_terraform_json(path),
            FileKind::Template | FileKind::Other => self.consider_candidate(path),
        }
    }

    fn excluded_explicit(&self, path: &Path) -> Option<&str> {
        let stripped = path.strip_prefix(".").unwrap_or(path);
        self.excludes.matching(stripped)
    }

    /// Adds every `.tf` and variable file directly in `dir`.
    fn add_module_dir(&mut self, dir: &Path) {
        if !self.listed.insert(canonical(dir)) {
            return;
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                self.errors.push(input_error(dir, describe_io(&error)));
                return;
            }
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => paths.push(entry.path()),
                Err(error) => self.errors.push(input_error(dir, describe_io(&error))),
            }
        }
        paths.sort();
        for path in paths {
            let kind = file_kind_of(&path);
            if !matches!(kind, FileKind::Terraform | FileKind::TfVars) {
                continue;
            }
            if let Some(pattern) = self.excluded_explicit(&path) {
                let reason = format!("excluded by `{pattern}`");
                self.skip(&path, reason);
                continue;
            }
            match fs::metadata(&path) {
                Ok(metadata) if metadata.is_file() => self.add_terraform_file(dir, &path, kind),
                Ok(metadata) => self.refuse_special(&path, kind, &metadata.file_type()),
                Err(error) => self.unreachable_entry(&path, kind, &error),
            }
        }
    }

    fn walk(&mut self, root: &Path) {
        let mut entries = WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        while let Some(next) = entries.next() {
            let entry = match next {
                Ok(entry) => entry,
                Err(error) => {
                    self.walk_error(&error, root);
                    continue;
                }
            };
            let path = entry.path();
            let relative = path.strip_prefix(root).unwrap_or(path);
            let file_type = entry.file_type();
            if file_type.is_dir() {
                if entry.depth() > 0 && self.prune_dir(path, relative) {
                    entries.skip_current_dir();
                }
                continue;
            }
            self.walk_file(path, relative, &file_type);
        }
    }

    /// Whether to leave out a directory met in a walk (recording why when it is excluded).
    fn prune_dir(&mut self, path: &Path, relative: &Path) -> bool {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if SKIPPED_DIRS.contains(&name.as_ref()) {
            return true;
        }
        let Some(pattern) = self.excludes.matching(relative) else {
            return false;
        };
        let reason = format!("excluded by `{pattern}`");
        self.skip(path, reason);
        true
    }

    fn walk_file(&mut self, path: &Path, relative: &Path, file_type: &fs::FileType) {
        let kind = file_kind_of(path);
        if kind == FileKind::Other {
            return;
        }
        if let Some(pattern) = self.excludes.matching(relative) {
            let reason = format!("excluded by `{pattern}`");
            self.skip(path, reason);
            return;
        }
        if !file_type.is_file() {
            self.refuse_special(path, kind, file_type);
            return;
        }
        match kind {
            FileKind::Terraform | FileKind::TfVars => {
                let dir = path.parent().unwrap_or(Path::new("."));
                self.add_terraform_file(dir, path, kind);
            }
            FileKind::TerraformJson => self.skip_terraform_json(path),
            FileKind::Template => self.consider_candidate(path),
            FileKind::Other => {}
        }
    }

    fn add_terraform_file(&mut self, dir: &Path, path: &Path, kind: FileKind) {
        let module = self
            .modules
            .entry(canonical(dir))
            .or_insert_with(|| ModuleFiles {
                dir: dir.to_path_buf(),
                ..ModuleFiles::default()
            });
        let name = PathBuf::from(path.file_name().unwrap_or_default());
        let list = if kind == FileKind::TfVars {
            &mut module.tfvars
        } else {
            &mut module.files
        };
        list.entry(name).or_insert_with(|| path.to_path_buf());
    }

    /// A FIFO, socket or device with a name we would read: an error for Terraform (the module
    /// cannot be analysed whole), skipped for a maybe-template.
    fn refuse_special(&mut self, path: &Path, kind: FileKind, file_type: &fs::FileType) {
        let message = ReadError::NotRegular(file_kind(file_type)).to_string();
        match kind {
            FileKind::Terraform | FileKind::TfVars => self.errors.push(input_error(path, message)),
            _ => self.skip(path, message),
        }
    }

    /// An entry that vanished or cannot be examined.
    fn unreachable_entry(&mut self, path: &Path, kind: FileKind, error: &io::Error) {
        let message = if error.kind() == io::ErrorKind::NotFound && is_symlink(path) {
            "dangling symlink: its target does not exist".to_owned()
        } else {
            describe_io(error)
        };
        match kind {
            FileKind::Other => self.skip(path, message),
            _ => self.errors.push(input_error(path, message)),
        }
    }

    fn walk_error(&mut self, error: &walkdir::Error, root: &Path) {
        let path = error.path().unwrap_or(root).to_path_buf();
        if let Some(ancestor) = error.loop_ancestor() {
            let ancestor = display_path(ancestor);
            let shown = if ancestor.as_os_str().is_empty() {
                Path::new(".")
            } else {
                ancestor.as_path()
            };
            let message = format!("symlink loop: it leads back to `{}`", shown.display());
            self.errors.push(input_error(&path, message));
            return;
        }
        let dangling = error
            .io_error()
            .is_some_and(|e| e.kind() == io::ErrorKind::NotFound)
            && is_symlink(&path);
        if dangling {
            // Only an error where it stands for a file we would read.
            let reason = "dangling symlink: its target does not exist";
            match file_kind_of(&path) {
                FileKind::Other => self.skip(&path, reason.to_owned()),
                _ => self.errors.push(input_error(&path, reason)),
            }
            return;
        }
        let message = error
            .io_error()
            .map_or_else(|| error.to_string(), describe_io);
        self.errors.push(input_error(&path, message));
    }

    fn skip_terraform_json(&mut self, path: &Path) {
        self.skip(
            path,
            "Terraform JSON syntax (.tf.json) is not analysed".to_owned(),
        );
    }

    /// Reads a maybe-template and keeps it when it mentions CloudFormation.
    fn consider_candidate(&mut self, path: &Path) {
        let decoded = match read_bytes(path, self.opts.max_file_size) {
            Ok(bytes) => decode(bytes),
            Err(error) => {
                self.unreadable_candidate(path, &error);
                return;
            }
        };
        match decoded {
            Ok(text) if mentions_cloudformation(&text) => {
                self.candidates
                    .entry(canonical(path))
                    .or_insert_with(|| path.to_path_buf());
            }
            Ok(_) => self.skip(path, "not CloudFormation".to_owned()),
            Err(error) => self.undecodable_candidate(path, error),
        }
    }

    /// A maybe-template that could not be read: an error when it may be CloudFormation.
    fn unreadable_candidate(&mut self, path: &Path, error: &ReadError) {
        let maybe_cloudformation = match error {
            ReadError::TooLarge { .. } => sniff_mentions_cloudformation(path),
            ReadError::Io(_) => true,
            ReadError::NotRegular(_) => false,
        };
        if maybe_cloudformation {
            self.errors.push(input_error(path, error.to_string()));
        } else {
            self.skip(path, error.to_string());
        }
    }

    fn undecodable_candidate(&mut self, path: &Path, error: DecodeError) {
        let maybe_cloudformation = match &error {
            DecodeError::Binary => false,
            DecodeError::NotUtf8 { bytes, .. } => {
                mentions_cloudformation(&String::from_utf8_lossy(bytes))
            }
        };
        if maybe_cloudformation {
            self.errors.push(input_error(path, error.to_string()));
        } else {
            self.skip(path, error.to_string());
        }
    }

    fn skip(&mut self, path: &Path, reason: String) {
        self.skipped.push((path.to_path_buf(), reason));
    }

    fn finish(self) -> Discovered {
        let mut terraform_dirs: Vec<TerraformDir> = self
            .modules
            .into_values()
            .filter(|module| !module.files.is_empty())
            .map(|module| TerraformDir {
                dir: module.dir,
                files: module.files.into_values().collect(),
                tfvars: module.tfvars.into_values().collect(),
            })
            .collect();
        terraform_dirs.sort_by(|a, b| a.dir.cmp(&b.dir));
        let mut cloudformation_candidates: Vec<PathBuf> = self.candidates.into_values().collect();
        cloudformation_candidates.sort();
        let mut skipped = self.skipped;
        skipped.sort();
        skipped.dedup_by(|a, b| a.0 == b.0);
        let mut errors = self.errors;
        errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        errors.dedup();
        Discovered {
            terraform_dirs,
            cloudformation_candidates,
            skipped,
            errors,
        }
    }
}

/// Whether the first [`SNIFF_BYTES`] of a regular file mention CloudFormation.
fn sniff_mentions_cloudformation(path: &Path) -> bool {
    let mut head = Vec::new();
    let read = File::open(path).and_then(|file| file.take(SNIFF_BYTES).read_to_end(&mut head));
    read.is_ok() && mentions_cloudformation(&String::from_utf8_lossy(&head))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use std::os::unix::fs::symlink;
    use std::sync::mpsc;
    use std::time::Duration;

    const CFN: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n";

    fn write(root: &Path, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, contents).unwrap();
        path
    }

    fn run(paths: &[PathBuf]) -> Discovered {
        discover(paths, &DiscoverOptions::default())
    }

    fn run_with(paths: &[PathBuf], exclude: &[&str], max_file_size: u64) -> Discovered {
        let opts = DiscoverOptions {
            exclude: exclude.iter().map(|s| (*s).to_owned()).collect(),
            max_file_size,
        };
        discover(paths, &opts)
    }

    /// A path relative to `root`, with `/` separators, for readable assertions.
    fn rel(root: &Path, path: &Path) -> String {
        path.strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    fn names(root: &Path, paths: &[PathBuf]) -> Vec<String> {
        paths.iter().map(|p| rel(root, p)).collect()
    }

    fn skipped(root: &Path, found: &Discovered) -> Vec<(String, String)> {
        found
            .skipped
            .iter()
            .map(|(p, reason)| (rel(root, p), reason.clone()))
            .collect()
    }

    fn errors(found: &Discovered) -> Vec<(String, String)> {
        found
            .errors
            .iter()
            .map(|e| {
                let name = Path::new(&e.path).file_name().unwrap_or_default();
                (name.to_string_lossy().into_owned(), e.message.clone())
            })
            .collect()
    }

    /// Runs `f` on another thread and fails if it does not finish in time (it would block).
    fn within<T: Send + 'static>(seconds: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || send.send(f()));
        receive
            .recv_timeout(Duration::from_secs(seconds))
            .expect("blocked or hung")
    }

    #[test]
    fn groups_tf_files_by_directory_with_their_variable_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "variables.tf", "");
        write(root, "main.tf", "");
        write(root, "terraform.tfvars", "");
        write(root, "prod.auto.tfvars", "");
        write(root, "other.tfvars", "");
        write(root, "README.md", "");
        write(root, "modules/web/outputs.tf", "");
        write(root, "modules/web/main.tf", "");
        write(root, "modules/empty/terraform.tfvars", "");
        let found = run(&[root.to_path_buf()]);
        let dirs: Vec<_> = found
            .terraform_dirs
            .iter()
            .map(|d| {
                (
                    rel(root, &d.dir),
                    names(root, &d.files),
                    names(root, &d.tfvars),
                )
            })
            .collect();
        assert_eq!(
            dirs,
            [
                (
                    String::new(),
                    vec!["main.tf".to_owned(), "variables.tf".to_owned()],
                    vec!["prod.auto.tfvars".to_owned(), "terraform.tfvars".to_owned()]
                ),
                (
                    "modules/web".to_owned(),
                    vec![
                        "modules/web/main.tf".to_owned(),
                        "modules/web/outputs.tf".to_owned()
                    ],
                    vec![]
                ),
            ]
        );
        assert!(found.errors.is_empty() && found.cloudformation_candidates.is_empty());
    }

    #[test]
    fn an_explicit_tf_file_brings_its_whole_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let main = write(root, "infra/main.tf", "");
        write(root, "infra/lb.tf", "");
        write(root, "infra/terraform.tfvars", "");
        write(root, "infra/nested/other.tf", "");
        let found = run(&[main]);
        assert_eq!(found.terraform_dirs.len(), 1);
        let dir = &found.terraform_dirs[0];
        assert_eq!(rel(root, &dir.dir), "infra");
        assert_eq!(names(root, &dir.files), ["infra/lb.tf", "infra/main.tf"]);
        assert_eq!(names(root, &dir.tfvars), ["infra/terraform.tfvars"]);
    }

    #[test]
    fn opentofu_files_are_terraform() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "infra/main.tofu", "resource \"aws_lb\" \"a\" {}\n");
        let found = run(&[root.to_path_buf()]);
        assert_eq!(found.terraform_dirs.len(), 1);
        assert!(found.terraform_dirs[0].files[0].ends_with("main.tofu"));
    }

    #[test]
    fn explicit_templates_are_candidates_whatever_their_extension() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let odd = write(root, "stack.cfn", CFN);
        let workflow = write(root, ".github/workflows/ci.yml", "on: push\njobs: {}\n");
        let found = run(&[odd.clone(), workflow]);
        assert_eq!(found.cloudformation_candidates, [odd]);
        assert_eq!(
            skipped(root, &found),
            [(
                ".github/workflows/ci.yml".to_owned(),
                "not CloudFormation".to_owned()
            )]
        );
    }

    #[test]
    fn templates_under_a_directory_and_workflows_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "stacks/cert.yaml", CFN);
        write(root, "stacks/cert.template", CFN);
        write(
            root,
            "stacks/app.JSON",
            "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}",
        );
        write(
            root,
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  a:\n    runs-on: x\n",
        );
        write(root, "package.json", "{\"name\": \"x\"}");
        write(root, "main.tf.json", "{}");
        let found = run(&[root.to_path_buf()]);
        assert_eq!(
            names(root, &found.cloudformation_candidates),
            [
                "stacks/app.JSON",
                "stacks/cert.template",
                "stacks/cert.yaml"
            ]
        );
        let reasons = skipped(root, &found);
        assert!(reasons.contains(&(
            ".github/workflows/ci.yml".into(),
            "not CloudFormation".into()
        )));
        assert!(reasons.contains(&("package.json".into(), "not CloudFormation".into())));
        assert!(reasons
            .iter()
            .any(|(p, r)| p == "main.tf.json" && r.contains(".tf.json")));
    }

    #[test]
    fn overlapping_paths_and_symlinked_directories_appear_once() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let main = write(root, "infra/main.tf", "");
        let stack = write(root, "stack.yaml", CFN);
        symlink(root.join("infra"), root.join("alias")).unwrap();
        let found = run(&[
            root.to_path_buf(),
            root.join("infra"),
            main,
            stack.clone(),
            root.to_path_buf(),
        ]);
        assert_eq!(found.terraform_dirs.len(), 1, "{:?}", found.terraform_dirs);
        assert_eq!(found.terraform_dirs[0].files.len(), 1);
        assert_eq!(found.cloudformation_candidates, [stack]);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
    }

    #[test]
    fn tool_and_dependency_directories_are_not_walked() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for dir in [
            ".git",
            ".terraform/modules/m",
            "node_modules/pkg",
            "target",
            ".terragrunt-cache/x",
        ] {
            write(root, &format!("{dir}/main.tf"), "");
            write(root, &format!("{dir}/t.yaml"), CFN);
        }
        write(root, ".hidden/main.tf", "");
        let found = run(&[root.to_path_buf()]);
        let dirs: Vec<_> = found
            .terraform_dirs
            .iter()
            .map(|d| rel(root, &d.dir))
            .collect();
        assert_eq!(dirs, [".hidden"]);
        assert!(found.cloudformation_candidates.is_empty());
        // Given explicitly, such a directory is walked.
        let explicit = run(&[root.join(".terraform/modules/m")]);
        assert_eq!(explicit.terraform_dirs.len(), 1);
    }

    #[test]
    fn a_symlink_loop_is_one_error_not_a_hang() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        write(&root, "a/main.tf", "");
        symlink(root.join("a"), root.join("a/loop")).unwrap();
        let found = within(20, move || run(&[root]));
        assert_eq!(found.errors.len(), 1, "{:?}", found.errors);
        assert_eq!(errors(&found)[0].0, "loop");
        assert!(
            found.errors[0].message.contains("symlink loop"),
            "{:?}",
            found.errors
        );
        assert_eq!(found.terraform_dirs.len(), 1);
    }

    #[test]
    fn dangling_symlinks_are_errors_where_they_matter() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "main.tf", "");
        symlink(root.join("nowhere.tf"), root.join("gone.tf")).unwrap();
        symlink(root.join("nowhere.md"), root.join("gone.md")).unwrap();
        let found = run(&[root.to_path_buf()]);
        assert_eq!(
            errors(&found),
            [(
                "gone.tf".to_owned(),
                "dangling symlink: its target does not exist".to_owned()
            )]
        );
        assert!(skipped(root, &found)
            .iter()
            .any(|(p, r)| p == "gone.md" && r.contains("dangling")));
        let explicit = run(&[root.join("gone.tf")]);
        assert!(explicit.errors[0].message.contains("dangling symlink"));
    }

    #[test]
    fn missing_paths_are_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let found = run(&[tmp.path().join("does-not-exist")]);
        assert_eq!(
            errors(&found),
            [(
                "does-not-exist".to_owned(),
                "no such file or directory".to_owned()
            )]
        );
    }

    #[test]
    fn a_fifo_named_like_terraform_never_blocks() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        write(&root, "main.tf", "");
        for name in ["x.tf", "y.yaml"] {
            let status = std::process::Command::new("mkfifo")
                .arg(root.join(name))
                .status()
                .unwrap();
            assert!(status.success());
        }
        let walked = root.clone();
        let found = within(20, move || run(&[walked]));
        assert_eq!(
            errors(&found),
            [(
                "x.tf".to_owned(),
                "not a regular file: it is a named pipe (FIFO)".to_owned()
            )]
        );
        assert_eq!(names(&root, &found.terraform_dirs[0].files), ["main.tf"]);
        assert!(skipped(&root, &found)
            .iter()
            .any(|(p, r)| p == "y.yaml" && r.contains("named pipe")));
        let explicit = root.join("x.tf");
        let found = within(20, move || run(&[explicit]));
        assert_eq!(found.errors.len(), 1);
        let fifo = root.join("x.tf");
        let read = within(20, move || read_source(&fifo, DEFAULT_MAX_FILE_SIZE));
        assert_eq!(
            read,
            Err("not a regular file: it is a named pipe (FIFO)".to_owned())
        );
    }

    #[test]
    fn read_source_refuses_what_it_cannot_analyse() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let binary = write(root, "bin.tf", b"resource \0 x");
        assert_eq!(
            read_source(&binary, 100),
            Err("binary file (it contains NUL bytes)".to_owned())
        );
        let latin1 = write(root, "latin1.tf", b"a = 1\nb = \"\xc3\xa9\xe9\"\n");
        assert_eq!(
            read_source(&latin1, 100),
            Err("not valid UTF-8 at line 2, column 7".to_owned())
        );
        let big = write(root, "big.tf", "x".repeat(2 * 1024 * 1024));
        let message = read_source(&big, 1024 * 1024).unwrap_err();
        assert_eq!(message, "file is too large: 2.0 MiB (the limit is 1.0 MiB)");
        assert_eq!(
            read_source(&big, 10).unwrap_err(),
            "file is too large: 2.0 MiB (the limit is 10 bytes)"
        );
        let bom = write(root, "bom.yaml", "\u{feff}a: 1\r\n");
        assert_eq!(read_source(&bom, 100).unwrap(), "\u{feff}a: 1\r\n");
        assert_eq!(
            read_source(root, 100),
            Err("not a regular file: it is a directory".to_owned())
        );
        assert_eq!(
            read_source(&root.join("none"), 100),
            Err("no such file or directory".to_owned())
        );
    }

    #[test]
    fn unreadable_templates_are_errors_only_when_they_may_be_cloudformation() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            root,
            "latin1.yaml",
            b"Resources:\n  B:\n    Type: AWS::S3::Bucket # caf\xe9\n",
        );
        write(root, "latin1-other.yaml", b"name: caf\xe9\n");
        write(root, "blob.json", b"{\"AWS::\": \"\0\"}");
        write(root, "big.yaml", format!("{CFN}# {}\n", "x".repeat(4096)));
        write(root, "big-other.yaml", format!("a: {}\n", "x".repeat(4096)));
        let found = run_with(&[root.to_path_buf()], &[], 1024);
        assert_eq!(
            errors(&found),
            [
                (
                    "big.yaml".to_owned(),
                    "file is too large: 4152 bytes (the limit is 1024 bytes)".to_owned()
                ),
                (
                    "latin1.yaml".to_owned(),
                    "not valid UTF-8 at line 3, column 32".to_owned()
                ),
            ]
        );
        let reasons = skipped(root, &found);
        assert!(reasons
            .iter()
            .any(|(p, r)| p == "blob.json" && r.starts_with("binary file")));
        assert!(reasons
            .iter()
            .any(|(p, r)| p == "big-other.yaml" && r.starts_with("file is too large")));
        assert!(reasons
            .iter()
            .any(|(p, r)| p == "latin1-other.yaml" && r.starts_with("not valid UTF-8")));
    }

    #[test]
    fn exclude_globs_match_relative_paths_and_file_names() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "main.tf", "");
        write(root, "legacy/main.tf", "");
        write(root, "deep/legacy/main.tf", "");
        write(root, "examples/a/main.tf", "");
        write(root, "stacks/cert.yaml", CFN);
        write(root, "stacks/cert.test.yaml", CFN);
        let found = run_with(
            &[root.to_path_buf()],
            &["legacy", "examples/**", "*.test.yaml", "[oops"],
            DEFAULT_MAX_FILE_SIZE,
        );
        let dirs: Vec<_> = found
            .terraform_dirs
            .iter()
            .map(|d| rel(root, &d.dir))
            .collect();
        assert_eq!(dirs, [""]);
        assert_eq!(
            names(root, &found.cloudformation_candidates),
            ["stacks/cert.yaml"]
        );
        assert_eq!(
            skipped(root, &found),
            [
                ("deep/legacy".to_owned(), "excluded by `legacy`".to_owned()),
                (
                    "examples/a".to_owned(),
                    "excluded by `examples/**`".to_owned()
                ),
                ("legacy".to_owned(), "excluded by `legacy`".to_owned()),
                (
                    "stacks/cert.test.yaml".to_owned(),
                    "excluded by `*.test.yaml`".to_owned()
                ),
            ]
        );
        assert_eq!(found.errors.len(), 1);
        assert_eq!(found.errors[0].path, "[oops");
        assert!(found.errors[0]
            .message
            .starts_with("invalid exclude pattern"));
        // Explicit files are excluded too (pre-commit passes them one by one).
        let explicit = run_with(&[root.join("stacks/cert.test.yaml")], &["*.test.yaml"], 100);
        assert!(explicit.cloudformation_candidates.is_empty() && explicit.skipped.len() == 1);
    }

    #[test]
    fn unreadable_directories_are_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "locked/main.tf", "");
        let locked = root.join("locked");
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let readable_anyway = fs::read_dir(&locked).is_ok(); // root ignores permissions
        let found = run(&[root.to_path_buf()]);
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        if readable_anyway {
            assert!(found.errors.is_empty());
        } else {
            assert_eq!(
                errors(&found),
                [("locked".to_owned(), "permission denied".to_owned())]
            );
        }
    }

    #[test]
    fn utf8_error_positions_count_characters() {
        assert_eq!(position_after(b""), (1, 1));
        assert_eq!(position_after("ab\né".as_bytes()), (2, 2));
        assert_eq!(position_after(b"a\r\n"), (2, 1));
    }
}
