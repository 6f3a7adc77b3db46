//! Filesystem functions. Relative paths resolve against the root module's
//! directory (Terraform's working directory, which is why modules write
//! `"${path.module}/x"`), and no path may leave the scanned tree.

use super::{arity, fail, string, CallResult};
use crate::eval::{Evaluator, ModuleScope};
use crate::syntax::{relocate, Expr, ExprKind, Range};
use base64::Engine as _;
use cloudwright_model::Value;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Largest file `file()` and friends will read.
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// An encoding or digest of a file's bytes: the function that gives it,
/// and the attribute hashicorp/local's `local_file` gives it as.
struct FileDigest {
    function: &'static str,
    attribute: &'static str,
    of: fn(&[u8]) -> Value,
}

fn base64_of(bytes: &[u8]) -> Value {
    Value::string(base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn hex_of(bytes: &[u8]) -> Value {
    Value::string(super::hashing::hex(bytes))
}

const FILE_DIGESTS: &[FileDigest] = &[
    FileDigest {
        function: "filebase64",
        attribute: "content_base64",
        of: base64_of,
    },
    FileDigest {
        function: "filemd5",
        attribute: "content_md5",
        of: |b| hex_of(&Md5::digest(b)),
    },
    FileDigest {
        function: "filesha1",
        attribute: "content_sha1",
        of: |b| hex_of(&Sha1::digest(b)),
    },
    FileDigest {
        function: "filesha256",
        attribute: "content_sha256",
        of: |b| hex_of(&Sha256::digest(b)),
    },
    FileDigest {
        function: "filesha512",
        attribute: "content_sha512",
        of: |b| hex_of(&Sha512::digest(b)),
    },
    FileDigest {
        function: "filebase64sha256",
        attribute: "content_base64sha256",
        of: |b| base64_of(&Sha256::digest(b)),
    },
    FileDigest {
        function: "filebase64sha512",
        attribute: "content_base64sha512",
        of: |b| base64_of(&Sha512::digest(b)),
    },
];

pub fn call(
    ev: &mut Evaluator<'_>,
    name: &str,
    args: &[Value],
    range: Range,
) -> Option<CallResult> {
    if let Some(digest) = FILE_DIGESTS.iter().find(|d| d.function == name) {
        if let Some(missing) = build_artifact(ev, args) {
            // (Terraform refuses the plan without it; a scan of the
            // repository runs before the build that makes it)
            let span = ev.span(range);
            ev.diagnostics.push(
                cloudwright_model::Diagnostic::warning(format!(
                    "{name}(): {missing:?} does not exist — a build artifact (a function's zip, a layer) made before `terraform plan`? Its digest is treated as unknown"
                ))
                .at(span),
            );
            return Some(Ok(Value::unknown()));
        }
        return Some(read_bytes(ev, args).map(|bytes| (digest.of)(&bytes[..])));
    }
    Some(match name {
        "file" => read_text(ev, args),
        "fileexists" => arity(args, 1).and_then(|_| {
            let path = string(&args[0])?;
            Ok(Value::Bool(
                ev.fs
                    .resolve(&path, &ev.scope.path_module)
                    .map(|p| p.is_file())
                    .unwrap_or(false),
            ))
        }),
        "fileset" => fileset(ev, args),
        "templatefile" => templatefile(ev, args, range),
        "templatestring" => templatestring(ev, args, range),
        // Go's filepath.Abs: joined to the working directory Terraform
        // runs in (the root module's), then cleaned
        "abspath" => arity(args, 1).and_then(|_| {
            let p = string(&args[0])?;
            let mut joined = ev.fs.root_dir.join(&p);
            if joined.is_relative() {
                if let Ok(cwd) = std::env::current_dir() {
                    joined = cwd.join(joined);
                }
            }
            Ok(Value::string(clean_path(
                &joined.to_string_lossy().replace('\\', "/"),
            )))
        }),
        "dirname" => arity(args, 1).and_then(|_| {
            let p = string(&args[0])?;
            Ok(Value::string(match p.rfind('/') {
                Some(0) => "/".to_string(),
                Some(i) => p[..i].to_string(),
                None => ".".to_string(),
            }))
        }),
        "basename" => arity(args, 1).and_then(|_| {
            let p = string(&args[0])?;
            let trimmed = p.trim_end_matches('/');
            Ok(Value::string(match trimmed.rfind('/') {
                Some(i) => trimmed[i + 1..].to_string(),
                None if trimmed.is_empty() && !p.is_empty() => "/".to_string(),
                None => trimmed.to_string(),
            }))
        }),
        // The home directory of whoever runs Terraform is not knowable here.
        "pathexpand" => arity(args, 1).and_then(|_| {
            let p = string(&args[0])?;
            Ok(if p.starts_with('~') {
                Value::unknown()
            } else {
                Value::string(p)
            })
        }),
        _ => return None,
    })
}

/// The path a digest function is given, when it is inside the scanned
/// tree and no file is there.
fn build_artifact(ev: &Evaluator<'_>, args: &[Value]) -> Option<String> {
    let [path] = args else {
        return None;
    };
    let path = path.as_str()?;
    ev.fs
        .missing_inside(path, &ev.scope.path_module)
        .then(|| path.to_string())
}

/// A file's bytes, read once in a load ([`crate::eval::FileReads`]).
fn read_bytes(ev: &Evaluator<'_>, args: &[Value]) -> Result<Arc<[u8]>, super::CallError> {
    arity(args, 1)?;
    let path = string(&args[0])?;
    let module = &ev.scope.path_module;
    let key = (ev.fs.root_dir.as_path(), path.as_str(), module.as_str());
    let read = ev.fs.reads.file(key, || {
        let resolved = ev.fs.resolve(&path, module)?;
        let meta =
            std::fs::metadata(&resolved).map_err(|e| format!("cannot read {path:?}: {e}"))?;
        if meta.len() > MAX_FILE {
            return Err(format!("{path:?} is larger than {MAX_FILE} bytes"));
        }
        std::fs::read(&resolved)
            .map(Arc::from)
            .map_err(|e| format!("cannot read {path:?}: {e}"))
    });
    read.or_else(fail)
}

/// A file's content and digests as hashicorp/local's `local_file` data
/// source gives them (`id` is the SHA-1): read once, under the same rules
/// as `file()`.
pub(crate) fn file_attributes(
    ev: &Evaluator<'_>,
    path: &Value,
) -> Result<Vec<(&'static str, Value)>, super::CallError> {
    let bytes = read_bytes(ev, std::slice::from_ref(path))?;
    let text = std::str::from_utf8(&bytes).or_else(|_| fail("the file is not valid UTF-8"))?;
    let mut out = vec![("content", Value::string(text))];
    out.extend(FILE_DIGESTS.iter().map(|d| (d.attribute, (d.of)(&bytes))));
    let sha1 = hex_of(&Sha1::digest(&bytes));
    out.push(("id", sha1));
    Ok(out)
}

fn read_text(ev: &Evaluator<'_>, args: &[Value]) -> Result<Value, super::CallError> {
    let bytes = read_bytes(ev, args)?;
    text_of(&bytes).map(Value::string)
}

fn text_of(bytes: &[u8]) -> Result<&str, super::CallError> {
    std::str::from_utf8(bytes)
        .or_else(|_| fail("the file is not valid UTF-8; use filebase64() for binary files"))
}

fn fileset(ev: &Evaluator<'_>, args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let base = string(&args[0])?;
    let pattern = string(&args[1])?;
    let dir = ev.fs.resolve(&base, &ev.scope.path_module).or_else(fail)?;
    let matcher = globset::GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .or_else(|e| fail(format!("invalid pattern {pattern:?}: {e}")))?
        .compile_matcher();
    let mut found = Vec::new();
    walk(&dir, &dir, &matcher, &mut found, 0);
    found.sort();
    Ok(super::string_list(found))
}

fn walk(
    root: &Path,
    dir: &Path,
    matcher: &globset::GlobMatcher,
    out: &mut Vec<String>,
    depth: u32,
) {
    if depth > 32 || out.len() > 100_000 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(root, &path, matcher, out, depth + 1);
        } else if kind.is_file() {
            if let Ok(rel) = path.strip_prefix(root) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                if matcher.is_match(&rel) {
                    out.push(rel);
                }
            }
        }
    }
}

