//! The pricing catalogue: one normalised record per price dimension, in the
//! shape of the AWS Price List (service code, region, product family, the
//! product attributes that select the price, unit, tier start, USD per
//! unit, effective date, source).
//!
//! On disk it is a tab-separated file (`data/aws.tsv` is the shipped one;
//! `cloudwright pricing update` writes the same format):
//!
//! ```text
//! # service  region  family  attributes  unit  tier_start  usd  effective  source
//! AmazonEC2  us-east-1  Compute Instance  instanceType=m5.large  Hrs  0  0.096  2025-06-01  aws-price-list
//! ```
//!
//! `attributes` is `key=value` pairs joined by `;` (attribute names as in
//! the Price List's JSON form). A tiered price is several records with the
//! same selection and different `tier_start` (the tier ends where the next
//! begins). Two records with the same selection and tier but different
//! prices are ambiguous and rejected.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

/// The catalogue shipped in the binary.
pub const EMBEDDED: &str = include_str!("../data/aws.tsv");

#[derive(Clone, Debug, PartialEq)]
pub struct PriceRecord {
    /// The Price List offer code: `AmazonEC2`, `AmazonRDS`, `AWSELB`, …
    pub service: String,
    /// `us-east-1`, or `global` for services priced the same everywhere
    /// (CloudFront, Route 53).
    pub region: String,
    pub family: String,
    /// Selecting attributes, sorted by name.
    pub attributes: Vec<(String, String)>,
    /// The Price List's unit: `Hrs`, `GB-Mo`, `Requests`, `LCU-Hrs`, …
    pub unit: String,
    pub tier_start: f64,
    pub usd: f64,
    /// `YYYY-MM-DD`
    pub effective: String,
    pub source: String,
}

impl PriceRecord {
    /// The selection a record prices (service, region, family, attributes,
    /// unit): records with the same key are tiers of one price.
    pub(crate) fn key(&self) -> String {
        selection_key(
            &self.service,
            &self.region,
            &self.family,
            self.attributes
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
            &self.unit,
        )
    }

    /// The record as one catalogue line.
    pub fn to_line(&self) -> String {
        let attrs: Vec<String> = self
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.service,
            self.region,
            self.family,
            attrs.join(";"),
            self.unit,
            number(self.tier_start),
            number(self.usd),
            self.effective,
            self.source
        )
    }
}

/// A number as the catalogue writes it: no exponent, no trailing zeros.
pub fn number(n: f64) -> String {
    let s = format!("{n:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn selection_key<'a>(
    service: &str,
    region: &str,
    family: &str,
    attributes: impl Iterator<Item = (&'a str, &'a str)>,
    unit: &str,
) -> String {
    let mut attrs: Vec<(&str, &str)> = attributes.collect();
    attrs.sort_unstable();
    let mut key = format!("{service}|{region}|{family}|");
    for (k, v) in attrs {
        key.push_str(k);
        key.push('=');
        key.push_str(v);
        key.push(';');
    }
    key.push('|');
    key.push_str(unit);
    key
}

/// What a cost component asks the catalogue for.
#[derive(Clone, Debug, PartialEq)]
pub struct Selector {
    pub service: &'static str,
    pub family: &'static str,
    pub attributes: Vec<(&'static str, String)>,
    pub unit: &'static str,
    /// Priced the same in every region (`global` records).
    pub global: bool,
}

impl Selector {
    pub fn new(service: &'static str, family: &'static str, unit: &'static str) -> Self {
        Selector {
            service,
            family,
            attributes: Vec::new(),
            unit,
            global: false,
        }
    }

    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.attributes.push((key, value.into()));
        self
    }

    pub fn global(mut self) -> Self {
        self.global = true;
        self
    }

    /// How the selection reads in a message.
    pub fn describe(&self) -> String {
        let attrs: Vec<String> = self
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if attrs.is_empty() {
            format!("{} {} ({})", self.service, self.family, self.unit)
        } else {
            format!(
                "{} {} {} ({})",
                self.service,
                self.family,
                attrs.join(", "),
                self.unit
            )
        }
    }
}

/// The prices of one selection: tiers by start quantity.
#[derive(Clone, Debug, PartialEq)]
pub struct Tiers {
    /// (tier start, USD per unit), ascending; the first starts at 0.
    pub tiers: Vec<(f64, f64)>,
    pub effective: String,
    pub source: String,
}

impl Tiers {
    /// The price of the first unit.
    pub fn first(&self) -> f64 {
        self.tiers.first().map_or(0.0, |t| t.1)
    }

    /// The cost of `quantity` units through the tiers.
    pub fn cost(&self, quantity: f64) -> f64 {
        let mut total = 0.0;
        for (i, (start, price)) in self.tiers.iter().enumerate() {
            if quantity <= *start {
                break;
            }
            let end = self
                .tiers
                .get(i + 1)
                .map_or(f64::INFINITY, |(next, _)| *next);
            total += (quantity.min(end) - start) * price;
        }
        total
    }
}

/// A malformed or ambiguous catalogue line.
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogueError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for CatalogueError {}

/// Where a catalogue's records came from, for `pricing info`.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub name: String,
    pub records: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    records: Vec<PriceRecord>,
    /// selection key → record indices by tier start
    index: HashMap<String, Vec<usize>>,
    pub origins: Vec<Origin>,
}

