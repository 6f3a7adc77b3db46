//! Just enough git to read the files of a revision: resolve a revision name
//! (a full hash, `HEAD`, a branch, tag or remote branch, with `~N` / `^`),
//! read loose and packed objects (pack index v2, offset and reference
//! deltas), walk a commit's tree. No subprocess, no network, read-only.

use flate2::read::ZlibDecoder;
use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type Result<T> = std::result::Result<T, GitError>;

fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(GitError(msg.into()))
}

/// A 20-byte object id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(pub [u8; 20]);

impl Oid {
    pub fn from_hex(s: &str) -> Option<Oid> {
        let s = s.trim();
        if s.len() != 40 {
            return None;
        }
        let mut out = [0u8; 20];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Oid(out))
    }

    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl std::fmt::Debug for Oid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.hex())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Commit,
    Tree,
    Blob,
    Tag,
}

struct Pack {
    index: Vec<u8>,
    data: Vec<u8>,
    count: usize,
}

/// A repository opened for reading.
pub struct Repo {
    /// The `.git` directory.
    pub git_dir: PathBuf,
    /// The working tree root.
    pub work_dir: PathBuf,
    packs: Vec<Pack>,
}

/// Largest object Cloudwright inflates (a configuration file, not a binary).
const MAX_OBJECT: usize = 256 << 20;

impl Repo {
    /// The repository containing `path` (searching upwards).
    pub fn discover(path: &Path) -> Result<Repo> {
        let start = path
            .canonicalize()
            .map_err(|e| GitError(format!("{}: {e}", path.display())))?;
        let mut dir = if start.is_file() {
            start.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            start
        };
        loop {
            let dot_git = dir.join(".git");
            if dot_git.is_dir() {
                return Repo::open(dot_git, dir);
            }
            if dot_git.is_file() {
                // a worktree or submodule: `gitdir: <path>`
                let text = fs::read_to_string(&dot_git).map_err(|e| GitError(e.to_string()))?;
                let target = text
                    .trim()
                    .strip_prefix("gitdir:")
                    .map(str::trim)
                    .unwrap_or_default();
                let git_dir = dir.join(target);
                return Repo::open(git_dir, dir);
            }
            match dir.parent() {
                Some(p) => dir = p.to_path_buf(),
                None => return err(format!("{} is not inside a git repository", path.display())),
            }
        }
    }

