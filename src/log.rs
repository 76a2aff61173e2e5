//! Message logs: the public CSV contract `time,customer,direction,type,category,country[,status]`
//! that the simulator writes and `wasim bill` reads, and the billing of a log.

pub mod bill;
pub mod decisions;
pub mod explain;
mod ids;

use crate::pricing::markets::Country;
use crate::rules::{MessageKind, Status, TemplateCategory};
use crate::time::{Time, UtcOffset};
use std::fmt;
use std::io::{Read, Write};

/// The header of a message log, in order (`status` is optional when reading).
pub const HEADER: [&str; 7] = ["time", "customer", "direction", "type", "category", "country", "status"];

/// A problem in a message log, located by line, data row and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct LogError {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The data row (the first row after the header is row 1); 0 for the header.
    pub row: u64,
    /// The column, when one is at fault.
    pub column: Option<&'static str>,
    /// What was expected and what was found.
    pub message: String,
}

impl LogError {
    fn describe(&self) -> String {
        let place = if self.row == 0 {
            format!("line {} (header)", self.line)
        } else {
            format!("line {} (row {})", self.line, self.row)
        };
        let message = one_line(&self.message);
        match self.column {
            Some(c) => format!("{place}, column `{c}`: {message}"),
            None => format!("{place}: {message}"),
        }
    }
}

/// Most characters of a found value an error repeats.
const SHOWN: usize = 240;

