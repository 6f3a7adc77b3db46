//! Problems found while loading, as values with locations. Library code returns
//! them; only the CLI decides how to print them.

use crate::source::{SourceMap, Span};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A located message about the input, with an optional hint on what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub span: Option<Span>,
    /// A file the diagnostic is about when there is no span (unreadable file).
    pub path: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            message: message.into(),
            span: None,
            path: None,
            help: None,
        }
    }

    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    pub fn info(message: impl Into<String>) -> Self {
        Self::new(Severity::Info, message)
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn at_opt(mut self, span: Option<Span>) -> Self {
        if span.is_some() {
            self.span = span;
        }
        self
    }

    pub fn in_file(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The name a misspelling most likely meant, as help ("did you mean
    /// `environment`?"), when there is one.
    pub fn meant(self, meant: Option<&str>) -> Self {
        match meant {
            Some(meant) => self.help(format!("did you mean `{meant}`?")),
            None => self,
        }
    }

    /// `(file, line, column)` for output; line and column are 0 when unknown.
    pub fn position(&self, sources: &SourceMap) -> (String, u32, u32) {
        match &self.span {
            Some(span) => (
                sources.get(span.file).display_path.clone(),
                span.line,
                span.column,
            ),
            None => (self.path.clone().unwrap_or_default(), 0, 0),
        }
    }

    /// Sort key so output is deterministic.
    pub fn sort_key(&self, sources: &SourceMap) -> (String, u32, u32, Severity, String) {
        let (file, line, col) = self.position(sources);
        (file, line, col, self.severity, self.message.clone())
    }
}
