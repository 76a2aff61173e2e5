//! A small language for timelines with their expected charges, and the harness that bills them
//! through the library (`bill_log` on an in-memory CSV) and checks every message.
//!
//! A script is one message per line, `#` starts a comment:
//!
//! ```text
//! <when> [<customer>] <country> <kind> <expect> [opens=<category>|-] [as=<category>] [model=<id>]
//! ```
//!
//! - `when`: an offset from the script's base (`0h`, `23h59m`, `24h-1s`, `2d3h`) or an absolute
//!   RFC 3339 time (`2025-06-30T20:00:00Z`).
//! - `customer`: optional, `c` by default (a token that is not a two-letter country).
//! - `kind`: `in` (inbound), `ep` (entry-point inbound), `mk`/`ut`/`au` (marketing, utility,
//!   authentication template), `ff` (free-form); a trailing `!` marks the row `failed`.
//! - `expect`: `free` (delivered or received, no charge by any rule), `tier` (free under a monthly
//!   free tier or allowance), `blocked`, `failed`, or a decimal: charged at exactly that amount.
//! - `opens=`: the conversation the message opened (`-`: none); `as=`: the category it is
//!   billed under; `model=`: the pricing model that priced it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Cursor;

use chrono::{DateTime, Duration, SecondsFormat};
use wasim::{
    Bill, BillError, BillOptions, Country, Date, DecisionSink, LogShape, Money, Outcome, Priced, Pricing, ProviderFees,
    RateBook, Reason, Row, Settings, UserFile, UtcOffset, bill_log,
};

/// One decision as the sink received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub customer: String,
    pub number: Option<String>,
    pub row: Row,
    pub priced: Priced,
}

/// Keeps every decision.
#[derive(Default)]
pub struct Recorder {
    pub decisions: Vec<Recorded>,
}

impl DecisionSink for Recorder {
    fn start(&mut self, _: LogShape) -> std::io::Result<()> {
        self.decisions.clear();
        Ok(())
    }

    fn decision(&mut self, customer: &str, number: Option<&str>, row: &Row, priced: &Priced) -> std::io::Result<()> {
        let number = number.map(str::to_owned);
        self.decisions.push(Recorded { customer: customer.to_owned(), number, row: *row, priced: *priced });
        Ok(())
    }
}

/// The bundled rate book.
pub fn book() -> RateBook {
    RateBook::bundled().expect("bundled data loads")
}

/// The bundled book with a tier table.
pub fn book_with_tiers(tiers: &str) -> RateBook {
    RateBook::with_user_files(&[], None, Some(UserFile { name: "tiers.csv", text: tiers })).expect("test tier table")
}

/// Options: a pricing, the allowance size, no fees, UTC.
pub fn options(pricing: &str, allowance: u64) -> BillOptions {
    BillOptions {
        settings: Settings::new(Pricing::parse(pricing).expect("pricing id")),
        free_tier: allowance,
        fees: ProviderFees::default(),
    }
}

/// Options with a time zone.
pub fn options_tz(pricing: &str, allowance: u64, offset: &str) -> BillOptions {
    let mut o = options(pricing, allowance);
    o.settings.offset = UtcOffset::parse(offset).expect("offset");
    o
}

/// Options for authentication-international: the business's country and eligibility date.
pub fn options_intl(pricing: &str, primary: &str, from: &str) -> BillOptions {
    let mut o = options(pricing, 0);
    o.settings.primary_country = Some(Country::parse(primary).expect("country"));
    o.settings.auth_international_from = Some(Date::parse(from).expect("date"));
    o
}

/// Parses money written in a test.
pub fn money(text: &str) -> Money {
    Money::parse(text).expect("test amount")
}

/// Bills a CSV log held in memory.
pub fn bill_csv(csv: &str, book: &RateBook, options: &BillOptions) -> Result<(Bill, Vec<Recorded>), BillError> {
    let mut recorder = Recorder::default();
    let bytes = csv.as_bytes().to_vec();
    let bill = bill_log(|| Ok(Cursor::new(bytes.clone())), book, options, &mut recorder)?;
    Ok((bill, recorder.decisions))
}

/// What a script line expects.
#[derive(Clone, Debug, PartialEq)]
enum Expect {
    Free,
    Tier,
    Exempt,
    Blocked,
    Failed,
    Charged(Money),
    /// A row of a category the rules do not price (rule 30): no decision at all.
    Unmodelled,
}

#[derive(Clone, Debug)]
struct Line {
    text: String,
    expect: Expect,
    opens: Option<String>,
    billed_as: Option<String>,
    model: Option<String>,
    card: Option<Money>,
}

const HEADER: &str = "time,customer,direction,type,category,country,status";

