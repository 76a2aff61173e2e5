//! A business solution provider's own fees (rule 26): charged by the provider, not by Meta, so
//! reported apart from Meta's charges.

use super::money::Money;

/// Optional fees of a business solution provider, reported apart from Meta's charges (rule 26).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProviderFees {
    /// Per delivered outbound message.
    pub per_outbound: Money,
    /// Per inbound message.
    pub per_inbound: Money,
    /// Percentage added to Meta's charges (e.g. 10 for 10%).
    pub markup_percent: Money,
}
