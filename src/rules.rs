//! The rules of the WhatsApp Business Platform, as `docs/rules.md` states them: the customer
//! service window, delivery (blocked, suppressed, failed), entry points, and each pricing model's
//! conversations and charges. Pure: one customer's state takes one message and returns a
//! [`Decision`] without allocating. The business-level allowances and tiers are settled after the
//! fact by [`crate::pricing::ledger::Ledger`].

mod category_2023;
mod conversation_2022;
mod conversations;
mod per_message;
mod reason;
mod template_2018;
mod windows;

pub use conversations::Conversations;
pub(crate) use conversations::inbound_reason;
pub use reason::Reason;
pub use windows::Windows;
pub(crate) use windows::marketing_limit_applies;

use crate::pricing::ledger::{Billable, PriceCap};
use crate::pricing::markets::{Country, MarketId};
use crate::pricing::{BillCategory, Model, Pricing, RateBook};
use crate::time::{Date, Time, UtcOffset};

/// The category of a template, chosen when Meta approved it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TemplateCategory {
    /// Promotions, offers, re-engagement.
    Marketing,
    /// Updates on something the customer did: orders, bookings, accounts.
    Utility,
    /// One-time codes.
    Authentication,
}

impl TemplateCategory {
    /// Every template category.
    pub const ALL: [TemplateCategory; 3] =
        [TemplateCategory::Marketing, TemplateCategory::Utility, TemplateCategory::Authentication];

    /// The name used in logs and scenarios.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            TemplateCategory::Marketing => "marketing",
            TemplateCategory::Utility => "utility",
            TemplateCategory::Authentication => "authentication",
        }
    }

    /// The category of the same name.
    #[must_use]
    pub fn from_id(id: &str) -> Option<TemplateCategory> {
        TemplateCategory::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The bill category of the same name.
    #[must_use]
    pub fn bill_category(self) -> BillCategory {
        match self {
            TemplateCategory::Marketing => BillCategory::Marketing,
            TemplateCategory::Utility => BillCategory::Utility,
            TemplateCategory::Authentication => BillCategory::Authentication,
        }
    }
}

/// What a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// From the customer; `entry_point` when it came through a Click-to-WhatsApp ad or a
    /// Facebook Page call-to-action button.
    Inbound {
        /// Came through an entry point.
        entry_point: bool,
    },
    /// An inbound call (rule 1): the customer called the business, answered or not, or accepted
    /// the business's call. It opens the customer service window like a message, and is not one.
    Call,
    /// A pre-approved template from the business (`marketing_lite` in a log is a marketing
    /// template sent through the Marketing Messages API).
    Template(TemplateCategory),
    /// Any non-template message from the business (text, media, interactive).
    FreeForm,
    /// Direct Send (rule 28): a free-form message of category utility or authentication, whose
    /// template Meta generates; priced as a template of that category and sent like one.
    DirectSend(TemplateCategory),
    /// The business's reaction to a customer's message (rule 23): free-form that needs an open
    /// window, never charged.
    Reaction,
}

impl MessageKind {
    /// Whether the business sent it.
    #[must_use]
    pub fn is_outbound(self) -> bool {
        !matches!(self, MessageKind::Inbound { .. } | MessageKind::Call)
    }

    /// How a pricing model sees it: Direct Send is priced exactly as a template of its category
    /// (rule 28).
    #[must_use]
    pub fn priced_as(self) -> MessageKind {
        match self {
            MessageKind::DirectSend(c) => MessageKind::Template(c),
            other => other,
        }
    }
}

/// What the sender knows of an outbound message's delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Status {
    /// Delivered (the default).
    #[default]
    Delivered,
    /// Sent but not delivered.
    Failed,
}

/// One message of one customer, at its delivery (inbound: received) time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message {
    /// Delivery time.
    pub time: Time,
    /// Inbound, template or free-form.
    pub kind: MessageKind,
    /// Delivered or failed (outbound only).
    pub status: Status,
    /// The country of the customer's number.
    pub country: Country,
    /// Whether the customer opted in to templates (logs: always, the sender suppressed the rest).
    pub opted_in: bool,
    /// The business number the customer writes to or is written from (rule 27), numbered from 0.
    pub number: u16,
    /// A marketing template's price as Meta reported it, or its cap (rule 29).
    pub cap: PriceCap,
}

/// The business's settings that rules depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The pricing model, or `auto`.
    pub pricing: Pricing,
    /// The business's time zone: every dated rule falls at its local midnight.
    pub offset: UtcOffset,
    /// The country of the business's own number (for authentication-international).
    pub primary_country: Option<Country>,
    /// From when the business is eligible for authentication-international rates (rule 24).
    pub auth_international_from: Option<Date>,
    /// Rule 4: marketing templates to US numbers are not delivered from 2025-04-01 (simulator).
    pub us_marketing_pause: bool,
    /// Rule 5: the length of an entry-point window in hours, for every date (`None`: rule 5's
    /// dated table).
    pub entry_point_hours: Option<u32>,
    /// Rule 23: the last date of the business's government or non-profit exemption, if any.
    pub service_exempt_until: Option<Date>,
}

