//! Each pricing model's rules for a delivered message (rules 6–24): which conversation it opens
//! or falls inside, whether a rule bills it, at which category and list rate, and why.

use super::windows::Delivery;
use super::{Context, Message, MessageKind, Outcome, Reason, TemplateCategory, is_authentication_international};
use crate::pricing::ledger::{Allowance, Billable, Unit};
use crate::pricing::tiers::TierGroup;
use crate::pricing::{BillCategory, Model};
use crate::time::{Date, HOUR, Time};

/// Rules 7 and 12: a conversation lasts 24 hours from the delivery that opened it.
pub const CONVERSATION: i64 = 24 * HOUR;

/// category-2023's conversation slots, by category.
const MARKETING: usize = 0;
const UTILITY: usize = 1;
const AUTHENTICATION: usize = 2;
const SERVICE: usize = 3;

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

/// The pricing of one message under one model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Priced {
    /// Why.
    pub reason: Reason,
    /// Set when a rule bills it at a rate.
    pub bill: Option<Billable>,
    /// The conversation it opened, charged or free.
    pub opened: Option<BillCategory>,
}

/// Rules 1 and 5: an inbound message is never charged, under any model; it (re)opens the
/// customer service window and, through an entry point, may arm a free entry point. It opens
/// and prices no conversation, so the simulation may take its reason from here without
/// [`Conversations::price`].
pub(crate) fn inbound_reason(delivery: &Delivery, entry_point: bool) -> Reason {
    if delivery.armed_entry_point {
        Reason::InboundEntryPoint
    } else if entry_point {
        Reason::InboundEntryPointWhileOpen
    } else {
        Reason::Inbound
    }
}

fn free(reason: Reason) -> Priced {
    Priced { reason, bill: None, opened: None }
}

/// From 2024-11-01 every service conversation is free (rule 16).
fn service_conversations_free_from() -> Date {
    Date::ymd(2024, 11, 1)
}

