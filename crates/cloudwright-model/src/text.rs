//! The strings a load builds by the hundred thousand — addresses, attribute
//! paths, the origins of unknown values — joined from their pieces into one
//! allocation of the exact size. `format!` costs several times as much for
//! these: its formatting machinery, and a buffer grown as it writes
//! (docs/benchmarks.md).

use compact_str::CompactString;

/// The pieces, one after the other.
pub fn concat<const N: usize>(parts: [&str; N]) -> String {
    joined(parts, 0)
}

/// The pieces joined, with room for `more` bytes after them.
fn joined<const N: usize>(parts: [&str; N], more: usize) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + more);
    for part in parts {
        out.push_str(part);
    }
    out
}

/// Up to this many bytes, [`Shared::concat`] and [`Name::concat`] join
/// their pieces on the stack rather than in a `String` dropped at once.
const ON_STACK: usize = 192;

/// `parts` joined, given to `make`: on the stack when they fit in `ROOM`
/// bytes, in a `String` otherwise.
fn with_joined<const N: usize, const ROOM: usize, T>(
    parts: [&str; N],
    make: impl FnOnce(&str) -> T,
) -> T {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len > ROOM {
        return make(&concat(parts));
    }
    let mut buf = [0u8; ROOM];
    let mut at = 0;
    for part in parts {
        buf[at..at + part.len()].copy_from_slice(part.as_bytes());
        at += part.len();
    }
    // SAFETY: `buf[..len]` is whole `str`s one after another, which is
    // UTF-8 (checking it again cost 3.7 M of the 1k corpus's 405 M
    // instructions)
    make(unsafe { std::str::from_utf8_unchecked(&buf[..len]) })
}

/// `parts` joined, as [`concat`] writes them, given to `read`: on the stack
/// when they fit (a lookup by a name made of parts makes no text).
pub fn with_concat<const N: usize, T>(parts: [&str; N], read: impl FnOnce(&str) -> T) -> T {
    with_joined::<N, ON_STACK, _>(parts, read)
}

/// [`concat`] into a [`CompactString`]: kept inline when short (joined on
/// the stack first: growing a `CompactString` piece by piece costs several
/// times as much).
pub fn concat_compact<const N: usize>(parts: [&str; N]) -> CompactString {
    const INLINE: usize = std::mem::size_of::<CompactString>();
    with_joined::<N, INLINE, _>(parts, |text| CompactString::new(text))
}

/// The pieces and `[index]`, as `format!("{path}[{index}]")` writes it.
pub fn indexed<const N: usize>(parts: [&str; N], index: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(index);
    let mut out = joined(parts, digits.len() + 2);
    out.push('[');
    out.push_str(digits);
    out.push(']');
    out
}

/// Appends `[index]` to `out`: `ingress` → `ingress[2]`.
pub fn push_index(out: &mut String, index: usize) {
    out.push('[');
    out.push_str(itoa::Buffer::new().format(index));
    out.push(']');
}

/// Does `format!("{s:?}")` write `s` as it is between the quotes? So it
/// does printable ASCII other than `"` and `\`.
fn quotes_as_is(s: &str) -> bool {
    s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
}

/// `path["key"]`, the key quoted as `format!("{path}[{key:?}]")` quotes it.
pub fn keyed(path: &str, key: &str) -> String {
    with_keyed(path, key, str::to_owned)
}

/// [`keyed`]'s text given to `make` (joined on the stack when the key
/// needs no escape).
fn with_keyed<T>(path: &str, key: &str, make: impl FnOnce(&str) -> T) -> T {
    if quotes_as_is(key) {
        with_joined::<4, ON_STACK, _>([path, "[\"", key, "\"]"], make)
    } else {
        make(&format!("{path}[{key:?}]"))
    }
}

