//! Resource instances: what every engine reads.

use crate::fields::SortedMap;
use crate::source::Span;
use crate::value::Value;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Managed,
    Data,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Managed => "managed",
            Mode::Data => "data",
        }
    }
}

/// The key of one instance of a resource or module with `count` or `for_each`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceKey {
    Int(i64),
    /// A `for_each` key: shared with `each.key` and the block's map of
    /// instances.
    Str(crate::text::Shared),
    /// `count`/`for_each` depends on values known only after apply: the one
    /// instance Cloudwright evaluates stands for an unknown number of them.
    Unknown,
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{s:?}]"),
            InstanceKey::Unknown => f.write_str("[?]"),
        }
    }
}

/// Where the model of a resource came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Configuration,
    Plan,
    State,
}

/// A reference from one resource's attribute to another resource (or module
/// output, or data source): the edges of the graph.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reference {
    /// Attribute of the referring resource, e.g. `bucket` or `ingress[0].security_groups`.
    pub attribute: crate::text::Name,
    /// Absolute address of the referenced instance, or of the resource block
    /// when the instance could not be determined. Shared: every instance of
    /// a block that refers to the same target holds one string.
    pub target: crate::text::Shared,
    /// The referenced attribute (`id`, `arn`), when the reference names one.
    pub target_attribute: Option<crate::text::Name>,
}

/// How a value reached an attribute: the variables, locals and outputs it
/// passed through, so a finding can explain itself. Cheap to clone: the
/// evaluator copies these into every expression that reads a variable.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValueSource {
    Variable {
        /// Module address (`""` for the root module), shared by the
        /// module instance's sources.
        module: crate::text::Shared,
        name: Arc<str>,
        set_by: VariableOrigin,
    },
    Local {
        module: crate::text::Shared,
        name: Arc<str>,
        span: Span,
    },
    ModuleOutput {
        module: crate::text::Shared,
        name: Arc<str>,
    },
}

/// Which of Terraform's variable sources decided a variable's value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VariableOrigin {
    /// the `default` in the variable block
    Default(Span),
    /// a `.tfvars` / `.tfvars.json` file (auto-loaded or `--var-file`)
    File { path: Arc<str>, span: Option<Span> },
    /// `--var name=value`
    CommandLine,
    /// `TF_VAR_name`
    Environment,
    /// the `variables` of a `terraform show -json` plan being read
    Plan,
    /// the argument of a module call
    ModuleInput(Span),
    /// no value was given and there is no default
    Unset,
}

impl fmt::Display for VariableOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VariableOrigin::Default(_) => f.write_str("default"),
            VariableOrigin::File { path, .. } => write!(f, "{path}"),
            VariableOrigin::CommandLine => f.write_str("--var"),
            VariableOrigin::Environment => f.write_str("environment (TF_VAR_)"),
            VariableOrigin::Plan => f.write_str("the plan"),
            VariableOrigin::ModuleInput(_) => f.write_str("module input"),
            VariableOrigin::Unset => f.write_str("unset"),
        }
    }
}

/// The provider configuration a resource uses.
#[derive(Clone, Debug, Default)]
pub struct ProviderRef {
    /// Local provider name: `aws`.
    pub name: String,
    pub alias: Option<String>,
    /// The provider's `region`, when it has one (Unknown when not given).
    pub region: Option<Value>,
}

impl ProviderRef {
    /// `aws` or `aws.west`.
    pub fn config_address(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{}", self.name, a),
            None => self.name.clone(),
        }
    }
}

/// One resource (or data source) instance, evaluated.
#[derive(Clone, Debug)]
pub struct Resource {
    /// `module.net.aws_subnet.private["a"]`: unique within its root module.
    pub address: crate::text::Shared,
    /// The root module it belongs to (its directory as displayed, `.` for
    /// the scanned directory itself; the file name for plans and state).
    /// Addresses repeat across roots (every environment has
    /// `aws_vpc.main`), so the graph keys resources by (root, address).
    pub root: crate::text::Shared,
    pub mode: Mode,
    /// `aws_subnet` (shared by the instances of a block)
    pub resource_type: crate::text::Shared,
    /// `private`
    pub name: crate::text::Shared,
    /// Module instance address, `""` for the root module (shared by the
    /// module instance's resources).
    pub module: crate::text::Shared,
    pub index: Option<InstanceKey>,
    /// Shared by the instances of a block.
    pub provider: Arc<ProviderRef>,
    /// The evaluated attributes: an object; nested blocks are lists of objects.
    pub attributes: Value,
    /// The whole block.
    pub span: Option<Span>,
    /// Span of each attribute and nested block, by path (`ingress[0].cidr_blocks`).
    /// Shared between instances of a block whose spans are the same.
    pub attribute_spans: Arc<SortedMap<Span>>,
    /// What this resource's attributes refer to.
    pub references: Vec<Reference>,
    /// Where the value of each top-level attribute came from (shared like
    /// the spans).
    pub provenance: Arc<SortedMap<Vec<Arc<ValueSource>>>>,
    pub origin: Origin,
    /// Planned actions (`create`, `update`, `delete`, …) for plan input.
    pub actions: Vec<String>,
}

