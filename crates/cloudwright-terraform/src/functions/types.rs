//! Type conversion functions: `tostring`, `tonumber`, `tobool`, `tolist`, `toset`, `tomap`;
//! and `ephemeralasnull`.

use super::{arity, fail, CallResult};
use crate::types::{convert, Type};
use cloudwright_model::{Object, Value};

/// `ephemeralasnull(v)`: `v` with its ephemeral values null. The values of
/// ephemeral resources are unknowns whose origin is the resource
/// (`ephemeral.random_password.pw.result`, in a module
/// `module.db.ephemeral.…`): null wherever they stand, and a string or a
/// JSON text made with one is ephemeral as a whole. Ephemeral variables and
/// outputs are marked sensitive, not apart: their values stay (README,
/// limits) — as does an unknown made from an ephemeral value by a function
/// (`upper(ephemeral.x.y.z)`), which keeps no origin.
pub fn ephemeral_as_null(v: &Value) -> Value {
    // (a value holding none is returned as it is, not rebuilt)
    if !is_ephemeral(v) {
        return v.clone();
    }
    match v {
        Value::Unknown(u) if u.origin().is_some_and(is_ephemeral_origin) => Value::Null,
        Value::List(items) => Value::list(items.iter().map(ephemeral_as_null).collect()),
        Value::Map(object) => Value::Map(Object::with_computed(
            object.fields().map_values(ephemeral_as_null),
            object.computed().cloned(),
        )),
        Value::Sensitive(inner) => ephemeral_as_null(inner).sensitive(),
        Value::Template(pieces) if pieces.iter().any(is_ephemeral) => Value::Null,
        Value::Document(inner) if is_ephemeral(inner) => Value::Null,
        _ => v.clone(),
    }
}

/// Whether an ephemeral resource's value is in `v`.
fn is_ephemeral(v: &Value) -> bool {
    match v {
        Value::Unknown(u) => u.origin().is_some_and(is_ephemeral_origin),
        Value::List(items) => items.iter().any(is_ephemeral),
        Value::Map(object) => object.fields().values().any(is_ephemeral),
        Value::Sensitive(inner) | Value::Document(inner) => is_ephemeral(inner),
        Value::Template(pieces) => pieces.iter().any(is_ephemeral),
        _ => false,
    }
}

/// Whether an origin names an ephemeral resource: `ephemeral.TYPE.NAME…`
/// after the module calls it lies in (`module.a["x.y"].module.b[0].`).
fn is_ephemeral_origin(origin: &str) -> bool {
    let plain = cloudwright_model::without_instance_keys(origin);
    let mut steps = plain.split('.');
    loop {
        match steps.next() {
            Some("module") => {
                steps.next();
            }
            step => return step == Some("ephemeral"),
        }
    }
}

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    let target = match name {
        "tostring" => Type::String,
        "tonumber" => Type::Number,
        "tobool" => Type::Bool,
        "tolist" => Type::List(Box::new(Type::Any)),
        "tomap" => Type::Map(Box::new(Type::Any)),
        "toset" => Type::Set(Box::new(Type::Any)),
        _ => return None,
    };
    Some(arity(args, 1).and_then(|_| {
        if matches!(
            (&args[0], &target),
            (
                Value::List(_) | Value::Map(_),
                Type::String | Type::Number | Type::Bool
            )
        ) {
            return fail(format!(
                "cannot convert a {} value to a primitive",
                args[0].type_name()
            ));
        }
        convert(&args[0], &target).or_else(fail)
    }))
}

#[cfg(test)]
mod tests {
    use super::is_ephemeral_origin;

    #[test]
    fn an_ephemeral_origin_is_an_ephemeral_block_in_any_module() {
        assert!(is_ephemeral_origin("ephemeral.random_password.pw.result"));
        assert!(is_ephemeral_origin(
            "ephemeral.random_password.pw[0].result"
        ));
        assert!(is_ephemeral_origin(
            "module.db[\"a.b\"].module.pw[0].ephemeral.random_password.pw.result"
        ));
        // a resource or a module named `ephemeral` is not one
        assert!(!is_ephemeral_origin("aws_db_instance.ephemeral.password"));
        assert!(!is_ephemeral_origin(
            "module.ephemeral.aws_db_instance.db.password"
        ));
        assert!(!is_ephemeral_origin(
            "data.aws_secretsmanager_secret_version.s.secret_string"
        ));
    }
}
