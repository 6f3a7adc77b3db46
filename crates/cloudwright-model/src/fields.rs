//! Small string-keyed maps as sorted vectors rather than B-trees: the
//! attributes of an object ([`Fields`]), and per-attribute spans and
//! provenance of a resource.
//!
//! Most objects in infrastructure code are small (a handful of attributes,
//! tags, a nested block). A `BTreeMap` node costs over 500 bytes however
//! few entries it holds; a sorted `Vec` costs exactly its entries and is
//! searched as fast at these sizes. The API follows `BTreeMap`'s.

pub use crate::text::Name;
use crate::value::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortedMap<V>(Vec<(Key, V)>);

/// The entries of a [`SortedMap`] wherever they are kept — in the map's
/// vector, or after an object's header in the one allocation a
/// [`crate::value::Object`] is — read as the map is (`SortedMap`
/// dereferences to it, as `String` does to `str`).
#[derive(Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct SortedSlice<V>([(Key, V)]);

/// Keys are attribute names and map keys, interned: one word, copied
/// without an allocation, the same few hundred texts over and over.
type Key = Name;

/// Up to this many entries, a lookup compares keys for equality one by
/// one rather than searching the order.
const LINEAR_SCAN: usize = 16;

/// The attributes of an object, being built.
pub type Fields = SortedMap<Value>;

/// The attributes of an object, as an object keeps them.
pub type FieldSlice = SortedSlice<Value>;

/// The order of `str`'s `Ord` (bytewise), deciding on the first byte
/// without a call to `memcmp` when it differs, as it does for most pairs
/// of attribute names: the rules look attributes up by the million.
#[inline]
pub fn compare(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.cmp(b),
    }
}

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<V> SortedMap<V> {
    pub fn new() -> SortedMap<V> {
        SortedMap(Vec::new())
    }

    pub fn with_capacity(capacity: usize) -> SortedMap<V> {
        SortedMap(Vec::with_capacity(capacity))
    }

    /// The map of entries already in key order, no key twice (checked in
    /// debug builds): no search, no sorting.
    pub fn from_sorted(entries: Vec<(Name, V)>) -> SortedMap<V> {
        debug_assert!(entries
            .windows(2)
            .all(|w| compare(w[0].0.as_bytes(), w[1].0.as_bytes()) == std::cmp::Ordering::Less));
        SortedMap(entries)
    }

    /// The map of entries in any order, a later entry winning over an
    /// earlier one with its key: sorted once (entries inserted one by one
    /// out of order move the ones after them each time — `ingress[10]`
    /// goes before `ingress[2]`).
    pub fn from_unsorted(mut entries: Vec<(Name, V)>) -> SortedMap<V> {
        let ordered = |a: &(Name, V), b: &(Name, V)| compare(a.0.as_bytes(), b.0.as_bytes());
        if !entries.is_sorted_by(|a, b| ordered(a, b) == std::cmp::Ordering::Less) {
            // stable: of equal keys, the later entry is after the earlier
            entries.sort_by(ordered);
            entries.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    std::mem::swap(later, kept);
                }
                same
            });
        }
        SortedMap(entries)
    }

    /// The entries in key order, to keep elsewhere.
    pub fn into_entries(self) -> Vec<(Name, V)> {
        self.0
    }

    /// Inserts or replaces; returns the previous value.
    pub fn insert(&mut self, key: impl AsRef<str> + Into<Key>, value: V) -> Option<V> {
        // keys often come in order (a map built from a sorted one, a
        // `for` over a map): then the entry goes at the end
        let after_last = match self.0.last() {
            None => true,
            Some((last, _)) => {
                compare(last.as_bytes(), key.as_ref().as_bytes()) == std::cmp::Ordering::Less
            }
        };
        if after_last {
            self.0.push((key.into(), value));
            return None;
        }
        match self.position(key.as_ref()) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key.into(), value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.position(key).ok().map(|i| self.0.remove(i).1)
    }

    /// The entries of all the maps, a later map's winning where two have
    /// a key (`merge(a, b, c)`): a pass over two sorted lists per map when
    /// they are few; all gathered and sorted once when they are many
    /// (`merge(local.parts...)` over a thousand one-key maps would copy
    /// the growing result a thousand times).
    pub fn merged_all(maps: &[&SortedSlice<V>]) -> SortedMap<V>
    where
        V: Clone,
    {
        match maps {
            [] => SortedMap::new(),
            [one] => one.to_map(),
            [first, second, rest @ ..] if rest.len() <= 2 => {
                (rest.iter()).fold(first.merged(second), |done, next| done.merged(next))
            }
            _ => {
                let mut entries = Vec::with_capacity(maps.iter().map(|m| m.len()).sum());
                for map in maps {
                    entries.extend_from_slice(&map.0);
                }
                SortedMap::from_unsorted(entries)
            }
        }
    }

    /// Gives back the room reserved beyond the entries: the entries are
    /// moved to a vector of their size. (Shrinking in place frees nothing
    /// with mimalloc, which keeps a block shrunk by less than half.)
    pub fn shrink_to_fit(&mut self) {
        self.0 = exact(std::mem::take(&mut self.0));
    }
}