    fn open(git_dir: PathBuf, work_dir: PathBuf) -> Result<Repo> {
        // objects may live in a common dir (worktrees)
        let common = fs::read_to_string(git_dir.join("commondir"))
            .ok()
            .map(|c| git_dir.join(c.trim()))
            .unwrap_or_else(|| git_dir.clone());
        let mut packs = Vec::new();
        let pack_dir = common.join("objects/pack");
        if let Ok(entries) = fs::read_dir(&pack_dir) {
            let mut idx_files: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "idx"))
                .collect();
            idx_files.sort();
            for idx in idx_files {
                let index =
                    fs::read(&idx).map_err(|e| GitError(format!("{}: {e}", idx.display())))?;
                let data = fs::read(idx.with_extension("pack"))
                    .map_err(|e| GitError(format!("{}: {e}", idx.display())))?;
                if index.len() < 8 + 256 * 4
                    || &index[..4] != b"\xfftOc"
                    || u32::from_be_bytes([index[4], index[5], index[6], index[7]]) != 2
                {
                    return err(format!(
                        "{}: only pack index version 2 is supported",
                        idx.display()
                    ));
                }
                let count = u32::from_be_bytes(
                    index[8 + 255 * 4..8 + 256 * 4].try_into().unwrap_or([0; 4]),
                ) as usize;
                packs.push(Pack { index, data, count });
            }
        }
        Ok(Repo {
            git_dir: common,
            work_dir,
            packs,
        })
    }

    fn read_ref(&self, name: &str) -> Option<Oid> {
        let Ok(text) = fs::read_to_string(self.git_dir.join(name)) else {
            return self.packed_ref(name);
        };
        let text = text.trim();
        if let Some(target) = text.strip_prefix("ref:") {
            return self.read_ref(target.trim());
        }
        Oid::from_hex(text).or_else(|| self.packed_ref(name))
    }

    fn packed_ref(&self, name: &str) -> Option<Oid> {
        let text = fs::read_to_string(self.git_dir.join("packed-refs")).ok()?;
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with('^'))
            .find_map(|l| {
                let (hash, r) = l.split_once(' ')?;
                (r.trim() == name).then(|| Oid::from_hex(hash)).flatten()
            })
    }

    /// Resolves `HEAD`, a full hash, `main`, `origin/main`, `v1.2`,
    /// `refs/heads/x`, each optionally followed by `~N` or `^`.
    pub fn resolve(&self, spec: &str) -> Result<Oid> {
        let (base, ancestors) = split_ancestry(spec)?;
        let mut oid = if let Some(oid) = Oid::from_hex(base) {
            oid
        } else {
            let candidates = [
                base.to_string(),
                format!("refs/{base}"),
                format!("refs/tags/{base}"),
                format!("refs/heads/{base}"),
                format!("refs/remotes/{base}"),
                format!("refs/remotes/{base}/HEAD"),
            ];
            match candidates.iter().find_map(|c| self.read_ref(c).or_else(|| self.packed_ref(c))) {
                Some(oid) => oid,
                None if base.len() >= 4 && base.len() < 40 && base.chars().all(|c| c.is_ascii_hexdigit()) => {
                    return err(format!("{spec:?}: abbreviated hashes are not supported; use the full 40-character hash or a ref name"))
                }
                None => return err(format!("{spec:?} is not a revision of this repository")),
            }
        };
        oid = self.peel_to_commit(oid)?;
        for _ in 0..ancestors {
            oid = self
                .parent(oid)?
                .ok_or_else(|| GitError(format!("{spec:?} goes past the first commit")))?;
        }
        Ok(oid)
    }

    fn peel_to_commit(&self, mut oid: Oid) -> Result<Oid> {
        for _ in 0..8 {
            let (kind, data) = self.read(oid)?;
            match kind {
                Kind::Commit => return Ok(oid),
                Kind::Tag => {
                    let text = String::from_utf8_lossy(&data);
                    oid = text
                        .lines()
                        .find_map(|l| l.strip_prefix("object ").and_then(Oid::from_hex))
                        .ok_or_else(|| GitError("malformed tag".into()))?;
                }
                other => return err(format!("{} is a {other:?}, not a commit", oid.hex())),
            }
        }
        err("tag chain too long")
    }

    fn parent(&self, commit: Oid) -> Result<Option<Oid>> {
        let (_, data) = self.read(commit)?;
        Ok(String::from_utf8_lossy(&data)
            .lines()
            .take_while(|l| !l.is_empty())
            .find_map(|l| l.strip_prefix("parent ").and_then(Oid::from_hex)))
    }

    /// The root tree of a commit.
    pub fn tree_of(&self, commit: Oid) -> Result<Oid> {
        let (kind, data) = self.read(commit)?;
        if kind != Kind::Commit {
            return err(format!("{} is not a commit", commit.hex()));
        }
        String::from_utf8_lossy(&data)
            .lines()
            .find_map(|l| l.strip_prefix("tree ").and_then(Oid::from_hex))
            .ok_or_else(|| GitError("commit without a tree".into()))
    }

    /// Reads an object: loose first, then packs.
    pub fn read(&self, oid: Oid) -> Result<(Kind, Vec<u8>)> {
        let hex = oid.hex();
        let loose = self.git_dir.join("objects").join(&hex[..2]).join(&hex[2..]);
        if let Ok(compressed) = fs::read(&loose) {
            let raw = inflate(&compressed, MAX_OBJECT)?;
            let nul = raw
                .iter()
                .position(|b| *b == 0)
                .ok_or_else(|| GitError(format!("{hex}: malformed object")))?;
            let header = String::from_utf8_lossy(&raw[..nul]).to_string();
            let kind = match header.split(' ').next() {
                Some("commit") => Kind::Commit,
                Some("tree") => Kind::Tree,
                Some("blob") => Kind::Blob,
                Some("tag") => Kind::Tag,
                _ => return err(format!("{hex}: unknown object type {header:?}")),
            };
            return Ok((kind, raw[nul + 1..].to_vec()));
        }
        for (p, pack) in self.packs.iter().enumerate() {
            if let Some(offset) = pack.find(&oid) {
                return self.read_packed(p, offset, 0);
            }
        }
        err(format!(
            "object {hex} not found (shallow clone? fetch the base revision first)"
        ))
    }

    fn read_packed(&self, p: usize, offset: usize, depth: u32) -> Result<(Kind, Vec<u8>)> {
        if depth > 64 {
            return err("delta chain too deep");
        }
        let data = &self.packs[p].data;
        let mut pos = offset;
        let byte = |pos: usize| {
            data.get(pos)
                .copied()
                .ok_or_else(|| GitError("truncated pack".into()))
        };
        let mut c = byte(pos)?;
        pos += 1;
        let type_id = (c >> 4) & 7;
        let mut size = (c & 15) as usize;
        let mut shift = 4;
        while c & 0x80 != 0 {
            c = byte(pos)?;
            pos += 1;
            size |= ((c & 0x7f) as usize) << shift;
            shift += 7;
            if shift > 63 {
                return err("malformed pack entry size");
            }
        }
        if size > MAX_OBJECT {
            return err("object too large");
        }
        match type_id {
            1..=4 => {
                let kind = [Kind::Commit, Kind::Tree, Kind::Blob, Kind::Tag][type_id as usize - 1];
                Ok((kind, inflate(&data[pos..], size)?))
            }
            6 => {
                // offset delta: base is at a negative offset, big-endian base-128 with +1 per byte
                let mut c = byte(pos)?;
                pos += 1;
                let mut back = (c & 0x7f) as usize;
                while c & 0x80 != 0 {
                    c = byte(pos)?;
                    pos += 1;
                    back = ((back + 1) << 7) | (c & 0x7f) as usize;
                }
                let base_offset = offset
                    .checked_sub(back)
                    .ok_or_else(|| GitError("bad delta offset".into()))?;
                let (kind, base) = self.read_packed(p, base_offset, depth + 1)?;
                let delta = inflate(&data[pos..], size)?;
                Ok((kind, apply_delta(&base, &delta)?))
            }
            7 => {
                let base_id = data
                    .get(pos..pos + 20)
                    .ok_or_else(|| GitError("truncated pack".into()))?;
                let mut id = [0u8; 20];
                id.copy_from_slice(base_id);
                let (kind, base) = self.read(Oid(id))?;
                let delta = inflate(&data[pos + 20..], size)?;
                Ok((kind, apply_delta(&base, &delta)?))
            }
            other => err(format!("unknown pack object type {other}")),
        }
    }

    /// Writes the files under `subdir` (relative to the repository root) of
    /// `commit` into `dest`. Symlinks and submodules are skipped.
    pub fn checkout_subdir(&self, commit: Oid, subdir: &Path, dest: &Path) -> Result<usize> {
        let mut tree = self.tree_of(commit)?;
        for part in subdir.components() {
            let name = part.as_os_str().to_string_lossy();
            if name == "." {
                continue;
            }
            let entries = self.tree_entries(tree)?;
            match entries.get(name.as_ref()) {
                Some((mode, oid)) if mode.starts_with("40") => tree = *oid,
                _ => return Ok(0), // the directory did not exist at that revision
            }
        }
        fs::create_dir_all(dest).map_err(|e| GitError(e.to_string()))?;
        self.write_tree(tree, dest, 0)
    }

    fn tree_entries(&self, tree: Oid) -> Result<HashMap<String, (String, Oid)>> {
        let (kind, data) = self.read(tree)?;
        if kind != Kind::Tree {
            return err(format!("{} is not a tree", tree.hex()));
        }
        let mut out = HashMap::new();
        let mut pos = 0;
        while pos < data.len() {
            let space = data[pos..]
                .iter()
                .position(|b| *b == b' ')
                .ok_or_else(|| GitError("malformed tree".into()))?
                + pos;
            let nul = data[space..]
                .iter()
                .position(|b| *b == 0)
                .ok_or_else(|| GitError("malformed tree".into()))?
                + space;
            let mode = String::from_utf8_lossy(&data[pos..space]).to_string();
            let name = String::from_utf8_lossy(&data[space + 1..nul]).to_string();
            let id = data
                .get(nul + 1..nul + 21)
                .ok_or_else(|| GitError("malformed tree".into()))?;
            let mut oid = [0u8; 20];
            oid.copy_from_slice(id);
            out.insert(name, (mode, Oid(oid)));
            pos = nul + 21;
        }
        Ok(out)
    }

    fn write_tree(&self, tree: Oid, dest: &Path, depth: u32) -> Result<usize> {
        if depth > 64 {
            return err("tree too deep");
        }
        let mut written = 0;
        for (name, (mode, oid)) in self.tree_entries(tree)? {
            if name.contains('/') || name == ".." || name == "." || name == ".git" {
                continue;
            }
            let path = dest.join(&name);
            if mode.starts_with("40") {
                fs::create_dir_all(&path).map_err(|e| GitError(e.to_string()))?;
                written += self.write_tree(oid, &path, depth + 1)?;
            } else if mode.starts_with("100") {
                let (_, data) = self.read(oid)?;
                fs::write(&path, data).map_err(|e| GitError(format!("{}: {e}", path.display())))?;
                written += 1;
            }
            // 120000 symlinks and 160000 submodules are not materialised
        }
        Ok(written)
    }
}