fn slot(category: TemplateCategory) -> usize {
    match category {
        TemplateCategory::Marketing => MARKETING,
        TemplateCategory::Utility => UTILITY,
        TemplateCategory::Authentication => AUTHENTICATION,
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
    ) -> Priced {
        // Inbound first, then delivered or not: two-way branches on different values, which the
        // processor predicts far better than one jump on the outcome (a third to a half of
        // simulated messages are inbound, most of the rest delivered).
        if let MessageKind::Inbound { entry_point } = message.kind {
            return free(inbound_reason(delivery, entry_point));
        }
        if delivery.outcome != Outcome::Delivered {
            return free(match delivery.outcome {
                Outcome::Failed if delivery.us_marketing_paused => Reason::UsMarketingPaused,
                Outcome::Failed => Reason::Failed,
                Outcome::Suppressed => Reason::Suppressed,
                _ => Reason::Blocked,
            });
        }
        if self.model != Some(model) {
            self.switch_to(model, auto);
        }
        let t = message.time;
        let bill = |category: BillCategory, unit: Unit, allowance: Option<Allowance>, tier: Option<TierGroup>| {
            let (card, rate) = cx.book.rate(model, cx.date, cx.market, category);
            Some(Billable { model, category, unit, market: cx.market, card, rate, allowance, tier })
        };
        let authentication = || {
            if is_authentication_international(cx, model) {
                BillCategory::AuthenticationInternational
            } else {
                BillCategory::Authentication
            }
        };
        match model {
            // Rule 6.
            Model::Template2018 => match message.kind {
                MessageKind::Template(_) if delivery.service_window_open => free(Reason::FreeInsideServiceWindow),
                MessageKind::Template(c) => Priced {
                    reason: Reason::ChargedTemplate,
                    bill: bill(c.bill_category(), Unit::Message, None, Some(TierGroup::Template)),
                    opened: None,
                },
                _ => free(Reason::FreeFormNotCharged),
            },
            // Rules 7–11.
            Model::Conversation2022 => {
                if delivery.opens_entry_point_window {
                    self.open_until = Time::NEVER;
                    return Priced {
                        reason: Reason::OpensEntryPointConversation,
                        bill: None,
                        opened: Some(BillCategory::EntryPoint),
                    };
                }
                if delivery.entry_point_window_open {
                    return free(Reason::InsideEntryPointConversation);
                }
                if t < self.open_until {
                    return free(Reason::InsideOpenConversation);
                }
                self.open_until = t.plus(CONVERSATION);
                self.user_initiated = delivery.service_window_open;
                let (category, reason) = if self.user_initiated {
                    (BillCategory::UserInitiated, Reason::OpensUserInitiated)
                } else {
                    (BillCategory::BusinessInitiated, Reason::OpensBusinessInitiated)
                };
                Priced {
                    reason,
                    bill: bill(category, Unit::Conversation, Some(Allowance::Conversations), None),
                    opened: Some(category),
                }
            }
            // Rules 12–17.
            Model::Category2023 => {
                if delivery.opens_entry_point_window {
                    self.category_until = [Time::NEVER; 4];
                    return Priced {
                        reason: Reason::OpensEntryPointConversation,
                        bill: None,
                        opened: Some(BillCategory::EntryPoint),
                    };
                }
                if delivery.entry_point_window_open {
                    return free(Reason::InsideEntryPointConversation);
                }
                match message.kind {
                    MessageKind::Template(c) => {
                        let s = slot(c);
                        if t < self.category_until[s] {
                            return free(Reason::InsideSameCategoryConversation);
                        }
                        self.category_until[s] = t.plus(CONVERSATION);
                        let (category, reason) = match c {
                            TemplateCategory::Authentication => {
                                let category = authentication();
                                self.authentication_international =
                                    category == BillCategory::AuthenticationInternational;
                                let reason = if self.authentication_international {
                                    Reason::OpensAuthenticationInternationalConversation
                                } else {
                                    Reason::OpensCategoryConversation
                                };
                                (category, reason)
                            }
                            _ => (c.bill_category(), Reason::OpensCategoryConversation),
                        };
                        Priced { reason, bill: bill(category, Unit::Conversation, None, None), opened: Some(category) }
                    }
                    _ => {
                        if self.category_until.iter().any(|until| t < *until) {
                            return free(Reason::FreeFormInsideOpenConversation);
                        }
                        self.category_until[SERVICE] = t.plus(CONVERSATION);
                        if cx.date >= service_conversations_free_from() {
                            return Priced {
                                reason: Reason::ServiceConversationFree,
                                bill: None,
                                opened: Some(BillCategory::Service),
                            };
                        }
                        Priced {
                            reason: Reason::OpensServiceConversation,
                            bill: bill(
                                BillCategory::Service,
                                Unit::Conversation,
                                Some(Allowance::ServiceConversations),
                                None,
                            ),
                            opened: Some(BillCategory::Service),
                        }
                    }
                }
            }
            // Rules 19–24.
            Model::PerMessage2025 | Model::PerMessage2026 => {
                if delivery.opens_entry_point_window {
                    return free(Reason::OpensEntryPointWindow);
                }
                if delivery.entry_point_window_open {
                    return free(Reason::InsideEntryPointWindow);
                }
                let per_2026 = model == Model::PerMessage2026;
                match message.kind {
                    MessageKind::Template(TemplateCategory::Marketing) => Priced {
                        reason: Reason::ChargedMarketing,
                        bill: bill(BillCategory::Marketing, Unit::Message, None, None),
                        opened: None,
                    },
                    MessageKind::Template(TemplateCategory::Authentication) => {
                        let category = authentication();
                        let reason = if category == BillCategory::AuthenticationInternational {
                            Reason::ChargedAuthenticationInternational
                        } else {
                            Reason::ChargedAuthentication
                        };
                        Priced {
                            reason,
                            bill: bill(category, Unit::Message, None, Some(TierGroup::Authentication)),
                            opened: None,
                        }
                    }
                    MessageKind::Template(TemplateCategory::Utility) => {
                        if !per_2026 && delivery.service_window_open {
                            return free(Reason::UtilityInsideServiceWindow);
                        }
                        if !per_2026 && t < self.carried_utility_until {
                            return free(Reason::InsideCarriedUtilityConversation);
                        }
                        let reason =
                            if per_2026 { Reason::ChargedUtility } else { Reason::ChargedUtilityOutsideWindow };
                        Priced {
                            reason,
                            bill: bill(BillCategory::Utility, Unit::Message, None, Some(TierGroup::Utility)),
                            opened: None,
                        }
                    }
                    _ if per_2026 => Priced {
                        reason: Reason::ChargedFreeForm,
                        bill: bill(BillCategory::Service, Unit::Message, Some(Allowance::FreeFormMessages), None),
                        opened: None,
                    },
                    _ => free(Reason::FreeFormNotCharged),
                }
            }
        }
    }

    /// Drops the conversations of the previous model. Rule 18: under `auto`, a utility
    /// conversation opened under category-2023 keeps utility templates free under
    /// per-message-2025 until it expires.
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