impl<V> std::ops::Deref for SortedMap<V> {
    type Target = SortedSlice<V>;

    fn deref(&self) -> &SortedSlice<V> {
        SortedSlice::from_entries(&self.0)
    }
}

impl<V> std::ops::DerefMut for SortedMap<V> {
    fn deref_mut(&mut self) -> &mut SortedSlice<V> {
        SortedSlice::from_entries_mut(&mut self.0)
    }
}

impl<V> SortedSlice<V> {
    /// Entries in key order, no key twice, read as a map.
    pub(crate) fn from_entries(entries: &[(Key, V)]) -> &SortedSlice<V> {
        // SAFETY: `SortedSlice` is `repr(transparent)` over the slice, so
        // the two pointers have the same layout and metadata (as `Path`
        // over `OsStr`).
        unsafe { &*(entries as *const [(Key, V)] as *const SortedSlice<V>) }
    }

    /// [`SortedSlice::from_entries`], to change values in place.
    pub(crate) fn from_entries_mut(entries: &mut [(Key, V)]) -> &mut SortedSlice<V> {
        // SAFETY: as in `from_entries`.
        unsafe { &mut *(entries as *mut [(Key, V)] as *mut SortedSlice<V>) }
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        let key = key.as_bytes();
        self.0.binary_search_by(|(k, _)| compare(k.as_bytes(), key))
    }

    /// The index of `key` when present. Most maps are small: those are
    /// scanned for an equal key, which is a length compared for nearly
    /// every entry (faster than the mispredicted branches of a binary
    /// search, and no ordering of bytes to compute); larger ones are
    /// searched.
    #[inline]
    fn find(&self, key: &str) -> Option<usize> {
        let bytes = key.as_bytes();
        self.find_by(key, |k| k.as_bytes() == bytes)
    }