impl Resource {
    /// The order of resources in a graph: by root module, module instance,
    /// mode, type, name and instance key.
    pub fn canonical_order(a: &Resource, b: &Resource) -> std::cmp::Ordering {
        // the resources of a root share its name: most pairs compared while
        // sorting do, and are told equal without comparing the text
        let root = a.root.cmp(&b.root);
        root.then_with(|| {
            (&a.module, a.mode, &a.resource_type, &a.name, &a.index).cmp(&(
                &b.module,
                b.mode,
                &b.resource_type,
                &b.name,
                &b.index,
            ))
        })
    }

    /// The address without the instance key: `module.net.aws_subnet.private`.
    /// Borrowed from [`Resource::address`], which begins with it.
    pub fn block_address(&self) -> std::borrow::Cow<'_, str> {
        let module = if self.module.is_empty() {
            0
        } else {
            self.module.len() + 1
        };
        let data = match self.mode {
            Mode::Managed => 0,
            Mode::Data => "data.".len(),
        };
        let len = module + data + self.resource_type.len() + 1 + self.name.len();
        if let Some(prefix) = self.address.get(..len) {
            if self.is_block(prefix) {
                return prefix.into();
            }
        }
        // an address of another shape (built by hand): from the parts
        let prefix = if self.module.is_empty() {
            String::new()
        } else {
            format!("{}.", self.module)
        };
        match self.mode {
            Mode::Managed => format!("{prefix}{}.{}", self.resource_type, self.name),
            Mode::Data => format!("{prefix}data.{}.{}", self.resource_type, self.name),
        }
        .into()
    }

    /// Is `address` this resource's [`Resource::block_address`]? Without
    /// building it.
    pub fn is_block(&self, address: &str) -> bool {
        let rest = if self.module.is_empty() {
            Some(address)
        } else {
            address
                .strip_prefix(self.module.as_str())
                .and_then(|r| r.strip_prefix('.'))
        };
        let rest = match self.mode {
            Mode::Managed => rest,
            Mode::Data => rest.and_then(|r| r.strip_prefix("data.")),
        };
        rest.and_then(|r| r.strip_prefix(self.resource_type.as_str()))
            .and_then(|r| r.strip_prefix('.'))
            == Some(self.name.as_str())
    }

    /// An attribute by name (`None` when not set).
    pub fn get(&self, name: &str) -> Option<Value> {
        self.get_ref(name).cloned()
    }

    /// The region the resource lives in: its own `region` argument when it
    /// sets one (AWS provider 6 lets every regional resource choose, and a
    /// plan or state records the region each is in), otherwise its
    /// provider's. `None` when neither says (the region would come from the
    /// environment).
    pub fn region(&self) -> Option<&Value> {
        match self.get_ref("region") {
            Some(v) if !v.is_null() && self.provider.name == "aws" => Some(v),
            _ => self.provider.region.as_ref(),
        }
    }

    /// [`Resource::get`] without the copy: for hot paths that only look.
    pub fn get_ref(&self, name: &str) -> Option<&Value> {
        self.attributes.as_object()?.fields().get(name)
    }

    /// An attribute by dotted path, with list indices as numbers
    /// (`root_block_device.0.encrypted`).
    pub fn get_path(&self, path: &str) -> Option<Value> {
        self.attributes.get_segments(path.split('.'))
    }

    /// The span of an attribute, falling back to the closest enclosing block.
    pub fn span_of(&self, path: &str) -> Option<Span> {
        let mut p = path;
        loop {
            if let Some(s) = self.attribute_spans.get(p) {
                return Some(*s);
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return self.span,
            }
        }
    }
}

#[cfg(test)]
impl Resource {
    /// A resource of the root module `.` with nothing set but its names
    /// and address.
    pub(crate) fn bare(
        module: &str,
        mode: Mode,
        resource_type: &str,
        name: &str,
        address: &str,
    ) -> Resource {
        Resource {
            address: address.into(),
            root: ".".into(),
            mode,
            resource_type: resource_type.into(),
            name: name.into(),
            module: module.into(),
            index: None,
            provider: Default::default(),
            attributes: Value::Null,
            span: None,
            attribute_spans: Default::default(),
            references: Vec::new(),
            provenance: Default::default(),
            origin: Origin::Configuration,
            actions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_block_agrees_with_block_address() {
        let resources = [
            ("", Mode::Managed, "aws_s3_bucket", "logs"),
            ("module.net", Mode::Managed, "aws_subnet", "private"),
            (
                "module.a[\"x\"].module.b",
                Mode::Data,
                "aws_iam_policy_document",
                "p",
            ),
        ];
        for (module, mode, kind, name) in resources {
            let r = Resource::bare(module, mode, kind, name, "");
            let block = r.block_address();
            assert!(r.is_block(&block), "{block}");
            for other in [
                format!("{block}x"),
                format!("{block}[0]"),
                block[..block.len() - 1].to_string(),
                format!("data.{block}"),
                String::new(),
            ] {
                assert!(!r.is_block(&other), "{other} is not {block}");
            }
            // an instance's block address is borrowed from its address
            let built = block.into_owned();
            for suffix in ["", "[0]", "[\"a.b[c]\"]"] {
                let instance = Resource {
                    address: format!("{built}{suffix}").into(),
                    ..r.clone()
                };
                let borrowed = instance.block_address();
                assert!(matches!(borrowed, std::borrow::Cow::Borrowed(_)));
                assert_eq!(borrowed, built);
            }
        }
    }
}
