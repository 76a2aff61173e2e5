//! The customer service window, delivery rules and entry points (rules 1–5): everything about a
//! message's fate that does not depend on the pricing model.

use super::{Message, MessageKind, Outcome, Settings, Status, TemplateCategory};
use crate::pricing::markets::Country;
use crate::time::{Date, HOUR, Time};

/// Rule 1: the customer service window lasts 24 hours from the last inbound.
pub const SERVICE_WINDOW: i64 = 24 * HOUR;
/// Rule 5: a reply must come within 24 hours of the entry-point inbound.
pub const ENTRY_POINT_REPLY: i64 = 24 * HOUR;

/// One customer's windows. Windows are half-open: open at `t` when `start <= t < until`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Windows {
    /// End of the customer service window ([`Time::NEVER`]: never opened).
    pub service_until: Time,
    /// The entry-point inbound that armed an entry point, awaiting the business's reply.
    pub entry_point_armed: Option<Time>,
    /// Start of the entry-point window.
    pub entry_point_from: Time,
    /// End of the entry-point window.
    pub entry_point_until: Time,
}

impl Default for Windows {
    fn default() -> Windows {
        Windows {
            service_until: Time::NEVER,
            entry_point_armed: None,
            entry_point_from: Time::NEVER,
            entry_point_until: Time::NEVER,
        }
    }
}

/// The model-independent facts about one message, for pricing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// What became of it.
    pub outcome: Outcome,
    /// Whether a customer service window was open at delivery (after an inbound: yes).
    pub service_window_open: bool,
    /// Whether an entry-point window is open at delivery (including one this message opened).
    pub entry_point_window_open: bool,
    /// This delivered outbound is the reply that opened the entry-point window.
    pub opens_entry_point_window: bool,
    /// This inbound (re)opened the customer service window.
    pub opened_service_window: bool,
    /// This entry-point inbound armed an entry point.
    pub armed_entry_point: bool,
    /// Why it was not delivered, for failures with a platform code (131049).
    pub us_marketing_paused: bool,
}

/// Rule 4: whether the per-user marketing limit (a simulator delivery rule) applies to a
/// customer's number: not in the EEA (the EU countries, Iceland, Liechtenstein, Norway), the UK,
/// Japan or South Korea.
#[must_use]
pub fn marketing_limit_applies(country: Country) -> bool {
    const EXEMPT: [[u8; 2]; 33] = [
        *b"AT", *b"BE", *b"BG", *b"HR", *b"CY", *b"CZ", *b"DK", *b"EE", *b"FI", *b"FR", *b"DE", *b"GR", *b"HU", *b"IE",
        *b"IT", *b"LV", *b"LT", *b"LU", *b"MT", *b"NL", *b"PL", *b"PT", *b"RO", *b"SK", *b"SI", *b"ES", *b"SE", *b"IS",
        *b"LI", *b"NO", *b"GB", *b"JP", *b"KR",
    ];
    !EXEMPT.iter().any(|code| Country::of(*code) == country)
}

/// Rule 4: the date from which marketing templates to US numbers are not delivered.
fn us_marketing_pause_from() -> Date {
    Date::ymd(2025, 4, 1)
}

/// Rule 5: how long an entry-point window opened on `date` lasts: 24 hours before 2023-03-01,
/// 72 hours before 2026-09-28, 7 days (168 hours) from then (Meta's pricing page of 2026-09-28:
/// "may remain open for up to 7 days"); the business's setting, when given, for every date.
#[must_use]
pub fn entry_point_window(date: Date, settings: &Settings) -> i64 {
    if let Some(hours) = settings.entry_point_hours {
        return i64::from(hours) * HOUR;
    }
    if date < Date::ymd(2023, 3, 1) {
        24 * HOUR
    } else if date < Date::ymd(2026, 9, 28) {
        72 * HOUR
    } else {
        168 * HOUR
    }
}

impl Windows {
    /// Whether the customer service window is open at `t`.
    #[must_use]
    pub fn service_window_open(&self, t: Time) -> bool {
        t < self.service_until
    }

    /// Whether the entry-point window is open at `t`.
    #[must_use]
    pub fn entry_point_window_open(&self, t: Time) -> bool {
        self.entry_point_from <= t && t < self.entry_point_until
    }

    /// Applies one message (in time order) to the windows and says what became of it.
    /// `date` is the message's local date.
    #[inline]
    pub fn observe(&mut self, message: &Message, settings: &Settings, date: Date) -> Delivery {
        let t = message.time;
        let mut d = Delivery {
            outcome: Outcome::Delivered,
            service_window_open: self.service_window_open(t),
            entry_point_window_open: self.entry_point_window_open(t),
            opens_entry_point_window: false,
            opened_service_window: false,
            armed_entry_point: false,
            us_marketing_paused: false,
        };
        match message.kind {
            // Rule 1: an inbound call opens or resets the window like a message; it arms no entry
            // point.
            MessageKind::Call => {
                self.service_until = t.plus(SERVICE_WINDOW);
                d.outcome = Outcome::Received;
                d.service_window_open = true;
                d.opened_service_window = true;
                return d;
            }
            MessageKind::Inbound { entry_point } => {
                // Rule 1: every inbound (re)opens the window. Rule 5: an entry-point inbound arms
                // (or re-arms, later) an entry point unless an entry-point window is open.
                self.service_until = t.plus(SERVICE_WINDOW);
                d.outcome = Outcome::Received;
                d.service_window_open = true;
                d.opened_service_window = true;
                if entry_point && !d.entry_point_window_open {
                    self.entry_point_armed = Some(t);
                    d.armed_entry_point = true;
                }
                return d;
            }
            // Rule 2: free-form needs an open window, and so does a reaction (rule 23); blocked
            // beats failed. Direct Send goes like a template (rule 28).
            MessageKind::FreeForm | MessageKind::Reaction if !d.service_window_open => {
                d.outcome = Outcome::Blocked;
                return d;
            }
            // Rule 3: no template without opt-in; Direct Send needs it like a template (rule 28).
            MessageKind::Template(_) | MessageKind::DirectSend(_) if !message.opted_in => {
                d.outcome = Outcome::Suppressed;
                return d;
            }
            // Rule 4: the US marketing pause (a simulator delivery rule).
            MessageKind::Template(TemplateCategory::Marketing)
                if settings.us_marketing_pause
                    && message.country == Country::US
                    && date >= us_marketing_pause_from() =>
            {
                d.outcome = Outcome::Failed;
                d.us_marketing_paused = true;
                return d;
            }
            _ if message.status == Status::Failed => {
                d.outcome = Outcome::Failed;
                return d;
            }
            // Rule 23 (decision): a reaction is not the business's reply: it neither opens an
            // entry-point window nor makes an armed entry point lapse.
            MessageKind::Reaction => return d,
            _ => {}
        }
        // Rule 5: the first delivered outbound after an armed entry point either opens the
        // entry-point window (within 24 h) or makes the entry point lapse.
        if let Some(armed_at) = self.entry_point_armed.take()
            && t < armed_at.plus(ENTRY_POINT_REPLY)
        {
            self.entry_point_from = t;
            self.entry_point_until = t.plus(entry_point_window(date, settings));
            d.opens_entry_point_window = true;
            d.entry_point_window_open = true;
        }
        d
    }
}