    /// [`SortedSlice::find`], a small map's keys told equal to `key` by `same`.
    #[inline]
    fn find_by(&self, key: &str, same: impl Fn(&Key) -> bool) -> Option<usize> {
        if self.0.len() > LINEAR_SCAN {
            return self.position(key).ok();
        }
        self.0.iter().position(|(k, _)| same(k))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).map(|i| &self.0[i].1)
    }

    /// [`SortedSlice::get`] of a name already interned (an attribute name
    /// from the syntax tree): the same text is the same name, so a small
    /// map is scanned comparing addresses, never text.
    #[inline]
    pub fn get_name(&self, key: Name) -> Option<&V> {
        self.find_by(key.as_str(), |k| *k == key)
            .map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A map of its own with the same entries.
    pub fn to_map(&self) -> SortedMap<V>
    where
        V: Clone,
    {
        SortedMap(self.0.to_vec())
    }

    /// The entries of both maps, `over`'s winning where both have a key:
    /// one pass over the two sorted lists into a vector sized once.
    pub fn merged(&self, over: &SortedSlice<V>) -> SortedMap<V>
    where
        V: Clone,
    {
        let (a, b) = (&self.0, &over.0);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match compare(a[i].0.as_bytes(), b[j].0.as_bytes()) {
                std::cmp::Ordering::Less => {
                    out.push(a[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(b[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    out.push(b[j].clone());
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
        SortedMap(out)
    }

    /// The same keys, each value mapped by `f`: one vector, no sorting.
    pub fn map_values<U>(&self, mut f: impl FnMut(&V) -> U) -> SortedMap<U> {
        SortedMap(self.0.iter().map(|(k, v)| (*k, f(v))).collect())
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &V)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    /// The values in key order, to change in place (the keys stay).
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

impl<K: Into<Key>, V> From<BTreeMap<K, V>> for SortedMap<V> {
    fn from(map: BTreeMap<K, V>) -> SortedMap<V> {
        // BTreeMap iterates in key order without duplicates: already sorted
        SortedMap(map.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl<K: Into<Key>, V, const N: usize> From<[(K, V); N]> for SortedMap<V> {
    fn from(entries: [(K, V); N]) -> SortedMap<V> {
        entries.into_iter().collect()
    }
}

impl<K: Into<Key>, V> FromIterator<(K, V)> for SortedMap<V> {
    /// Later entries win over earlier ones with the same key, as with `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> SortedMap<V> {
        let mut entries: Vec<(Key, V)> = iter.into_iter().map(|(k, v)| (k.into(), v)).collect();
        entries.reverse();
        entries.sort_by(|a, b| compare(a.0.as_bytes(), b.0.as_bytes()));
        entries.dedup_by(|later, earlier| later.0 == earlier.0);
        SortedMap(entries)
    }
}

impl<V> IntoIterator for SortedMap<V> {
    type Item = (String, V);
    type IntoIter = std::iter::Map<std::vec::IntoIter<(Key, V)>, fn((Key, V)) -> (String, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().map(|(k, v)| (k.as_str().to_owned(), v))
    }
}

impl<'a, V> IntoIterator for &'a SortedMap<V> {
    type Item = (&'a str, &'a V);
    type IntoIter = <&'a SortedSlice<V> as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        (**self).into_iter()
    }
}

impl<'a, V> IntoIterator for &'a SortedSlice<V> {
    type Item = (&'a str, &'a V);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (Key, V)>, fn(&'a (Key, V)) -> (&'a str, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<V> std::ops::Index<&str> for SortedSlice<V> {
    type Output = V;
    /// Panics when the key is absent, like `BTreeMap`'s indexing.
    fn index(&self, key: &str) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry {key:?}"),
        }
    }
}

/// `v` in a vector of its length: a copy when it has room to spare.
fn exact<T>(v: Vec<T>) -> Vec<T> {
    if v.capacity() == v.len() {
        return v;
    }
    let mut fitted = Vec::with_capacity(v.len());
    fitted.extend(v);
    fitted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_sorted_map() {
        let mut f: Fields = vec![
            ("b".to_string(), Value::Number(1.0)),
            ("a".to_string(), Value::Number(2.0)),
            ("b".to_string(), Value::Number(3.0)),
        ]
        .into_iter()
        .collect();
        assert_eq!(f.keys().collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(f.get("b").and_then(Value::as_number), Some(3.0));
        assert!(f.insert("c", Value::Null).is_none());
        assert!(f.insert("a", Value::Bool(true)).is_some());
        assert_eq!(f.remove("b").and_then(|v| v.as_number()), Some(3.0));
        assert_eq!(f.len(), 2);
        assert!(f.contains_key("c") && !f.contains_key("b"));
    }

    #[test]
    fn a_name_is_found_as_its_text_is_in_small_and_large_maps() {
        for size in [0, 3, LINEAR_SCAN, LINEAR_SCAN + 1, 40] {
            let map: Fields = (0..size)
                .map(|i| (format!("k{i}"), Value::Number(i as f64)))
                .collect();
            for i in 0..size + 2 {
                // (a name read from other text than the map's keys)
                let text = format!("k{i}");
                let by_name = map.get_name(Name::new(&text)).and_then(Value::as_number);
                assert_eq!(by_name, map.get(&text).and_then(Value::as_number));
                assert_eq!(by_name, (i < size).then_some(i as f64), "{size} {i}");
            }
        }
        // a computed object's attribute not set is unknown, by name too
        let object = Value::Map(crate::value::Object::with_computed(
            [("id", Value::string("i-1"))].into_iter().collect(),
            Some("aws_instance.web".into()),
        ));
        let id = object.get_name(Name::new("id"));
        assert_eq!(id.as_ref().and_then(Value::as_str), Some("i-1"));
        let arn = object.get_name(Name::new("arn"));
        assert_eq!(format!("{arn:?}"), format!("{:?}", object.get("arn")));
        assert!(arn.is_some_and(|v| v.is_unknown()));
    }

    #[test]
    fn entries_in_any_order_make_the_map_inserting_them_would() {
        let keys = [
            "b",
            "a",
            "b",
            "ingress[10]",
            "ingress[2]",
            "ingress[1].x",
            "c",
            "a",
        ];
        let entries: Vec<(Name, f64)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (Name::new(k), i as f64))
            .collect();
        let mut inserted = SortedMap::new();
        for (k, v) in entries.clone() {
            inserted.insert(k, v);
        }
        let sorted = SortedMap::from_unsorted(entries);
        assert_eq!(sorted, inserted);
        assert_eq!(
            sorted.iter().map(|(k, v)| (k, *v)).collect::<Vec<_>>(),
            vec![
                ("a", 7.0),
                ("b", 2.0),
                ("c", 6.0),
                ("ingress[10]", 3.0),
                ("ingress[1].x", 5.0),
                ("ingress[2]", 4.0),
            ]
        );
        // in order already: taken as it is
        let ordered = vec![(Name::new("a"), 1.0), (Name::new("b"), 2.0)];
        assert_eq!(SortedMap::from_unsorted(ordered).len(), 2);
    }

    #[test]
    fn many_maps_merge_as_two_at_a_time_would() {
        let maps: Vec<SortedMap<f64>> = (0..7)
            .map(|m| {
                (0..5)
                    .map(|k| (format!("k{}", (m * 3 + k) % 11), (m * 10 + k) as f64))
                    .collect()
            })
            .collect();
        let refs: Vec<&SortedSlice<f64>> = maps.iter().map(|m| &**m).collect();
        let folded = (refs[2..])
            .iter()
            .fold(refs[0].merged(refs[1]), |done, next| done.merged(next));
        for n in 0..=refs.len() {
            let expected = match n {
                0 => SortedMap::new(),
                1 => refs[0].to_map(),
                _ => (refs[2..n])
                    .iter()
                    .fold(refs[0].merged(refs[1]), |done, next| done.merged(next)),
            };
            assert_eq!(SortedMap::merged_all(&refs[..n]), expected, "{n} maps");
        }
        assert_eq!(SortedMap::merged_all(&refs), folded);
    }

    #[test]
    fn comparison_is_strs_and_every_key_is_found() {
        let words = [
            "", "a", "ab", "abc", "b", "B", "tags", "tags_all", "tag", "é", "ée", "z", "za",
        ];
        for a in words {
            for b in words {
                assert_eq!(compare(a.as_bytes(), b.as_bytes()), a.cmp(b), "{a:?} {b:?}");
            }
        }
        let map: Fields = words.iter().map(|w| (w.to_string(), Value::Null)).collect();
        assert!(words.iter().all(|w| map.contains_key(w)));
        assert!(!map.contains_key("aa") && !map.contains_key("tags_") && !map.contains_key("é!"));
    }

    #[test]
    fn mapped_values_keep_their_keys_in_order() {
        let map: Fields = [("zone", Value::Number(3.0)), ("app", Value::Number(1.0))].into();
        let doubled = map.map_values(|v| v.as_number().unwrap_or_default() * 2.0);
        assert_eq!(
            doubled.iter().map(|(k, v)| (k, *v)).collect::<Vec<_>>(),
            [("app", 2.0), ("zone", 6.0)]
        );
        assert_eq!(doubled.get("zone"), Some(&6.0));
    }

    #[test]
    fn merged_maps_keep_every_key_and_the_second_wins() {
        let num = |n: f64| Value::Number(n);
        let defaults: Fields = [("env", num(1.0)), ("owner", num(2.0)), ("team", num(3.0))].into();
        let own: Fields = [("app", num(4.0)), ("env", num(5.0)), ("zone", num(6.0))].into();
        let pairs = |f: &Fields| -> Vec<(String, f64)> {
            f.iter()
                .map(|(k, v)| (k.to_string(), v.as_number().unwrap()))
                .collect()
        };
        let merged = defaults.merged(&own);
        assert_eq!(
            pairs(&merged),
            [
                ("app", 4.0),
                ("env", 5.0),
                ("owner", 2.0),
                ("team", 3.0),
                ("zone", 6.0)
            ]
            .map(|(k, n)| (k.to_string(), n))
        );
        // the same as collecting both, later entries winning
        let collected: Fields = defaults
            .iter()
            .chain(own.iter())
            .map(|(k, v)| (k, v.clone()))
            .collect();
        assert_eq!(pairs(&merged), pairs(&collected));
        assert_eq!(pairs(&Fields::new().merged(&own)), pairs(&own));
        assert_eq!(pairs(&own.merged(&Fields::new())), pairs(&own));
    }
}
