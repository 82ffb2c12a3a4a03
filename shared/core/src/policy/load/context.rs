//! What every validation step needs: the file's name and text, to turn a value's position into a
//! `file:line: reason` error.

use std::fmt;
use std::str::FromStr;

use toml::Spanned;

use crate::ids::IdError;
use crate::policy::PolicyError;

pub(super) struct Ctx<'a> {
    pub(super) name: &'a str,
    pub(super) text: &'a str,
}

impl Ctx<'_> {
    pub(super) fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    pub(super) fn err<T>(&self, span: &Spanned<T>, reason: impl Into<String>) -> PolicyError {
        PolicyError::new(self.name, Some(self.line_of(span.span().start)), reason)
    }

    pub(super) fn id<I, T: FromStr<Err = IdError>>(
        &self,
        raw: &Spanned<I>,
    ) -> Result<T, PolicyError>
    where
        I: AsRef<str>,
    {
        raw.get_ref()
            .as_ref()
            .parse::<T>()
            .map_err(|e| self.err(raw, e.to_string()))
    }

    /// An id that must name one of `defined` (a tier or a severity defined earlier in the file);
    /// the error lists the ones there are. `what` is the singular and the plural, for the message.
    pub(super) fn reference<T, D>(
        &self,
        raw: &Spanned<String>,
        defined: &[D],
        id_of: impl Fn(&D) -> &T,
        what: (&str, &str),
    ) -> Result<T, PolicyError>
    where
        T: FromStr<Err = IdError> + PartialEq + fmt::Display,
    {
        let id: T = self.id(raw)?;
        if defined.iter().any(|d| *id_of(d) == id) {
            return Ok(id);
        }
        let names: Vec<String> = defined.iter().map(|d| id_of(d).to_string()).collect();
        Err(self.err(
            raw,
            format!(
                "unknown {} \"{id}\"; the {} are {}",
                what.0,
                what.1,
                names.join(", ")
            ),
        ))
    }
}
