//! Message logs: the public CSV contract `time,customer,direction,type,category,country` with the
//! optional `status`, `business_number`, `price` and `max_price` columns, that the simulator
//! writes and `wasim bill` reads (`docs/log-format.md`), and the billing of a log.

pub mod bill;
pub mod decisions;
pub mod explain;
mod ids;

use crate::pricing::ledger::PriceCap;
use crate::pricing::markets::Country;
use crate::pricing::money::Money;
use crate::rules::{MessageKind, Status, TemplateCategory};
use crate::time::{Time, UtcOffset};
use std::fmt;
use std::io::{Read, Write};

/// The columns every message log has, in the order wasim writes them.
pub const HEADER: [&str; 6] = ["time", "customer", "direction", "type", "category", "country"];
/// The optional columns a log may add, in the order wasim writes them.
pub const OPTIONAL: [&str; 4] = ["status", "business_number", "price", "max_price"];

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
    /// The business number's index in the log's table of numbers (0 without the column).
    pub number: u16,
    /// A marketing template's reported price or cap (rule 29).
    pub cap: PriceCap,
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

/// Which optional columns a log has, beyond `status` (what the decisions file echoes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogShape {
    /// A `business_number` column (rule 27).
    pub business_numbers: bool,
    /// A `price` or `max_price` column (rule 29).
    pub prices: bool,
}

/// A category Meta reports that the rules do not price (rule 30): such rows are counted and
/// listed, and have no other effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unmodelled {
    /// Messages of Meta's own AI agent, billed per token.
    GeneralPurposeAi,
    /// Group chats, by category.
    GroupMarketing,
    /// A group chat's utility message.
    GroupUtility,
    /// A group chat's service message.
    GroupService,
}

impl Unmodelled {
    /// Every unmodelled category.
    pub const ALL: [Unmodelled; 4] =
        [Unmodelled::GeneralPurposeAi, Unmodelled::GroupMarketing, Unmodelled::GroupUtility, Unmodelled::GroupService];

    /// The category as a log writes it.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Unmodelled::GeneralPurposeAi => "general_purpose_ai",
            Unmodelled::GroupMarketing => "group_marketing",
            Unmodelled::GroupUtility => "group_utility",
            Unmodelled::GroupService => "group_service",
        }
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
    business_number: Option<usize>,
    price: Option<usize>,
    max_price: Option<usize>,
}

/// Reads a message log row by row, without allocating per row.
pub struct LogReader<R: Read> {
    csv: csv::Reader<R>,
    columns: Columns,
    fields: usize,
    record: csv::ByteRecord,
    rows: u64,
    /// Business numbers in order of first appearance (rule 27).
    numbers: Vec<String>,
    /// Rows of categories the rules do not price, by category (rule 30).
    unmodelled: [u64; Unmodelled::ALL.len()],
}