fn offset_seconds(when: &str) -> i64 {
    let mut total = 0i64;
    let mut number = 0i64;
    let mut sign = 1i64;
    let mut seen_digit = false;
    for ch in when.chars() {
        match ch {
            '-' => sign = -1,
            '+' => sign = 1,
            '0'..='9' => {
                number = number * 10 + i64::from(ch.to_digit(10).unwrap_or(0));
                seen_digit = true;
            }
            'd' | 'h' | 'm' | 's' => {
                assert!(seen_digit, "bad offset `{when}`");
                let unit = match ch {
                    'd' => 86_400,
                    'h' => 3_600,
                    'm' => 60,
                    _ => 1,
                };
                total += sign * number * unit;
                number = 0;
                sign = 1;
                seen_digit = false;
            }
            _ => panic!("bad offset `{when}`"),
        }
    }
    assert!(!seen_digit, "offset `{when}` lacks a unit");
    total
}

fn is_country(token: &str) -> bool {
    token.len() == 2 && token.bytes().all(|b| b.is_ascii_uppercase())
}

/// Turns a script into a CSV log and the expectations of each row (in file order). The log has
/// a `business_number` column when a line names one (`num=`), and `price` and `max_price`
/// columns when a line gives them (`price=`, `max=`).
fn compile(base: &str, script: &str) -> (String, Vec<Line>) {
    let base = DateTime::parse_from_rfc3339(base).expect("base time");
    let numbers = script.contains("num=");
    let prices = script.contains("price=") || script.contains("max=");
    let mut csv = String::from(HEADER);
    if numbers {
        csv.push_str(",business_number");
    }
    if prices {
        csv.push_str(",price,max_price");
    }
    csv.push('\n');
    let mut lines = Vec::new();
    for raw in script.lines() {
        let text = raw.split('#').next().unwrap_or("").trim();
        if text.is_empty() {
            continue;
        }
        let mut tokens: Vec<&str> = text.split_whitespace().collect();
        assert!(tokens.len() >= 3, "script line `{text}` is too short");
        if is_country(tokens[1]) {
            tokens.insert(1, "c");
        }
        assert!(tokens.len() >= 4, "script line `{text}` is too short");
        let when = tokens[0];
        let time = if when.contains('T') {
            DateTime::parse_from_rfc3339(when).expect("absolute time")
        } else {
            base + Duration::seconds(offset_seconds(when))
        };
        let (customer, country, kind) = (tokens[1], tokens[2], tokens[3]);
        let (kind, status) = match kind.strip_suffix('!') {
            Some(k) => (k, "failed"),
            None => (kind, "delivered"),
        };
        let (direction, ty, category) = match kind {
            "in" => ("in", "message", ""),
            "ep" => ("in", "entry_point", ""),
            "mk" => ("out", "template", "marketing"),
            "ut" => ("out", "template", "utility"),
            "au" => ("out", "template", "authentication"),
            "ff" => ("out", "freeform", ""),
            "cl" => ("in", "call", ""),
            "re" => ("out", "reaction", ""),
            "du" => ("out", "freeform", "utility"),
            "da" => ("out", "freeform", "authentication"),
            "ml" => ("out", "template", "marketing_lite"),
            "ai" => ("out", "freeform", "general_purpose_ai"),
            "gm" => ("out", "template", "group_marketing"),
            other => panic!("unknown kind `{other}` in `{text}`"),
        };
        // The expectation may be left out (then `free`) before `key=value` extras.
        if tokens.get(4).is_some_and(|t| t.contains('=')) {
            tokens.insert(4, "free");
        }
        let expect = match tokens.get(4).copied().unwrap_or("free") {
            "free" => Expect::Free,
            "tier" => Expect::Tier,
            "exempt" => Expect::Exempt,
            "blocked" => Expect::Blocked,
            "failed" => Expect::Failed,
            "unmodelled" => Expect::Unmodelled,
            amount => Expect::Charged(money(amount)),
        };
        let mut line = Line { text: text.to_owned(), expect, opens: None, billed_as: None, model: None, card: None };
        let (mut number, mut price, mut max) = ("main", "", "");
        for extra in tokens.iter().skip(5) {
            let (key, value) = extra.split_once('=').unwrap_or_else(|| panic!("bad token `{extra}` in `{text}`"));
            match key {
                "opens" => line.opens = Some(value.to_owned()),
                "as" => line.billed_as = Some(value.to_owned()),
                "model" => line.model = Some(value.to_owned()),
                "card" => line.card = Some(money(value)),
                "num" => number = value,
                "price" => price = value,
                "max" => max = value,
                _ => panic!("bad token `{extra}` in `{text}`"),
            }
        }
        let status = if direction == "in" { "" } else { status };
        let _ = write!(
            csv,
            "{},{customer},{direction},{ty},{category},{country},{status}",
            time.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        if numbers {
            let _ = write!(csv, ",{number}");
        }
        if prices {
            let _ = write!(csv, ",{price},{max}");
        }
        csv.push('\n');
        lines.push(line);
    }
    (csv, lines)
}

/// The outcome of a script: the bill.
pub struct Run {
    pub bill: Bill,
}

impl Run {
    /// Opened conversations of a category (every model).
    pub fn conversations(&self, category: &str) -> u64 {
        self.bill.conversations.iter().filter(|((_, c), _)| c.id() == category).map(|(_, n)| n).sum()
    }

    /// Charged units of a category (every model, month and market).
    pub fn charged(&self, category: &str) -> u64 {
        self.bill.charged_by_category().iter().filter(|(c, _)| c.id() == category).map(|(_, l)| l.charged).sum()
    }

    /// Every opened conversation, by category id.
    pub fn conversation_counts(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for ((_, c), n) in &self.bill.conversations {
            *out.entry(c.id().to_owned()).or_default() += n;
        }
        out
    }
}

/// Bills a script and checks every row against its expectation, and the total against the sum
/// of the expected charges. Panics listing every mismatch.
pub fn check(name: &str, book: &RateBook, options: &BillOptions, base: &str, script: &str) -> Run {
    let (csv, lines) = compile(base, script);
    let (bill, recorded) = match bill_csv(&csv, book, options) {
        Ok(r) => r,
        Err(e) => panic!("{name}: billing failed: {e}\n{csv}"),
    };
    let mut by_row: Vec<Option<Priced>> = vec![None; lines.len()];
    for r in &recorded {
        let i = usize::try_from(r.row.row).expect("row") - 1;
        assert!(by_row[i].is_none(), "{name}: row {} decided twice", r.row.row);
        by_row[i] = Some(r.priced);
    }
    let mut problems = Vec::new();
    let mut expected_total = Money::ZERO;
    for (i, (line, priced)) in lines.iter().zip(&by_row).enumerate() {
        let Some(p) = priced else {
            if line.expect != Expect::Unmodelled {
                problems.push(format!("row {}: `{}` got no decision", i + 1, line.text));
            }
            continue;
        };
        if line.expect == Expect::Unmodelled {
            problems.push(format!("row {}: `{}` is unmodelled, yet got a decision", i + 1, line.text));
        }
        let d = &p.decision;
        let reason = p.reason.text();
        let got = match d.outcome {
            Outcome::Blocked => Expect::Blocked,
            Outcome::Failed => Expect::Failed,
            Outcome::Suppressed => panic!("{name}: logs never suppress"),
            Outcome::Received | Outcome::Delivered if p.charged => Expect::Charged(p.cost),
            Outcome::Received | Outcome::Delivered if matches!(p.reason, Reason::WithinFreeTier(_)) => Expect::Tier,
            Outcome::Received | Outcome::Delivered if p.reason == Reason::ServiceExempt => Expect::Exempt,
            Outcome::Received | Outcome::Delivered => Expect::Free,
        };
        if let Expect::Charged(m) = line.expect {
            expected_total += m;
        }
        if got != line.expect {
            problems.push(format!(
                "row {}: `{}`: expected {:?}, got {:?} ({reason}; cost {})",
                i + 1,
                line.text,
                line.expect,
                got,
                p.cost
            ));
        }
        if let Some(opens) = &line.opens {
            let got = d.opened.conversation.map_or("-", |c| c.id());
            if got != opens {
                problems.push(format!("row {}: `{}`: expected to open {opens}, opened {got}", i + 1, line.text));
            }
        }
        if let Some(billed_as) = &line.billed_as {
            let got = p.category().map_or("-", |c| c.id());
            if got != billed_as {
                problems.push(format!("row {}: `{}`: expected billed as {billed_as}, got {got}", i + 1, line.text));
            }
        }
        if let Some(card) = line.card
            && p.card_cost != Some(card)
        {
            problems.push(format!(
                "row {}: `{}`: expected the card's {card} beside, got {:?}",
                i + 1,
                line.text,
                p.card_cost
            ));
        }
        if let Some(model) = &line.model
            && d.model.id() != model
        {
            problems.push(format!("row {}: `{}`: expected model {model}, got {}", i + 1, line.text, d.model));
        }
    }
    if bill.total_cost() != expected_total {
        problems.push(format!("total: expected {expected_total}, got {}", bill.total_cost()));
    }
    assert!(problems.is_empty(), "{name}:\n  {}\nlog:\n{csv}", problems.join("\n  "));
    Run { bill }
}

/// Bills a script that must fail; returns the error text.
pub fn check_error(book: &RateBook, options: &BillOptions, base: &str, script: &str) -> String {
    let (csv, _) = compile(base, script);
    match bill_csv(&csv, book, options) {
        Ok((bill, _)) => panic!("expected an error, got a bill of {}\n{csv}", bill.total_cost()),
        Err(e) => e.to_string(),
    }
}

/// The CSV log of a script (for CLI tests).
pub fn log_of(base: &str, script: &str) -> String {
    compile(base, script).0
}
