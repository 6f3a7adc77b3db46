//! Custom conditions: a `validation` of a variable, a `precondition` or
//! `postcondition` of a resource, data source or output, an `assert` of a
//! `check` block. Each has a `condition` and an `error_message`; Terraform
//! checks the ones it can while planning, and so does Cloudwright — with
//! the values it knows. A condition on values known only after apply is
//! Terraform's to check at apply time: it is never reported as failing.

use crate::eval::Evaluator;
use crate::syntax::Block;
use cloudwright_model::{Diagnostic, Span, Value};

/// What a condition block says of the values it was evaluated with.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Holds,
    /// Depends on values known only after apply.
    Unknown,
    /// False: the block's error message (never a sensitive value's text).
    Fails(String),
    /// Neither true nor false: the type it had.
    NotBool(&'static str),
}

/// Evaluates a condition block; `None` when it has no `condition`. The
/// span is the `condition` argument's.
pub fn evaluate(ev: &mut Evaluator<'_>, block: &Block) -> Option<(Outcome, Span)> {
    let condition = block.body.attribute("condition")?;
    let entered = ev.enter(&block.origin);
    let result = ev.eval_attr(condition);
    let span = ev.span_in(&condition.origin, condition.range);
    let outcome = match result.strip() {
        Value::Unknown(_) => Outcome::Unknown,
        known => match known.as_bool() {
            Some(true) => Outcome::Holds,
            Some(false) => Outcome::Fails(error_message(ev, block)),
            None => Outcome::NotBool(known.type_name()),
        },
    };
    ev.leave(entered);
    Some((outcome, span))
}

/// The block's `error_message`, or what stands for it: the message may
/// quote the values it checks, and a sensitive one is never written.
fn error_message(ev: &mut Evaluator<'_>, block: &Block) -> String {
    let Some(attr) = block.body.attribute("error_message") else {
        return "(it has no error message)".to_string();
    };
    let message = ev.eval_attr(attr);
    if message.is_sensitive() {
        return "(its error message refers to a sensitive value)".to_string();
    }
    match message.as_str() {
        Some(text) => text.to_string(),
        None if message.is_unknown() => {
            format!("(its error message is {})", message.why_unknown())
        }
        None => format!("(its error message is not a string: {message})"),
    }
}

/// Checks condition blocks of `kind` (`precondition`, `postcondition`,
/// `assert`) and reports those that fail, or are neither true nor false,
/// about `subject` (`` `aws_instance.web[0]` ``, `` output `x` ``):
/// errors, or warnings for a `check` block's assertions (as in Terraform).
pub fn check_all<'b>(
    ev: &mut Evaluator<'_>,
    blocks: impl Iterator<Item = &'b Block>,
    kind: &str,
    subject: &str,
) {
    for block in blocks {
        let Some((outcome, span)) = evaluate(ev, block) else {
            continue;
        };
        let diagnostic = match outcome {
            Outcome::Holds | Outcome::Unknown => continue,
            Outcome::Fails(message) if kind == "assert" => {
                Diagnostic::warning(format!("{subject}: an assertion fails: {message}"))
            }
            Outcome::Fails(message) => {
                Diagnostic::error(format!("{subject}: its {kind} fails: {message}"))
            }
            Outcome::NotBool(type_name) => Diagnostic::error(format!(
                "{subject}: the condition of its {kind} must be true or false, not {type_name}"
            )),
        };
        ev.diagnostics.push(diagnostic.at(span));
    }
}
