//! Invariants over random logs: a few customers in a few countries, random kinds and statuses,
//! times over a few days within one era, or across a switch of model under `auto`.

use crate::support::{Recorded, bill_csv, book, book_with_tiers};
use proptest::prelude::*;
use std::collections::BTreeMap;
use wasim::{BillOptions, Money, Outcome, Pricing, ProviderFees, RateBook, Settings};

/// Where the random logs fall: a pricing, a start, the countries every card in use prices fully.
struct Era {
    pricing: &'static str,
    base: i64,
    countries: &'static [&'static str],
}

const ALL: &[&str] = &["IN", "BR", "US", "DE", "ID"];

/// Seconds since the epoch of each era's start (computed once by hand, checked in `eras_are_dated`).
const ERAS: [Era; 10] = [
    // 2022-06-05: the conversation-2022 card prices Brazil (not the others).
    Era { pricing: "conversation-2022", base: 1_654_387_200, countries: &["BR"] },
    // 2024-10-02, card 2024-10-01.
    Era { pricing: "category-2023", base: 1_727_827_200, countries: ALL },
    // 2024-10-30: across 2024-11-01, when service conversations become free.
    Era { pricing: "category-2023", base: 1_730_246_400, countries: ALL },
    // 2026-01-05, card 2026-01-01.
    Era { pricing: "per-message-2025", base: 1_767_571_200, countries: ALL },
    // 2026-10-05.
    Era { pricing: "per-message-2026", base: 1_791_158_400, countries: ALL },
    // 2025-06-29 under auto: category-2023 → per-message-2025 on 2025-07-01.
    Era { pricing: "auto", base: 1_751_155_200, countries: ALL },
    // 2026-09-29 under auto: per-message-2025 → per-message-2026 on 2026-10-01.
    Era { pricing: "auto", base: 1_790_640_000, countries: ALL },
    // 2025-06-30 12:00 under auto: the switch of 2025-07-01 twelve hours in (rule 18).
    Era { pricing: "auto", base: 1_751_284_800, countries: ALL },
    // 2026-10-30: per-message-2026 across a month (the free-form allowance starts again).
    Era { pricing: "per-message-2026", base: 1_793_318_400, countries: ALL },
    // 2022-06-29: conversation-2022 across a month (the free tier starts again).
    Era { pricing: "conversation-2022", base: 1_656_460_800, countries: &["BR"] },
];

#[test]
fn eras_are_dated() {
    let dates = [
        "2022-06-05T00:00:00Z",
        "2024-10-02T00:00:00Z",
        "2024-10-30T00:00:00Z",
        "2026-01-05T00:00:00Z",
        "2026-10-05T00:00:00Z",
        "2025-06-29T00:00:00Z",
        "2026-09-29T00:00:00Z",
        "2025-06-30T12:00:00Z",
        "2026-10-30T00:00:00Z",
        "2022-06-29T00:00:00Z",
    ];
    for (era, date) in ERAS.iter().zip(dates) {
        let t = chrono::DateTime::parse_from_rfc3339(date).unwrap();
        assert_eq!(t.timestamp(), era.base, "{date}");
    }
}

/// One generated message.
#[derive(Clone, Debug)]
struct Msg {
    /// Seconds after the era's start; distinct within a log.
    at: i64,
    customer: usize,
    kind: &'static str,
    failed: bool,
}

#[derive(Clone, Debug)]
struct Log {
    era: usize,
    /// Country per customer.
    countries: Vec<&'static str>,
    messages: Vec<Msg>,
    allowance: u64,
    tiers: bool,
}

/// Inbound message, entry-point inbound, marketing, utility and authentication templates,
/// free-form; and from 2026's rules: inbound call (rule 1), reaction (rule 23), Direct Send of
/// utility and authentication (rule 28).
const KINDS: [&str; 10] = ["in", "ep", "mk", "ut", "au", "ff", "cl", "re", "du", "da"];

fn kind() -> impl Strategy<Value = &'static str> {
    prop_oneof![4 => Just(KINDS[0]), 1 => Just(KINDS[1]), 2 => Just(KINDS[2]), 2 => Just(KINDS[3]),
                1 => Just(KINDS[4]), 4 => Just(KINDS[5]), 1 => Just(KINDS[6]), 1 => Just(KINDS[7]),
                1 => Just(KINDS[8]), 1 => Just(KINDS[9])]
}

