//! Environments: which environment a resource belongs to, so rules can
//! ask more of production than of a sandbox. In order: `cloudwright.toml`
//! (`[environments]`, root directory pattern → name), the resource's
//! effective `environment`/`env`/`stage` tag, then the root module's
//! directory (`envs/prod`, `environments/staging`, `live/dev/eu-west-1`)
//! or a Terraform Stack's deployment (`stacks/web/deployment.production`).

use crate::check::{tag, Tri};
use cloudwright_model::{text, Resource};

/// The kind of environment a name stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Production,
    Staging,
    Development,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::Production => "production",
            Class::Staging => "staging",
            Class::Development => "development",
        }
    }

    /// `prod`, `production`, `prd`, `live` → production; `staging`,
    /// `stage`, `stg`, `preprod`, `uat` → staging; `dev`, `development`,
    /// `test`, `qa`, `sandbox`, `sbx` → development.
    pub fn of(name: &str) -> Option<Class> {
        match name.to_ascii_lowercase().as_str() {
            "prod" | "production" | "prd" | "live" => Some(Class::Production),
            "staging" | "stage" | "stg" | "preprod" | "pre-prod" | "uat" => Some(Class::Staging),
            "dev" | "development" | "test" | "testing" | "qa" | "sandbox" | "sbx" => {
                Some(Class::Development)
            }
            _ => None,
        }
    }
}

/// An environment and how it was told.
#[derive(Clone, Debug, PartialEq)]
pub struct Environment {
    pub name: String,
    pub class: Option<Class>,
    pub how: String,
}

impl Environment {
    pub fn is_production(&self) -> bool {
        self.class == Some(Class::Production)
    }

    /// Known and not production.
    pub fn is_non_production(&self) -> bool {
        matches!(self.class, Some(Class::Staging | Class::Development))
    }
}

/// The environment a root module directory names, by configuration or by
/// a path component that is an environment name.
pub fn of_root(configured: &[(String, String)], root: &str) -> Option<Environment> {
    for (pattern, name) in configured {
        if cloudwright_network::segment::glob(pattern, root) {
            return Some(Environment {
                name: name.clone(),
                class: Class::of(name),
                how: text::concat([
                    "cloudwright.toml maps ",
                    &text::quoted(pattern),
                    " to ",
                    &text::quoted(name),
                ]),
            });
        }
    }
    root.split(['/', '\\'])
        .rev()
        .map(named_part)
        .find_map(|part| Class::of(part).map(|c| (part, c)))
        .map(|(part, class)| Environment {
            name: part.to_ascii_lowercase(),
            class: Some(class),
            how: text::concat(["the root module's directory ", &text::quoted(root)]),
        })
}

/// What a part of a root module's name says of its environment: a
/// Terraform Stack's deployment (`stacks/web/deployment.production`) by its
/// name, any other part as it is.
pub fn named_part(part: &str) -> &str {
    part.strip_prefix("deployment.").unwrap_or(part)
}

/// The environment of a resource: configuration, then its tag, then its
/// root directory. `Known(None)` when nothing says; `Unknown` when the
/// tag is not known and nothing else decides.
pub fn of(configured: &[(String, String)], r: &Resource) -> Tri<Option<Environment>> {
    // worked out once: it decides first when configured, last otherwise
    let by_root = of_root(configured, &r.root);
    if by_root
        .as_ref()
        .is_some_and(|e| e.how.starts_with("cloudwright.toml"))
    {
        return Tri::Known(by_root);
    }
    match tag(r, &["environment", "env", "stage"]) {
        Tri::Known(Some(name)) => Tri::Known(Some(Environment {
            class: Class::of(&name),
            how: text::concat(["tagged ", &text::quoted(&name)]),
            name,
        })),
        Tri::Unknown(why) => match by_root {
            Some(e) => Tri::Known(Some(e)),
            None => Tri::Unknown(why),
        },
        _ => Tri::Known(by_root),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stack_deployment_names_its_environment() {
        let production = of_root(&[], "stacks/web/deployment.production").unwrap();
        assert_eq!(production.name, "production");
        assert!(production.is_production());
        let staging = of_root(&[], "deployment.staging").unwrap();
        assert_eq!(staging.class, Some(Class::Staging));
        assert_eq!(of_root(&[], "stacks/web/deployment.eu-west-1"), None);
    }
}
