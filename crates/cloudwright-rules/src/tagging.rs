//! The tagging strategy: which tags every taggable resource carries, with
//! which values, and how much of the estate is fully tagged — what makes a
//! bill attributable to a team. Tags are read as AWS applies them: the
//! provider's `default_tags` merged with the resource's own (`tags_all`),
//! through modules.

use cloudwright_model::{Graph, Mode, Resource, Value};

/// One required tag: any of `keys` satisfies it (`team` or `owner`).
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub keys: Vec<String>,
}

impl Requirement {
    /// `team|owner`.
    pub fn parse(text: &str) -> Requirement {
        Requirement {
            keys: text
                .split('|')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect(),
        }
    }

    pub fn name(&self) -> String {
        self.keys.join("|")
    }
}

/// What the configuration asks of tags.
#[derive(Clone, Debug, PartialEq)]
pub struct TagPolicy {
    pub required: Vec<Requirement>,
    /// Reported in the coverage summary, never required.
    pub optional: Vec<String>,
    /// Key → allowed values (exact, case-sensitive).
    pub values: Vec<(String, Vec<String>)>,
    /// Key → a pattern values must match (`*` matches any text).
    pub patterns: Vec<(String, String)>,
}

impl Default for TagPolicy {
    fn default() -> Self {
        TagPolicy {
            required: [
                "team|owner",
                "environment|env",
                "project|product|application",
            ]
            .iter()
            .map(|r| Requirement::parse(r))
            .collect(),
            optional: vec!["cost-center".into()],
            values: Vec::new(),
            patterns: Vec::new(),
        }
    }
}

pub use cloudwright_model::aws::is_taggable;

/// The effective tags of a resource (`tags_all`, else `tags`), or why
/// they are not known; `None` when it has none.
fn tag_map(r: &Resource) -> Result<Option<&Value>, String> {
    let tags = match r.get_ref("tags_all").filter(|v| !v.is_null()) {
        Some(v) => v,
        None => match r.get_ref("tags") {
            Some(v) => v,
            None => return Ok(None),
        },
    };
    if tags.is_unknown() {
        return Err(format!(
            "the tags of {} are {}",
            r.address,
            tags.why_unknown()
        ));
    }
    Ok(Some(tags))
}

/// Why the unknown values among a resource's effective tags are not known
/// ("known only after apply" when each is what a resource's provider
/// computes; see [`Value::why_unknown`]).
pub fn unknown_tags_why(r: &Resource) -> &'static str {
    match tag_map(r) {
        Ok(Some(tags)) => tags.why_unknown(),
        _ => cloudwright_model::value::unknown_reason(false),
    }
}

/// Keys compare without case, `-`, `_` or spaces (`Cost-Center` is
/// `costcenter`), without allocating.
/// A key's bytes as tag keys compare: no case, no `-`, `_` or space.
fn folded(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.bytes()
        .filter(|c| !matches!(c, b'-' | b'_' | b' '))
        .map(|c| c.to_ascii_lowercase())
}

fn fold(s: &str) -> Vec<u8> {
    folded(s).collect()
}

/// Two folded keys are the same; most pairs differ in length or in their
/// first byte, told apart without a call to `memcmp`.
#[inline]
fn same_folded(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.first() == b.first() && a == b
}

fn same_key(a: &str, b: &str) -> bool {
    folded(a).eq(folded(b))
}

/// `*` matches any run of characters.
fn matches(pattern: &str, text: &str) -> bool {
    cloudwright_network::segment::glob(pattern, text)
}

/// What a resource's tags lack or get wrong.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Judgement {
    /// Requirements no key satisfies.
    pub missing: Vec<String>,
    /// (key, value, what is allowed)
    pub invalid: Vec<(String, String, String)>,
    /// Requirements whose value is not known (see [`unknown_tags_why`]).
    pub unknown: Vec<String>,
}

impl TagPolicy {
    /// The required keys folded as [`same_key`] compares them (no case, no
    /// `-`, `_` or space), once for a whole run of [`TagPolicy::gaps`].
    pub fn folded_required(&self) -> Vec<Vec<Vec<u8>>> {
        self.required
            .iter()
            .map(|req| req.keys.iter().map(|k| fold(k)).collect())
            .collect()
    }

