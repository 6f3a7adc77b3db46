//! How the load grows with the size of one idiom: each idiom written at
//! `n` and at `2n` (a `count` of 1,000 and of 2,000; a map of 1,000
//! objects and of 2,000), loaded, and the times compared. A load twice as
//! large should take about twice as long; an idiom whose ratio is near 4
//! is quadratic, and every configuration that uses it at scale pays.
//!
//! Found this way and fixed (2026-12-07): `toset` and `distinct` comparing
//! each element with every one before, a resource's spans inserted in key
//! order one by one (`ingress[10]` goes before `ingress[2]`), a policy
//! document's statements merged by reading every `Sid` again, a module's
//! source files found by scanning them all, `merge(list...)` copying its
//! growing result, a function's arguments walked for sensitive and unknown
//! values at each call, a splat of every instance made again for each.

use std::path::Path;

/// One idiom: its name, what it stands for, and its files at size `n`.
pub struct Idiom {
    pub name: &'static str,
    pub what: &'static str,
    /// Whether each of its `n` elements reads all `n` (a search of the
    /// whole list per instance): quadratic in Terraform too.
    pub inherent: bool,
    pub files: fn(usize) -> Vec<(String, String)>,
}

/// `range(n)` as Terraform allows it (at most 1,024 elements per call).
fn range(n: usize) -> String {
    let parts: Vec<String> = (0..n.div_ceil(1000))
        .map(|k| format!("range({}, {})", k * 1000, ((k + 1) * 1000).min(n)))
        .collect();
    format!("concat({})", parts.join(", "))
}

/// The texts of `0..n` one after the other.
fn each(n: usize, text: impl Fn(usize) -> String) -> String {
    (0..n).map(text).collect()
}

fn one(text: String) -> Vec<(String, String)> {
    vec![("main.tf".to_string(), text)]
}

/// `main.tf`, and the module `./mod` it calls: a queue named by its input.
fn calling_a_queue(main: String) -> Vec<(String, String)> {
    vec![
        ("main.tf".to_string(), main),
        (
            "mod/main.tf".to_string(),
            r#"variable "name" { type = string }
resource "aws_sqs_queue" "q" { name = var.name }
output "arn" { value = aws_sqs_queue.q.arn }
"#
            .to_string(),
        ),
    ]
}

