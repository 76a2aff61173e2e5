//! The answer to the scenario's own question, in words: what its `[question]` compares (the
//! strategies, a change of pricing, the markets, a what-if, or the budget alone), said with the
//! interval and the direction of every difference, from the run's statistics. `summary.json`'s
//! `answer`, the report's Answer box and the console all print these sentences, so they never
//! disagree; so do the warnings about what the run is too small to say.
//!
//! Two rules hold whatever the question. A strategy is called cheapest only when simultaneous
//! 95% intervals (Bonferroni over every pair of strategies under that pricing) put every other
//! strategy above it; else the answer says there is no clear winner. And a strategy that leaves
//! more customers unanswered than the best one at service is never called cheapest without
//! saying so in the same sentence; with a service floor, the answer names the cheapest strategy
//! that meets it.

use crate::engine::RunResult;
use crate::pricing::BillCategory;
use crate::pricing::markets::MarketId;
use crate::report::money_text;
use crate::scenario::{Compare, Scenario};
use crate::stats::{LEVEL, RunStats, ServiceStats, Summary, t_quantile};

/// What the run found, in words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// The sentences of the answer, the headline first.
    pub sentences: Vec<String>,
    /// What the run is too small (or too imprecise) to say, each in one sentence.
    pub warnings: Vec<String>,
}

impl Answer {
    /// The whole answer as one paragraph.
    #[must_use]
    pub fn text(&self) -> String {
        self.sentences.join(" ")
    }
}

/// The question in words: what the run compares, as declared.
#[must_use]
pub fn question_in_words(s: &Scenario) -> String {
    let strategies: Vec<&str> = s.strategies.iter().map(|n| n.name.as_str()).collect();
    let pricings: Vec<&str> = s.pricings.iter().map(|p| p.id()).collect();
    let floor = s
        .question
        .max_unanswered
        .map(|f| format!(", among those leaving at most {} of customers unanswered", percent(f * 100.0)))
        .unwrap_or_default();
    match &s.question.compare {
        Compare::Strategies => {
            format!("which strategy ({}) is cheapest under {}{floor}", strategies.join(", "), or_list(&pricings))
        }
        Compare::Pricing { from, to, about } => format!(
            "what {about} (from {} to {}) costs each strategy ({})",
            s.pricings[*from],
            s.pricings[*to],
            strategies.join(", ")
        ),
        Compare::Markets { categories } => format!(
            "what {} cost in each market, and how much of it is outside the business's own market, under {}",
            categories_in_words(categories),
            or_list(&pricings)
        ),
        Compare::WhatIf { about, pairs } => {
            let pairs: Vec<String> = pairs
                .iter()
                .map(|(a, b)| format!("{} against {}", s.strategies[*a].name, s.strategies[*b].name))
                .collect();
            format!("what {about} are worth: {}, under {}", pairs.join("; "), or_list(&pricings))
        }
        Compare::Budget => format!("what to budget (P{}) under {}", s.report.budget_percentile, or_list(&pricings)),
    }
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn categories_in_words(categories: &[BillCategory]) -> String {
    if categories.is_empty() {
        return "Meta's charges".to_owned();
    }
    let names: Vec<String> = categories.iter().map(|c| c.label().to_lowercase()).collect();
    format!("{} charges", and_list(&names))
}

/// A percentage for reading: whole numbers, one decimal below 10, never a misleading 0.
fn percent(pct: f64) -> String {
    if pct != 0.0 && pct.abs() < 0.1 {
        return if pct > 0.0 { "<0.1%".to_owned() } else { "-<0.1%".to_owned() };
    }
    if pct.abs() < 10.0 { format!("{pct:.1}%") } else { format!("{pct:.0}%") }
}

fn count(v: f64) -> String {
    crate::report::count_text(v.round())
}

/// Everything the sentences need, once.
struct Words<'a> {
    s: &'a Scenario,
    stats: &'a RunStats,
    currency: &'a str,
    /// "per simulated period of 30 days".
    per: String,
    n: usize,
    /// The run's markets, by layout slot.
    markets: &'a [MarketId],
}