fn log() -> impl Strategy<Value = Log> {
    let customers = 1..=4usize;
    // Times on a grid of whole hours (so windows' edges are often hit) or of minutes.
    let unit = prop_oneof![Just(3600i64), Just(60i64)];
    (0..ERAS.len(), customers, unit).prop_flat_map(|(era, n, unit)| {
        let countries = ERAS[era].countries;
        let message = (0..4 * 24 * 3600 / unit, 0..n, kind(), prop::bool::weighted(0.1));
        (
            Just(era),
            prop::collection::vec(prop::sample::select(countries), n),
            prop::collection::vec(message, 1..40),
            prop_oneof![Just(0u64), Just(2u64)],
            any::<bool>(),
        )
            .prop_map(move |(era, countries, raw, allowance, tiers)| {
                // Grid time plus the index in seconds: every time is distinct.
                let messages = raw
                    .into_iter()
                    .enumerate()
                    .map(|(i, (slot, customer, kind, failed))| Msg {
                        at: slot * unit + i as i64,
                        customer,
                        kind,
                        failed,
                    })
                    .collect();
                Log { era, countries, messages, allowance, tiers }
            })
    })
}

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The log as CSV, rows in the given order.
fn csv(log: &Log, order: &[usize]) -> String {
    let mut s = String::from("time,customer,direction,type,category,country,status\n");
    for &i in order {
        let m = &log.messages[i];
        let (direction, ty, category) = match m.kind {
            "in" => ("in", "message", ""),
            "ep" => ("in", "entry_point", ""),
            "mk" => ("out", "template", "marketing"),
            "ut" => ("out", "template", "utility"),
            "au" => ("out", "template", "authentication"),
            "cl" => ("in", "call", ""),
            "re" => ("out", "reaction", ""),
            "du" => ("out", "freeform", "utility"),
            "da" => ("out", "freeform", "authentication"),
            _ => ("out", "freeform", ""),
        };
        let status = if direction == "out" && m.failed { "failed" } else { "" };
        s.push_str(&format!(
            "{},c{},{direction},{ty},{category},{},{status}\n",
            rfc3339(ERAS[log.era].base + m.at),
            m.customer,
            log.countries[m.customer]
        ));
    }
    s
}

fn in_order(log: &Log) -> Vec<usize> {
    (0..log.messages.len()).collect()
}

fn setup(log: &Log) -> (RateBook, BillOptions) {
    let book = if log.tiers {
        book_with_tiers(
            "market,category,from,rate\nIndia,utility,2,0.0010\nIndia,authentication,2,0.0009\nBrazil,authentication,3,0.0050\n",
        )
    } else {
        book()
    };
    let options = BillOptions {
        settings: Settings::new(Pricing::parse(ERAS[log.era].pricing).unwrap()),
        free_tier: log.allowance,
        fees: ProviderFees::default(),
    };
    (book, options)
}