fn templatefile(ev: &mut Evaluator<'_>, args: &[Value], range: Range) -> CallResult {
    arity(args, 2)?;
    let bytes = read_bytes(ev, &args[..1])?;
    let text = text_of(&bytes)?;
    let site = (&bytes, ev.current_file(), range);
    let template = ev.fs.reads.template(site, || {
        let name = format!("{:?}", string(&args[0]).unwrap_or_default());
        template_expr(text, &name, range)
    });
    let template = template.or_else(fail)?;
    render(ev, &template, &args[1])
}

/// `templatestring(ref, vars)`: a string from elsewhere in the module (a
/// local, or a data source's body) rendered as a template, as `templatefile`
/// renders a file. Terraform accepts only a reference as the first
/// argument (OpenTofu a string literal too); both come here as a string.
fn templatestring(ev: &mut Evaluator<'_>, args: &[Value], range: Range) -> CallResult {
    arity(args, 2)?;
    let text = string(&args[0])?;
    render_template(ev, &text, "string", &args[1], range)
}

/// `provider::terraform::decode_tfvars(content)`: the object a variables
/// file's text sets, read as Terraform reads such a file — `name = value`
/// assignments of constants (no references, no function calls).
pub(crate) fn decode_tfvars(ev: &mut Evaluator<'_>, args: &[Value], range: Range) -> CallResult {
    arity(args, 1)?;
    let text = string(&args[0])?;
    let body = crate::hcl::parse_body(&text).or_else(|e| {
        fail(format!(
            "failed to decode tfvars content: {} (at byte {})",
            e.message, e.offset
        ))
    })?;
    if let Some(block) = body.blocks.first() {
        return fail(format!(
            "failed to decode tfvars content: blocks are not allowed here (`{}`)",
            block.kind
        ));
    }
    let saved_scope = ev.scope;
    let saved_bindings = std::mem::take(&mut ev.bindings);
    let saved_constant = std::mem::replace(&mut ev.constant, true);
    ev.scope = ModuleScope::empty();
    let mark = ev.diagnostics.len();
    let mut fields = BTreeMap::new();
    for attr in &body.attributes {
        let expr = relocate(attr.expr.clone(), range);
        fields.insert(attr.name.to_string(), ev.eval(&expr));
    }
    ev.scope = saved_scope;
    ev.bindings = saved_bindings;
    ev.constant = saved_constant;
    // the content's own errors are the call's
    if ev.diagnostics.len() > mark {
        let first = ev.diagnostics[mark].message.clone();
        ev.diagnostics.truncate(mark);
        return fail(format!("failed to decode tfvars content: {first}"));
    }
    Ok(Value::map(fields))
}

