//! A scenario file's TOML document, parsed once with the span of every key and value and kept for
//! the whole validation: it is what the raw layer is deserialized from, and what turns the span
//! of a deserialization error into a TOML path, or the path of a rejected value into a line and
//! column. No error parses the text again.

use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The parsed document and its text.
pub(super) struct Document<'i> {
    text: &'i str,
    root: Spanned<DeTable<'i>>,
}

impl<'i> Document<'i> {
    /// Parses the text.
    ///
    /// # Errors
    /// Malformed TOML, with its span.
    pub(super) fn parse(text: &'i str) -> Result<Document<'i>, toml::de::Error> {
        Ok(Document { text, root: DeTable::parse(text)? })
    }

    /// A deserializer of the document (the tree is copied, not parsed again).
    pub(super) fn deserializer(&self) -> toml::Deserializer<'i> {
        toml::Deserializer::from(self.root.clone())
    }

    /// 1-based line and column of a byte offset.
    pub(super) fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(self.text, offset)
    }

    /// The dotted TOML path (`strategy[1].wait`) of what a span (of an error) points at: the
    /// deepest key or value holding its start; empty for the document as a whole.
    ///
    /// A `[table]` or `[[array]]` item spans only its header, not the keys under it, so the
    /// search descends into every table rather than only into those that hold the offset.
    pub(super) fn path_of(&self, span: Range<usize>) -> String {
        let mut best = (0, String::new());
        if span != self.root.span() {
            deepest_in_table(self.root.get_ref(), span.start, &mut String::new(), 0, &mut best);
        }
        best.1
    }

    /// The span of the value at a dotted path like `strategy[1].wait`, or of its nearest parent
    /// present in the file (a table's header key, an absent field's table); `0..0` if none.
    pub(super) fn span_of(&self, path: &str) -> Range<usize> {
        let mut best = 0..0;
        let mut table = Some(self.root.get_ref());
        for part in path.split('.').filter(|p| !p.is_empty()) {
            let (key, indices) = part.split_at(part.find('[').unwrap_or(part.len()));
            let Some((k, v)) = table.and_then(|t| t.iter().find(|(k, _)| k.get_ref() == key)) else { return best };
            best = if matches!(v.get_ref(), DeValue::Table(_)) { k.span() } else { v.span() };
            let mut value = v;
            for index in indices.split('[').filter(|s| !s.is_empty()) {
                let item = index.trim_end_matches(']').parse::<usize>().ok().and_then(|i| match value.get_ref() {
                    DeValue::Array(items) => items.get(i),
                    _ => None,
                });
                let Some(item) = item else { return best };
                best = item.span();
                value = item;
            }
            table = match value.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            };
        }
        best
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.chars().count(), |i| before[i + 1..].chars().count()) + 1;
    (line, column)
}

/// Records in `best` the deepest path under `table` (at `path`, `depth` parts deep) whose key or
/// value span holds `offset`.
fn deepest_in_table(table: &DeTable<'_>, offset: usize, path: &mut String, depth: usize, best: &mut (usize, String)) {
    for (key, value) in table.iter() {
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key.get_ref());
        let k = key.span();
        if (k.start <= offset && offset < k.end.max(k.start + 1)) || value.span().contains(&offset) {
            consider(path, depth + 1, best);
        }
        deepest_in_value(value.get_ref(), offset, path, depth + 1, best);
        path.truncate(len);
    }
}

fn deepest_in_value(value: &DeValue<'_>, offset: usize, path: &mut String, depth: usize, best: &mut (usize, String)) {
    match value {
        DeValue::Table(t) => deepest_in_table(t, offset, path, depth, best),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                if item.span().contains(&offset) {
                    consider(path, depth + 1, best);
                }
                deepest_in_value(item.get_ref(), offset, path, depth + 1, best);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

fn consider(path: &str, depth: usize, best: &mut (usize, String)) {
    if depth > best.0 {
        *best = (depth, path.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"x\"\n[run]\nstart = \"2026-01-01\"\npricing = [\"auto\", \"per-message-2025\"]\n[business.fees]\nper-outbound = \"0.1\"\n[customers]\ncountries = { IN = 1.0, BR = 2 }\n[customers.visits]\ngap = { kind = \"fixed\", value = \"1m\" }\n[[strategy]]\nname = \"a\"\n[[strategy]]\nname = \"b\"\nwait = \"1d\"\n";

    fn at(needle: &str) -> usize {
        TEXT.find(needle).unwrap()
    }

    fn path_at(doc: &Document<'_>, offset: usize) -> String {
        doc.path_of(offset..offset + 1)
    }

    #[test]
    fn paths_of_offsets_and_offsets_of_paths_agree() {
        let doc = Document::parse(TEXT).unwrap();
        for (needle, path) in [
            ("\"per-message-2025\"", "run.pricing[1]"),
            ("start", "run.start"),
            ("per-outbound", "business.fees.per-outbound"),
            ("BR", "customers.countries.BR"),
            ("\"1m\"", "customers.visits.gap.value"),
            ("\"b\"", "strategy[1].name"),
            ("\"1d\"", "strategy[1].wait"),
            ("[[strategy]]\nname = \"b\"", "strategy[1]"),
            ("[customers.visits]", "customers.visits"),
        ] {
            assert_eq!(path_at(&doc, at(needle)), path, "{needle}");
        }
        assert_eq!(doc.path_of(doc.root.span()), "");
        assert_eq!(doc.span_of("strategy[1].wait").start, at("\"1d\""));
        assert_eq!(doc.span_of("run.pricing[1]").start, at("\"per-message-2025\""));
        // A table is located at its header's key; an absent field at its nearest parent.
        assert_eq!(doc.line_col(doc.span_of("customers.visits").start), (9, 12));
        assert_eq!(doc.span_of("customers.count"), doc.span_of("customers"));
        assert_eq!(doc.span_of("nowhere.at.all"), 0..0);
    }

    #[test]
    fn lines_and_columns_count_characters() {
        assert_eq!(line_col("a\né = 1", 5), (2, 3));
        assert_eq!(line_col("é", 1), (1, 1));
        assert_eq!(line_col("ab", 99), (1, 3));
    }
}
