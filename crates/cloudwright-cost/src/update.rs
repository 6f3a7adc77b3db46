//! `cloudwright pricing update`: reads the official AWS Price List bulk
//! files — offer index → each service's region index → one offer file per
//! region, in JSON or CSV — from a URL or a local copy laid out the same
//! way, keeps the prices the cost components use, and writes a catalogue.
//!
//! Offer files are streamed: a region's EC2 file is hundreds of MB, and
//! only the products matching a [`Template`] are kept while reading, so
//! memory stays bounded by what is kept. Nothing is written unless every
//! file was read to its end.

use crate::catalogue::{Catalogue, PriceRecord};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Which Price List products a catalogue selection comes from: the
/// service and product family, attribute values that must hold
/// (`operatingSystem=Linux`, …), and the attributes kept as the selection.
pub struct Template {
    pub service: &'static str,
    pub family: &'static str,
    pub fixed: &'static [(&'static str, &'static str)],
    pub keys: &'static [&'static str],
    /// Only price dimensions in this unit.
    pub unit: &'static str,
}

const EC2_LINUX: &[(&str, &str)] = &[
    ("operatingSystem", "Linux"),
    ("tenancy", "Shared"),
    ("preInstalledSw", "NA"),
    ("licenseModel", "No License required"),
    ("capacitystatus", "Used"),
];

/// The selections `pricing update` refreshes. The others stay as shipped
/// (see `cloudwright pricing info`).
pub const TEMPLATES: &[Template] = &[
    Template {
        service: "AmazonEC2",
        family: "Compute Instance",
        fixed: EC2_LINUX,
        keys: &["instanceType"],
        unit: "Hrs",
    },
    Template {
        service: "AmazonEC2",
        family: "Storage",
        fixed: &[],
        keys: &["volumeApiName"],
        unit: "GB-Mo",
    },
    Template {
        service: "AmazonEC2",
        family: "System Operation",
        fixed: &[("group", "EBS IOPS")],
        keys: &["volumeApiName"],
        unit: "IOPS-Mo",
    },
    Template {
        service: "AmazonEC2",
        family: "Provisioned Throughput",
        fixed: &[],
        keys: &["volumeApiName"],
        unit: "GiBps-mo",
    },
    Template {
        service: "AmazonEC2",
        family: "Storage Snapshot",
        fixed: &[],
        keys: &["usagetype"],
        unit: "GB-Mo",
    },
    Template {
        service: "AmazonEC2",
        family: "NAT Gateway",
        fixed: &[],
        keys: &["usagetype"],
        unit: "Hrs",
    },
    Template {
        service: "AmazonEC2",
        family: "NAT Gateway",
        fixed: &[],
        keys: &["usagetype"],
        unit: "GB",
    },
    Template {
        service: "AWSELB",
        family: "Load Balancer-Application",
        fixed: &[],
        keys: &["usagetype"],
        unit: "Hrs",
    },
    Template {
        service: "AWSELB",
        family: "Load Balancer-Application",
        fixed: &[],
        keys: &["usagetype"],
        unit: "LCU-Hrs",
    },
    Template {
        service: "AWSELB",
        family: "Load Balancer-Network",
        fixed: &[],
        keys: &["usagetype"],
        unit: "Hrs",
    },
    Template {
        service: "AWSELB",
        family: "Load Balancer-Network",
        fixed: &[],
        keys: &["usagetype"],
        unit: "LCU-Hrs",
    },
    Template {
        service: "AWSELB",
        family: "Load Balancer",
        fixed: &[],
        keys: &["usagetype"],
        unit: "Hrs",
    },
    Template {
        service: "AWSELB",
        family: "Load Balancer",
        fixed: &[],
        keys: &["usagetype"],
        unit: "GB",
    },
    Template {
        service: "AmazonRDS",
        family: "Database Instance",
        fixed: &[],
        keys: &["instanceType", "databaseEngine", "deploymentOption"],
        unit: "Hrs",
    },
    Template {
        service: "AmazonEKS",
        family: "Compute",
        fixed: &[],
        keys: &["usagetype"],
        unit: "Hrs",
    },
    Template {
        service: "AmazonS3",
        family: "Storage",
        fixed: &[],
        keys: &["volumeType"],
        unit: "GB-Mo",
    },
    Template {
        service: "AWSLambda",
        family: "Serverless",
        fixed: &[],
        keys: &["group"],
        unit: "Requests",
    },
    Template {
        service: "AWSLambda",
        family: "Serverless",
        fixed: &[],
        keys: &["group"],
        unit: "Lambda-GB-Second",
    },
    Template {
        service: "AmazonElastiCache",
        family: "Cache Instance",
        fixed: &[],
        keys: &["instanceType", "cacheEngine"],
        unit: "Hrs",
    },
];

