//! What happens in a customer's run, and the one order in which it is handled.
//!
//! Behaviour plans a customer's events before the run (visits, orders, campaign sends, agents'
//! answers); the engine schedules more while it runs (the customer's replies, campaign
//! follow-ups, a strategy's timeouts). Both are [`Event`]s, ordered by (time, sequence): the
//! sequence puts a customer's messages before the business's at the same instant (rules.md:
//! "inbound before outbound"), then planned events in the order they were drawn, then scheduled
//! ones in the order they were scheduled.

use crate::strategy::Content;
use crate::time::Time;

/// Something that happens to one customer at one instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// The instant it happens.
    pub time: Time,
    /// The tie-break among events of the same instant; see [`Sequence`].
    pub sequence: Sequence,
    /// What happens.
    pub what: What,
}

/// What happens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum What {
    /// The customer writes: through an ad or Page button (`entry_point`), or in reply to content
    /// the business sent (`answers`).
    Inbound {
        /// The message came through a Click-to-WhatsApp ad or a Page call-to-action button.
        entry_point: bool,
        /// The content it replies to, if any.
        answers: Option<Answered>,
    },
    /// The business has something to say (a strategy decides how).
    Content {
        /// What it is about.
        content: Content,
        /// It must go out at once (a strategy may not hold it).
        urgent: bool,
        /// Its id within the customer: keys the draws of its delivery and its reply.
        id: u64,
        /// The campaign it belongs to, whose follow-ups a reply triggers.
        campaign: Option<u16>,
    },
    /// The customer calls the business (rule 1).
    Call,
    /// Content a strategy held back has waited as long as the strategy allows.
    Timeout {
        /// The held content's id.
        id: u64,
    },
}

/// The content a customer's reply answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answered {
    /// Its id.
    pub id: u64,
    /// Its campaign, if any.
    pub campaign: Option<u16>,
}

/// The order of events at one instant: the business's after the customer's, then by number.
/// Planned events are numbered in the order behaviour drew them (below [`Sequence::SCHEDULED`]),
/// scheduled ones from there up in the order they were scheduled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sequence(u64);

impl Sequence {
    /// The first number of an event scheduled during the run.
    pub const SCHEDULED: u64 = 1 << 32;
    /// Set on the business's events, which come after the customer's at the same instant.
    const BUSINESS: u64 = 1 << 63;

    /// The sequence of event number `number` (below 2^63) doing `what`.
    #[must_use]
    pub fn new(number: u64, what: &What) -> Sequence {
        let business = if matches!(what, What::Inbound { .. } | What::Call) { 0 } else { Sequence::BUSINESS };
        Sequence(business | number)
    }

    /// The event's number.
    #[must_use]
    pub fn number(self) -> u64 {
        self.0 & !Sequence::BUSINESS
    }

    /// Whether the business acts (rather than the customer).
    #[must_use]
    pub fn is_business(self) -> bool {
        self.0 & Sequence::BUSINESS != 0
    }
}

impl Event {
    /// Event number `number` doing `what` at `time`.
    #[must_use]
    pub fn new(time: Time, number: u64, what: What) -> Event {
        Event { time, sequence: Sequence::new(number, &what), what }
    }

    /// The processing order: time, then sequence.
    #[must_use]
    pub fn order(&self) -> (Time, Sequence) {
        (self.time, self.sequence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_customer_goes_first_then_planned_then_scheduled() {
        let t = Time(5);
        let inbound = What::Inbound { entry_point: false, answers: None };
        let content = What::Content { content: Content::Utility, urgent: false, id: 1, campaign: None };
        let planned_content = Event::new(t, 0, content);
        let planned_inbound = Event::new(t, 7, inbound);
        let scheduled_reply = Event::new(t, Sequence::SCHEDULED + 3, inbound);
        let scheduled_content = Event::new(t, Sequence::SCHEDULED, content);
        let mut events = [scheduled_content, planned_content, scheduled_reply, planned_inbound];
        events.sort_by_key(Event::order);
        assert_eq!(events, [planned_inbound, scheduled_reply, planned_content, scheduled_content]);
        assert!(Event::new(Time(4), Sequence::SCHEDULED, content).order() < planned_inbound.order());
        assert_eq!(scheduled_reply.sequence.number(), Sequence::SCHEDULED + 3);
        assert!(scheduled_content.sequence.is_business() && !scheduled_reply.sequence.is_business());
    }
}
