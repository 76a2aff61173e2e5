//! Why a message costs what it costs, in words a product manager understands.

use crate::pricing::ledger::FreeTier;

/// The rule that decided a message's price. Every charge and every free message has one.
///
/// `repr(u8)` gives it a plain tag in declaration order, so that [`Reason::index`] (used per
/// simulated message) is arithmetic rather than a jump table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Reason {
    /// Rule 1: inbound messages are never charged.
    Inbound,
    /// Rule 5: an entry-point inbound, never charged; arms a free entry point.
    InboundEntryPoint,
    /// Rule 5: an entry-point inbound while an entry-point window is already open.
    InboundEntryPointWhileOpen,
    /// Rule 2: a free-form message with no customer service window open is not delivered
    /// (Meta's error 131047).
    Blocked,
    /// Rule 3: a template to a customer who did not opt in is never sent.
    Suppressed,
    /// Rule 4: a marketing template to a US number from 2025-04-01 is not delivered (error
    /// 131049).
    UsMarketingPaused,
    /// Sent but not delivered: counted, and no other effect.
    Failed,
    /// Rule 6: template-2018, inside the customer service window.
    FreeInsideServiceWindow,
    /// Rules 6 and 19: free-form is not charged (before per-message-2026).
    FreeFormNotCharged,
    /// Rule 6: template-2018, template outside the window.
    ChargedTemplate,
    /// Rules 11 and 15: the reply that opens the entry-point window opens a free entry-point conversation.
    OpensEntryPointConversation,
    /// Rules 11, 13 and 14: inside the free entry-point conversation.
    InsideEntryPointConversation,
    /// Rule 9: inside the open conversation.
    InsideOpenConversation,
    /// Rule 8: opens a user-initiated conversation (a customer service window is open), charged.
    OpensUserInitiated,
    /// Rule 8: opens a business-initiated conversation (no customer service window), charged.
    OpensBusinessInitiated,
    /// Rule 13: a template inside the open conversation of its category.
    InsideSameCategoryConversation,
    /// Rule 14: free-form inside any open conversation.
    FreeFormInsideOpenConversation,
    /// Rule 13: opens a conversation of its category.
    OpensCategoryConversation,
    /// Rules 13 and 17: opens an authentication conversation at the international rate.
    OpensAuthenticationInternationalConversation,
    /// Rule 14: free-form with no open conversation opens a service conversation.
    OpensServiceConversation,
    /// Rule 16: service conversations are free from 2024-11-01.
    ServiceConversationFree,
    /// Rule 18: a utility conversation from before 2025-07-01 is still open.
    InsideCarriedUtilityConversation,
    /// Rule 20: the reply that opens the entry-point window.
    OpensEntryPointWindow,
    /// Rule 20: inside the entry-point window.
    InsideEntryPointWindow,
    /// Rules 19 and 22: a marketing template, charged.
    ChargedMarketing,
    /// Rules 19 and 22: an authentication template, charged at the domestic rate.
    ChargedAuthentication,
    /// Rules 19 and 24: an authentication template, charged at the authentication-international
    /// rate.
    ChargedAuthenticationInternational,
    /// Rule 19: utility inside the customer service window is free.
    UtilityInsideServiceWindow,
    /// Rule 19: utility outside the window.
    ChargedUtilityOutsideWindow,
    /// Rule 22: utility is charged inside the window too.
    ChargedUtility,
    /// Rule 22: free-form at the service rate.
    ChargedFreeForm,
    /// Rule 10, 16 or 23: within a monthly allowance.
    WithinFreeTier(FreeTier),
    /// Rule 1: an inbound call, never charged (calling's own per-minute prices are out of scope).
    InboundCall,
    /// Rule 23: a reaction, never charged under any model, using no free tier.
    Reaction,
    /// Rule 23: free-form beyond the free tier, free under a government or non-profit exemption.
    ServiceExempt,
}