pub const IDIOMS: &[Idiom] = &[
    Idiom {
        name: "count",
        what: "resources with `count`, each instance referencing the other's",
        inherent: false,
        files: |n| {
            one(format!(
                r#"resource "aws_instance" "web" {{
  count         = {n}
  ami           = "ami-123"
  instance_type = "t3.micro"
  tags          = {{ Name = "web-${{count.index}}" }}
}}
resource "aws_eip" "ip" {{
  count    = {n}
  instance = aws_instance.web[count.index].id
}}
"#
            ))
        },
    },
    Idiom {
        name: "for_each",
        what: "`for_each` over a map of objects from a `for` expression",
        inherent: false,
        files: |n| {
            one(format!(
                r#"locals {{
  buckets = {{ for i in {} : "b${{i}}" => {{ versioned = i % 2 == 0 }} }}
}}
resource "aws_s3_bucket" "b" {{
  for_each = local.buckets
  bucket   = each.key
}}
resource "aws_s3_bucket_versioning" "v" {{
  for_each = local.buckets
  bucket   = aws_s3_bucket.b[each.key].id
  versioning_configuration {{
    status = each.value.versioned ? "Enabled" : "Suspended"
  }}
}}
"#,
                range(n)
            ))
        },
    },
    Idiom {
        name: "toset",
        what: "`for_each = toset(list)` over a module call",
        inherent: false,
        files: |n| {
            calling_a_queue(format!(
                r#"module "svc" {{
  source   = "./mod"
  for_each = toset([for i in {} : "s${{i}}"])
  name     = each.key
}}
"#,
                range(n)
            ))
        },
    },
    Idiom {
        name: "blocks",
        what: "resource blocks, each referencing the one before",
        inherent: false,
        files: |n| {
            one(each(n, |i| {
                let vpc = match i {
                    0 => "\"vpc-1\"".to_string(),
                    _ => format!("aws_security_group.sg{}.vpc_id", i - 1),
                };
                format!("resource \"aws_security_group\" \"sg{i}\" {{\n  name   = \"sg{i}\"\n  vpc_id = {vpc}\n}}\n")
            }))
        },
    },
    Idiom {
        name: "files",
        what: "files in one module, a resource each",
        inherent: false,
        files: |n| {
            (0..n)
                .map(|i| {
                    (
                        format!("f{i}.tf"),
                        format!("resource \"aws_sqs_queue\" \"q{i}\" {{ name = \"q{i}\" }}\n"),
                    )
                })
                .collect()
        },
    },
    Idiom {
        name: "dynamic",
        what: "one `dynamic` block making that many blocks",
        inherent: false,
        files: |n| {
            one(format!(
                r#"resource "aws_security_group" "big" {{
  name = "big"
  dynamic "ingress" {{
    for_each = {}
    content {{
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }}
  }}
}}
"#,
                range(n)
            ))
        },
    },
    Idiom {
        name: "policy",
        what: "statements of one `aws_iam_policy_document`",
        inherent: false,
        files: |n| {
            let statements = each(n, |i| {
                format!("  statement {{\n    sid       = \"S{i}\"\n    actions   = [\"s3:GetObject\"]\n    resources = [\"arn:aws:s3:::bucket{i}/*\"]\n  }}\n")
            });
            one(format!("data \"aws_iam_policy_document\" \"p\" {{\n{statements}}}\nresource \"aws_iam_policy\" \"p\" {{\n  name   = \"p\"\n  policy = data.aws_iam_policy_document.p.json\n}}\n"))
        },
    },
    Idiom {
        name: "tfvars",
        what: "a map of objects in `terraform.tfvars`, `optional()` defaults, `for_each` over it",
        inherent: false,
        files: |n| {
            let users = each(n, |i| {
                format!(
                    "  u{i} = {{ team = \"t{}\", admin = {} }}\n",
                    i % 7,
                    i % 5 == 0
                )
            });
            let tfvars = format!("users = {{\n{users}}}\n");
            vec![
                ("terraform.tfvars".to_string(), tfvars),
                (
                    "main.tf".to_string(),
                    r#"variable "users" {
  type = map(object({ team = string, admin = optional(bool, false) }))
}
resource "aws_iam_user" "u" {
  for_each = var.users
  name     = each.key
  tags     = { team = each.value.team }
}
"#
                    .to_string(),
                ),
            ]
        },
    },
    Idiom {
        name: "merge",
        what: "`merge(list...)` of one-key maps",
        inherent: false,
        files: |n| {
            one(format!(
                r#"locals {{
  parts  = [for i in {} : {{ "k${{i}}" = i }}]
  merged = merge(local.parts...)
}}
resource "aws_ssm_parameter" "p" {{
  name  = "p"
  type  = "String"
  value = length(local.merged)
}}
"#,
                range(n)
            ))
        },
    },
    Idiom {
        name: "lookup",
        what: "`lookup` into a map of that size for each instance",
        inherent: false,
        files: |n| {
            one(format!(
                r#"locals {{
  sizes = {{ for i in {} : "n${{i}}" => i % 5 }}
}}
resource "aws_ssm_parameter" "p" {{
  for_each = local.sizes
  name     = each.key
  type     = "String"
  value    = lookup(local.sizes, each.key, 0)
}}
"#,
                range(n)
            ))
        },
    },
    Idiom {
        name: "jsondecode",
        what: "`for_each` over `jsondecode(file())` of a list of objects",
        inherent: false,
        files: |n| {
            let items: Vec<String> = (0..n)
                .map(|i| format!("{{\"id\": {i}, \"name\": \"n{i}\"}}"))
                .collect();
            vec![
                (
                    "data.json".to_string(),
                    format!("{{\"items\": [{}]}}", items.join(", ")),
                ),
                (
                    "main.tf".to_string(),
                    r#"locals { data = jsondecode(file("${path.module}/data.json")) }
resource "aws_ssm_parameter" "p" {
  for_each = { for it in local.data.items : it.name => it }
  name     = each.key
  type     = "String"
  value    = each.value.id
}
"#
                    .to_string(),
                ),
            ]
        },
    },
    Idiom {
        name: "modules",
        what: "module blocks calling one module",
        inherent: false,
        files: |n| {
            calling_a_queue(each(n, |i| {
                format!("module \"m{i}\" {{\n  source = \"./mod\"\n  name   = \"m{i}\"\n}}\n")
            }))
        },
    },
    Idiom {
        name: "providers",
        what: "aliased provider configurations, a resource on each",
        inherent: false,
        files: |n| {
            one(each(n, |i| {
                format!("provider \"aws\" {{\n  alias  = \"p{i}\"\n  region = \"eu-west-1\"\n}}\nresource \"aws_sqs_queue\" \"q{i}\" {{\n  provider = aws.p{i}\n  name     = \"q{i}\"\n}}\n")
            }))
        },
    },
    Idiom {
        name: "diagnostics",
        what: "references to undeclared variables, an error each",
        inherent: false,
        files: |n| {
            one(each(n, |i| {
                format!("resource \"aws_sqs_queue\" \"q{i}\" {{ name = var.missing{i} }}\n")
            }))
        },
    },
    Idiom {
        name: "contains",
        what: "`contains(list, each.key)` over a list of that size for each instance",
        inherent: true,
        files: |n| {
            one(format!(
                r#"locals {{
  names = [for i in {} : "n${{i}}"]
}}
resource "aws_ssm_parameter" "p" {{
  for_each = toset(local.names)
  name     = each.key
  type     = "String"
  value    = contains(local.names, each.key) ? "in" : "out"
}}
"#,
                range(n)
            ))
        },
    },
    Idiom {
        name: "splat",
        what: "`element(aws_instance.web[*].id, count.index)` for each instance",
        inherent: false,
        files: |n| {
            one(format!(
                r#"resource "aws_instance" "web" {{
  count         = {n}
  ami           = "ami-1"
  instance_type = "t3.micro"
}}
resource "aws_eip" "ip" {{
  count    = {n}
  instance = element(aws_instance.web[*].id, count.index)
}}
"#
            ))
        },
    },
];

/// Writes each idiom at `n` and `2n` under `dir` (`dir/count-1000`, …).
pub fn write(dir: &Path, n: usize) -> std::io::Result<()> {
    for idiom in IDIOMS {
        for size in [n, 2 * n] {
            let root = dir.join(format!("{}-{size}", idiom.name));
            if root.exists() {
                std::fs::remove_dir_all(&root)?;
            }
            for (path, text) in (idiom.files)(size) {
                let path = root.join(path);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(path, text)?;
            }
        }
    }
    Ok(())
}