impl Words<'_> {
    fn money(&self, v: f64) -> String {
        format!("{} {}", self.currency, money_text(v))
    }

    fn interval(&self, ci: Option<(f64, f64)>, what: &str) -> String {
        match ci {
            Some((lo, hi)) => format!("{what} {} to {}", self.money(lo), self.money(hi)),
            None => "no interval: one replication".to_owned(),
        }
    }

    fn name(&self, strategy: usize) -> &str {
        &self.s.strategies[strategy].name
    }

    fn mean(&self, strategy: usize, pricing: usize) -> f64 {
        self.stats.cell(self.s, strategy, pricing).total.mean
    }

    /// The difference `b − a` of two strategies' totals under `pricing`, per replication.
    fn difference(&self, pricing: usize, a: usize, b: usize) -> Option<(Summary, f64)> {
        let (pair, swapped) = self.stats.pair(pricing, a, b)?;
        // Stored as (a − b) for its own a < b; we want b − a.
        let sign = if swapped { 1.0 } else { -1.0 };
        Some((pair.difference, sign))
    }

    /// A simultaneous 95% interval of `sign × difference` over `pairs` comparisons (Bonferroni).
    fn simultaneous(&self, d: &Summary, sign: f64, pairs: usize) -> Option<(f64, f64)> {
        if d.n < 2 {
            return None;
        }
        let alpha = (1.0 - LEVEL) / pairs.max(1) as f64;
        let half = t_quantile(1.0 - alpha / 2.0, d.n - 1) * d.sd / (d.n as f64).sqrt();
        let m = sign * d.mean;
        Some((m - half + 0.0, m + half + 0.0))
    }

    /// Under one pricing: the cheapest strategy (among those meeting the service floor), and
    /// whether it is clearly so, with its service beside its cost.
    fn cheapest(&self, pricing: usize) -> String {
        let s = self.s;
        let k = s.strategies.len();
        let p = &s.pricings[pricing];
        let service = &self.stats.service;
        let floor = s.question.max_unanswered;
        let meets = |i: usize| floor.is_none_or(|f| service[i].unanswered_share() <= f + 1e-12);
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|a, b| self.mean(*a, pricing).total_cmp(&self.mean(*b, pricing)));
        let eligible: Vec<usize> = order.iter().copied().filter(|i| meets(*i)).collect();
        let floor_words =
            floor.map(|f| format!("at most {} of customers unanswered", percent(f * 100.0))).unwrap_or_default();
        let Some(&best) = eligible.first() else {
            return format!(
                "Under {p}, no strategy meets the service floor ({floor_words}): the fewest unanswered is {} ({}).",
                percent(service.iter().map(ServiceStats::unanswered_share).fold(f64::INFINITY, f64::min) * 100.0),
                self.name(
                    (0..k)
                        .min_by(|a, b| service[*a].unanswered_share().total_cmp(&service[*b].unanswered_share()))
                        .unwrap_or(0)
                )
            );
        };
        let pairs = k * (k - 1) / 2;
        let lead = if floor.is_some() {
            format!("Under {p}, among the strategies that leave {floor_words}, ")
        } else {
            format!("Under {p}, ")
        };
        // The strategies the claim is against: the others that meet the floor.
        let others: Vec<usize> = eligible.iter().copied().filter(|i| *i != best).collect();
        let mut sentence = match others.first() {
            None if floor.is_some() => format!(
                "{lead}{} is the only one, at {} {}",
                self.name(best),
                self.money(self.mean(best, pricing)),
                self.per
            ),
            None => format!("{lead}{} costs {} {}", self.name(best), self.money(self.mean(best, pricing)), self.per),
            Some(&next) => {
                let (d, sign) = self.difference(pricing, best, next).unwrap_or((crate::stats::summarize(&[]), 1.0));
                let saving = sign * d.mean + 0.0;
                let sim = self.simultaneous(&d, sign, pairs);
                let clear = self.n >= 2
                    && others.iter().all(|o| {
                        self.difference(pricing, best, *o)
                            .and_then(|(d, sign)| self.simultaneous(&d, sign, pairs))
                            .is_some_and(|(lo, _)| lo > 0.0)
                    });
                let interval = match sim {
                    Some(ci) if pairs == 1 => self.interval(Some(ci), "95% confidence interval"),
                    Some(ci) => self.interval(Some(ci), &format!("simultaneous 95% interval over the {pairs} pairs:")),
                    None => "no interval: one replication".to_owned(),
                };
                if clear {
                    let (pair, swapped) = self.stats.pair(pricing, best, next).expect("pair");
                    let wins = if swapped { pair.b_cheaper } else { pair.a_cheaper };
                    format!(
                        "{lead}{} is the cheapest strategy: it costs {} less {} than the next cheapest, {} ({interval}), and is cheaper in {}% of replications",
                        self.name(best),
                        self.money(saving),
                        self.per,
                        self.name(next),
                        (wins as f64 / self.n as f64 * 100.0).round()
                    )
                } else if self.n < 2 {
                    format!(
                        "{lead}{} has the lowest total, {} {} ({} less than {}), but with one replication no strategy can be called cheapest",
                        self.name(best),
                        self.money(self.mean(best, pricing)),
                        self.per,
                        self.money(saving),
                        self.name(next)
                    )
                } else {
                    format!(
                        "{lead}there is no clear winner: {} has the lowest mean, {} {}, but {} costs only {} more ({interval}, which includes no difference)",
                        self.name(best),
                        self.money(self.mean(best, pricing)),
                        self.per,
                        self.name(next),
                        self.money(saving)
                    )
                }
            }
        };
        // Service beside cost, in the same sentence.
        let fewest = (0..k)
            .min_by(|a, b| service[*a].customers_unanswered.total_cmp(&service[*b].customers_unanswered))
            .unwrap_or(best);
        let mine = &service[best];
        if mine.customers_unanswered > service[fewest].customers_unanswered {
            let who = if sentence.contains(" but ") { format!("; {}", self.name(best)) } else { ", but it".to_owned() };
            sentence.push_str(&format!(
                "{who} leaves {} customers unanswered {} ({} of those owed an answer; {} answers blocked and {} dropped) against {} for {}",
                count(mine.customers_unanswered),
                "per period",
                percent(mine.unanswered_share() * 100.0),
                count(mine.blocked),
                count(mine.dropped),
                count(service[fewest].customers_unanswered),
                self.name(fewest)
            ));
        }
        sentence.push('.');
        // With a floor: who was cheaper but fell short.
        if floor.is_some() {
            let excluded: Vec<String> = order
                .iter()
                .take_while(|i| **i != best)
                .filter(|i| !meets(**i))
                .map(|i| {
                    format!(
                        "{} ({} less, {} unanswered)",
                        self.name(*i),
                        self.money(self.mean(best, pricing) - self.mean(*i, pricing)),
                        percent(service[*i].unanswered_share() * 100.0)
                    )
                })
                .collect();
            if !excluded.is_empty() {
                sentence.push_str(&format!(" Cheaper, but below the floor: {}.", and_list(&excluded)));
            }
        }
        sentence
    }

    fn pricing_change(&self, from: usize, to: usize, about: &str) -> String {
        let s = self.s;
        let parts: Vec<String> = (0..s.strategies.len())
            .filter_map(|si| {
                let (d, swapped) = self.stats.pricing_difference(si, to, from)?;
                let sign = if swapped { -1.0 } else { 1.0 };
                let change = sign * d.mean + 0.0;
                let base = self.mean(si, from);
                // The interval of what the verb says: the increase, or the saving.
                let direction = if change >= 0.0 { sign } else { -sign };
                let ci = d.ci95.map(|(lo, hi)| if direction < 0.0 { (-hi + 0.0, -lo + 0.0) } else { (lo, hi) });
                let pct = if base > 0.0 {
                    format!(", {}{}", if change >= 0.0 { "+" } else { "" }, percent(change / base * 100.0))
                } else {
                    String::new()
                };
                let (verb, what) = if change >= 0.0 { ("adds", "increase") } else { ("saves", "saving") };
                Some(format!(
                    "{verb} {} for {} ({} → {}{pct}; {})",
                    self.money(change.abs()),
                    self.name(si),
                    self.money(base),
                    self.money(self.mean(si, to)),
                    self.interval(ci, &format!("95% confidence interval of the {what}"))
                ))
            })
            .collect();
        let mut text = format!(
            "{} (from {} to {}) {} {}.",
            capitalise(about),
            s.pricings[from],
            s.pricings[to],
            and_list(&parts),
            self.per
        );
        if s.strategies.len() > 1 {
            text.push(' ');
            text.push_str(&self.cheapest(to));
        }
        text
    }

    fn markets(&self, categories: &[BillCategory]) -> Vec<String> {
        let s = self.s;
        let what = categories_in_words(categories);
        let home = s
            .business
            .country
            .map(|c| s.business.book.markets.name(s.business.book.markets.market_of(c, s.period.start)).to_owned());
        let mut out = Vec::new();
        for (pi, p) in s.pricings.iter().enumerate() {
            for si in 0..s.strategies.len() {
                let cell = self.stats.cell(s, si, pi);
                let who = if s.strategies.len() > 1 { format!(" with {}", self.name(si)) } else { String::new() };
                let total = &cell.markets_total;
                let mut markets: Vec<(String, f64)> = cell
                    .markets
                    .iter()
                    .map(|m| (s.business.book.markets.name(self.markets[m.slot]).to_owned(), m.cost.mean))
                    .collect();
                markets.sort_by(|a, b| b.1.total_cmp(&a.1));
                let mut sentence = format!(
                    "Under {p}{who}, {} come to {} {} ({})",
                    what,
                    self.money(total.mean),
                    self.per,
                    self.interval(total.ci95, "95% confidence interval")
                );
                match (&home, &cell.abroad) {
                    (Some(home), Some(abroad)) => {
                        let share = if total.mean > 0.0 { abroad.mean / total.mean * 100.0 } else { 0.0 };
                        let top: Vec<String> = markets
                            .iter()
                            .filter(|(m, _)| m != home)
                            .take(3)
                            .map(|(m, v)| format!("{m} {}", self.money(*v)))
                            .collect();
                        sentence.push_str(&format!(
                            ", of which {} ({}) is to numbers outside {home}, the business's own market ({})",
                            self.money(abroad.mean),
                            percent(share),
                            self.interval(abroad.ci95, "95% confidence interval")
                        ));
                        if !top.is_empty() {
                            sentence.push_str(&format!("; most in {}", and_list(&top)));
                        }
                    }
                    _ => {
                        let top: Vec<String> =
                            markets.iter().take(3).map(|(m, v)| format!("{m} {}", self.money(*v))).collect();
                        if !top.is_empty() {
                            sentence.push_str(&format!("; the largest markets: {}", and_list(&top)));
                        }
                    }
                }
                sentence.push('.');
                out.push(sentence);
            }
        }
        out
    }

    /// Under each pricing, each strategy against its variant without what `about` names.
    fn what_if(&self, about: &str, pairs: &[(usize, usize)]) -> Vec<String> {
        let s = self.s;
        let mut out = Vec::new();
        for (pi, p) in s.pricings.iter().enumerate() {
            let parts: Vec<String> = pairs
                .iter()
                .filter_map(|&(with, without)| {
                    // What the variant pays more: what `about` saves.
                    let (d, sign) = self.difference(pi, with, without)?;
                    let saved = sign * d.mean + 0.0;
                    // The interval of what the verb says: the saving, or the extra cost.
                    let direction = if saved >= 0.0 { sign } else { -sign };
                    let ci = d.ci95.map(|(lo, hi)| if direction < 0.0 { (-hi + 0.0, -lo + 0.0) } else { (lo, hi) });
                    let without_cost = self.mean(without, pi);
                    let share = if without_cost > 0.0 { saved / without_cost * 100.0 } else { 0.0 };
                    let verb = if saved >= 0.0 { "save" } else { "cost" };
                    Some(format!(
                        "{verb} {} {} {} ({} of the {} it pays as {}; {})",
                        self.name(with),
                        self.money(saved.abs()),
                        self.per,
                        percent(share.abs()),
                        self.money(without_cost),
                        self.name(without),
                        self.interval(ci, "95% confidence interval")
                    ))
                })
                .collect();
            out.push(format!("Under {p}, {about} {}.", and_list(&parts)));
        }
        out
    }

    /// Under each pricing, what to budget for each strategy.
    fn budget(&self) -> Vec<String> {
        let s = self.s;
        let mut out = Vec::new();
        for (pi, p) in s.pricings.iter().enumerate() {
            let parts: Vec<String> = (0..s.strategies.len())
                .map(|si| {
                    let cell = self.stats.cell(s, si, pi);
                    let b = &cell.budget;
                    let who = if s.strategies.len() > 1 { format!(" for {}", self.name(si)) } else { String::new() };
                    match b.upper_bound {
                        Some(ub) => format!(
                            "budget {}{who} {} (a 95% upper confidence bound on P{}, whose estimate is {}; mean {})",
                            self.money(ub),
                            self.per,
                            b.percentile,
                            self.money(b.estimate),
                            self.money(cell.total.mean)
                        ),
                        None => format!(
                            "the P{} of the replications{who} is {} {} (mean {}), too few replications for an upper bound on it",
                            b.percentile,
                            self.money(b.estimate),
                            self.per,
                            self.money(cell.total.mean)
                        ),
                    }
                })
                .collect();
            out.push(format!("Under {p}, {}.", and_list(&parts)));
        }
        out
    }
}