/// Attribute names compare as the Price List writes them in either form:
/// JSON `preInstalledSw`, CSV `Pre Installed S/W`.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `USE2-NatGateway-Hours` → `NatGateway-Hours`: usage types carry a
/// region prefix outside us-east-1.
fn strip_region_prefix(usagetype: &str) -> &str {
    if let Some((prefix, rest)) = usagetype.split_once('-') {
        let looks_like_region = (2..=5).contains(&prefix.len())
            && prefix
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && prefix
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase());
        if looks_like_region && !rest.is_empty() {
            return rest;
        }
    }
    usagetype
}

/// Where the Price List files are read from: a base URL
/// (`https://pricing.us-east-1.amazonaws.com`) or a directory holding the
/// same paths (`DIR/offers/v1.0/aws/index.json`).
pub enum Source {
    Url(String),
    Dir(PathBuf),
}

impl Source {
    pub fn parse(text: &str) -> Source {
        if text.starts_with("http://") || text.starts_with("https://") {
            Source::Url(text.trim_end_matches('/').to_string())
        } else {
            Source::Dir(PathBuf::from(text))
        }
    }

    fn open(&self, path: &str) -> Result<Box<dyn Read>, String> {
        match self {
            Source::Url(base) => {
                let url = format!("{base}{path}");
                let response = ureq::get(&url).call().map_err(|e| format!("{url}: {e}"))?;
                Ok(Box::new(response.into_reader()))
            }
            Source::Dir(dir) => {
                let file = dir.join(path.trim_start_matches('/'));
                let f =
                    std::fs::File::open(&file).map_err(|e| format!("{}: {e}", file.display()))?;
                Ok(Box::new(f))
            }
        }
    }

