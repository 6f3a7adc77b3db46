//! Type constraints (`list(string)`, `object({ a = optional(number, 1) })`)
//! and Terraform's automatic conversions between types.

use crate::syntax::{Expr, ExprKind, ObjectKey};
use cloudwright_model::{format_number, Value};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(Vec<ObjectAttribute>),
}

#[derive(Clone, Debug)]
pub struct ObjectAttribute {
    pub name: String,
    pub ty: Type,
    pub optional: bool,
    /// The default of `optional(T, default)`, already evaluated.
    pub default: Option<Value>,
}

/// Reads a type expression. `eval_default` evaluates the default of an
/// `optional(T, default)` attribute (a constant expression).
pub fn parse_type(
    expr: &Expr,
    eval_default: &mut dyn FnMut(&Expr) -> Value,
) -> Result<Type, String> {
    match &expr.kind {
        ExprKind::Variable(name) => match name.as_str() {
            "any" => Ok(Type::Any),
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            // `list` and `map` alone were accepted by Terraform 0.11 as list(any)
            "list" => Ok(Type::List(Box::new(Type::Any))),
            "map" => Ok(Type::Map(Box::new(Type::Any))),
            "set" => Ok(Type::Set(Box::new(Type::Any))),
            other => Err(format!("unknown type `{other}`")),
        },
        // Terraform 0.11 quoted type names
        ExprKind::Literal(Value::String(s)) => match &**s {
            "string" => Ok(Type::String),
            "list" => Ok(Type::List(Box::new(Type::Any))),
            "map" => Ok(Type::Map(Box::new(Type::Any))),
            other => Err(format!("unknown type {other:?}")),
        },
        ExprKind::Call(call) => {
            let arg = |i: usize| {
                call.args
                    .get(i)
                    .ok_or_else(|| format!("{}() needs an argument", call.name))
            };
            match call.name.as_str() {
                "list" => Ok(Type::List(Box::new(parse_type(arg(0)?, eval_default)?))),
                "set" => Ok(Type::Set(Box::new(parse_type(arg(0)?, eval_default)?))),
                "map" => Ok(Type::Map(Box::new(parse_type(arg(0)?, eval_default)?))),
                "tuple" => match &arg(0)?.kind {
                    ExprKind::Tuple(items) => Ok(Type::Tuple(
                        items
                            .iter()
                            .map(|t| parse_type(t, eval_default))
                            .collect::<Result<_, _>>()?,
                    )),
                    _ => Err("tuple() takes a list of types".into()),
                },
                "object" => match &arg(0)?.kind {
                    ExprKind::Object(items) => {
                        let mut attrs = Vec::new();
                        for (key, ty) in items {
                            let name = match key {
                                ObjectKey::Ident(n) => n.clone(),
                                ObjectKey::Expr(Expr {
                                    kind: ExprKind::Variable(n),
                                    ..
                                }) => n.clone(),
                                ObjectKey::Expr(Expr {
                                    kind: ExprKind::Literal(Value::String(s)),
                                    ..
                                }) => s.as_ref().into(),
                                _ => {
                                    return Err("object attribute names must be identifiers".into())
                                }
                            };
                            attrs.push(parse_object_attribute(name.to_string(), ty, eval_default)?);
                        }
                        attrs.sort_by(|a, b| a.name.cmp(&b.name));
                        Ok(Type::Object(attrs))
                    }
                    _ => Err("object() takes an object of attribute types".into()),
                },
                "optional" => Err("optional() is only valid for an attribute of object()".into()),
                other => Err(format!("unknown type constructor `{other}`")),
            }
        }
        _ => Err("invalid type expression".into()),
    }
}

fn parse_object_attribute(
    name: String,
    ty: &Expr,
    eval_default: &mut dyn FnMut(&Expr) -> Value,
) -> Result<ObjectAttribute, String> {
    if let ExprKind::Call(call) = &ty.kind {
        if call.name == "optional" {
            let inner = call.args.first().ok_or("optional() needs a type")?;
            let inner_ty = parse_type(inner, eval_default)?;
            let default = match call.args.get(1) {
                Some(d) => Some(convert(&eval_default(d), &inner_ty)?),
                None => None,
            };
            return Ok(ObjectAttribute {
                name,
                ty: inner_ty,
                optional: true,
                default,
            });
        }
    }
    Ok(ObjectAttribute {
        name,
        ty: parse_type(ty, eval_default)?,
        optional: false,
        default: None,
    })
}