fn split_ancestry(spec: &str) -> Result<(&str, usize)> {
    let cut = spec.find(['~', '^']).unwrap_or(spec.len());
    let (base, mut rest) = spec.split_at(cut);
    let mut n = 0usize;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('^') {
            n += 1;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('~') {
            let digits: String = r.chars().take_while(|c| c.is_ascii_digit()).collect();
            n += if digits.is_empty() {
                1
            } else {
                digits
                    .parse::<usize>()
                    .map_err(|_| GitError(format!("bad revision {spec:?}")))?
            };
            rest = &r[digits.len()..];
        } else {
            return err(format!("bad revision {spec:?}"));
        }
    }
    Ok((if base.is_empty() { "HEAD" } else { base }, n))
}

fn inflate(data: &[u8], expected: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(expected.min(MAX_OBJECT));
    ZlibDecoder::new(data)
        .take(MAX_OBJECT as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| GitError(format!("corrupt object: {e}")))?;
    Ok(out)
}

fn varint(data: &[u8], pos: &mut usize) -> Result<usize> {
    let mut value = 0usize;
    let mut shift = 0;
    loop {
        let b = *data
            .get(*pos)
            .ok_or_else(|| GitError("truncated delta".into()))?;
        *pos += 1;
        value |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
        if shift > 63 {
            return err("malformed delta");
        }
    }
}

