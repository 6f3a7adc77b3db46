//! Type conversion functions: `tostring`, `tonumber`, `tobool`, `tolist`, `toset`, `tomap`.

use super::{arity, fail, CallResult};
use crate::types::{convert, Type};
use cloudwright_model::Value;

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    let target = match name {
        "tostring" => Type::String,
        "tonumber" => Type::Number,
        "tobool" => Type::Bool,
        "tolist" => Type::List(Box::new(Type::Any)),
        "tomap" => Type::Map(Box::new(Type::Any)),
        "toset" => Type::Set(Box::new(Type::Any)),
        "ephemeralasnull" => return Some(arity(args, 1).map(|_| args[0].clone())),
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
