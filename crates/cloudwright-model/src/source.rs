//! Source files and locations. Every block and attribute in the model carries a
//! [`Span`] so a finding can point at the exact line that is wrong.

use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// A located region of a source file: byte offsets plus one-based line and
/// column (columns count characters, as editors do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// One loaded file.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to the user: relative to the scan root where possible.
    pub display_path: String,
    /// Path on disk.
    pub path: PathBuf,
    pub text: Arc<str>,
    line_starts: Vec<u32>,
    /// The text is ASCII: a column is a byte distance, no characters to count.
    ascii: bool,
}

impl SourceFile {
    pub fn new(display_path: String, path: PathBuf, text: Arc<str>) -> Self {
        let line_starts = line_starts(&text);
        let ascii = text.is_ascii();
        SourceFile {
            display_path,
            path,
            text,
            line_starts,
            ascii,
        }
    }

    /// One-based (line, column) of a byte offset; out-of-range offsets clamp to the end.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = self.clamp(offset);
        self.line_col_on(self.line_index(offset, 0), offset)
    }

    fn clamp(&self, offset: u32) -> u32 {
        offset.min(self.text.len() as u32)
    }

    /// The index of the line holding `offset`, which is on line `from` or
    /// after it. Spans are short: their end is nearly always on their start's
    /// line or one of the next few, looked at before searching the rest.
    fn line_index(&self, offset: u32, from: usize) -> usize {
        let starts = &self.line_starts;
        let mut line = from;
        for _ in 0..4 {
            match starts.get(line + 1) {
                Some(&next) if next <= offset => line += 1,
                _ => return line,
            }
        }
        // (the lines after: the first line start beyond `offset`, less one)
        line + starts[line + 1..].partition_point(|&s| s <= offset)
    }

    /// One-based (line, column) of `offset`, on the line of index `line_index`.
    fn line_col_on(&self, line_index: usize, offset: u32) -> (u32, u32) {
        let line_start = self.line_starts[line_index] as usize;
        if self.ascii {
            return (
                line_index as u32 + 1,
                (offset as usize - line_start) as u32 + 1,
            );
        }
        let mut end = offset as usize;
        while end > line_start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[line_start..end].chars().count() as u32 + 1;
        (line_index as u32 + 1, column)
    }

    /// The text of a one-based line, without its line ending.
    pub fn line_text(&self, line: u32) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1) as usize) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line as usize)
            .map(|&e| e as usize)
            .unwrap_or(self.text.len());
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }

    pub fn span(&self, file: FileId, start: u32, end: u32) -> Span {
        self.span_near(file, start, end, 0).0
    }

    /// [`SourceFile::span`], its line looked for from the line of index
    /// `near` when it is not after `start` (the line of the span before:
    /// a block's attributes are measured in order, a few lines apart);
    /// with the index of the span's first line, the next one's `near`.
    pub fn span_near(&self, file: FileId, start: u32, end: u32, near: usize) -> (Span, usize) {
        let (from, to) = (self.clamp(start), self.clamp(end));
        let near = match self.line_starts.get(near) {
            Some(&line_start) if line_start <= from => near,
            _ => 0,
        };
        let start_line = self.line_index(from, near);
        let end_line = self.line_index(to, if to >= from { start_line } else { 0 });
        let (line, column) = self.line_col_on(start_line, from);
        let (end_line, end_column) = self.line_col_on(end_line, to);
        let span = Span {
            file,
            start,
            end,
            line,
            column,
            end_line,
            end_column,
        };
        (span, start_line)
    }
}

/// Where each line starts: after each `\n`. Eight bytes at a time, each
/// newline among them found by its bit (lines are short: a search per
/// line would cost more than the line).
fn line_starts(text: &str) -> Vec<u32> {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(bytes.len() / 24 + 1);
    starts.push(0);
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0u32;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        // a zero byte where the text has `\n`, its high bit set in
        // `found` (exactly: no carry crosses from one byte to the next)
        let x = u64::from_le_bytes(word) ^ 0x0a0a_0a0a_0a0a_0a0a;
        let mut found = !(((x & LOW) + LOW) | x | LOW);
        while found != 0 {
            starts.push(base + found.trailing_zeros() / 8 + 1);
            found &= found - 1;
        }
        base += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\n' {
            starts.push(base + i as u32 + 1);
        }
    }
    starts
}

/// All files a load read, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
    /// Hashed with foldhash: a path hashes component by component, and a
    /// load adds one per file.
    by_path: std::collections::HashMap<PathBuf, FileId, foldhash::fast::RandomState>,
}

