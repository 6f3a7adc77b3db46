//! Where a loaded model's memory is: the heap bytes each part of it holds,
//! shared blocks counted once (the first part to reach one is charged for
//! it). An estimate from the sizes the model asks for — what mimalloc
//! rounds each block up to is not counted — for deciding what to make
//! smaller, not a measurement of the process. Names (attribute names, map
//! keys) are interned for the process ([`Name`]): their text, the distinct
//! names of the input, is charged to no part.

use cloudwright_model::text::Name;
use cloudwright_model::{Graph, Resource, Value};
use std::collections::HashSet;
use std::mem::size_of;

/// An `Arc`'s counts, before its value.
const ARC_HEADER: usize = 2 * size_of::<usize>();

/// A thin shared slice's count and length before its header and items.
const THIN_HEADER: usize = 2 * size_of::<usize>();

/// Bytes and blocks charged to one part of the model.
#[derive(Default, Clone, Copy)]
pub struct Part {
    pub bytes: usize,
    pub blocks: usize,
}

impl Part {
    fn add(&mut self, bytes: usize) {
        self.bytes += bytes;
        self.blocks += 1;
    }
}

/// The parts of a model, in the order they are reported.
pub const PARTS: [&str; 13] = [
    "resource records",
    "addresses and instance keys",
    "attributes: objects",
    "attributes: lists",
    "attributes: strings",
    "attributes: unknown origins",
    "attributes: other",
    "attribute spans",
    "provenance",
    "references",
    "module instances",
    "source files",
    "diagnostics",
];

// each part's place in [`PARTS`]
const RECORDS: usize = 0;
const ADDRESSES: usize = 1;
/// The five kinds of attribute value, from here on.
const ATTRIBUTES: usize = 2;
const SPANS: usize = 7;
const PROVENANCE: usize = 8;
const REFERENCES: usize = 9;
const MODULES: usize = 10;
const SOURCES: usize = 11;
const DIAGNOSTICS: usize = 12;

/// The heap bytes of each of [`PARTS`].
pub fn measure(graph: &Graph) -> [Part; PARTS.len()] {
    let mut parts = [Part::default(); PARTS.len()];
    let mut seen = HashSet::new();
    parts[RECORDS].add(graph.resources.capacity() * size_of::<Resource>());
    for r in &graph.resources {
        shared_str(&r.address, &mut seen, &mut parts[ADDRESSES]);
        if let Some(cloudwright_model::InstanceKey::Str(s)) = &r.index {
            shared_str(s, &mut seen, &mut parts[ADDRESSES]);
        }
        value(&r.attributes, &mut seen, &mut parts[ATTRIBUTES..SPANS]);
        if seen.insert(std::sync::Arc::as_ptr(&r.attribute_spans) as *const u8) {
            parts[SPANS].add(
                ARC_HEADER
                    + size_of::<cloudwright_model::fields::SortedMap<cloudwright_model::Span>>()
                    + r.attribute_spans.len()
                        * (size_of::<Name>() + size_of::<cloudwright_model::Span>()),
            );
        }
        if seen.insert(std::sync::Arc::as_ptr(&r.provenance) as *const u8) {
            parts[PROVENANCE].add(
                ARC_HEADER
                    + size_of::<cloudwright_model::fields::SortedMap<()>>()
                    + r.provenance.len() * (size_of::<Name>() + size_of::<Vec<()>>()),
            );
            for sources in r.provenance.values() {
                parts[PROVENANCE].add(sources.capacity() * size_of::<usize>());
                for s in sources {
                    if seen.insert(std::sync::Arc::as_ptr(s) as *const u8) {
                        parts[PROVENANCE]
                            .add(ARC_HEADER + size_of::<cloudwright_model::ValueSource>());
                    }
                }
            }
        }
        if r.references.capacity() > 0 {
            parts[REFERENCES]
                .add(r.references.capacity() * size_of::<cloudwright_model::Reference>());
        }
        for reference in &r.references {
            shared_str(&reference.target, &mut seen, &mut parts[REFERENCES]);
        }
    }
    parts[MODULES].add(graph.modules.capacity() * size_of::<cloudwright_model::ModuleInstance>());
    for m in &graph.modules {
        for s in [&m.address, &m.dir, &m.root_dir] {
            parts[MODULES].add(s.capacity());
        }
        // (shared by the instances of modules without a `terraform {}` block)
        if seen.insert(std::sync::Arc::as_ptr(&m.terraform) as *const u8) {
            parts[MODULES].add(ARC_HEADER + size_of::<cloudwright_model::TerraformSettings>());
        }
        for v in &m.variables {
            module_value(&v.value, &mut seen, &mut parts[MODULES]);
        }
        for o in &m.outputs {
            module_value(&o.value, &mut seen, &mut parts[MODULES]);
        }
        let lists = m.variables.capacity() * size_of::<cloudwright_model::VariableInfo>()
            + m.outputs.capacity() * size_of::<cloudwright_model::OutputInfo>()
            + m.module_calls.capacity() * size_of::<cloudwright_model::ModuleCall>()
            + m.providers.capacity() * size_of::<cloudwright_model::ProviderConfig>();
        if lists > 0 {
            parts[MODULES].add(lists);
        }
    }
    for (_, file) in graph.sources.files() {
        // the text, and a line start for each line
        parts[SOURCES].add(file.text.len() + ARC_HEADER);
        parts[SOURCES]
            .add((memchr::memchr_iter(b'\n', file.text.as_bytes()).count() + 1) * size_of::<u32>());
        parts[SOURCES].add(file.display_path.capacity() + file.path.as_os_str().len());
    }
    parts[DIAGNOSTICS]
        .add(graph.diagnostics.capacity() * size_of::<cloudwright_model::Diagnostic>());
    parts
}

