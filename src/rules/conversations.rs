//! One customer's conversations, and the pricing of a message under the model in force: what is
//! common to every model is settled here (inbound, not delivered, a change of model), then the
//! model's own rules decide, each in its own file:
//! [`template_2018`](super::template_2018) (rule 6),
//! [`conversation_2022`](super::conversation_2022) (rules 7–11),
//! [`category_2023`](super::category_2023) (rules 12–17), and
//! [`per_message`](super::per_message) (rules 19–23). Rule 18 is [`Conversations::switch_to`].

use super::windows::Delivery;
use super::{Context, Message, MessageKind, Outcome, Reason};
use super::{category_2023, conversation_2022, per_message, template_2018};
use crate::pricing::ledger::{Billable, FreeTier, Unit};
use crate::pricing::tiers::TierGroup;
use crate::pricing::{BillCategory, Model};
use crate::time::{HOUR, Time};

/// Rules 7 and 12: a conversation lasts 24 hours from the delivery that opened it.
pub const CONVERSATION: i64 = 24 * HOUR;

/// category-2023's conversation slots in [`Conversations::category_until`], by category.
pub(super) const MARKETING: usize = 0;
pub(super) const UTILITY: usize = 1;
pub(super) const AUTHENTICATION: usize = 2;
pub(super) const SERVICE: usize = 3;

/// One customer's open conversations under the model in force. Under `auto` they are dropped when
/// the model changes (except rule 18's utility conversation); windows carry over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conversations {
    /// The model these conversations belong to.
    pub model: Option<Model>,
    /// conversation-2022: end of the open conversation.
    pub open_until: Time,
    /// conversation-2022: whether the open conversation is user-initiated.
    pub user_initiated: bool,
    /// category-2023: end of the open marketing, utility, authentication and service conversations.
    pub category_until: [Time; 4],
    /// category-2023: the open authentication conversation took the international rate.
    pub authentication_international: bool,
    /// Rule 18: end of a utility conversation opened under category-2023 that outlives the switch.
    pub carried_utility_until: Time,
}

impl Default for Conversations {
    fn default() -> Conversations {
        Conversations {
            model: None,
            open_until: Time::NEVER,
            user_initiated: false,
            category_until: [Time::NEVER; 4],
            authentication_international: false,
            carried_utility_until: Time::NEVER,
        }
    }
}

/// A pricing model's ruling on one message, before the month ledger: the rule that decided it,
/// the unit it bills at a list rate (if a rule charges it), and the conversation it opened. The
/// ledger may still make the unit free (a billed message's final price is `log::bill::Priced`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ruling {
    /// The rule that decided the message's price.
    pub reason: Reason,
    /// Set when a rule bills it at a rate.
    pub bill: Option<Billable>,
    /// The conversation it opened, charged or free.
    pub opened: Option<BillCategory>,
}

impl Ruling {
    /// A message that no rule charges and that opens no conversation.
    pub(super) fn free(reason: Reason) -> Ruling {
        Ruling { reason, bill: None, opened: None }
    }
}

/// The unit a rule of `model` bills: `category`'s list rate for the customer's market, from the
/// model's card in force on the message's date, with the allowance and the tier count the month
/// ledger applies to it.
#[inline(always)]
pub(super) fn billable(
    cx: &Context<'_>,
    model: Model,
    category: BillCategory,
    unit: Unit,
    free_tier: Option<FreeTier>,
    tier: Option<TierGroup>,
) -> Option<Billable> {
    let (card, rate) = cx.book.rate(model, cx.date, cx.market, category);
    Some(Billable { model, category, unit, market: cx.market, card, rate, free_tier, tier, number: 0, exempt: false })
}

/// Rules 1 and 5: an inbound message or call is never charged, under any model; it (re)opens
/// the customer service window and, through an entry point, may arm a free entry point. It
/// opens and prices no conversation, so the simulation may take its reason from here without
/// [`Conversations::price`].
pub(crate) fn inbound_reason(delivery: &Delivery, kind: MessageKind) -> Reason {
    match kind {
        MessageKind::Call => Reason::InboundCall,
        _ if delivery.armed_entry_point => Reason::InboundEntryPoint,
        MessageKind::Inbound { entry_point: true } => Reason::InboundEntryPointWhileOpen,
        _ => Reason::Inbound,
    }
}