/// An error message as one readable line: control characters (a stray quote can make a field
/// span lines) escaped, and a runaway value cut short.
fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(SHOWN + 8));
    for (i, c) in message.chars().enumerate() {
        if i == SHOWN {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// One parsed row of a log: a message of one customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// Delivery (inbound: received) time.
    pub time: Time,
    /// The customer's index in the log's customer table.
    pub customer: u32,
    /// What the message is.
    pub kind: MessageKind,
    /// Delivered or failed.
    pub status: Status,
    /// The country of the customer's number.
    pub country: Country,
    /// The line in the file, for errors and decisions.
    pub line: u64,
    /// The data row, 1-based, in file order.
    pub row: u64,
}

impl Row {
    /// The order rows are priced in: time, then inbound before outbound, then file order.
    #[must_use]
    pub fn priced_order(&self) -> (Time, bool, u64) {
        (self.time, self.kind.is_outbound(), self.row)
    }
}

/// Column positions of a log's header.
#[derive(Clone, Copy, Debug)]
struct Columns {
    time: usize,
    customer: usize,
    direction: usize,
    kind: usize,
    category: usize,
    country: usize,
    status: Option<usize>,
}

/// Reads a message log row by row, without allocating per row.
pub struct LogReader<R: Read> {
    csv: csv::Reader<R>,
    columns: Columns,
    record: csv::ByteRecord,
    rows: u64,
}

impl<R: Read> LogReader<R> {
    /// Reads and checks the header.
    ///
    /// # Errors
    /// A missing, duplicated or unknown column.
    pub fn new(input: R) -> Result<LogReader<R>, LogError> {
        // Fields are trimmed as they are read (`trim_ascii`, the same ASCII whitespace as the csv
        // crate's `Trim::All`, which would copy every record to trim it).
        let mut csv = csv::ReaderBuilder::new().trim(csv::Trim::Headers).flexible(true).from_reader(input);
        let header_error = |message: String| LogError { line: 1, row: 0, column: None, message };
        let headers = csv.byte_headers().map_err(|e| header_error(e.to_string()))?.clone();
        let mut found: [Option<usize>; 7] = [None; 7];
        for (i, h) in headers.iter().enumerate() {
            let name = String::from_utf8_lossy(h).to_ascii_lowercase();
            let name = name.trim_start_matches('\u{feff}');
            match HEADER.iter().position(|c| *c == name) {
                Some(k) if found[k].is_some() => return Err(header_error(format!("column `{name}` appears twice"))),
                Some(k) => found[k] = Some(i),
                None => {
                    return Err(header_error(format!(
                        "unknown column `{name}`; a message log has the columns {}",
                        HEADER.join(",")
                    )));
                }
            }
        }
        let need = |k: usize| {
            found[k].ok_or_else(|| {
                header_error(format!(
                    "missing column `{}`; a message log's header is time,customer,direction,type,category,country[,status]",
                    HEADER[k]
                ))
            })
        };
        let columns = Columns {
            time: need(0)?,
            customer: need(1)?,
            direction: need(2)?,
            kind: need(3)?,
            category: need(4)?,
            country: need(5)?,
            status: found[6],
        };
        Ok(LogReader { csv, columns, record: csv::ByteRecord::new(), rows: 0 })
    }

    /// Reads the next row. `customer_index` turns the row's customer id into an index.
    ///
    /// # Errors
    /// The first malformed field, with its line, row and column.
    pub fn next_row(&mut self, customer_index: &mut impl FnMut(&str) -> u32) -> Result<Option<Row>, LogError> {
        let more = self.csv.read_byte_record(&mut self.record).map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            LogError { line, row: self.rows + 1, column: None, message: e.to_string() }
        })?;
        if !more {
            return Ok(None);
        }
        self.rows += 1;
        let line = self.record.position().map_or(0, csv::Position::line);
        let row = self.rows;
        let err = |column: &'static str, message: String| LogError { line, row, column: Some(column), message };
        let record = &self.record;
        // One UTF-8 check for the whole row: when it is valid, a field is valid exactly when it
        // starts and ends on character boundaries, which `str::get` checks. Otherwise each field
        // is checked on its own, as it is read, so the first bad field is the one named.
        let whole = std::str::from_utf8(record.as_slice()).ok();
        let field = |i: usize, name: &'static str| -> Result<&str, LogError> {
            let missing = || err(name, "missing value (the row has too few fields)".into());
            let not_utf8 = || err(name, "not valid UTF-8".into());
            match whole {
                Some(whole) => {
                    let range = record.range(i).ok_or_else(missing)?;
                    whole.get(range).map(str::trim_ascii).ok_or_else(not_utf8)
                }
                None => {
                    let bytes = record.get(i).ok_or_else(missing)?;
                    std::str::from_utf8(bytes.trim_ascii()).map_err(|_| not_utf8())
                }
            }
        };
        let c = self.columns;
        let fields = if c.status.is_some() { 7 } else { 6 };
        if record.len() != fields {
            return Err(LogError {
                line,
                row,
                column: None,
                message: format!("expected {fields} fields as in the header, found {}", record.len()),
            });
        }
        let time = Time::parse_rfc3339(field(c.time, "time")?)
            .map_err(|e| err("time", format!("{e}; found `{}`", field(c.time, "time").unwrap_or(""))))?;
        let customer = field(c.customer, "customer")?;
        if customer.is_empty() {
            return Err(err("customer", "expected a customer id, found an empty value".into()));
        }
        let direction = field(c.direction, "direction")?;
        let kind_text = field(c.kind, "type")?;
        let category = field(c.category, "category")?;
        let kind = parse_kind(direction, kind_text, category).map_err(|(col, m)| err(col, m))?;
        let country = Country::parse(field(c.country, "country")?).map_err(|e| err("country", e))?;
        let status = match c.status {
            None => Status::Delivered,
            Some(i) => match field(i, "status")? {
                s if s.is_empty() || s.eq_ignore_ascii_case("delivered") => Status::Delivered,
                s if s.eq_ignore_ascii_case("failed") && kind.is_outbound() => Status::Failed,
                s if s.eq_ignore_ascii_case("failed") => {
                    return Err(err(
                        "status",
                        "inbound messages are received; `failed` applies to outbound rows only".into(),
                    ));
                }
                other => {
                    let other = other.to_ascii_lowercase();
                    return Err(err("status", format!("expected delivered or failed (or empty), found `{other}`")));
                }
            },
        };
        let customer = customer_index(customer);
        Ok(Some(Row { time, customer, kind, status, country, line, row }))
    }
}

fn parse_kind(direction: &str, kind: &str, category: &str) -> Result<MessageKind, (&'static str, String)> {
    let is = |text: &str, word: &str| text.eq_ignore_ascii_case(word);
    let no_category = |k: MessageKind| {
        if category.is_empty() {
            Ok(k)
        } else {
            Err((
                "category",
                format!("only templates have a category; expected it empty for a `{kind}` row, found `{category}`"),
            ))
        }
    };
    if is(direction, "in") {
        if is(kind, "message") {
            no_category(MessageKind::Inbound { entry_point: false })
        } else if is(kind, "entry_point") || is(kind, "entry-point") {
            no_category(MessageKind::Inbound { entry_point: true })
        } else {
            Err(("type", format!("expected message or entry_point for an inbound row, found `{kind}`")))
        }
    } else if is(direction, "out") {
        if is(kind, "template") {
            TemplateCategory::ALL.into_iter().find(|c| is(category, c.id())).map(MessageKind::Template).ok_or_else(
                || {
                    (
                        "category",
                        format!("expected marketing, utility or authentication for a template, found `{category}`"),
                    )
                },
            )
        } else if is(kind, "freeform") || is(kind, "free-form") || is(kind, "free_form") {
            no_category(MessageKind::FreeForm)
        } else {
            Err(("type", format!("expected template or freeform for an outbound row, found `{kind}`")))
        }
    } else {
        Err(("direction", format!("expected in or out, found `{direction}`")))
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
pub(crate) fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")).into() } else { s.into() }
}

/// The log's words for a message kind: (direction, type, category).
#[must_use]
pub fn kind_fields(kind: MessageKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        MessageKind::Inbound { entry_point: false } => ("in", "message", ""),
        MessageKind::Inbound { entry_point: true } => ("in", "entry_point", ""),
        MessageKind::Template(c) => ("out", "template", c.id()),
        MessageKind::FreeForm => ("out", "freeform", ""),
    }
}