/// Most business numbers one log may name.
const MAX_NUMBERS: usize = u16::MAX as usize;

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
        let known: Vec<&str> = HEADER.iter().chain(&OPTIONAL).copied().collect();
        let mut found: Vec<Option<usize>> = vec![None; known.len()];
        for (i, h) in headers.iter().enumerate() {
            let name = String::from_utf8_lossy(h).to_ascii_lowercase();
            let name = name.trim_start_matches('\u{feff}');
            match known.iter().position(|c| *c == name) {
                Some(k) if found[k].is_some() => return Err(header_error(format!("column `{name}` appears twice"))),
                Some(k) => found[k] = Some(i),
                None => {
                    return Err(header_error(format!(
                        "unknown column `{name}`; a message log has the columns {} and optionally {}",
                        HEADER.join(","),
                        OPTIONAL.join(",")
                    )));
                }
            }
        }
        let need = |k: usize| {
            found[k].ok_or_else(|| {
                header_error(format!(
                    "missing column `{}`; a message log's header is {} and optionally {}",
                    HEADER[k],
                    HEADER.join(","),
                    OPTIONAL.join(",")
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
            business_number: found[7],
            price: found[8],
            max_price: found[9],
        };
        let fields = found.iter().flatten().count();
        let reader = LogReader {
            csv,
            columns,
            fields,
            record: csv::ByteRecord::new(),
            rows: 0,
            numbers: Vec::new(),
            unmodelled: [0; Unmodelled::ALL.len()],
        };
        Ok(reader)
    }

    /// Which optional columns the log has.
    #[must_use]
    pub fn shape(&self) -> LogShape {
        let c = &self.columns;
        LogShape { business_numbers: c.business_number.is_some(), prices: c.price.is_some() || c.max_price.is_some() }
    }

    /// The business numbers read so far, by index.
    #[must_use]
    pub fn numbers(&self) -> &[String] {
        &self.numbers
    }

    /// The rows of unmodelled categories read so far, per category (rule 30).
    pub fn unmodelled(&self) -> impl Iterator<Item = (Unmodelled, u64)> + '_ {
        Unmodelled::ALL.into_iter().zip(self.unmodelled).filter(|(_, n)| *n > 0)
    }

    /// Reads the next row of a message. `customer_index` turns the row's customer id into an
    /// index. Rows of unmodelled categories are counted ([`LogReader::unmodelled`]) and skipped.
    ///
    /// # Errors
    /// The first malformed field, with its line, row and column.
    pub fn next_row(&mut self, customer_index: &mut impl FnMut(&str) -> u32) -> Result<Option<Row>, LogError> {
        loop {
            let more = self.csv.read_byte_record(&mut self.record).map_err(|e| {
                let line = e.position().map_or(0, csv::Position::line);
                LogError { line, row: self.rows + 1, column: None, message: e.to_string() }
            })?;
            if !more {
                return Ok(None);
            }
            self.rows += 1;
            if let Some(row) = self.parse(customer_index)? {
                return Ok(Some(row));
            }
        }
    }

    /// Parses the record just read: a message, or `None` for an unmodelled row (counted).
    fn parse(&mut self, customer_index: &mut impl FnMut(&str) -> u32) -> Result<Option<Row>, LogError> {
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
        if record.len() != self.fields {
            return Err(LogError {
                line,
                row,
                column: None,
                message: format!("expected {} fields as in the header, found {}", self.fields, record.len()),
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
        let parsed = parse_kind(direction, kind_text, category).map_err(|(col, m)| err(col, m))?;
        let country = Country::parse(field(c.country, "country")?).map_err(|e| err("country", e))?;
        let number = match c.business_number {
            None => None,
            Some(i) => {
                let number = field(i, "business_number")?;
                if number.is_empty() {
                    return Err(err(
                        "business_number",
                        "expected a business phone number, found an empty value".into(),
                    ));
                }
                Some(number)
            }
        };
        let marketing = matches!(parsed, Parsed::Message(MessageKind::Template(TemplateCategory::Marketing)));
        let price = |column: Option<usize>, name: &'static str| -> Result<Option<Money>, LogError> {
            let Some(i) = column else { return Ok(None) };
            let text = field(i, name)?;
            if text.is_empty() {
                return Ok(None);
            }
            if !marketing {
                let what = match parsed {
                    Parsed::Unmodelled(u) => format!("a row of category `{}`", u.id()),
                    Parsed::Message(kind) => format!("a `{}` row", Shown(kind)),
                };
                return Err(err(
                    name,
                    format!("a {name} applies to marketing templates only (rule 29), not to {what}"),
                ));
            }
            Money::parse(text).map(Some).map_err(|e| err(name, e))
        };
        let (reported, max) = (price(c.price, "price")?, price(c.max_price, "max_price")?);
        let kind = match parsed {
            Parsed::Message(kind) => kind,
            // Rule 30: counted and listed, with no other effect (the row is still checked).
            Parsed::Unmodelled(u) => {
                self.unmodelled[u as usize] += 1;
                return Ok(None);
            }
        };
        // Rule 29: a reported price is the charge, whatever the cap.
        let cap = match (reported, max) {
            (Some(p), _) => PriceCap::Reported(p),
            (None, Some(m)) => PriceCap::AtMost(m),
            (None, None) => PriceCap::None,
        };
        let status = match c.status {
            None => Status::Delivered,
            Some(i) => match field(i, "status")? {
                s if s.is_empty() || s.eq_ignore_ascii_case("delivered") => Status::Delivered,
                s if s.eq_ignore_ascii_case("failed") && kind.is_outbound() => Status::Failed,
                s if s.eq_ignore_ascii_case("failed") => {
                    return Err(err(
                        "status",
                        "inbound messages and calls are received; `failed` applies to outbound rows only".into(),
                    ));
                }
                other => {
                    let other = other.to_ascii_lowercase();
                    return Err(err("status", format!("expected delivered or failed (or empty), found `{other}`")));
                }
            },
        };
        let number = match number {
            None => 0,
            Some(number) => match self.numbers.iter().position(|n| n == number) {
                Some(i) => i as u16,
                None if self.numbers.len() < MAX_NUMBERS => {
                    self.numbers.push(number.to_owned());
                    (self.numbers.len() - 1) as u16
                }
                None => {
                    return Err(err("business_number", format!("more than {MAX_NUMBERS} business numbers in one log")));
                }
            },
        };
        let customer = customer_index(customer);
        Ok(Some(Row { time, customer, kind, status, country, number, cap, line, row }))
    }
}

/// A kind of message as a log writes it, for messages about a row.
struct Shown(MessageKind);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, k, c) = kind_fields(self.0);
        write!(f, "{d} {k}{}{c}", if c.is_empty() { "" } else { " " })
    }
}

/// What a row's direction, type and category say.
#[derive(Clone, Copy, Debug)]
enum Parsed {
    Message(MessageKind),
    Unmodelled(Unmodelled),
}