impl Reason {
    /// Every reason, in a fixed order (for tallies indexed by [`Reason::index`]).
    pub const ALL: [Reason; 37] = [
        Reason::Inbound,
        Reason::InboundEntryPoint,
        Reason::InboundEntryPointWhileOpen,
        Reason::Blocked,
        Reason::Suppressed,
        Reason::UsMarketingPaused,
        Reason::Failed,
        Reason::FreeInsideServiceWindow,
        Reason::FreeFormNotCharged,
        Reason::ChargedTemplate,
        Reason::OpensEntryPointConversation,
        Reason::InsideEntryPointConversation,
        Reason::InsideOpenConversation,
        Reason::OpensUserInitiated,
        Reason::OpensBusinessInitiated,
        Reason::InsideSameCategoryConversation,
        Reason::FreeFormInsideOpenConversation,
        Reason::OpensCategoryConversation,
        Reason::OpensAuthenticationInternationalConversation,
        Reason::OpensServiceConversation,
        Reason::ServiceConversationFree,
        Reason::InsideCarriedUtilityConversation,
        Reason::OpensEntryPointWindow,
        Reason::InsideEntryPointWindow,
        Reason::ChargedMarketing,
        Reason::ChargedAuthentication,
        Reason::ChargedAuthenticationInternational,
        Reason::UtilityInsideServiceWindow,
        Reason::ChargedUtilityOutsideWindow,
        Reason::ChargedUtility,
        Reason::ChargedFreeForm,
        Reason::WithinFreeTier(FreeTier::Conversations),
        Reason::WithinFreeTier(FreeTier::ServiceConversations),
        Reason::WithinFreeTier(FreeTier::FreeFormMessages),
        Reason::InboundCall,
        Reason::Reaction,
        Reason::ServiceExempt,
    ];

    /// This reason's position in [`Reason::ALL`].
    #[must_use]
    pub fn index(self) -> usize {
        // The variant's tag (a constant per arm, which compiles to the tag itself), then the
        // allowance within `WithinFreeTier`.
        let variant = match self {
            Reason::Inbound => 0,
            Reason::InboundEntryPoint => 1,
            Reason::InboundEntryPointWhileOpen => 2,
            Reason::Blocked => 3,
            Reason::Suppressed => 4,
            Reason::UsMarketingPaused => 5,
            Reason::Failed => 6,
            Reason::FreeInsideServiceWindow => 7,
            Reason::FreeFormNotCharged => 8,
            Reason::ChargedTemplate => 9,
            Reason::OpensEntryPointConversation => 10,
            Reason::InsideEntryPointConversation => 11,
            Reason::InsideOpenConversation => 12,
            Reason::OpensUserInitiated => 13,
            Reason::OpensBusinessInitiated => 14,
            Reason::InsideSameCategoryConversation => 15,
            Reason::FreeFormInsideOpenConversation => 16,
            Reason::OpensCategoryConversation => 17,
            Reason::OpensAuthenticationInternationalConversation => 18,
            Reason::OpensServiceConversation => 19,
            Reason::ServiceConversationFree => 20,
            Reason::InsideCarriedUtilityConversation => 21,
            Reason::OpensEntryPointWindow => 22,
            Reason::InsideEntryPointWindow => 23,
            Reason::ChargedMarketing => 24,
            Reason::ChargedAuthentication => 25,
            Reason::ChargedAuthenticationInternational => 26,
            Reason::UtilityInsideServiceWindow => 27,
            Reason::ChargedUtilityOutsideWindow => 28,
            Reason::ChargedUtility => 29,
            Reason::ChargedFreeForm => 30,
            Reason::WithinFreeTier(_) => 31,
            Reason::InboundCall => 34,
            Reason::Reaction => 35,
            Reason::ServiceExempt => 36,
        };
        let allowance = match self {
            Reason::WithinFreeTier(FreeTier::ServiceConversations) => 1,
            Reason::WithinFreeTier(FreeTier::FreeFormMessages) => 2,
            _ => 0,
        };
        variant + allowance
    }