    /// The required tags a resource lacks and those whose value is unknown,
    /// as bit masks over `required` (the first 64), folding each tag key
    /// once: the required-tags rule asks this of every taggable resource.
    /// `wanted` is [`TagPolicy::folded_required`].
    pub fn gaps(&self, wanted: &[Vec<Vec<u8>>], r: &Resource) -> Result<(u64, u64), String> {
        self.gaps_with(wanted, r, |_| {})
    }

    /// [`TagPolicy::gaps`], showing `each_key` every tag key as folded.
    fn gaps_with(
        &self,
        wanted: &[Vec<Vec<u8>>],
        r: &Resource,
        mut each_key: impl FnMut(&[u8]),
    ) -> Result<(u64, u64), String> {
        let map = tag_map(r)?;
        let empty = cloudwright_model::Object::default();
        let tags = map.as_ref().and_then(|m| m.as_object()).unwrap_or(&empty);
        // (requirement index → the tag's value) for the first key found
        let mut seen: u64 = 0;
        let (mut missing, mut unknown) = (0u64, 0u64);
        let mut key = Vec::with_capacity(32);
        for (k, v) in tags.fields().iter() {
            key.clear();
            key.extend(folded(k));
            each_key(&key);
            for (i, wants) in wanted.iter().enumerate().take(64) {
                if seen & (1 << i) != 0 || !wants.iter().any(|w| same_folded(w, &key)) {
                    continue;
                }
                seen |= 1 << i;
                if v.is_unknown() {
                    unknown |= 1 << i;
                } else if v.as_str().is_none_or(|s| s.trim().is_empty()) {
                    missing |= 1 << i;
                }
            }
        }
        let all = if wanted.len() >= 64 {
            u64::MAX
        } else {
            (1u64 << wanted.len()) - 1
        };
        missing |= all & !seen;
        Ok((missing, unknown))
    }

    /// The names of the requirements in a mask from [`TagPolicy::gaps`].
    pub fn names(&self, mask: u64) -> Vec<String> {
        self.required
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 64 && mask & (1 << i) != 0)
            .map(|(_, r)| r.name())
            .collect()
    }

    /// Judges a resource's effective tags. `Err` when the tags as a whole
    /// are unknown.
    pub fn judge(&self, r: &Resource) -> Result<Judgement, String> {
        let map = tag_map(r)?;
        let empty = cloudwright_model::Object::default();
        let tags = map.as_ref().and_then(|m| m.as_object()).unwrap_or(&empty);
        let mut j = Judgement::default();
        for req in &self.required {
            let found = tags
                .fields()
                .iter()
                .find(|(k, _)| req.keys.iter().any(|want| same_key(k, want)));
            match found {
                None => j.missing.push(req.name()),
                Some((_, v)) if v.is_unknown() => j.unknown.push(req.name()),
                Some((_, v)) if v.as_str().is_none_or(|s| s.trim().is_empty()) => {
                    j.missing.push(req.name())
                }
                Some(_) => {}
            }
        }
        if self.values.is_empty() && self.patterns.is_empty() {
            return Ok(j);
        }
        for (k, v) in tags.fields().iter() {
            let Some(value) = v.as_str() else { continue };
            if let Some((_, allowed)) = self.values.iter().find(|(key, _)| same_key(key, k)) {
                if !allowed.iter().any(|a| a == value) {
                    j.invalid
                        .push((k.to_string(), value.to_string(), allowed.join(", ")));
                }
            }
            if let Some((_, pattern)) = self.patterns.iter().find(|(key, _)| same_key(key, k)) {
                if !matches(pattern, value) {
                    j.invalid.push((
                        k.to_string(),
                        value.to_string(),
                        format!("values matching {pattern:?}"),
                    ));
                }
            }
        }
        Ok(j)
    }

    /// Every key the summary counts: required (by their first name) and
    /// optional.
    fn keys(&self) -> Vec<(String, Vec<String>)> {
        self.required
            .iter()
            .map(|r| (r.name(), r.keys.clone()))
            .chain(self.optional.iter().map(|k| (k.clone(), vec![k.clone()])))
            .collect()
    }
}

