//! Source files and positions: every later stage points back here.
//!
//! A [`Span`] is a byte range in one [`SourceFile`]; the file turns it into 1-based line and
//! column for reports. Columns count characters, not bytes, so they match what an editor shows.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { file, start, end }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// The smallest span covering both (same file assumed; otherwise `self`).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One file that was read: its display path, its text and its line index.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as shown to users: relative to the working directory when under it.
    pub path: PathBuf,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(id: FileId, path: PathBuf, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            id,
            path,
            text,
            line_starts,
        }
    }

    pub fn display_path(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }

    /// Line and column (1-based, columns in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        // A byte order mark is invisible in editors: the first column starts after it.
        let line_start = if line_start == 0 && offset > 0 {
            self.bom_len()
        } else {
            line_start
        };
        let column = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count());
        LineCol {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// Byte offset of a 1-based line and column (columns in characters); clamps to the text.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let start = if start == 0 { self.bom_len() } else { start };
        let rest = self.text.get(start..).unwrap_or("");
        let within = rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i);
        start + within
    }

    /// Bytes of the UTF-8 byte order mark the text starts with (0 or 3).
    fn bom_len(&self) -> usize {
        if self.text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        }
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.id, start, end)
    }

    /// The whole text as one span (used when nothing more precise is known).
    pub fn whole(&self) -> Span {
        Span::new(self.id, 0, 0)
    }

    /// The text of a line (1-based), without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// Every file read in one run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, path: PathBuf, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(id, path, text));
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn line_col(&self, span: Span) -> (LineCol, LineCol) {
        match self.get(span.file) {
            Some(f) => (
                f.line_col(span.start as usize),
                f.line_col(span.end as usize),
            ),
            None => (
                LineCol { line: 1, column: 1 },
                LineCol { line: 1, column: 1 },
            ),
        }
    }

    pub fn path(&self, id: FileId) -> &Path {
        self.get(id).map_or(Path::new(""), |f| f.path.as_path())
    }
}

/// The path to show for `path`: relative to the working directory when it lies under it.
pub fn display_path(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok();
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        return strip_dot(path);
    };
    match cwd
        .as_deref()
        .and_then(|cwd| absolute.strip_prefix(cwd).ok())
    {
        Some(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => absolute,
    }
}

fn strip_dot(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_handles_crlf() {
        let f = SourceFile::new(FileId(0), "a".into(), "ab\r\nçd = 1\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        let d = f.text.find('d').unwrap_or(0);
        assert_eq!(f.line_col(d), LineCol { line: 2, column: 2 });
        assert_eq!(f.offset_of(2, 2), d);
        assert_eq!(f.line_text(1), "ab");
    }

    #[test]
    fn a_byte_order_mark_takes_no_column() {
        let f = SourceFile::new(FileId(0), "a".into(), "\u{feff}ab\ncd");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(4), LineCol { line: 1, column: 2 });
        assert_eq!(f.line_col(7), LineCol { line: 2, column: 2 });
        assert_eq!(f.offset_of(1, 1), 3);
        assert_eq!(f.offset_of(1, 2), 4);
        assert_eq!(f.offset_of(2, 1), 6);
    }
}