/// The categories rule 30 lists as unmodelled, by the word a log writes.
fn unmodelled(category: &str) -> Option<Unmodelled> {
    Unmodelled::ALL.into_iter().find(|u| category.eq_ignore_ascii_case(u.id()))
}

fn parse_kind(direction: &str, kind: &str, category: &str) -> Result<Parsed, (&'static str, String)> {
    let is = |text: &str, word: &str| text.eq_ignore_ascii_case(word);
    let no_category = |k: MessageKind| {
        if category.is_empty() {
            Ok(Parsed::Message(k))
        } else {
            Err(("category", format!("a `{kind}` row has no category; expected it empty, found `{category}`")))
        }
    };
    if is(direction, "in") {
        if is(kind, "message") {
            no_category(MessageKind::Inbound { entry_point: false })
        } else if is(kind, "entry_point") || is(kind, "entry-point") {
            no_category(MessageKind::Inbound { entry_point: true })
        } else if is(kind, "call") {
            no_category(MessageKind::Call)
        } else {
            Err(("type", format!("expected message, entry_point or call for an inbound row, found `{kind}`")))
        }
    } else if is(direction, "out") {
        if let Some(u) = unmodelled(category) {
            return Ok(Parsed::Unmodelled(u));
        }
        if is(kind, "template") {
            if is(category, "marketing_lite") {
                // Rule 30: a marketing template sent through the Marketing Messages API.
                return Ok(Parsed::Message(MessageKind::Template(TemplateCategory::Marketing)));
            }
            TemplateCategory::ALL
                .into_iter()
                .find(|c| is(category, c.id()))
                .map(|c| Parsed::Message(MessageKind::Template(c)))
                .ok_or_else(|| {
                    (
                        "category",
                        format!(
                            "expected marketing, utility, authentication or marketing_lite for a template, found `{category}`"
                        ),
                    )
                })
        } else if is(kind, "freeform") || is(kind, "free-form") || is(kind, "free_form") {
            if category.is_empty() || is(category, "service") {
                Ok(Parsed::Message(MessageKind::FreeForm))
            } else if is(category, "utility") {
                // Rule 28: Direct Send.
                Ok(Parsed::Message(MessageKind::DirectSend(TemplateCategory::Utility)))
            } else if is(category, "authentication") {
                Ok(Parsed::Message(MessageKind::DirectSend(TemplateCategory::Authentication)))
            } else {
                Err((
                    "category",
                    format!(
                        "expected empty or service (free-form), or utility or authentication (Direct Send) for a freeform row, found `{category}`"
                    ),
                ))
            }
        } else if is(kind, "reaction") {
            no_category(MessageKind::Reaction)
        } else {
            Err(("type", format!("expected template, freeform or reaction for an outbound row, found `{kind}`")))
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
        MessageKind::Call => ("in", "call", ""),
        MessageKind::Template(c) => ("out", "template", c.id()),
        MessageKind::FreeForm => ("out", "freeform", ""),
        MessageKind::DirectSend(c) => ("out", "freeform", c.id()),
        MessageKind::Reaction => ("out", "reaction", ""),
    }
}

/// Writes a message log in the public format: the six columns and `status`, with
/// `business_number` and `price` when the shape asks for them.
pub struct LogWriter<W: Write> {
    out: W,
    offset: UtcOffset,
    shape: LogShape,
}

impl<W: Write> LogWriter<W> {
    /// Starts a log, writing the header; times are written in the given offset.
    ///
    /// # Errors
    /// I/O errors.
    pub fn new(mut out: W, offset: UtcOffset, shape: LogShape) -> std::io::Result<LogWriter<W>> {
        write!(out, "{},status", HEADER.join(","))?;
        if shape.business_numbers {
            write!(out, ",business_number")?;
        }
        if shape.prices {
            write!(out, ",price")?;
        }
        writeln!(out)?;
        Ok(LogWriter { out, offset, shape })
    }

    /// Writes one message: its business number (written when the shape has the column) and the
    /// price Meta charged a capped marketing template (rule 29). Customer ids and numbers must
    /// not contain commas, quotes or newlines.
    ///
    /// # Errors
    /// I/O errors.
    #[allow(clippy::too_many_arguments)]
    pub fn write(
        &mut self,
        time: Time,
        customer: &str,
        kind: MessageKind,
        country: Country,
        status: Status,
        number: &str,
        price: Option<Money>,
    ) -> std::io::Result<()> {
        let (direction, kind, category) = kind_fields(kind);
        let status = match status {
            Status::Delivered => "delivered",
            Status::Failed => "failed",
        };
        write!(self.out, "{},{customer},{direction},{kind},{category},{country},{status}", time.display(self.offset))?;
        if self.shape.business_numbers {
            write!(self.out, ",{number}")?;
        }
        if self.shape.prices {
            match price {
                Some(p) => write!(self.out, ",{p}")?,
                None => write!(self.out, ",")?,
            }
        }
        writeln!(self.out)
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Shown(self.kind))
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