/// How much of the estate is fully tagged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Coverage {
    /// Taggable managed resources from configuration or plan.
    pub taggable: usize,
    /// Those carrying every required tag with an allowed value.
    pub fully_tagged: usize,
    /// Those whose tags are not known.
    pub unknown: usize,
    /// Per module (`""` for root modules): (taggable, fully tagged).
    pub by_module: Vec<(String, usize, usize)>,
    /// Per tag (required and optional): resources carrying it.
    pub by_key: Vec<(String, usize)>,
}

impl Coverage {
    pub fn percent(&self) -> f64 {
        if self.taggable == 0 {
            100.0
        } else {
            self.fully_tagged as f64 * 100.0 / self.taggable as f64
        }
    }
}

/// The tagging of a tree, from one pass over each taggable resource's tags:
/// the coverage summary, and each resource's gaps against the required
/// tags (what the required-tags rule reports).
#[derive(Clone, Debug, Default)]
pub struct Tagging {
    pub coverage: Coverage,
    /// (index in `graph.resources`, [`TagPolicy::gaps`]) for every taggable
    /// managed resource, in graph order.
    pub gaps: Vec<(usize, Gaps)>,
}

/// Missing and unknown required tags as masks ([`TagPolicy::gaps`]), or
/// why the tags as a whole are not known.
pub type Gaps = Result<(u64, u64), String>;

/// [`Tagging`] of a tree.
pub fn analyse(graph: &Graph, policy: &TagPolicy) -> Tagging {
    let mut c = Coverage::default();
    let mut all_gaps = Vec::new();
    let keys = policy.keys();
    // every name of every counted key, folded once; each tag key of each
    // resource is folded once and looked up among them
    let names: Vec<Vec<Vec<u8>>> = keys
        .iter()
        .map(|(_, names)| names.iter().map(|n| fold(n)).collect())
        .collect();
    let wanted = policy.folded_required();
    // without value rules, "fully tagged" is "no gaps", which needs no
    // allocation per resource
    let plain =
        policy.required.len() <= 64 && policy.values.is_empty() && policy.patterns.is_empty();
    let mut by_key = vec![0usize; keys.len()];
    let mut carried = vec![false; keys.len()];
    let mut by_module: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    // the graph lists a module instance's resources together: count each
    // run, and fold it into the per-module totals when the module changes
    let mut run: (&str, usize, usize) = ("", 0, 0);
    fn flush<'g>(
        by_module: &mut std::collections::BTreeMap<&'g str, (usize, usize)>,
        run: &mut (&'g str, usize, usize),
    ) {
        if run.1 > 0 {
            let totals = by_module.entry(run.0).or_default();
            totals.0 += run.1;
            totals.1 += run.2;
        }
        *run = ("", 0, 0);
    }
    // the graph lists resources of a type together within a module
    // instance: the taggable-type table is searched once per run
    let mut last_type: (&str, bool) = ("", false);
    for (i, r) in graph.resources.iter().enumerate() {
        if r.mode != Mode::Managed {
            continue;
        }
        if last_type.0 != r.resource_type {
            last_type = (&r.resource_type, is_taggable(&r.resource_type));
        }
        if !last_type.1 {
            continue;
        }
        c.taggable += 1;
        if run.0 != r.module {
            flush(&mut by_module, &mut run);
            run.0 = &r.module;
        }
        run.1 += 1;
        carried.fill(false);
        // one pass over the tags: the keys carried, and what is missing
        let gaps = policy.gaps_with(&wanted, r, |key| {
            for (carried, names) in carried.iter_mut().zip(&names) {
                *carried |= names.iter().any(|n| same_folded(n, key));
            }
        });
        all_gaps.push((i, gaps.clone()));
        if gaps.is_err() {
            c.unknown += 1;
            continue;
        }
        for (count, carried) in by_key.iter_mut().zip(&carried) {
            *count += usize::from(*carried);
        }
        let fully = if plain {
            gaps == Ok((0, 0))
        } else {
            policy
                .judge(r)
                .is_ok_and(|j| j.missing.is_empty() && j.invalid.is_empty() && j.unknown.is_empty())
        };
        if fully {
            c.fully_tagged += 1;
            run.2 += 1;
        }
    }
    flush(&mut by_module, &mut run);
    c.by_module = by_module
        .into_iter()
        .map(|(m, (t, f))| (m.to_string(), t, f))
        .collect();
    c.by_key = keys.into_iter().map(|(k, _)| k).zip(by_key).collect();
    Tagging {
        coverage: c,
        gaps: all_gaps,
    }
}