impl SourceMap {
    /// Adds a file; one added before at the same path, with the same text
    /// and name, is that file (a path read again: its id again).
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.files.len() as u32);
        // (the path hashed once: a path hashes component by component)
        match self.by_path.entry(file.path.clone()) {
            std::collections::hash_map::Entry::Occupied(known) => {
                let known = *known.get();
                let same = &self.files[known.0 as usize];
                if same.text == file.text && same.display_path == file.display_path {
                    return known;
                }
            }
            std::collections::hash_map::Entry::Vacant(new) => {
                new.insert(id);
            }
        }
        self.files.push(Arc::new(file));
        id
    }

    /// Room for `additional` more files, so that adding them moves (and
    /// hashes) no path again.
    pub fn reserve(&mut self, additional: usize) {
        self.files.reserve(additional);
        self.by_path.reserve(additional);
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// A shared handle, for holders that must not borrow the map.
    pub fn get_shared(&self, id: FileId) -> Arc<SourceFile> {
        self.files[id.0 as usize].clone()
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), &**f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// How many files were read, each path once (a module outside two
    /// scanned directories is read for each).
    pub fn paths(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn find(&self, path: &std::path::Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// A span as a printable location.
    pub fn location(&self, span: &Span) -> Location {
        Location {
            file: self.get(span.file).display_path.clone(),
            line: span.line,
            column: span.column,
            end_line: span.end_line,
            end_column: span.end_column,
        }
    }
}

/// A span resolved to a path, for output.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// Removes `.` and `..` components without touching the file system
/// (`a/./b/../c` → `a/c`).
pub fn normalize(path: &std::path::Path) -> std::path::PathBuf {
    if is_normal(path) {
        // (most paths have nothing to remove: copied, not rebuilt)
        return path.to_path_buf();
    }
    rebuilt(path)
}

/// The path made again from its components, `.` and `..` taken out.
fn rebuilt(path: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether [`normalize`] would give the path back as it is: a Unix path
/// without a `.` or `..` component, a doubled separator or a trailing one
/// (which rebuilding from its components drops).
fn is_normal(path: &std::path::Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    // each part between separators: none empty (but a leading root's), none
    // `.` or `..` — told in one pass over the bytes
    let bytes = path.as_os_str().as_encoded_bytes();
    bytes
        .split(|&b| b == b'/')
        .enumerate()
        .all(|(i, part)| !matches!(part, b"." | b"..") && (!part.is_empty() || i == 0))
        && (bytes.len() < 2 || !bytes.ends_with(b"/"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_path_already_normal_is_given_back_as_rebuilding_it_would() {
        for p in [
            "",
            "/",
            "a",
            "/a/b",
            "a/b/",
            "a//b",
            "./a",
            "a/./b",
            "a/../b",
            "../a",
            "a/..",
            "a/.",
            ".hidden/x",
            "a/.b/..c",
            "//a",
            "/..",
            "a/b/c/../../d",
        ] {
            let p = std::path::Path::new(p);
            assert_eq!(super::normalize(p), super::rebuilt(p), "{p:?}");
        }
    }

    #[test]
    fn lines_start_after_each_newline_whatever_is_around_it() {
        // newlines at every offset of a word, beside the bytes a carry
        // would confuse with one (0x0b, 0x8a, 0x09), and text not ASCII
        let pieces = ["\n", "\x0b", "\t", "a", "é", "\n\n", "\u{28a}", "\r\n"];
        let mut seed = 7u32;
        for len in 0..200 {
            let mut text = String::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            let expected: Vec<u32> = std::iter::once(0)
                .chain(
                    text.bytes()
                        .enumerate()
                        .filter(|(_, b)| *b == b'\n')
                        .map(|(i, _)| i as u32 + 1),
                )
                .collect();
            assert_eq!(super::line_starts(&text), expected, "{text:?}");
        }
    }

    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let f = SourceFile::new("a.tf".into(), "a.tf".into(), "ab\n\u{e9}xy\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // 'x' follows a two-byte character: column 2, not 3
        assert_eq!(f.line_col(5), (2, 2));
        assert_eq!(f.line_text(2), "\u{e9}xy");
        assert_eq!(f.line_col(999), (3, 1));
    }

    #[test]
    fn ascii_text_takes_the_byte_distance_as_the_column() {
        let f = SourceFile::new(
            "a.tf".into(),
            "a.tf".into(),
            "ab
  xy"
            .into(),
        );
        assert_eq!(f.line_col(1), (1, 2));
        assert_eq!(f.line_col(5), (2, 3));
        assert_eq!(f.line_col(999), (2, 5));
    }

    #[test]
    fn a_span_ends_where_line_col_puts_its_end_however_far_it_reaches() {
        // ten lines "l0".."l9", each three bytes with its newline
        let text: String = (0..10).map(|i| format!("l{i}\n")).collect();
        let f = SourceFile::new("a.tf".into(), "a.tf".into(), text.as_str().into());
        let id = FileId(0);
        // counted afresh: the line is one more than the newlines before the
        // offset, the column one more than the bytes since the last of them
        let place = |offset: u32| {
            let before = &text[..(offset as usize).min(text.len())];
            let line = before.matches('\n').count() as u32 + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (line, column as u32)
        };
        for start in 0..=text.len() as u32 {
            for end in [start, start + 1, start + 4, start + 13, start + 29, 999] {
                let span = f.span(id, start, end);
                assert_eq!((span.start, span.end), (start, end));
                assert_eq!((span.line, span.column), place(start), "start {start}");
                assert_eq!((span.end_line, span.end_column), place(end), "end {end}");
            }
        }
        // an end before the start is still placed where it is
        let backwards = f.span(id, 20, 2);
        assert_eq!((backwards.end_line, backwards.end_column), (1, 3));
        // looked for from any line — before the span, past it, beyond the
        // file — the same span, and its first line's index as the next hint
        for start in 0..=text.len() as u32 {
            for near in [0, 1, 3, 5, 9, 10, 400] {
                let (span, line) = f.span_near(id, start, start + 4, near);
                assert_eq!(
                    span,
                    f.span(id, start, start + 4),
                    "start {start} near {near}"
                );
                assert_eq!(line as u32 + 1, span.line);
            }
        }
    }
}