/// Decisions keyed by (customer, seconds after the era's start).
fn by_message(log: &Log, decisions: &[Recorded]) -> BTreeMap<(String, i64), Recorded> {
    let base = ERAS[log.era].base * 1_000_000_000;
    decisions.iter().map(|d| ((d.customer.clone(), (d.row.time.0 - base) / 1_000_000_000), d.clone())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Rules 1–2 and 23, checked from the inbound times alone: a free-form message or a
    /// reaction is delivered (or failed) exactly when an inbound message or call of the same
    /// customer came in the last 24 h; otherwise it is blocked. Direct Send needs no window.
    #[test]
    fn free_form_only_inside_the_customer_service_window(log in log()) {
        let (book, options) = setup(&log);
        let (_, decisions) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        let decided = by_message(&log, &decisions);
        prop_assert_eq!(decided.len(), log.messages.len());
        for m in log.messages.iter().filter(|m| matches!(m.kind, "ff" | "re" | "du" | "da")) {
            let inbound = |k: &str| matches!(k, "in" | "ep" | "cl");
            let open = matches!(m.kind, "du" | "da")
                || log.messages.iter().any(|i| {
                    i.customer == m.customer && inbound(i.kind) && i.at <= m.at && m.at < i.at + 24 * 3600
                });
            let d = &decided[&(format!("c{}", m.customer), m.at)];
            let expected = match (open, m.failed) {
                (false, _) => Outcome::Blocked,
                (true, true) => Outcome::Failed,
                (true, false) => Outcome::Delivered,
            };
            prop_assert_eq!(d.priced.decision.outcome, expected, "{:?}", m);
        }
    }

    /// Every charge has a rule-named reason starting with "charged"; every free message one that
    /// does not. Only delivered outbound messages are charged.
    #[test]
    fn every_charge_and_every_free_message_has_its_reason(log in log()) {
        let (book, options) = setup(&log);
        let (_, decisions) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        for d in &decisions {
            let text = d.priced.reason.text();
            prop_assert_eq!(d.priced.charged, text.starts_with("charged"), "{}", text);
            prop_assert!(!text.is_empty());
            if d.priced.charged {
                prop_assert_eq!(d.priced.decision.outcome, Outcome::Delivered);
                prop_assert!(d.priced.decision.bill.is_some());
            } else {
                prop_assert_eq!(d.priced.cost, Money::ZERO);
            }
        }
    }

    /// The total equals the sum of the decisions, of the bill's lines and of its reasons.
    #[test]
    fn totals_equal_the_sum_of_the_decisions(log in log()) {
        let (book, options) = setup(&log);
        let (bill, decisions) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        let by_decision: Money = decisions.iter().map(|d| d.priced.cost).sum();
        let by_line: Money = bill.lines.values().map(|l| l.cost).sum();
        let by_reason: Money = bill.reasons.values().map(|l| l.cost).sum();
        let by_category: Money = bill.charged_by_category().values().map(|l| l.cost).sum();
        prop_assert_eq!(bill.total_cost(), by_decision);
        prop_assert_eq!(bill.total_cost(), by_line);
        prop_assert_eq!(bill.total_cost(), by_reason);
        prop_assert_eq!(bill.total_cost(), by_category);
        let charged = decisions.iter().filter(|d| d.priced.charged).count() as u64;
        prop_assert_eq!(bill.lines.values().map(|l| l.charged).sum::<u64>(), charged);
        let m = bill.messages;
        prop_assert_eq!(m.inbound + m.outbound, log.messages.len() as u64);
        prop_assert_eq!(m.delivered + m.blocked + m.suppressed + m.failed, m.outbound);
    }

    /// Rows in any order (times distinct) give the same bill.
    #[test]
    fn shuffled_rows_give_the_same_bill(
        (log, order) in log().prop_flat_map(|log| {
            let order: Vec<usize> = (0..log.messages.len()).collect();
            (Just(log), Just(order).prop_shuffle())
        })
    ) {
        let (book, options) = setup(&log);
        let (sorted, _) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        let (shuffled, _) = bill_csv(&csv(&log, &order), &book, &options).unwrap();
        prop_assert_eq!(sorted, shuffled);
    }

    /// With allowances and tiers off, each customer billed alone is priced as in the whole log.
    #[test]
    fn billing_by_customer_gives_the_same_charges(log in log()) {
        let log = Log { allowance: 0, tiers: false, ..log };
        let (book, options) = setup(&log);
        let (whole, decisions) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        let whole_decisions = by_message(&log, &decisions);
        let mut sum = Money::ZERO;
        for customer in 0..log.countries.len() {
            let rows: Vec<usize> = (0..log.messages.len()).filter(|&i| log.messages[i].customer == customer).collect();
            if rows.is_empty() {
                continue;
            }
            let (part, decisions) = bill_csv(&csv(&log, &rows), &book, &options).unwrap();
            sum += part.total_cost();
            for (key, d) in by_message(&log, &decisions) {
                let w = &whole_decisions[&key];
                prop_assert_eq!(
                    (d.priced.decision.outcome, d.priced.charged, d.priced.cost, d.priced.reason),
                    (w.priced.decision.outcome, w.priced.charged, w.priced.cost, w.priced.reason),
                    "{:?}", key
                );
            }
        }
        prop_assert_eq!(sum, whole.total_cost());
    }
}

/// A reference model written straight from rules.md (rules 1, 2, 5, 7–9, 11–16, 18–20, 22, 23's
/// reactions, 28),
/// for one customer's messages in time order with distinct times, allowances and tiers off and
/// no authentication-international. It says, per message: what became of it, whether it is
/// charged and under which category, and which conversation it opened.
mod reference {
    const H: i64 = 3600;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Fate {
        Received,
        Delivered,
        Blocked,
        Failed,
    }

    /// (fate, charged category, opened conversation)
    pub type Verdict = (Fate, Option<&'static str>, Option<&'static str>);

    fn day(date: &str) -> i64 {
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
            / 86_400
    }

    pub fn model_on(pricing: &str, t: i64) -> &'static str {
        let d = t.div_euclid(86_400);
        match pricing {
            "auto" if d < day("2023-06-01") => "conversation-2022",
            "auto" if d < day("2025-07-01") => "category-2023",
            "auto" if d < day("2026-10-01") => "per-message-2025",
            "auto" => "per-message-2026",
            "conversation-2022" => "conversation-2022",
            "category-2023" => "category-2023",
            "per-message-2025" => "per-message-2025",
            _ => "per-message-2026",
        }
    }

    #[derive(Default)]
    struct State {
        last_inbound: Option<i64>,
        armed: Option<i64>,
        window: Option<(i64, i64)>,
        /// The model the open conversations belong to.
        model: Option<&'static str>,
        /// conversation-2022: (until, user-initiated).
        conversation: Option<i64>,
        /// category-2023: until, per category.
        categories: [(&'static str, i64); 4],
        /// Rule 18.
        carried_utility: Option<i64>,
    }

    /// `messages`: (time in seconds since the epoch, kind, failed), sorted by time.
    pub fn decide(pricing: &str, messages: &[(i64, &str, bool)]) -> Vec<Verdict> {
        let mut s = State {
            categories: [
                ("marketing", i64::MIN),
                ("utility", i64::MIN),
                ("authentication", i64::MIN),
                ("service", i64::MIN),
            ],
            ..State::default()
        };
        let mut out = Vec::new();
        for &(t, kind, failed) in messages {
            let csw = s.last_inbound.is_some_and(|l| l <= t && t < l + 24 * H);
            let in_window = s.window.is_some_and(|(from, until)| from <= t && t < until);
            // Rule 28: Direct Send is priced and sent as a template of its category.
            let kind = match kind {
                "du" => "ut",
                "da" => "au",
                k => k,
            };
            // Rule 1: a call opens the window like a message, and arms no entry point.
            if kind == "cl" {
                s.last_inbound = Some(t);
                out.push((Fate::Received, None, None));
                continue;
            }
            // Rule 23: a reaction needs the window, is never charged, opens nothing and leaves
            // an armed entry point armed.
            if kind == "re" {
                let fate = if !csw {
                    Fate::Blocked
                } else if failed {
                    Fate::Failed
                } else {
                    Fate::Delivered
                };
                out.push((fate, None, None));
                continue;
            }
            if kind == "in" || kind == "ep" {
                // Rules 1 and 5.
                s.last_inbound = Some(t);
                if kind == "ep" && !in_window {
                    s.armed = Some(t);
                }
                out.push((Fate::Received, None, None));
                continue;
            }
            if kind == "ff" && !csw {
                out.push((Fate::Blocked, None, None));
                continue;
            }
            if failed {
                out.push((Fate::Failed, None, None));
                continue;
            }
            // Rule 5: the first delivered outbound after arming.
            let mut opens_window = false;
            if let Some(te) = s.armed.take()
                && t < te + 24 * H
            {
                // 24 h before 2023-03-01, 72 h before 2026-09-28, 7 days from then.
                let d = t.div_euclid(86_400);
                let hours = if d < day("2023-03-01") {
                    24
                } else if d < day("2026-09-28") {
                    72
                } else {
                    168
                };
                s.window = Some((t, t + hours * H));
                opens_window = true;
            }
            let in_window = in_window || opens_window;
            let model = model_on(pricing, t);
            if s.model != Some(model) {
                // Conversations do not cross a switch, except rule 18 under auto.
                s.carried_utility =
                    (pricing == "auto" && s.model == Some("category-2023") && model == "per-message-2025")
                        .then_some(s.categories[1].1);
                s.conversation = None;
                for c in &mut s.categories {
                    c.1 = i64::MIN;
                }
                s.model = Some(model);
            }
            let category = match kind {
                "mk" => "marketing",
                "ut" => "utility",
                "au" => "authentication",
                _ => "service",
            };
            let verdict = match model {
                "conversation-2022" => {
                    if opens_window {
                        s.conversation = None;
                        (None, Some("entry_point"))
                    } else if in_window || s.conversation.is_some_and(|until| t < until) {
                        (None, None)
                    } else {
                        s.conversation = Some(t + 24 * H);
                        let kind = if csw { "user_initiated" } else { "business_initiated" };
                        (Some(kind), Some(kind))
                    }
                }
                "category-2023" => {
                    if opens_window {
                        for c in &mut s.categories {
                            c.1 = i64::MIN;
                        }
                        (None, Some("entry_point"))
                    } else if in_window {
                        (None, None)
                    } else if kind == "ff" {
                        if s.categories.iter().any(|c| t < c.1) {
                            (None, None)
                        } else {
                            s.categories[3].1 = t + 24 * H;
                            let free = t.div_euclid(86_400) >= day("2024-11-01");
                            (if free { None } else { Some("service") }, Some("service"))
                        }
                    } else {
                        let slot = s.categories.iter_mut().find(|c| c.0 == category).unwrap();
                        if t < slot.1 {
                            (None, None)
                        } else {
                            slot.1 = t + 24 * H;
                            (Some(category), Some(category))
                        }
                    }
                }
                per_message => {
                    let per_2026 = per_message == "per-message-2026";
                    if in_window {
                        (None, None)
                    } else {
                        match kind {
                            "mk" | "au" => (Some(category), None),
                            "ut" if !per_2026 && (csw || s.carried_utility.is_some_and(|u| t < u)) => (None, None),
                            "ut" => (Some(category), None),
                            _ if per_2026 => (Some("service"), None),
                            _ => (None, None),
                        }
                    }
                }
            };
            out.push((Fate::Delivered, verdict.0, verdict.1));
        }
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The library agrees, message by message, with the reference model of the rules, free tiers
    /// and allowances (rules 10, 16, 23) included.
    #[test]
    fn agrees_with_a_reference_model_of_the_rules(log in log(), allowance in 0..3u64) {
        let log = Log { allowance, tiers: false, ..log };
        let (book, options) = setup(&log);
        let (_, decisions) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        let decided = by_message(&log, &decisions);
        let base = ERAS[log.era].base;
        let pricing = ERAS[log.era].pricing;
        // Each customer alone, in time order.
        let mut expected = Vec::new();
        for customer in 0..log.countries.len() {
            let mut mine: Vec<&Msg> = log.messages.iter().filter(|m| m.customer == customer).collect();
            mine.sort_by_key(|m| m.at);
            let input: Vec<(i64, &str, bool)> = mine.iter().map(|m| (base + m.at, m.kind, m.failed)).collect();
            expected.extend(mine.into_iter().zip(reference::decide(pricing, &input)));
        }
        // Then the business's allowances: the first N of each calendar month and model, in time
        // order, of conversations (conversation-2022), service conversations (category-2023,
        // charged ones only: from 2024-11-01 they are free anyway) and free-form messages
        // (per-message-2026) are free.
        expected.sort_by_key(|(m, _)| m.at);
        let mut used: BTreeMap<(String, &str), u64> = BTreeMap::new();
        for (m, verdict) in &mut expected {
            let t = base + m.at;
            if matches!(verdict.1, Some("service" | "user_initiated" | "business_initiated")) {
                let month = chrono::DateTime::from_timestamp(t, 0).unwrap().format("%Y-%m").to_string();
                let n = used.entry((month, reference::model_on(pricing, t))).or_insert(0);
                if *n < allowance {
                    *n += 1;
                    verdict.1 = None;
                }
            }
        }
        for (m, (fate, charged, opened)) in expected {
            let d = &decided[&(format!("c{}", m.customer), m.at)];
            let got_fate = match d.priced.decision.outcome {
                Outcome::Received => reference::Fate::Received,
                Outcome::Delivered => reference::Fate::Delivered,
                Outcome::Blocked => reference::Fate::Blocked,
                Outcome::Failed => reference::Fate::Failed,
                Outcome::Suppressed => panic!("logs never suppress"),
            };
            let got_charged = d.priced.charged.then(|| d.priced.category().map_or("-", |c| c.id()));
            let got_opened = d.priced.decision.opened.conversation.map(|c| c.id());
            prop_assert_eq!(
                (got_fate, got_charged, got_opened),
                (fate, charged, opened),
                "customer c{} at +{}s ({}): {}", m.customer, m.at, m.kind, d.priced.reason.text()
            );
        }
    }
}
