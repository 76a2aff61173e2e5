//! The decisions file of `wasim bill --decisions OUT.csv`: one row per message with its outcome,
//! the model and market that priced it, what it was billed as, what it cost and why
//! (`docs/log-format.md` documents the columns). Written atomically: the file appears whole or
//! not at all.

use super::bill::{DecisionSink, Priced};
use super::{LogShape, Row, csv_field, kind_fields};
use crate::output::AtomicFile;
use crate::pricing::RateBook;
use crate::rules::Status;
use crate::time::UtcOffset;
use std::io::Write as _;
use std::path::Path;

const HEADER: &str = "line,row,time,customer,direction,type,category,country,status,outcome,pricing_model,market,billed_as,unit,charged,cost,reason,tier_count";

/// A decisions file being written.
pub struct DecisionsCsv<'a> {
    file: AtomicFile,
    book: &'a RateBook,
    offset: UtcOffset,
    /// The optional columns the log has, echoed after the others.
    shape: LogShape,
}

impl<'a> DecisionsCsv<'a> {
    /// Starts the file at `path` (under a temporary name until [`DecisionsCsv::commit`]); times
    /// are written in the business's `offset`, markets named from `book`.
    ///
    /// # Errors
    /// When the file cannot be created.
    pub fn create(path: &Path, book: &'a RateBook, offset: UtcOffset) -> std::io::Result<DecisionsCsv<'a>> {
        let file = AtomicFile::create(path)?;
        Ok(DecisionsCsv { file, book, offset, shape: LogShape::default() })
    }

    /// Puts the finished file in place.
    ///
    /// # Errors
    /// I/O errors (the temporary file is then removed).
    pub fn commit(self) -> std::io::Result<()> {
        self.file.commit()
    }
}

impl DecisionSink for DecisionsCsv<'_> {
    fn start(&mut self, shape: LogShape) -> std::io::Result<()> {
        self.shape = shape;
        self.file.truncate()?;
        self.file.write_all(HEADER.as_bytes())?;
        // The log's business numbers (rule 27) and what the card would have charged a capped
        // marketing template (rule 29), when the log has those columns.
        if shape.business_numbers {
            self.file.write_all(b",business_number")?;
        }
        if shape.prices {
            self.file.write_all(b",card_cost")?;
        }
        self.file.write_all(b"\n")
    }

    fn decision(&mut self, customer: &str, number: Option<&str>, row: &Row, p: &Priced) -> std::io::Result<()> {
        let d = &p.decision;
        let (direction, kind, category) = kind_fields(row.kind);
        let status = match (row.kind.is_outbound(), row.status) {
            (false, _) => "",
            (true, Status::Failed) => "failed",
            (true, Status::Delivered) => "delivered",
        };
        let billed_as = p.category().map_or("", |c| c.id());
        let unit = match d.bill {
            Some(_) if d.model.bills_conversations() => "conversation",
            Some(_) => "message",
            None => "",
        };
        let tier = p.tier_count.map(|n| n.to_string()).unwrap_or_default();
        write!(
            self.file,
            "{},{},{},{},{direction},{kind},{category},{},{status},{},{},{},{billed_as},{unit},{},{},{},{tier}",
            row.line,
            row.row,
            row.time.display(self.offset),
            csv_field(customer),
            row.country,
            d.outcome.id(),
            d.model,
            csv_field(self.book.markets.name(d.market)),
            p.charged,
            p.cost,
            csv_field(p.reason.text()),
        )?;
        if self.shape.business_numbers {
            write!(self.file, ",{}", csv_field(number.unwrap_or("")))?;
        }
        if self.shape.prices {
            match p.card_cost {
                Some(card) => write!(self.file, ",{card}")?,
                None => write!(self.file, ",")?,
            }
        }
        writeln!(self.file)
    }
}