impl Settings {
    /// Settings with a pricing and everything else at its default.
    #[must_use]
    pub fn new(pricing: Pricing) -> Settings {
        Settings {
            pricing,
            offset: UtcOffset(0),
            primary_country: None,
            auth_international_from: None,
            us_marketing_pause: false,
            entry_point_hours: None,
            service_exempt_until: None,
        }
    }
}

/// What became of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// An inbound message, received.
    Received,
    /// An outbound message, delivered.
    Delivered,
    /// Free-form outside the customer service window: not delivered (131047).
    Blocked,
    /// A template to a customer without opt-in: never sent.
    Suppressed,
    /// Sent but not delivered (including 131049).
    Failed,
}

impl Outcome {
    /// The name used in outputs.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Received => "received",
            Outcome::Delivered => "delivered",
            Outcome::Blocked => "blocked",
            Outcome::Suppressed => "suppressed",
            Outcome::Failed => "failed",
        }
    }
}

/// What a message opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Opened {
    /// An inbound (re)opened the customer service window.
    pub service_window: bool,
    /// An entry-point inbound armed an entry point.
    pub entry_point_armed: bool,
    /// A delivered reply opened the entry-point window.
    pub entry_point_window: bool,
    /// The conversation it opened (conversation models), charged or free.
    pub conversation: Option<BillCategory>,
}

/// The decision on one message: what happened, under which model, what it opened, whether a rule
/// bills it and why, in words a product manager understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Received, delivered, blocked, suppressed or failed.
    pub outcome: Outcome,
    /// The model that priced it (the one in force under `auto`).
    pub model: Model,
    /// The local date of delivery.
    pub date: Date,
    /// The customer's market on that date.
    pub market: MarketId,
    /// Why it costs what it costs.
    pub reason: Reason,
    /// Set when a rule bills it at a rate; the month ledger may still make it free.
    pub bill: Option<Billable>,
    /// What it opened.
    pub opened: Opened,
    /// The windows after the message.
    pub windows: Windows,
    /// The conversations after the message.
    pub conversations: Conversations,
}

/// One customer's state under one pricing: windows and conversations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Customer {
    /// Windows and entry point (model-independent).
    pub windows: Windows,
    /// Conversations of the model in force.
    pub conversations: Conversations,
}

impl Customer {
    /// Applies one message, in time order, and decides on it.
    pub fn decide(&mut self, message: &Message, settings: &Settings, book: &RateBook) -> Decision {
        let date = message.time.local_date(settings.offset);
        let market = book.markets.market_of(message.country, date);
        let delivery = self.windows.observe(message, settings, date);
        let model = settings.pricing.model_on(date);
        let auto = settings.pricing == Pricing::Auto;
        let ruling =
            self.conversations.price(message, &delivery, model, auto, &Context { settings, book, date, market });
        Decision {
            outcome: delivery.outcome,
            model,
            date,
            market,
            reason: ruling.reason,
            bill: ruling.bill,
            opened: Opened {
                service_window: delivery.opened_service_window,
                entry_point_armed: delivery.armed_entry_point,
                entry_point_window: delivery.opens_entry_point_window,
                conversation: ruling.opened,
            },
            windows: self.windows,
            conversations: self.conversations,
        }
    }
}

/// What pricing a delivered message needs to know of its surroundings.
#[derive(Clone, Copy)]
pub(crate) struct Context<'a> {
    pub settings: &'a Settings,
    pub book: &'a RateBook,
    pub date: Date,
    pub market: MarketId,
}

/// Rule 24: whether an authentication template takes the international rate. Only
/// category-2023 and the per-message models know the rate (decision: template-2018 and
/// conversation-2022 ignore the column).
pub(crate) fn is_authentication_international(cx: &Context<'_>, model: Model) -> bool {
    if !matches!(model, Model::Category2023 | Model::PerMessage2025 | Model::PerMessage2026) {
        return false;
    }
    let Some(from) = cx.settings.auth_international_from else { return false };
    let Some(home) = cx.settings.primary_country else { return false };
    if cx.date < from || cx.book.markets.market_of(home, cx.date) == cx.market {
        return false;
    }
    let (_, rate) = cx.book.rate(model, cx.date, cx.market, BillCategory::AuthenticationInternational);
    rate.is_ok()
}