impl Catalogue {
    /// The catalogue shipped in the binary.
    pub fn embedded() -> Catalogue {
        // the shipped file is checked by a test: a failure here is a
        // build defect, and the empty catalogue prices nothing (every
        // resource is then listed as unpriced, never at $0)
        Catalogue::parse(EMBEDDED, "embedded catalogue").unwrap_or_default()
    }

    /// Reads catalogue text; every line is checked.
    pub fn parse(text: &str, name: &str) -> Result<Catalogue, CatalogueError> {
        let mut records = Vec::new();
        let mut lines = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let record = parse_line(line).map_err(|message| CatalogueError {
                file: name.to_string(),
                line: n + 1,
                message,
            })?;
            records.push(record);
            lines.push(n + 1);
        }
        let mut catalogue = Catalogue::from_records(records, &lines, name)?;
        catalogue.origins = vec![Origin {
            name: name.to_string(),
            records: catalogue.records.len(),
        }];
        Ok(catalogue)
    }

    /// Reads a catalogue file.
    pub fn read(path: &Path) -> Result<Catalogue, CatalogueError> {
        let text = std::fs::read_to_string(path).map_err(|e| CatalogueError {
            file: path.display().to_string(),
            line: 0,
            message: format!("cannot read the catalogue: {e}"),
        })?;
        Catalogue::parse(&text, &path.display().to_string())
    }

    fn from_records(
        records: Vec<PriceRecord>,
        lines: &[usize],
        name: &str,
    ) -> Result<Catalogue, CatalogueError> {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        let mut keep: Vec<PriceRecord> = Vec::with_capacity(records.len());
        // the line each kept record came from
        let mut kept_lines: Vec<usize> = Vec::with_capacity(records.len());
        for (i, record) in records.into_iter().enumerate() {
            let key = record.key();
            let entry = index.entry(key).or_default();
            if let Some(&other) = entry
                .iter()
                .find(|&&j| keep[j].tier_start == record.tier_start)
            {
                let same: &PriceRecord = &keep[other];
                if same.usd == record.usd {
                    continue; // the same fact twice
                }
                return Err(CatalogueError {
                    file: name.to_string(),
                    line: lines.get(i).copied().unwrap_or(0),
                    message: format!(
                        "ambiguous price: {} {} {} tier {} is {} here and {} on line {}",
                        record.service,
                        record.region,
                        record.family,
                        number(record.tier_start),
                        number(record.usd),
                        number(same.usd),
                        kept_lines.get(other).copied().unwrap_or(0)
                    ),
                });
            }
            entry.push(keep.len());
            keep.push(record);
            kept_lines.push(lines.get(i).copied().unwrap_or(0));
        }
        for list in index.values_mut() {
            list.sort_by(|a, b| keep[*a].tier_start.total_cmp(&keep[*b].tier_start));
            let first = &keep[list[0]];
            if first.tier_start != 0.0 {
                return Err(CatalogueError {
                    file: name.to_string(),
                    line: 0,
                    message: format!(
                        "{} {} {} {}: the tiers start at {}, not 0",
                        first.service,
                        first.region,
                        first.family,
                        first.unit,
                        number(first.tier_start)
                    ),
                });
            }
        }
        Ok(Catalogue {
            records: keep,
            index,
            origins: Vec::new(),
        })
    }

    /// This catalogue with `newer`'s records in place of its own for every
    /// (service, region) that `newer` covers.
    pub fn overlay(self, newer: Catalogue) -> Catalogue {
        let covered: BTreeSet<(String, String)> = newer
            .records
            .iter()
            .map(|r| (r.service.clone(), r.region.clone()))
            .collect();
        let mut records: Vec<PriceRecord> = self
            .records
            .into_iter()
            .filter(|r| !covered.contains(&(r.service.clone(), r.region.clone())))
            .collect();
        let kept = records.len();
        records.extend(newer.records);
        let lines = vec![0; records.len()];
        let mut merged = Catalogue::from_records(records, &lines, "catalogue").unwrap_or_default();
        let mut origins: Vec<Origin> = self.origins;
        if let Some(first) = origins.first_mut() {
            first.records = kept;
        }
        origins.extend(newer.origins);
        merged.origins = origins;
        merged
    }

    pub fn records(&self) -> &[PriceRecord] {
        &self.records
    }

    /// The prices of a selection in a region (`global` records when the
    /// selection says so).
    pub fn lookup(&self, region: &str, selector: &Selector) -> Option<Tiers> {
        let region = if selector.global { "global" } else { region };
        let key = selection_key(
            selector.service,
            region,
            selector.family,
            selector.attributes.iter().map(|(k, v)| (*k, v.as_str())),
            selector.unit,
        );
        let list = self.index.get(&key)?;
        let first = &self.records[list[0]];
        Some(Tiers {
            tiers: list
                .iter()
                .map(|&i| (self.records[i].tier_start, self.records[i].usd))
                .collect(),
            effective: first.effective.clone(),
            source: first.source.clone(),
        })
    }

    /// Coverage by service: regions and the oldest and newest effective
    /// dates.
    pub fn coverage(&self) -> Vec<Coverage> {
        let mut by: BTreeMap<&str, Coverage> = BTreeMap::new();
        for r in &self.records {
            let c = by.entry(&r.service).or_insert_with(|| Coverage {
                service: r.service.clone(),
                regions: BTreeSet::new(),
                records: 0,
                oldest: r.effective.clone(),
                newest: r.effective.clone(),
                sources: BTreeSet::new(),
            });
            c.regions.insert(r.region.clone());
            c.records += 1;
            c.sources.insert(r.source.clone());
            if r.effective < c.oldest {
                c.oldest = r.effective.clone();
            }
            if r.effective > c.newest {
                c.newest = r.effective.clone();
            }
        }
        by.into_values().collect()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    pub service: String,
    pub regions: BTreeSet<String>,
    pub records: usize,
    pub oldest: String,
    pub newest: String,
    pub sources: BTreeSet<String>,
}