/// A shared string (an `Arc<str>` or a thin [`cloudwright_model::text::Shared`]:
/// both hold two words of counts or length before the text).
fn shared_str(s: &str, seen: &mut HashSet<*const u8>, part: &mut Part) {
    if seen.insert(s.as_ptr()) {
        part.add(ARC_HEADER + s.len());
    }
}

/// A module instance's value, charged to it whole.
fn module_value(v: &Value, seen: &mut HashSet<*const u8>, part: &mut Part) {
    let mut kinds = [Part::default(); 5];
    value(v, seen, &mut kinds);
    for k in kinds {
        part.bytes += k.bytes;
        part.blocks += k.blocks;
    }
}

/// Charges a value's blocks by kind: objects, lists, strings, unknown
/// origins, other (sensitive and document wrappers, templates).
fn value(v: &Value, seen: &mut HashSet<*const u8>, kinds: &mut [Part]) {
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
        Value::String(s) => shared_str(s, seen, &mut kinds[2]),
        Value::List(items) => {
            if seen.insert(items.as_ptr()) {
                // (one block: its count, its length, its items)
                kinds[1].add(THIN_HEADER + items.len() * size_of::<Value>());
                items.iter().for_each(|i| value(i, seen, kinds));
            }
        }
        Value::Map(object) => {
            if seen.insert(object.as_ptr()) {
                // (one block: its count, its mark, its length, its fields)
                kinds[0].add(
                    THIN_HEADER
                        + size_of::<Option<cloudwright_model::text::Shared>>()
                        + object.fields().len() * (size_of::<Name>() + size_of::<Value>()),
                );
                if let Some(c) = object.computed() {
                    shared_str(c, seen, &mut kinds[3]);
                }
                for v in object.fields().values() {
                    value(v, seen, kinds);
                }
            }
        }
        Value::Unknown(u) => {
            if let Some(origin) = u.origin_arc() {
                shared_str(origin, seen, &mut kinds[3]);
            }
        }
        Value::Sensitive(inner) | Value::Document(inner) => {
            if seen.insert(std::sync::Arc::as_ptr(inner) as *const u8) {
                kinds[4].add(ARC_HEADER + size_of::<Value>());
                value(inner, seen, kinds);
            }
        }
        Value::Template(pieces) => {
            if seen.insert(pieces.as_ptr()) {
                // (a thin slice: its count and length before the pieces)
                kinds[4].add(THIN_HEADER + pieces.len() * size_of::<Value>());
                pieces.iter().for_each(|p| value(p, seen, kinds));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two instances of one block: each its own record, address and
    /// object; one span map and one provenance map between them.
    #[test]
    fn shared_maps_are_counted_once_and_objects_by_their_fields() {
        let dir =
            std::env::temp_dir().join(format!("cloudwright-footprint-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            "resource \"aws_sqs_queue\" \"q\" {\n  count = 2\n  name  = \"queue\"\n}\n",
        )
        .unwrap();
        let graph = cloudwright_terraform::load(std::slice::from_ref(&dir), &Default::default());
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(graph.resources.len(), 2);
        let parts = measure(&graph);
        assert_eq!(parts[RECORDS].bytes, 2 * size_of::<Resource>());
        // `aws_sqs_queue.q[0]`, `aws_sqs_queue.q[1]`: shared text each
        assert_eq!(parts[ADDRESSES].bytes, 2 * (ARC_HEADER + 18));
        // each instance's object: one block, its header and one field
        // (`name`, the string shared: a literal evaluated once per block is
        // one `Arc`)
        let object = THIN_HEADER + size_of::<Option<cloudwright_model::text::Shared>>();
        let field = size_of::<Name>() + size_of::<Value>();
        assert_eq!(parts[ATTRIBUTES].blocks, 2);
        assert_eq!(parts[ATTRIBUTES].bytes, 2 * (object + field));
        assert_eq!(parts[ATTRIBUTES + 2].bytes, ARC_HEADER + "queue".len());
        // one span map (block and `name`) for both
        assert_eq!(parts[SPANS].blocks, 1);
        assert_eq!(parts[REFERENCES].bytes, 0);
        assert_eq!(parts[SOURCES].blocks, 3);
    }
}