/// `"text"`, quoted as `format!("{text:?}")` quotes it.
pub fn quoted(text: &str) -> String {
    if quotes_as_is(text) {
        concat(["\"", text, "\""])
    } else {
        format!("{text:?}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_is_kept_once_in_the_process_and_ordered_by_its_text() {
        let long = "apply_server_side_encryption_by_default";
        // read from other text than the first, and on another thread
        // (whose own set has not seen it)
        let copy = String::from(long);
        let (a, b) = (Name::new(long), Name::new(&copy));
        let c = std::thread::spawn(move || Name::new(&copy)).join().unwrap();
        assert_eq!(a.as_str(), long);
        assert!(std::ptr::eq(a.as_str(), b.as_str()) && std::ptr::eq(a.as_str(), c.as_str()));
        assert_eq!(a, c);
        assert_ne!(a, Name::new("apply_server_side_encryption"));
        let mut names = [Name::new("tags"), Name::new("Name"), Name::new("acl"), a];
        names.sort();
        assert_eq!(names.map(|n| n.as_str()), ["Name", "acl", long, "tags"]);
        assert_eq!(std::mem::size_of::<Name>(), 8);
        assert_eq!(std::mem::size_of::<Option<Name>>(), 8);
        let empty = String::from("x");
        assert_eq!(Name::new(""), Name::new(&empty[..0]));
        assert_eq!(Name::default(), "");
    }

    #[test]
    fn a_literal_name_is_the_name_of_its_text() {
        let each = crate::name!("each");
        assert_eq!(each, Name::new(&String::from("each")));
        assert_eq!(each, crate::name!("each"));
        assert_ne!(each, crate::name!("count"));
    }

    #[test]
    fn texts_are_the_same_bytes_at_every_length() {
        // each length from 0 to 20, and a difference at each position
        let text = "abcdefghijklmnopqrst";
        for n in 0..=text.len() {
            let (a, b) = (&text.as_bytes()[..n], String::from(&text[..n]));
            assert!(super::same_bytes(a, b.as_bytes()), "{n}");
            for at in 0..n {
                let mut other = b.clone().into_bytes();
                other[at] = b'_';
                assert!(!super::same_bytes(a, &other), "{n} {at}");
            }
            assert!(!super::same_bytes(a, &text.as_bytes()[..(n + 1).min(20)]) || n == 20);
        }
    }

    #[test]
    fn a_shared_string_compares_and_orders_as_its_text() {
        let a = Shared::from("aws_s3_bucket");
        let b = Shared::from(String::from("aws_vpc"));
        assert_eq!(a, "aws_s3_bucket");
        assert_eq!("aws_s3_bucket", a);
        let owned = String::from("aws_s3_bucket");
        assert_eq!(a, owned);
        assert_ne!(a, "aws_vpc");
        assert!(a < b && a.as_str() < b.as_str());
        assert_eq!(a.clone(), a);
        assert_eq!(format!("{a} {a:?}"), "aws_s3_bucket \"aws_s3_bucket\"");
        let map: std::collections::HashMap<Shared, u8> = [(a.clone(), 1)].into();
        assert_eq!(map.get("aws_s3_bucket"), Some(&1));
    }

    use super::*;

    #[test]
    fn pieces_join_into_shared_strings_and_names_on_the_stack_or_not() {
        let long = "x".repeat(ON_STACK);
        for parts in [
            ["module.a", ".", "aws_vpc.b"],
            ["é", "", "ü"],
            [&long, ".", "id"],
        ] {
            assert_eq!(Shared::concat(parts), concat(parts));
            assert_eq!(Name::concat(parts), Name::new(&concat(parts)));
        }
    }

    #[test]
    fn joined_strings_read_as_format_writes_them() {
        assert_eq!(
            concat(["module.net", ".", "aws_vpc.this"]),
            "module.net.aws_vpc.this"
        );
        assert_eq!(concat::<0>([]), "");
        assert_eq!(concat_compact(["var", ".", "name"]), "var.name");
        assert_eq!(concat_compact(["é", "ü"]), "éü");
        let long = ["module.network_with_a_long_name", ".", "aws_vpc.this"];
        assert_eq!(concat_compact(long), concat(long));
        let exactly_inline = ["a".repeat(20), ".".into(), "bcd".into()];
        let exactly_inline = exactly_inline.each_ref().map(String::as_str);
        assert_eq!(concat_compact(exactly_inline).len(), 24);
        for i in [0, 7, 10, 12345, usize::MAX] {
            assert_eq!(indexed(["ingress"], i), format!("ingress[{i}]"));
            assert_eq!(indexed(["a", ".", "b"], i), format!("a.b[{i}]"));
        }
        for key in [
            "a",
            "private-a",
            "",
            "say \"hi\"",
            "back\\slash",
            "tab\there",
            "é",
            "\u{7f}",
        ] {
            assert_eq!(quoted(key), format!("{key:?}"));
            assert_eq!(
                keyed("aws_subnet.this", key),
                format!("aws_subnet.this[{key:?}]")
            );
            assert_eq!(
                super::Shared::keyed("aws_subnet.this", key).as_str(),
                format!("aws_subnet.this[{key:?}]")
            );
        }
    }
}

/// What a type read as text implements the same way — through its
/// `as_str`: deref, borrowing, formatting, serialising, comparing with
/// text.
macro_rules! read_as_text {
    ($t:ty) => {
        impl std::ops::Deref for $t {
            type Target = str;

            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::borrow::Borrow<str> for $t {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<String> for $t {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<$t> for str {
            fn eq(&self, other: &$t) -> bool {
                self == other.as_str()
            }
        }

        impl PartialEq<$t> for &str {
            fn eq(&self, other: &$t) -> bool {
                *self == other.as_str()
            }
        }

        impl PartialEq<$t> for String {
            fn eq(&self, other: &$t) -> bool {
                self == other.as_str()
            }
        }
    };
}

read_as_text!(Shared);
read_as_text!(Name);

/// A string many holders share (a resource block's type and name, a module
/// instance's address — the same for every instance made from them; a
/// string value): cloned by a reference count, compared and read as a
/// `str`. One pointer wide — its length lives beside the text, not in the
/// pointer — so a [`crate::Value`] holding one is 16 bytes, not 24.
#[derive(Clone)]
pub struct Shared(triomphe::ThinArc<(), u8>);

impl Default for Shared {
    fn default() -> Shared {
        static EMPTY: std::sync::LazyLock<Shared> = std::sync::LazyLock::new(|| Shared::from(""));
        EMPTY.clone()
    }
}

/// The order of the text; one copy shared is equal to itself without
/// reading it (the instances of a block, sorted, compare their type, name
/// and module so).
impl Ord for Shared {
    fn cmp(&self, other: &Shared) -> std::cmp::Ordering {
        if self.ptr_eq(other) {
            return std::cmp::Ordering::Equal;
        }
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Shared {
    fn partial_cmp(&self, other: &Shared) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Shared {
    fn eq(&self, other: &Shared) -> bool {
        self.ptr_eq(other) || self.as_str() == other.as_str()
    }
}

impl Eq for Shared {}

/// Hashed as its text, as [`std::borrow::Borrow<str>`] requires.
impl std::hash::Hash for Shared {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl Shared {
    pub fn as_str(&self) -> &str {
        // SAFETY: every `Shared` is made from a `str`'s bytes (the `From`
        // conversions below are the only constructors) and never changed.
        unsafe { std::str::from_utf8_unchecked(&self.0.slice) }
    }

    /// The pieces joined ([`concat`]), with no `String` between.
    pub fn concat<const N: usize>(parts: [&str; N]) -> Shared {
        with_joined::<N, ON_STACK, _>(parts, |text| Shared::from(text))
    }

    /// [`keyed`] as shared text: `module.x.aws_s3_bucket.b["logs"]`.
    pub fn keyed(path: &str, key: &str) -> Shared {
        with_keyed(path, key, |text| Shared::from(text))
    }

    /// Whether both are the one shared copy.
    pub fn ptr_eq(&self, other: &Shared) -> bool {
        std::ptr::eq(self.0.ptr(), other.0.ptr())
    }
}

impl From<&str> for Shared {
    fn from(s: &str) -> Shared {
        Shared(triomphe::ThinArc::from_header_and_slice((), s.as_bytes()))
    }
}

impl From<String> for Shared {
    fn from(s: String) -> Shared {
        Shared::from(s.as_str())
    }
}

impl From<std::borrow::Cow<'_, str>> for Shared {
    fn from(s: std::borrow::Cow<'_, str>) -> Shared {
        Shared::from(&*s)
    }
}

/// An attribute name or map key (`tags`, `Environment`, a `for_each`
/// key): interned, so every occurrence refers to one copy that lives as
/// long as the process. One word — a pointer to the kept text's own
/// pointer and length — copied without a count or an allocation (the
/// model holds a name per object field, over a million for a large
/// organisation's configuration, nearly all the same few hundred); equal
/// names are the same copy, told equal by their address. The copies kept
/// are the distinct names of the input, at most its size.
#[derive(Clone, Copy)]
pub struct Name(&'static NameText);

/// A kept name's text, behind the one pointer a [`Name`] is.
struct NameText(Box<str>);

/// A kept name in the process's set, found by its text.
#[derive(Clone, Copy)]
struct Kept(&'static NameText);

impl std::borrow::Borrow<str> for Kept {
    fn borrow(&self) -> &str {
        &self.0 .0
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Kept) -> bool {
        *self.0 .0 == *other.0 .0
    }
}

impl Eq for Kept {}

impl std::hash::Hash for Kept {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (*self.0 .0).hash(state)
    }
}

/// The interned copy of a literal name, looked up once for the process
/// (`name!("each")`): for the names an evaluation makes for every
/// instance, where even the thread's cache would hash the text each time.
#[macro_export]
macro_rules! name {
    ($text:literal) => {{
        static NAME: std::sync::LazyLock<$crate::text::Name> =
            std::sync::LazyLock::new(|| $crate::text::Name::new($text));
        *NAME
    }};
}

impl Name {
    /// The interned copy of `text`: looked up first in this thread's own
    /// cache (no lock, no atomic operation: one slot per hash, the last
    /// name seen there), then in the process's set.
    pub fn new(text: &str) -> Name {
        const SLOTS: usize = 4096;
        thread_local! {
            static SEEN: [std::cell::Cell<Option<&'static NameText>>; SLOTS] =
                const { [const { std::cell::Cell::new(None) }; SLOTS] };
        }
        let hash = name_hash(text.as_bytes());
        let slot = (hash as usize) % SLOTS;
        if let Some(seen) = SEEN.with(|seen| seen[slot].get()) {
            if same_bytes(seen.0.as_bytes(), text.as_bytes()) {
                return Name(seen);
            }
        }
        let kept = Name::kept(text, hash);
        SEEN.with(|seen| seen[slot].set(Some(kept)));
        Name(kept)
    }

    /// The process's copy of `text`, kept on first sight.
    fn kept(text: &str, hash: u64) -> &'static NameText {
        type Set = std::collections::HashSet<Kept, foldhash::fast::FixedState>;
        // in shards: threads interning at once seldom wait for each other
        const SHARDS: usize = 16;
        static KEPT: std::sync::LazyLock<[std::sync::Mutex<Set>; SHARDS]> =
            std::sync::LazyLock::new(Default::default);
        let mut set = KEPT[(hash >> 32) as usize % SHARDS]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match set.get(text) {
            Some(kept) => kept.0,
            None => {
                let kept: &'static NameText = Box::leak(Box::new(NameText(text.into())));
                set.insert(Kept(kept));
                kept
            }
        }
    }

    /// The name of the pieces joined ([`concat`]), with no `String` between.
    pub fn concat<const N: usize>(parts: [&str; N]) -> Name {
        with_joined::<N, ON_STACK, _>(parts, Name::new)
    }

    pub fn as_str(&self) -> &'static str {
        &self.0 .0
    }
}

/// Whether two texts are the same bytes: one of up to 16 bytes (nearly
/// every name) by two loads of each, overlapping, not a call to `memcmp`.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    fn word<const W: usize>(s: &[u8], at: usize) -> [u8; W] {
        let mut w = [0; W];
        w.copy_from_slice(&s[at..at + W]);
        w
    }
    match n {
        8..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, n - 8) == word::<8>(b, n - 8),
        4..=7 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4),
        _ => a == b,
    }
}

/// A hash of a name: which slot of a thread's cache, which shard of the
/// process's set.
#[inline]
fn name_hash(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x9E37_79B9_7F4A_7C15).hash_one(bytes)
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        // one copy per text: the same text is the same address
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Name {}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        if self == other {
            return std::cmp::Ordering::Equal;
        }
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Hashed as its text, as [`std::borrow::Borrow<str>`] requires.
impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::new("")
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(s)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::new(&s)
    }
}
