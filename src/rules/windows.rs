//! The customer service window, delivery rules and entry points (rules 1–5): everything about a
//! message's fate that does not depend on the pricing model.

use super::{Message, MessageKind, Outcome, Settings, Status, TemplateCategory};
use crate::pricing::markets::Country;
use crate::time::{Date, HOUR, Time};

/// Rule 1: the customer service window lasts 24 hours from the last inbound.
pub const SERVICE_WINDOW: i64 = 24 * HOUR;
/// Rule 5: a reply must come within 24 hours of the entry-point inbound.
pub const ENTRY_POINT_REPLY: i64 = 24 * HOUR;
/// Rule 5: the entry-point window lasts 72 hours…
pub const ENTRY_POINT_WINDOW: i64 = 72 * HOUR;
/// …or 24 hours when opened before 2023-03-01.
pub const ENTRY_POINT_WINDOW_BEFORE_2023_03: i64 = 24 * HOUR;

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

/// Rule 4: the date from which marketing templates to US numbers are not delivered.
fn us_marketing_pause_from() -> Date {
    Date::ymd(2025, 4, 1)
}

/// The date before which an entry-point window lasts 24 hours instead of 72.
fn long_entry_point_window_from() -> Date {
    Date::ymd(2023, 3, 1)
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
            // Rule 2: free-form needs an open window; blocked beats failed.
            MessageKind::FreeForm if !d.service_window_open => {
                d.outcome = Outcome::Blocked;
                return d;
            }
            // Rule 3: no template without opt-in.
            MessageKind::Template(_) if !message.opted_in => {
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
            _ => {}
        }
        // Rule 5: the first delivered outbound after an armed entry point either opens the
        // entry-point window (within 24 h) or makes the entry point lapse.
        if let Some(armed_at) = self.entry_point_armed.take()
            && t < armed_at.plus(ENTRY_POINT_REPLY)
        {
            let length = if date < long_entry_point_window_from() {
                ENTRY_POINT_WINDOW_BEFORE_2023_03
            } else {
                ENTRY_POINT_WINDOW
            };
            self.entry_point_from = t;
            self.entry_point_until = t.plus(length);
            d.opens_entry_point_window = true;
            d.entry_point_window_open = true;
        }
        d
    }
}