/// Applies a git delta (copy/insert instructions) to a base object.
fn apply_delta(base: &[u8], delta: &[u8]) -> Result<Vec<u8>> {
    let mut pos = 0;
    let base_size = varint(delta, &mut pos)?;
    if base_size != base.len() {
        return err("delta does not match its base");
    }
    let result_size = varint(delta, &mut pos)?;
    let mut out = Vec::with_capacity(result_size.min(MAX_OBJECT));
    while pos < delta.len() {
        let op = delta[pos];
        pos += 1;
        if op & 0x80 != 0 {
            let mut offset = 0usize;
            let mut size = 0usize;
            for i in 0..4 {
                if op & (1 << i) != 0 {
                    offset |= (*delta
                        .get(pos)
                        .ok_or_else(|| GitError("truncated delta".into()))?
                        as usize)
                        << (8 * i);
                    pos += 1;
                }
            }
            for i in 0..3 {
                if op & (0x10 << i) != 0 {
                    size |= (*delta
                        .get(pos)
                        .ok_or_else(|| GitError("truncated delta".into()))?
                        as usize)
                        << (8 * i);
                    pos += 1;
                }
            }
            if size == 0 {
                size = 0x10000;
            }
            let chunk = base
                .get(offset..offset + size)
                .ok_or_else(|| GitError("delta copies outside its base".into()))?;
            out.extend_from_slice(chunk);
        } else if op != 0 {
            let n = op as usize;
            let chunk = delta
                .get(pos..pos + n)
                .ok_or_else(|| GitError("truncated delta".into()))?;
            out.extend_from_slice(chunk);
            pos += n;
        } else {
            return err("invalid delta instruction");
        }
    }
    if out.len() != result_size {
        return err("delta result has the wrong size");
    }
    Ok(out)
}

impl Pack {
    /// Offset of an object in the pack (index v2: fanout, sorted ids, crc,
    /// 4-byte offsets with the high bit pointing into 8-byte offsets).
    fn find(&self, oid: &Oid) -> Option<usize> {
        let idx = &self.index;
        let fan = |i: usize| -> usize {
            u32::from_be_bytes(idx[8 + i * 4..12 + i * 4].try_into().unwrap_or([0; 4])) as usize
        };
        let first = oid.0[0] as usize;
        let (mut lo, mut hi) = (if first == 0 { 0 } else { fan(first - 1) }, fan(first));
        let ids = 8 + 256 * 4;
        while lo < hi {
            let mid = (lo + hi) / 2;
            let at = idx.get(ids + mid * 20..ids + mid * 20 + 20)?;
            match at.cmp(&oid.0[..]) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let offsets = ids + self.count * 20 + self.count * 4;
                    let o = u32::from_be_bytes(
                        idx.get(offsets + mid * 4..offsets + mid * 4 + 4)?
                            .try_into()
                            .ok()?,
                    );
                    if o & 0x8000_0000 == 0 {
                        return Some(o as usize);
                    }
                    let large = offsets + self.count * 4 + (o & 0x7fff_ffff) as usize * 8;
                    return Some(
                        u64::from_be_bytes(idx.get(large..large + 8)?.try_into().ok()?) as usize,
                    );
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_suffixes() {
        assert_eq!(split_ancestry("HEAD~2").unwrap(), ("HEAD", 2));
        assert_eq!(split_ancestry("main^^").unwrap(), ("main", 2));
        assert_eq!(split_ancestry("origin/main~").unwrap(), ("origin/main", 1));
        assert!(split_ancestry("main~x").is_err());
    }

    #[test]
    fn deltas_copy_and_insert() {
        let base = b"hello world";
        // base size 11, result size 11: copy 6 bytes from 0, insert "there"
        let delta = [11u8, 11, 0x80 | 0x10, 6, 5, b't', b'h', b'e', b'r', b'e'];
        assert_eq!(apply_delta(base, &delta).unwrap(), b"hello there");
        assert!(apply_delta(b"short", &delta).is_err());
    }
}