fn parse_line(line: &str) -> Result<PriceRecord, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    if fields.len() != 9 {
        return Err(format!(
            "expected 9 tab-separated fields (service, region, family, attributes, unit, tier_start, usd, effective, source), found {}",
            fields.len()
        ));
    }
    for (name, value) in [
        ("service", fields[0]),
        ("region", fields[1]),
        ("family", fields[2]),
        ("unit", fields[4]),
        ("source", fields[8]),
    ] {
        if value.trim().is_empty() {
            return Err(format!("the {name} is empty"));
        }
    }
    let mut attributes = Vec::new();
    if !fields[3].is_empty() {
        for pair in fields[3].split(';') {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(format!("attribute {pair:?} is not key=value"));
            };
            if k.is_empty() {
                return Err(format!("attribute {pair:?} has no name"));
            }
            attributes.push((k.to_string(), v.to_string()));
        }
    }
    attributes.sort();
    if attributes.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err("an attribute is named twice".into());
    }
    let parse_number = |name: &str, text: &str| -> Result<f64, String> {
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
            _ => Err(format!("the {name} {text:?} is not a non-negative number")),
        }
    };
    let tier_start = parse_number("tier_start", fields[5])?;
    let usd = parse_number("price", fields[6])?;
    let effective = fields[7];
    let date_ok = effective.len() == 10
        && effective.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !date_ok {
        return Err(format!(
            "the effective date {effective:?} is not YYYY-MM-DD"
        ));
    }
    Ok(PriceRecord {
        service: fields[0].to_string(),
        region: fields[1].to_string(),
        family: fields[2].to_string(),
        attributes,
        unit: fields[4].to_string(),
        tier_start,
        usd,
        effective: effective.to_string(),
        source: fields[8].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_TIERS: &str =
        "AmazonS3\tus-east-1\tStorage\tvolumeType=Standard\tGB-Mo\t0\t0.023\t2025-01-01\ttest\n\
AmazonS3\tus-east-1\tStorage\tvolumeType=Standard\tGB-Mo\t51200\t0.022\t2025-01-01\ttest\n";

    #[test]
    fn tiers_are_charged_in_bands() {
        let c = Catalogue::parse(TWO_TIERS, "t").unwrap();
        let s = Selector::new("AmazonS3", "Storage", "GB-Mo").with("volumeType", "Standard");
        let t = c.lookup("us-east-1", &s).unwrap();
        assert_eq!(t.first(), 0.023);
        assert!((t.cost(100.0) - 2.3).abs() < 1e-9);
        // 51,200 GB at 0.023 and 800 at 0.022
        assert!((t.cost(52_000.0) - (51_200.0 * 0.023 + 800.0 * 0.022)).abs() < 1e-6);
        assert!(c.lookup("eu-west-1", &s).is_none());
    }

    #[test]
    fn malformed_and_ambiguous_lines_are_rejected_with_their_line() {
        let e = Catalogue::parse("# header\nAmazonEC2\tus-east-1\n", "c.tsv").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("expected 9"), "{e}");
        let bad_price = "AmazonEC2\tus-east-1\tCompute Instance\tinstanceType=m5.large\tHrs\t0\tcheap\t2025-01-01\tx\n";
        assert!(Catalogue::parse(bad_price, "c")
            .unwrap_err()
            .message
            .contains("price"));
        let bad_date = "AmazonEC2\tus-east-1\tCompute Instance\tinstanceType=m5.large\tHrs\t0\t0.1\t01/01/2025\tx\n";
        assert!(Catalogue::parse(bad_date, "c")
            .unwrap_err()
            .message
            .contains("YYYY-MM-DD"));
        let twice = "AmazonEC2\tus-east-1\tCompute Instance\tinstanceType=m5.large\tHrs\t0\t0.096\t2025-01-01\tx\n\
AmazonEC2\tus-east-1\tCompute Instance\tinstanceType=m5.large\tHrs\t0\t0.107\t2025-01-01\tx\n";
        let e = Catalogue::parse(twice, "c").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message.contains("ambiguous") && e.message.contains("line 1"),
            "{e}"
        );
        let same_twice = "AmazonEC2\tus-east-1\tCompute Instance\tinstanceType=m5.large\tHrs\t0\t0.096\t2025-01-01\tx\n\
AmazonEC2\tus-east-1\tCompute Instance\tinstanceType=m5.large\tHrs\t0\t0.096\t2025-01-01\tx\n";
        assert_eq!(
            Catalogue::parse(same_twice, "c").unwrap().records().len(),
            1
        );
        let no_first_tier = "AmazonS3\tus-east-1\tStorage\tvolumeType=Standard\tGB-Mo\t51200\t0.022\t2025-01-01\ttest\n";
        assert!(Catalogue::parse(no_first_tier, "c")
            .unwrap_err()
            .message
            .contains("not 0"));
    }

    #[test]
    fn the_embedded_catalogue_is_valid() {
        let c = Catalogue::parse(EMBEDDED, "data/aws.tsv").unwrap();
        assert!(c.records().len() > 300, "{}", c.records().len());
    }

    #[test]
    fn an_update_replaces_the_services_and_regions_it_covers() {
        let base = Catalogue::parse(TWO_TIERS, "base").unwrap();
        let newer = Catalogue::parse(
            "AmazonS3\tus-east-1\tStorage\tvolumeType=Standard\tGB-Mo\t0\t0.021\t2026-01-01\tupdate\n",
            "newer",
        )
        .unwrap();
        let merged = base.overlay(newer);
        let s = Selector::new("AmazonS3", "Storage", "GB-Mo").with("volumeType", "Standard");
        let t = merged.lookup("us-east-1", &s).unwrap();
        assert_eq!(t.tiers, vec![(0.0, 0.021)]);
        assert_eq!(t.source, "update");
    }

    #[test]
    fn records_round_trip_through_their_line() {
        let c = Catalogue::parse(TWO_TIERS, "t").unwrap();
        let text: String = c.records().iter().map(|r| r.to_line() + "\n").collect();
        assert_eq!(text, TWO_TIERS);
    }
}