/// `text` rendered as a template that sees only `vars` (an object).
pub(crate) fn render_template(
    ev: &mut Evaluator<'_>,
    text: &str,
    name: &str,
    vars: &Value,
    range: Range,
) -> CallResult {
    let template = template_expr(text, name, range).or_else(fail)?;
    render(ev, &template, vars)
}

/// A template's text parsed, every range that of the call at `range` (the
/// template's own offsets are not the file's); its syntax error.
fn template_expr(text: &str, name: &str, range: Range) -> Result<Expr, String> {
    let parts = crate::hcl::parse_template(text).map_err(|e| {
        format!(
            "syntax error in template {name} at byte {}: {}",
            e.offset, e.message
        )
    })?;
    Ok(relocate(
        Expr {
            kind: ExprKind::Template(parts),
            range,
        },
        range,
    ))
}

/// A template rendered with `vars`, which is all it sees.
fn render(ev: &mut Evaluator<'_>, expr: &Expr, vars: &Value) -> CallResult {
    let vars = match vars {
        Value::Map(obj) => obj.to_fields(),
        Value::Null => Default::default(),
        other => {
            return fail(format!(
                "the second argument must be an object, got {}",
                other.type_name()
            ))
        }
    };
    let saved_scope = ev.scope;
    let saved_bindings = std::mem::take(&mut ev.bindings);
    // a template sees only the variables passed to it
    ev.scope = ModuleScope::empty();
    ev.bindings = vars.into_iter().map(|(k, v)| (k.into(), v)).collect();
    let result = ev.eval(expr);
    ev.scope = saved_scope;
    ev.bindings = saved_bindings;
    // A template always produces a string, even for "${x}" alone.
    Ok(match result {
        Value::Number(_) | Value::Bool(_) => Value::string(
            crate::eval::to_template_string(&result)
                .ok()
                .flatten()
                .unwrap_or_default(),
        ),
        other => other,
    })
}

/// A path cleaned as Go's `path.Clean` cleans it: `.` elements and
/// repeated slashes gone, `..` taken against the element before it (not
/// above the root of an absolute path).
fn clean_path(p: &str) -> String {
    let absolute = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if absolute => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::clean_path;

    #[test]
    fn paths_are_cleaned_as_go_cleans_them() {
        for (path, clean) in [
            ("/a/b/.", "/a/b"),
            ("/a/./b//c/", "/a/b/c"),
            ("/a/b/../../..", "/"),
            ("a/../../b", "../b"),
            ("./", "."),
            ("", "."),
        ] {
            assert_eq!(clean_path(path), clean, "{path}");
        }
    }
}