/// Converts a value to a type the way Terraform does for variables, or says why not.
pub fn convert(value: &Value, ty: &Type) -> Result<Value, String> {
    if let Value::Sensitive(inner) = value {
        return convert(inner, ty).map(Value::sensitive);
    }
    match (value, ty) {
        (Value::Unknown(_), _) | (_, Type::Any) | (Value::Null, _) => Ok(value.clone()),
        (Value::String(_), Type::String) => Ok(value.clone()),
        (Value::Number(n), Type::String) => Ok(Value::string(format_number(*n))),
        (Value::Bool(b), Type::String) => Ok(Value::string(b.to_string())),
        (Value::Number(_), Type::Number) => Ok(value.clone()),
        (Value::String(s), Type::Number) => s
            .trim()
            .parse()
            .map(Value::Number)
            .map_err(|_| format!("cannot convert {s:?} to a number")),
        (Value::Bool(_), Type::Bool) => Ok(value.clone()),
        (Value::String(s), Type::Bool) => match &**s {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("cannot convert {s:?} to a bool")),
        },
        (Value::List(items), Type::List(elem)) => Ok(Value::list(convert_all(items, elem)?)),
        (Value::List(items), Type::Set(elem)) => set_of(convert_all(items, elem)?),
        (Value::List(items), Type::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(format!(
                    "a tuple of {} elements is required, got {}",
                    types.len(),
                    items.len()
                ));
            }
            Ok(Value::list(
                items
                    .iter()
                    .zip(types)
                    .map(|(v, t)| convert(v, t))
                    .collect::<Result<_, _>>()?,
            ))
        }
        (Value::Map(obj), Type::Map(elem)) => Ok(Value::map(
            obj.fields
                .iter()
                .map(|(k, v)| {
                    convert(v, elem)
                        .map(|v| (k, v))
                        .map_err(|e| format!("element {k:?}: {e}"))
                })
                .collect::<Result<cloudwright_model::Fields, _>>()?,
        )),
        (Value::Map(obj), Type::Object(attrs)) => {
            let mut fields = BTreeMap::new();
            for attr in attrs {
                let given = obj.fields.get(&attr.name).filter(|v| !v.is_null());
                let v = match (given, attr.optional) {
                    (Some(v), _) => convert(v, &attr.ty)
                        .map_err(|e| format!("attribute {:?}: {e}", attr.name))?,
                    (None, true) => attr.default.clone().unwrap_or(Value::Null),
                    (None, false) if obj.fields.contains_key(&attr.name) => Value::Null,
                    (None, false) => return Err(format!("attribute {:?} is required", attr.name)),
                };
                fields.insert(attr.name.clone(), v);
            }
            Ok(Value::map(fields))
        }
        (v, t) => Err(format!(
            "a {} value cannot be converted to {}",
            v.type_name(),
            type_name(t)
        )),
    }
}

fn convert_all(items: &[Value], elem: &Type) -> Result<Vec<Value>, String> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| convert(v, elem).map_err(|e| format!("element {i}: {e}")))
        .collect()
}

pub fn type_name(t: &Type) -> String {
    match t {
        Type::Any => "any".into(),
        Type::String => "string".into(),
        Type::Number => "number".into(),
        Type::Bool => "bool".into(),
        Type::List(e) => format!("list({})", type_name(e)),
        Type::Set(e) => format!("set({})", type_name(e)),
        Type::Map(e) => format!("map({})", type_name(e)),
        Type::Tuple(_) => "tuple".into(),
        Type::Object(_) => "object".into(),
    }
}

/// Terraform's `toset`: duplicates removed; strings and numbers in their
/// natural order (the order `for_each` and `for` iterate a set in).
pub fn set_of(items: Vec<Value>) -> Result<Value, String> {
    if items.iter().any(Value::contains_unknown) {
        return Ok(Value::unknown());
    }
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        if !out.iter().any(|o| o.equals(&v) == Some(true)) {
            out.push(v);
        }
    }
    if out.iter().all(|v| matches!(v.strip(), Value::String(_))) {
        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    } else if out.iter().all(|v| matches!(v.strip(), Value::Number(_))) {
        out.sort_by(|a, b| {
            a.as_number()
                .partial_cmp(&b.as_number())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    Ok(Value::list(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hcl::parse_expr;

    fn ty(src: &str) -> Type {
        parse_type(&parse_expr(src).unwrap(), &mut |e| match &e.kind {
            ExprKind::Literal(v) => v.clone(),
            _ => Value::unknown(),
        })
        .unwrap()
    }

    #[test]
    fn optional_attributes_take_their_defaults() {
        let t = ty(
            "object({ name = string, size = optional(number, 20), tags = optional(map(string)) })",
        );
        let v = Value::map([("name".to_string(), Value::string("db"))]);
        assert_eq!(
            convert(&v, &t).unwrap().to_string(),
            "{name = \"db\", size = 20, tags = null}"
        );
        let missing = Value::map(cloudwright_model::Fields::new());
        assert_eq!(
            convert(&missing, &t).unwrap_err(),
            "attribute \"name\" is required"
        );
    }

    #[test]
    fn primitive_conversions_follow_terraform() {
        assert_eq!(
            convert(&Value::string("5"), &Type::Number)
                .unwrap()
                .as_number(),
            Some(5.0)
        );
        assert_eq!(
            convert(&Value::Number(5.0), &Type::String)
                .unwrap()
                .as_str(),
            Some("5")
        );
        assert!(convert(&Value::string("x"), &Type::Bool).is_err());
        let set = convert(
            &Value::list(vec![
                Value::string("b"),
                Value::string("a"),
                Value::string("b"),
            ]),
            &ty("set(string)"),
        )
        .unwrap();
        assert_eq!(set.to_string(), "[\"a\", \"b\"]");
    }
}