/// Writes a message log in the public format.
pub struct LogWriter<W: Write> {
    out: W,
    offset: UtcOffset,
}

impl<W: Write> LogWriter<W> {
    /// Starts a log, writing the header; times are written in the given offset.
    ///
    /// # Errors
    /// I/O errors.
    pub fn new(mut out: W, offset: UtcOffset) -> std::io::Result<LogWriter<W>> {
        writeln!(out, "{}", HEADER.join(","))?;
        Ok(LogWriter { out, offset })
    }

    /// Writes one message. Customer ids must not contain commas, quotes or newlines.
    ///
    /// # Errors
    /// I/O errors.
    pub fn write(
        &mut self,
        time: Time,
        customer: &str,
        kind: MessageKind,
        country: Country,
        status: Status,
    ) -> std::io::Result<()> {
        let (direction, kind, category) = kind_fields(kind);
        let status = match status {
            Status::Delivered => "delivered",
            Status::Failed => "failed",
        };
        writeln!(self.out, "{},{customer},{direction},{kind},{category},{country},{status}", time.display(self.offset))
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, k, c) = kind_fields(self.kind);
        write!(f, "{d} {k}{}{c}", if c.is_empty() { "" } else { " " })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_error(text: &[u8]) -> LogError {
        let mut reader = LogReader::new(text).unwrap();
        loop {
            match reader.next_row(&mut |_| 0) {
                Ok(Some(_)) => {}
                Ok(None) => panic!("no error in {}", String::from_utf8_lossy(text)),
                Err(e) => return e,
            }
        }
    }

    #[test]
    fn invalid_utf8_is_reported_in_the_field_that_holds_it() {
        let header = b"time,customer,direction,type,category,country,status\n".to_vec();
        // A two-byte character split by a comma: the row as a whole would be valid UTF-8 with the
        // comma removed, yet both fields are invalid; the first one read is named.
        let cases: [(&[u8], &str); 4] = [
            (b"2025-07-01T10:00:00Z,a\xc3,\xa9in,message,,IN,\n", "customer"),
            (b"2025-07-01T10:00:00Z,\xc3\xa9,in,message,,I\xff,\n", "country"),
            (b"2025-07-01T10:00:00Z,a,in,message,,IN,\xe2\x82\n", "status"),
            (b"2025-07-01T10:00:00Z,a,\xa9in,message,,IN,\n", "direction"),
        ];
        for (row, column) in cases {
            let mut text = header.clone();
            text.extend_from_slice(row);
            let e = first_error(&text);
            assert_eq!((e.column, e.message.as_str()), (Some(column), "not valid UTF-8"), "{e}");
        }
    }

    #[test]
    fn non_ascii_ids_are_read_whole_and_trimmed() {
        let text = "time,customer,direction,type,category,country\n2025-07-01T10:00:00Z, José \t,in,message,,br\n";
        let mut reader = LogReader::new(text.as_bytes()).unwrap();
        let mut seen = String::new();
        let row = reader.next_row(&mut |id| {
            seen = id.to_owned();
            7
        });
        assert_eq!(row.unwrap().map(|r| (r.customer, r.country.to_string())), Some((7, "BR".to_owned())));
        assert_eq!(seen, "José");
    }

    #[test]
    fn a_header_broken_by_a_stray_quote_is_reported_on_one_line() {
        let text = "time,\"customer,direction\ntype,category,country\n2025-07-01T00:00:00Z,a,in,message,,IN\n";
        let Err(e) = LogReader::new(text.as_bytes()) else { panic!("a broken header was accepted") };
        let shown = e.to_string();
        assert_eq!(shown.lines().count(), 1, "{shown}");
        assert!(shown.contains("unknown column") && shown.contains("\\n"), "{shown}");
    }

    #[test]
    fn runaway_values_are_cut_short() {
        let long = "x".repeat(10_000);
        let shown = LogError { line: 2, row: 1, column: Some("customer"), message: long }.to_string();
        assert!(shown.chars().count() < 300 && shown.ends_with('…'), "{}", shown.len());
    }
}