#[cfg(test)]
mod tests {
    //! Rules 3 and 4 and example C1 through one customer's state and the month ledger directly:
    //! opt-in and the simulator's delivery rules are not in a message log.

    use super::*;
    use crate::pricing::ledger::{Ledger, Settled};
    use crate::pricing::money::Money;

    fn book() -> RateBook {
        RateBook::bundled().unwrap()
    }

    fn money(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    #[test]
    fn worked_example_c1_through_customer_and_ledger() {
        // The same example straight through the per-customer state and the month ledger.
        let book = book();
        let settings = Settings::new(Pricing::Fixed(Model::Category2023));
        let mut customer = Customer::default();
        let mut ledger = Ledger::new(1000);
        let at = |h: i64| Time::parse_rfc3339(&format!("2023-07-03T{h:02}:00:00Z")).unwrap();
        let brazil = Country::parse("BR").unwrap();
        let template = |h, c| Message {
            time: at(h),
            kind: MessageKind::Template(c),
            status: Status::Delivered,
            country: brazil,
            opted_in: true,
            number: 0,
            cap: PriceCap::None,
        };
        let mut total = Money::ZERO;
        let mut charges = Vec::new();
        for m in [
            template(0, TemplateCategory::Marketing),
            template(4, TemplateCategory::Utility),
            template(10, TemplateCategory::Utility),
        ] {
            let d = customer.decide(&m, &settings, &book);
            assert_eq!(d.outcome, Outcome::Delivered);
            match d.bill {
                Some(b) => match ledger.settle(d.date.month(), &b, PriceCap::None, &book.tiers).unwrap() {
                    Settled::Charged { cost, .. } => {
                        total += cost;
                        charges.push(Some(cost));
                    }
                    Settled::WithinFreeTier(a) => panic!("no allowance applies to templates: {a:?}"),
                    Settled::Exempt => panic!("no exemption applies to templates"),
                },
                None => charges.push(None),
            }
        }
        assert_eq!(charges, [Some(money("0.0625")), Some(money("0.0350")), None]);
        assert_eq!(total, money("0.0975"));
    }

    fn message(time: &str, kind: MessageKind, country: &str, opted_in: bool) -> Message {
        Message {
            time: Time::parse_rfc3339(time).unwrap(),
            kind,
            status: Status::Delivered,
            country: Country::parse(country).unwrap(),
            opted_in,
            number: 0,
            cap: PriceCap::None,
        }
    }

    #[test]
    fn rule_03_templates_without_opt_in_are_suppressed() {
        let book = book();
        let settings = Settings::new(Pricing::Fixed(Model::PerMessage2025));
        let mut c = Customer::default();
        let mk = MessageKind::Template(TemplateCategory::Marketing);
        let d = c.decide(&message("2026-01-05T00:00:00Z", mk, "IN", false), &settings, &book);
        assert_eq!(d.outcome, Outcome::Suppressed);
        assert!(d.bill.is_none());
        assert!(d.reason.text().starts_with("suppressed"), "{}", d.reason.text());
        // Opted in, the same template is delivered and charged.
        let d = c.decide(&message("2026-01-05T01:00:00Z", mk, "IN", true), &settings, &book);
        assert_eq!(d.outcome, Outcome::Delivered);
        assert_eq!(d.bill.map(|b| b.rate), Some(Ok(money("0.0118"))));
    }

    #[test]
    fn rule_04_us_marketing_pause() {
        let book = book();
        let settings = Settings { us_marketing_pause: true, ..Settings::new(Pricing::Auto) };
        let mk = MessageKind::Template(TemplateCategory::Marketing);
        let ut = MessageKind::Template(TemplateCategory::Utility);
        let decide = |t: &str, kind, country: &str, settings: &Settings| {
            Customer::default().decide(&message(t, kind, country, true), settings, &book)
        };
        // From 2025-04-01 (local date) marketing to US numbers is not delivered (131049)...
        let d = decide("2025-04-01T00:00:00Z", mk, "US", &settings);
        assert_eq!(d.outcome, Outcome::Failed);
        assert!(d.bill.is_none() && d.reason.text().contains("131049"), "{}", d.reason.text());
        // ...but the day before it is, and so are utility templates and other countries.
        assert_eq!(decide("2025-03-31T23:59:59Z", mk, "US", &settings).outcome, Outcome::Delivered);
        assert_eq!(decide("2025-04-02T00:00:00Z", ut, "US", &settings).outcome, Outcome::Delivered);
        assert_eq!(decide("2025-04-02T00:00:00Z", mk, "BR", &settings).outcome, Outcome::Delivered);
        // A scenario may switch it off.
        let off = Settings { us_marketing_pause: false, ..settings };
        assert_eq!(decide("2025-04-02T00:00:00Z", mk, "US", &off).outcome, Outcome::Delivered);
    }
}