    fn describe(&self, path: &str) -> String {
        match self {
            Source::Url(base) => format!("{base}{path}"),
            Source::Dir(dir) => dir.join(path.trim_start_matches('/')).display().to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

pub struct UpdateOptions {
    pub regions: Vec<String>,
    pub format: Format,
    /// Offer codes to read (empty: every service a template names).
    pub services: Vec<String>,
}

/// What an update read.
#[derive(Debug, Default)]
pub struct Updated {
    pub records: Vec<PriceRecord>,
    /// One line per offer file read.
    pub files: Vec<String>,
    /// Selections that had several prices in one file and were dropped.
    pub dropped: Vec<String>,
}

#[derive(Deserialize)]
struct OfferIndex {
    offers: BTreeMap<String, OfferEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OfferEntry {
    current_region_index_url: Option<String>,
}

#[derive(Deserialize)]
struct RegionIndex {
    regions: BTreeMap<String, RegionEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegionEntry {
    current_version_url: String,
}

fn read_json<T: for<'de> Deserialize<'de>>(source: &Source, path: &str) -> Result<T, String> {
    let reader = BufReader::new(source.open(path)?);
    serde_json::from_reader(reader).map_err(|e| format!("{}: {e}", source.describe(path)))
}

/// Reads the index chain and every matching offer file.
pub fn update(source: &Source, options: &UpdateOptions) -> Result<Updated, String> {
    let index: OfferIndex = read_json(source, "/offers/v1.0/aws/index.json")?;
    let mut services: Vec<&str> = TEMPLATES.iter().map(|t| t.service).collect();
    services.dedup();
    if !options.services.is_empty() {
        for s in &options.services {
            if !services.contains(&s.as_str()) {
                return Err(format!(
                    "{s} has no prices Cloudwright refreshes (use {})",
                    services.join(", ")
                ));
            }
        }
        services.retain(|s| options.services.iter().any(|o| o == s));
    }
    let mut out = Updated::default();
    for service in services {
        let Some(url) = index
            .offers
            .get(service)
            .and_then(|o| o.current_region_index_url.clone())
        else {
            return Err(format!(
                "the offer index has no {service} (is this the AWS Price List?)"
            ));
        };
        let regions: RegionIndex = read_json(source, &url)?;
        for region in &options.regions {
            let Some(entry) = regions.regions.get(region) else {
                return Err(format!("{service} has no offer file for {region}"));
            };
            let path = match options.format {
                Format::Json => entry.current_version_url.clone(),
                Format::Csv => entry.current_version_url.replace("index.json", "index.csv"),
            };
            let reader = source.open(&path)?;
            let (records, dropped) = match options.format {
                Format::Json => read_offer_json(reader, region),
                Format::Csv => read_offer_csv(reader, region),
            }
            .map_err(|e| format!("{}: {e}", source.describe(&path)))?;
            out.files.push(format!(
                "{service} {region}: {} prices from {}",
                records.len(),
                source.describe(&path)
            ));
            out.records.extend(records);
            out.dropped.extend(dropped);
        }
    }
    Ok(out)
}

/// Writes a catalogue atomically: a temporary file beside the target,
/// checked by reading it back, then renamed over it. On any error the
/// previous catalogue is untouched.
pub fn write_catalogue(records: &[PriceRecord], path: &Path) -> Result<(), String> {
    let mut text = String::from(
        "# cloudwright pricing catalogue, written by `cloudwright pricing update`\n# service\tregion\tfamily\tattributes\tunit\ttier_start\tusd\teffective\tsource\n",
    );
    for r in records {
        text.push_str(&r.to_line());
        text.push('\n');
    }
    Catalogue::parse(&text, &path.display().to_string()).map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let temp = path.with_extension("tsv.partial");
    std::fs::write(&temp, text).map_err(|e| format!("{}: {e}", temp.display()))?;
    std::fs::rename(&temp, path).map_err(|e| format!("{}: {e}", path.display()))
}

// ---- one product, whichever form it came in -----------------------------

/// A template (by index) and the selecting attributes it keeps.
type Wanted = Vec<(usize, Vec<(String, String)>)>;

/// A product's selection key, when a template wants it.
fn selection(service: &str, family: &str, attributes: &HashMap<String, String>) -> Wanted {
    let mut out = Vec::new();
    for (i, t) in TEMPLATES.iter().enumerate() {
        if t.service != service || t.family != family {
            continue;
        }
        let holds = t
            .fixed
            .iter()
            .all(|(k, v)| attributes.get(&normalise(k)).is_some_and(|x| x == v));
        if !holds {
            continue;
        }
        let mut keys = Vec::new();
        for k in t.keys {
            let Some(v) = attributes.get(&normalise(k)) else {
                break;
            };
            let v = if *k == "usagetype" {
                strip_region_prefix(v)
            } else {
                v.as_str()
            };
            keys.push((k.to_string(), v.to_string()));
        }
        if keys.len() == t.keys.len() {
            out.push((i, keys));
        }
    }
    out
}

/// Collects records, dropping selections whose prices disagree.
#[derive(Default)]
struct Collector {
    /// key → record
    by_key: BTreeMap<String, PriceRecord>,
    conflicts: std::collections::BTreeSet<String>,
}

impl Collector {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        template: usize,
        region: &str,
        attributes: &[(String, String)],
        unit: &str,
        begin: &str,
        usd: &str,
        effective: &str,
        source: &str,
    ) -> Result<(), String> {
        let t = &TEMPLATES[template];
        if unit != t.unit {
            return Ok(());
        }
        let tier_start: f64 = begin
            .parse()
            .map_err(|_| format!("price dimension begins at {begin:?}, not a number"))?;
        let price: f64 = usd
            .parse()
            .map_err(|_| format!("price {usd:?} is not a number"))?;
        let mut attrs = attributes.to_vec();
        attrs.sort();
        let record = PriceRecord {
            service: t.service.to_string(),
            region: region.to_string(),
            family: t.family.to_string(),
            attributes: attrs,
            unit: unit.to_string(),
            tier_start,
            usd: price,
            effective: effective.chars().take(10).collect(),
            source: source.to_string(),
        };
        let key = format!(
            "{}|{}",
            record.key(),
            crate::catalogue::number(record.tier_start)
        );
        match self.by_key.get(&key) {
            Some(existing) if existing.usd != record.usd => {
                self.conflicts.insert(key);
            }
            Some(_) => {}
            None => {
                self.by_key.insert(key, record);
            }
        }
        Ok(())
    }

    fn finish(self) -> (Vec<PriceRecord>, Vec<String>) {
        let dropped: Vec<String> = self.conflicts.iter().map(|k| k.replace('|', " ")).collect();
        let records = self
            .by_key
            .into_iter()
            .filter(|(k, _)| !self.conflicts.contains(k))
            .map(|(_, r)| r)
            .collect();
        (records, dropped)
    }
}

fn region_of(attributes: &HashMap<String, String>) -> Option<String> {
    if let Some(code) = attributes.get("regioncode") {
        return Some(code.clone());
    }
    let location = attributes.get("location")?;
    Some(
        match location.as_str() {
            "US East (N. Virginia)" => "us-east-1",
            "US East (Ohio)" => "us-east-2",
            "US West (Oregon)" => "us-west-2",
            "US West (N. California)" => "us-west-1",
            "EU (Ireland)" | "Europe (Ireland)" => "eu-west-1",
            "EU (Frankfurt)" | "Europe (Frankfurt)" => "eu-central-1",
            "EU (London)" | "Europe (London)" => "eu-west-2",
            _ => return None,
        }
        .to_string(),
    )
}

// ---- JSON offer files, streamed ------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Product {
    product_family: Option<String>,
    #[serde(default)]
    attributes: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Term {
    effective_date: String,
    price_dimensions: HashMap<String, Dimension>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dimension {
    begin_range: Option<String>,
    unit: String,
    price_per_unit: HashMap<String, String>,
}

struct OfferState<'a> {
    region: &'a str,
    offer_code: String,
    publication: String,
    products_seen: bool,
    /// sku → (template, selection) for the products kept
    kept: HashMap<String, Wanted>,
    collector: Collector,
    error: Option<String>,
}

struct OfferSeed<'s, 'a>(&'s mut OfferState<'a>);

impl<'de> DeserializeSeed<'de> for OfferSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OfferSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an AWS Price List offer file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "offerCode" => self.0.offer_code = map.next_value()?,
                "publicationDate" => self.0.publication = map.next_value()?,
                "products" => {
                    map.next_value_seed(ProductsSeed(self.0))?;
                    self.0.products_seen = true;
                }
                "terms" => {
                    if !self.0.products_seen {
                        return Err(serde::de::Error::custom(
                            "terms come before products: not the Price List's layout",
                        ));
                    }
                    map.next_value_seed(TermsSeed(self.0))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct ProductsSeed<'s, 'a>(&'s mut OfferState<'a>);

impl<'de> DeserializeSeed<'de> for ProductsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ProductsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("products by SKU")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(sku) = map.next_key::<String>()? {
            let product: Product = map.next_value()?;
            let Some(family) = product.product_family else {
                continue;
            };
            let attributes: HashMap<String, String> = product
                .attributes
                .into_iter()
                .map(|(k, v)| (normalise(&k), v))
                .collect();
            if region_of(&attributes).as_deref() != Some(self.0.region) {
                continue;
            }
            let service = attributes
                .get("servicecode")
                .cloned()
                .unwrap_or_else(|| self.0.offer_code.clone());
            let wanted = selection(&service, &family, &attributes);
            if !wanted.is_empty() {
                self.0.kept.insert(sku, wanted);
            }
        }
        Ok(())
    }
}

struct TermsSeed<'s, 'a>(&'s mut OfferState<'a>);

impl<'de> DeserializeSeed<'de> for TermsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TermsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("terms by kind")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(kind) = map.next_key::<String>()? {
            if kind == "OnDemand" {
                map.next_value_seed(OnDemandSeed(self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct OnDemandSeed<'s, 'a>(&'s mut OfferState<'a>);

impl<'de> DeserializeSeed<'de> for OnDemandSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OnDemandSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("on-demand terms by SKU")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        let source = format!(
            "aws-price-list:{}:{}",
            state.offer_code,
            date(&state.publication)
        );
        while let Some(sku) = map.next_key::<String>()? {
            let Some(wanted) = state.kept.get(&sku) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let terms: HashMap<String, Term> = map.next_value()?;
            for term in terms.values() {
                for dim in term.price_dimensions.values() {
                    let Some(usd) = dim.price_per_unit.get("USD") else {
                        continue;
                    };
                    for (template, attrs) in wanted {
                        if let Err(e) = state.collector.add(
                            *template,
                            state.region,
                            attrs,
                            &dim.unit,
                            dim.begin_range.as_deref().unwrap_or("0"),
                            usd,
                            &term.effective_date,
                            &source,
                        ) {
                            state.error.get_or_insert(format!("SKU {sku}: {e}"));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

fn date(publication: &str) -> &str {
    publication.get(..10).unwrap_or(publication)
}

/// Reads one region's offer file in the JSON form.
pub fn read_offer_json(
    reader: impl Read,
    region: &str,
) -> Result<(Vec<PriceRecord>, Vec<String>), String> {
    let mut state = OfferState {
        region,
        offer_code: String::new(),
        publication: String::new(),
        products_seen: false,
        kept: HashMap::new(),
        collector: Collector::default(),
        error: None,
    };
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 16, reader));
    OfferSeed(&mut state)
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    if let Some(e) = state.error {
        return Err(e);
    }
    if !state.products_seen {
        return Err("no products: not an offer file".into());
    }
    Ok(state.collector.finish())
}

// ---- CSV offer files, streamed -------------------------------------------

/// One CSV record's fields (RFC 4180: quoted fields, doubled quotes).
/// `None` when a quoted field does not end on the line (a cut file).
fn csv_fields(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && at_start {
            quoted = true;
            at_start = false;
        } else if c == ',' {
            out.push(std::mem::take(&mut field));
            at_start = true;
        } else {
            field.push(c);
            at_start = false;
        }
    }
    if quoted {
        return None;
    }
    out.push(field);
    Some(out)
}

/// Reads one region's offer file in the CSV form: five metadata lines,
/// a header, then one row per price dimension.
pub fn read_offer_csv(
    reader: impl Read,
    region: &str,
) -> Result<(Vec<PriceRecord>, Vec<String>), String> {
    let reader = BufReader::with_capacity(1 << 16, reader);
    let mut header: Option<Vec<String>> = None;
    let mut meta: HashMap<String, String> = HashMap::new();
    let mut collector = Collector::default();
    let mut rows = 0usize;
    let column = |h: &[String], name: &str| h.iter().position(|c| c == &normalise(name));
    let mut cols: Option<[usize; 7]> = None;
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("line {}: {e}", n + 1))?;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let fields = csv_fields(line)
            .ok_or_else(|| format!("line {}: a quoted field does not end (a cut file?)", n + 1))?;
        let Some(h) = &header else {
            if fields.len() == 2 {
                meta.insert(normalise(&fields[0]), fields[1].clone());
                continue;
            }
            let names: Vec<String> = fields.iter().map(|f| normalise(f)).collect();
            let needed = [
                "SKU",
                "TermType",
                "StartingRange",
                "Unit",
                "PricePerUnit",
                "EffectiveDate",
                "Currency",
            ];
            let mut found = [0usize; 7];
            for (i, name) in needed.iter().enumerate() {
                found[i] = column(&names, name)
                    .ok_or_else(|| format!("line {}: the header has no {name} column", n + 1))?;
            }
            cols = Some(found);
            header = Some(names);
            continue;
        };
        if fields.len() != h.len() {
            return Err(format!(
                "line {}: {} fields where the header has {} (a cut file?)",
                n + 1,
                fields.len(),
                h.len()
            ));
        }
        let Some([_, term, begin, unit, price, effective, currency]) = cols else {
            continue;
        };
        if fields[term] != "OnDemand" || fields[currency] != "USD" {
            continue;
        }
        rows += 1;
        let attributes: HashMap<String, String> = h
            .iter()
            .cloned()
            .zip(fields.iter().cloned())
            .filter(|(_, v)| !v.is_empty())
            .collect();
        if region_of(&attributes).as_deref() != Some(region) {
            continue;
        }
        let Some(family) = attributes.get("productfamily") else {
            continue;
        };
        let service = attributes
            .get("servicecode")
            .cloned()
            .or_else(|| meta.get("offercode").cloned())
            .unwrap_or_default();
        let source = format!(
            "aws-price-list:{service}:{}",
            date(meta.get("publicationdate").map_or("", String::as_str))
        );
        for (template, attrs) in selection(&service, family, &attributes) {
            collector
                .add(
                    template,
                    region,
                    &attrs,
                    &fields[unit],
                    if fields[begin].is_empty() {
                        "0"
                    } else {
                        &fields[begin]
                    },
                    &fields[price],
                    &fields[effective],
                    &source,
                )
                .map_err(|e| format!("line {}: {e}", n + 1))?;
        }
    }
    if header.is_none() {
        return Err("no header row: not an offer file (or an empty one)".into());
    }
    let _ = rows;
    Ok(collector.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_types_lose_their_region_prefix() {
        assert_eq!(
            strip_region_prefix("USE2-NatGateway-Hours"),
            "NatGateway-Hours"
        );
        assert_eq!(
            strip_region_prefix("EU-BoxUsage:m5.large"),
            "BoxUsage:m5.large"
        );
        assert_eq!(strip_region_prefix("NatGateway-Hours"), "NatGateway-Hours");
        assert_eq!(
            strip_region_prefix("EBS:VolumeUsage.gp3"),
            "EBS:VolumeUsage.gp3"
        );
        assert_eq!(strip_region_prefix("EUC1-LCUUsage"), "LCUUsage");
    }

    #[test]
    fn csv_fields_handle_quotes_and_commas() {
        assert_eq!(
            csv_fields(r#""a","b, c","d ""e""",,f"#).unwrap(),
            vec!["a", "b, c", "d \"e\"", "", "f"]
        );
        assert!(csv_fields(r#""a","b"#).is_none());
    }
}