impl Conversations {
    /// Prices one message that `windows` has already observed, under `model`.
    pub(crate) fn price(
        &mut self,
        message: &Message,
        delivery: &Delivery,
        model: Model,
        auto: bool,
        cx: &Context<'_>,
    ) -> Ruling {
        // Rules 1 and 5 (inbound), then rules 2–4 (not delivered). Inbound first, then delivered
        // or not: two-way branches on different values, which the processor predicts far better
        // than one jump on the outcome (a third to a half of simulated messages are inbound, most
        // of the rest delivered).
        if !message.kind.is_outbound() {
            return Ruling::free(inbound_reason(delivery, message.kind));
        }
        if delivery.outcome != Outcome::Delivered {
            // Only a delivered outbound message can be charged or open a conversation.
            return Ruling::free(match delivery.outcome {
                // Rule 4: a marketing template to a US number from 2025-04-01 (131049).
                Outcome::Failed if delivery.us_marketing_paused => Reason::UsMarketingPaused,
                // "Delivered / failed": a failed message is counted and has no other effect.
                Outcome::Failed => Reason::Failed,
                // Rule 3: a template to a customer who did not opt in is never sent.
                Outcome::Suppressed => Reason::Suppressed,
                // Rule 2: free-form with no customer service window open is not delivered (131047).
                _ => Reason::Blocked,
            });
        }
        // Rule 23: a delivered reaction is never charged, under any model, uses no free tier and
        // opens nothing.
        if message.kind == MessageKind::Reaction {
            return Ruling::free(Reason::Reaction);
        }
        // Rules 5 and 18: conversations do not carry across a change of model, except rule 18's.
        if self.model != Some(model) {
            self.switch_to(model, auto);
        }
        // Rule 28: Direct Send is priced exactly as a template of its category, under every model.
        let priced_as = Message { kind: message.kind.priced_as(), ..*message };
        let message = &priced_as;
        let mut ruling = match model {
            // Rule 6: each delivered template is charged, except inside a CSW.
            Model::Template2018 => template_2018::price(message, delivery, cx),
            // Rules 7–11: one conversation at a time, user- or business-initiated.
            Model::Conversation2022 => conversation_2022::price(self, message, delivery, cx),
            // Rules 12–17: conversations per category.
            Model::Category2023 => category_2023::price(self, message, delivery, cx),
            // Rules 19–21: each delivered message priced alone; rule 18's carried-over utility
            // conversation still keeps utility templates free.
            Model::PerMessage2025 => per_message::price_2025(message, delivery, self.carried_utility_until, cx),
            // Rules 22–23: as per-message-2025, with utility inside the CSW and free-form charged.
            Model::PerMessage2026 => per_message::price_2026(message, delivery, cx),
        };
        // Rule 27: a unit is billed on the business number the message went through.
        if let Some(bill) = ruling.bill.as_mut() {
            bill.number = message.number;
        }
        ruling
    }

    /// Drops the conversations of the previous model: under `auto`, conversations do not carry
    /// across a change of model (rule 5). Rule 18: a utility conversation opened under
    /// category-2023 before 2025-07-01 and still open after the switch keeps utility templates
    /// free under per-message-2025 until it expires.
    fn switch_to(&mut self, model: Model, auto: bool) {
        let carried = if auto && self.model == Some(Model::Category2023) && model == Model::PerMessage2025 {
            self.category_until[UTILITY]
        } else {
            Time::NEVER
        };
        *self = Conversations { model: Some(model), carried_utility_until: carried, ..Conversations::default() };
    }

    /// The categories of the conversations open at `t`, with their ends (for explanations).
    pub fn open_at(&self, t: Time) -> impl Iterator<Item = (BillCategory, Time)> + '_ {
        let categories = [
            BillCategory::Marketing,
            BillCategory::Utility,
            if self.authentication_international {
                BillCategory::AuthenticationInternational
            } else {
                BillCategory::Authentication
            },
            BillCategory::Service,
        ];
        let conversation_2022 = (t < self.open_until).then(|| {
            let kind = if self.user_initiated { BillCategory::UserInitiated } else { BillCategory::BusinessInitiated };
            (kind, self.open_until)
        });
        let carried = (t < self.carried_utility_until).then_some((BillCategory::Utility, self.carried_utility_until));
        conversation_2022
            .into_iter()
            .chain(categories.into_iter().zip(self.category_until).filter(move |(_, until)| t < *until))
            .chain(carried)
    }
}

/// What the models' unit tests share: a customer in India (or any country) on a date, priced
/// with the bundled cards.
#[cfg(test)]
pub(super) mod fixture {
    use super::super::windows::Delivery;
    use super::super::{Context, Message, MessageKind, Outcome, Settings, Status};
    use crate::pricing::ledger::PriceCap;
    use crate::pricing::markets::Country;
    use crate::pricing::{Pricing, RateBook};
    use crate::time::{Date, HOUR};

    /// The bundled cards, loaded once per test.
    pub fn book() -> RateBook {
        RateBook::bundled().expect("the bundled cards load")
    }

    /// A delivered outbound message `hours` after midnight UTC on `date`, to a customer in India.
    pub fn message(date: Date, hours: i64, kind: MessageKind) -> Message {
        Message {
            time: date.start(crate::time::UtcOffset(0)).plus(hours * HOUR),
            kind,
            status: Status::Delivered,
            country: Country::parse("IN").unwrap(),
            opted_in: true,
            number: 0,
            cap: PriceCap::None,
        }
    }

    /// The delivery of an outbound message, with or without a customer service window open.
    pub fn delivered(service_window_open: bool) -> Delivery {
        Delivery {
            outcome: Outcome::Delivered,
            service_window_open,
            entry_point_window_open: false,
            opens_entry_point_window: false,
            opened_service_window: false,
            armed_entry_point: false,
            us_marketing_paused: false,
        }
    }

    /// The delivery of the reply that opens the entry-point window (rule 5).
    pub fn opens_entry_point_window() -> Delivery {
        Delivery { entry_point_window_open: true, opens_entry_point_window: true, ..delivered(true) }
    }

    /// A delivery inside an open entry-point window.
    pub fn inside_entry_point_window() -> Delivery {
        Delivery { entry_point_window_open: true, ..delivered(false) }
    }

    /// Runs `f` with the context of `message` under `settings` and the bundled cards.
    pub fn with_context<T>(message: &Message, settings: &Settings, f: impl FnOnce(&Context<'_>) -> T) -> T {
        let book = book();
        let date = message.time.local_date(settings.offset);
        let market = book.markets.market_of(message.country, date);
        f(&Context { settings, book: &book, date, market })
    }

    /// Settings with everything at its default (the pricing is not read by the models).
    pub fn settings() -> Settings {
        Settings::new(Pricing::Auto)
    }
}