/// The answer to the scenario's question, from the run and its statistics; `precision`: the
/// target the run tried to reach and whether it did, when it had one.
#[must_use]
pub fn answer(s: &Scenario, r: &RunResult, stats: &RunStats) -> Answer {
    let days = r.layout.days() - r.layout.warm_up();
    let w = Words {
        s,
        stats,
        currency: s.business.book.currency(),
        per: format!("per simulated period of {days} day{}", if days == 1 { "" } else { "s" }),
        n: stats.replications,
        markets: r.layout.markets(),
    };
    let sentences = match &s.question.compare {
        Compare::Strategies => (0..s.pricings.len()).map(|pi| w.cheapest(pi)).collect(),
        Compare::Pricing { from, to, about } => vec![w.pricing_change(*from, *to, about)],
        Compare::Markets { categories } => w.markets(categories),
        Compare::WhatIf { about, pairs } => w.what_if(about, pairs),
        Compare::Budget => w.budget(),
    };
    Answer { sentences, warnings: warnings(r, stats) }
}

/// What the run is too small or too imprecise to say.
fn warnings(r: &RunResult, stats: &RunStats) -> Vec<String> {
    let n = stats.replications;
    let mut out = Vec::new();
    if n < 2 {
        out.push(
            "One replication: no confidence interval and no comparison can be made from it; run at least 2 replications (--replications), better 30 or more."
                .to_owned(),
        );
    }
    if let Some(cell) = stats.cells.first() {
        let b = &cell.budget;
        if !b.enough() {
            out.push(match b.needed {
                Some(needed) => format!(
                    "The P{p} budget needs at least {needed} replications for a 95% upper confidence bound; this run has {n}, so the budget shown is the plain P{p} of the replications, which is too low more often than its name says (run --replications {needed} or more).",
                    p = b.percentile
                ),
                None => format!(
                    "P{} has no upper confidence bound from any number of replications: the budget shown is the highest replication's total.",
                    b.percentile
                ),
            });
        }
    }
    if let Some(p) = &r.precision
        && !p.reached
    {
        out.push(format!(
            "The precision target ({} of each mean) was not reached within {} replications (run.max-replications); the least precise mean is known to within {}.",
            percent(p.target * 100.0),
            n,
            percent(p.achieved * 100.0)
        ));
    }
    out
}

/// What capitalises a sentence's first letter.
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