    /// The reason in plain words.
    #[must_use]
    pub fn text(self) -> &'static str {
        match self {
            Reason::Inbound => "free: inbound messages are never charged; opens the customer service window",
            Reason::InboundEntryPoint => {
                "free: inbound through a Click-to-WhatsApp ad or Page button; a reply within 24 h opens a free entry-point window"
            }
            Reason::InboundEntryPointWhileOpen => {
                "free: inbound through an entry point while the entry-point window is already open"
            }
            Reason::Blocked => "blocked (131047): free-form message outside the customer service window",
            Reason::Suppressed => "suppressed: template to a customer who has not opted in (never sent)",
            Reason::UsMarketingPaused => {
                "failed (131049): marketing templates to US numbers are not delivered from 2025-04-01"
            }
            Reason::Failed => "failed: not delivered, so not charged and opens nothing",
            Reason::FreeInsideServiceWindow => "free: delivered inside the customer service window",
            Reason::FreeFormNotCharged => "free: free-form messages are not charged under this pricing model",
            Reason::ChargedTemplate => "charged: template outside the customer service window",
            Reason::OpensEntryPointConversation => {
                "free: reply to an entry-point message opens a free entry-point conversation"
            }
            Reason::InsideEntryPointConversation => "free: inside the free entry-point conversation",
            Reason::InsideOpenConversation => "free: inside the open 24-hour conversation",
            Reason::OpensUserInitiated => {
                "charged: opens a user-initiated conversation (the customer wrote in the last 24 h)"
            }
            Reason::OpensBusinessInitiated => {
                "charged: opens a business-initiated conversation (no customer message in the last 24 h)"
            }
            Reason::InsideSameCategoryConversation => "free: inside the open conversation of the same category",
            Reason::FreeFormInsideOpenConversation => "free: free-form inside an open conversation",
            Reason::OpensCategoryConversation => "charged: opens a 24-hour conversation of its category",
            Reason::OpensAuthenticationInternationalConversation => {
                "charged: opens an authentication conversation at the international rate"
            }
            Reason::OpensServiceConversation => {
                "charged: free-form with no open conversation opens a service conversation"
            }
            Reason::ServiceConversationFree => {
                "free: opens a service conversation; service conversations are free from 2024-11-01"
            }
            Reason::InsideCarriedUtilityConversation => {
                "free: utility template inside a utility conversation opened before 2025-07-01"
            }
            Reason::OpensEntryPointWindow => "free: reply to an entry-point message; opens the free entry-point window",
            Reason::InsideEntryPointWindow => "free: inside the free entry-point window",
            Reason::ChargedMarketing => "charged: marketing template",
            Reason::ChargedAuthentication => "charged: authentication template",
            Reason::ChargedAuthenticationInternational => "charged: authentication template at the international rate",
            Reason::UtilityInsideServiceWindow => "free: utility template inside the customer service window",
            Reason::ChargedUtilityOutsideWindow => "charged: utility template outside the customer service window",
            Reason::ChargedUtility => {
                "charged: utility template (charged inside the customer service window too from per-message-2026)"
            }
            Reason::ChargedFreeForm => "charged: free-form message at the service rate",
            Reason::WithinFreeTier(FreeTier::Conversations) => "free: within the month's free tier of conversations",
            Reason::WithinFreeTier(FreeTier::ServiceConversations) => {
                "free: within the month's free tier of service conversations"
            }
            Reason::WithinFreeTier(FreeTier::FreeFormMessages) => {
                "free: within the month's free allowance of free-form messages"
            }
            Reason::InboundCall => {
                "free: inbound calls are never charged here (calling's own prices are out of scope); opens the customer service window"
            }
            Reason::Reaction => "free: reactions are never charged and use no free allowance",
            Reason::ServiceExempt => {
                "free: service messages are free for eligible government and non-profit organisations"
            }
        }
    }

    /// Whether the reason bills at a rate (before any allowance).
    #[must_use]
    pub fn is_charge(self) -> bool {
        self.text().starts_with("charged")
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    #[test]
    fn index_is_the_position_in_all() {
        for (i, r) in Reason::ALL.iter().enumerate() {
            assert_eq!(r.index(), i);
        }
    }
}
