//! How customers react to what the business sends: whether a delivery fails, whether and when
//! the customer replies, and when a campaign's follow-ups go out after a reply. Every draw is
//! keyed by the content's id, so the same content meets the same reaction under every strategy
//! (common random numbers), whatever form the strategy gave it.

use super::streams::{CustomerKey, Purpose, PurposeKey, mix, unit};
use super::{Dist, sample};
use crate::pricing::markets::MarketId;
use crate::pricing::money::Money;
use crate::rules::{MessageKind, TemplateCategory};
use crate::scenario::{Customers, MAX_FOLLOW_UPS, ReplyBehaviour};
use crate::strategy::Content;
use crate::time::Time;

/// Follow-up ids live above this, clear of the ids of planned content.
const FOLLOW_UP_ID: u64 = 1 << 48;
/// Bits of a follow-up's index within its reply (room for [`MAX_FOLLOW_UPS`]).
const FOLLOW_UP_BITS: u32 = 4;
const _: () = assert!(MAX_FOLLOW_UPS as u64 <= 1 << FOLLOW_UP_BITS);

/// A customer's stream keys for the draws made per piece of content, each purpose's half mixed
/// once per customer (a content's key is then one mix away).
#[derive(Clone, Copy, Debug)]
pub struct ContentKeys {
    reply: PurposeKey,
    re_engage_reply: PurposeKey,
    delivery: PurposeKey,
    follow_up: PurposeKey,
}

impl ContentKeys {
    /// The keys of one customer of one replication.
    #[must_use]
    pub fn new(key: CustomerKey) -> ContentKeys {
        ContentKeys {
            reply: key.purpose(Purpose::Reply),
            re_engage_reply: key.purpose(Purpose::ReEngageReply),
            delivery: key.purpose(Purpose::Delivery),
            follow_up: key.purpose(Purpose::FollowUp),
        }
    }
}

/// What the business delivered, as far as the customer's reply is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// Content, in whatever form the strategy chose: the reply is the same.
    Content(Content),
    /// A re-engagement template of a category, asking the customer to write.
    ReEngagement(TemplateCategory),
}

/// A campaign's follow-ups to a customer who replies.
#[derive(Clone, Copy, Debug, PartialEq)]
struct FollowUps {
    count: u32,
    delay: Dist,
}

/// How a campaign's capped marketing templates fare in one market (rule 29).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Capped {
    /// The share delivered.
    pub delivered: f64,
    /// The price Meta charges a delivered one.
    pub price: Money,
}

/// The customers' reactions, from a scenario.
#[derive(Clone, Debug)]
pub struct Reactions {
    /// Replies to marketing, utility and authentication messages.
    replies: [ReplyBehaviour; 3],
    failure_rate: f64,
    marketing_limit: f64,
    /// Per campaign, in the scenario's order.
    follow_ups: Vec<FollowUps>,
    /// Per campaign, its capped markets and how its templates fare there (rule 29).
    caps: Vec<Vec<(MarketId, Capped)>>,
}

impl Reactions {
    /// The reactions of a scenario's customers.
    #[must_use]
    pub fn new(s: &Customers) -> Reactions {
        Reactions {
            replies: s.replies,
            failure_rate: s.failures.rate,
            marketing_limit: s.failures.marketing_limit,
            follow_ups: s
                .campaigns
                .iter()
                .map(|c| FollowUps { count: c.follow_ups, delay: c.follow_up_delay })
                .collect(),
            caps: s
                .campaigns
                .iter()
                .map(|c| {
                    c.caps
                        .iter()
                        .filter_map(|&(market, cap)| {
                            let curve = s.reach.iter().find(|r| r.market == market)?;
                            let (delivered, price) = curve.at(cap);
                            Some((market, Capped { delivered, price }))
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// Whether any campaign is capped in some market.
    #[must_use]
    pub fn any_caps(&self) -> bool {
        self.caps.iter().any(|c| !c.is_empty())
    }

    /// How campaign `campaign`'s marketing templates fare in `market`, if capped there.
    #[inline]
    #[must_use]
    pub fn capped(&self, campaign: u16, market: MarketId) -> Option<Capped> {
        let caps = self.caps.get(usize::from(campaign))?;
        caps.iter().find(|(m, _)| *m == market).map(|(_, c)| *c)
    }

    /// Whether capped content `id` is not delivered, at the campaign's delivered share (its own
    /// draw, the same under every strategy).
    #[must_use]
    pub fn unreached(&self, keys: &ContentKeys, id: u64, capped: Capped) -> bool {
        capped.delivered < 1.0 && unit(mix(mix(keys.delivery.key(id)))) >= capped.delivered
    }

    /// Whether any delivery can fail (a failure rate or a marketing limit): only then is a
    /// delivery's draw made.
    #[must_use]
    pub fn deliveries_can_fail(&self) -> bool {
        self.failure_rate > 0.0 || self.marketing_limit > 0.0
    }

    /// Whether the delivery of message `kind` carrying content `id` fails (rule 4: the general
    /// failure rate, and the per-user marketing limit for marketing templates to customers it
    /// applies to, `limited`). A re-engagement template sent for content `id` has a draw of its
    /// own.
    #[inline(always)]
    #[must_use]
    pub fn delivery_fails(
        &self,
        keys: &ContentKeys,
        id: u64,
        reengagement: bool,
        kind: MessageKind,
        limited: bool,
    ) -> bool {
        let salt = if reengagement { 1 << 63 } else { 0 };
        let key = keys.delivery.key(id ^ salt);
        let mut failed = unit(key) < self.failure_rate;
        if kind == MessageKind::Template(TemplateCategory::Marketing) && self.marketing_limit > 0.0 && limited {
            failed |= unit(mix(key)) < self.marketing_limit;
        }
        failed
    }

    /// How long after delivering `sent` (for content `id`) the customer replies, if they do.
    /// Customers do not reply to support answers.
    #[inline(always)]
    #[must_use]
    pub fn reply_delay(&self, keys: &ContentKeys, id: u64, sent: Sent) -> Option<i64> {
        let (keys, category) = match sent {
            Sent::Content(Content::Support | Content::Reaction) => return None,
            Sent::Content(c) => (keys.reply, c.category()),
            Sent::ReEngagement(c) => (keys.re_engage_reply, c),
        };
        let behaviour = self.replies[category as usize];
        if behaviour.probability <= 0.0 {
            return None;
        }
        // Whether to reply comes straight from the stream's key; the delay from its generator.
        if unit(keys.key(id)) < behaviour.probability {
            let mut rng = keys.stream(id);
            return Some(sample(behaviour.delay, &mut rng).max(1));
        }
        None
    }

    /// The follow-ups campaign `campaign` sends to a reply at `t` to its content `parent`: each
    /// one's time and content id, in order.
    pub fn follow_ups(
        &self,
        keys: &ContentKeys,
        campaign: u16,
        parent: u64,
        t: Time,
    ) -> impl Iterator<Item = (Time, u64)> + use<> {
        let plan = self
            .follow_ups
            .get(usize::from(campaign))
            .copied()
            .unwrap_or(FollowUps { count: 0, delay: Dist::Fixed(0.0) });
        let mut rng = keys.follow_up.stream(parent);
        let mut at = t;
        (0..plan.count).map(move |j| {
            at = at.plus(sample(plan.delay, &mut rng).max(1));
            (at, FOLLOW_UP_ID | (parent << FOLLOW_UP_BITS) | u64::from(j))
        })
    }
}
