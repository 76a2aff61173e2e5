//! The one-page HTML report: self-contained (charts inline as SVG, styles inline, no scripts, no
//! external assets), so it opens from disk in any browser and can be mailed as one file.

use super::charts::RenderedChart;
use super::{Amount, FreeReason, ReportData, amount_text, count_text, duration_text, money_text};
use crate::pricing::BillCategory;
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif; color: #222; max-width: 1240px;
       margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.question { white-space: pre-wrap; font-size: 1.1em; color: #444; }
.headline { background: #f3f7fb; border-left: 5px solid #333; padding: 0.3em 1.2em; font-size: 1.1em; }
.headline p { margin: 0.5em 0; }
.warnings { background: #fff6e5; border-left: 5px solid #c77c00; padding: 0.5em 1.2em; margin: 1em 0; }
.warnings ul { margin: 0.3em 0; padding-left: 1.2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.95em; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
th { background: #fafafa; }
td.name { white-space: nowrap; }
.scroll { overflow-x: auto; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1.5em 0; }
figure svg { width: 100%; height: auto; max-width: 1200px; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; }
.note { color: #555; font-size: 0.9em; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.3em 1.2em; }
dt { font-weight: bold; }
dd { margin: 0; }
@media (max-width: 900px) {
  body { margin: 1em auto; }
  table { font-size: 0.85em; }
  th, td { padding: 0.25em 0.45em; }
  .headline { font-size: 1em; padding: 0.2em 0.8em; }
}
";

/// The report page: the question, the answer, tables of the data's own numbers, the charts
/// (`charts` as [`super::charts::render_all`] drew them, inlined) and the assumptions.
#[must_use]
pub fn render(data: &ReportData, charts: &[RenderedChart]) -> String {
    let mut h = String::with_capacity(64 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());
    let cur = escape(&data.currency);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — wasim report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&data.scenario)
    );
    let _ = writeln!(h, "<h1>{}</h1>", escape(&data.scenario));
    if !data.question.trim().is_empty() {
        let _ = writeln!(h, "<p class=\"question\">{}</p>", escape(data.question.trim()));
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">{} replications of {} days from {}{}, seed {}; amounts in {cur} {}.</p>",
        data.replications,
        data.days,
        escape(&data.start),
        if data.warm_up_days > 0 {
            format!(" (after a {}-day warm-up, left out)", data.warm_up_days)
        } else {
            String::new()
        },
        data.seed,
        per_period(data)
    );

    if let Some(p) = &data.precision {
        let _ = writeln!(h, "<p class=\"note\">Precision: {}.</p>", escape(p));
    }
    let _ = writeln!(h, "<p class=\"note\" id=\"asks\">This run compares {}.</p>", escape(&data.asks));

    // The answer, then what the run is too small to say.
    h.push_str("<h2>Answer</h2>\n<div class=\"headline\" id=\"headline\">");
    if data.answer.is_empty() {
        h.push_str("<p>Nothing to compare.</p>");
    }
    for sentence in &data.answer {
        let _ = write!(h, "<p>{}</p>", escape(sentence));
    }
    h.push_str("</div>\n");
    if !data.warnings.is_empty() {
        h.push_str("<div class=\"warnings\" id=\"warnings\"><b>Warnings</b><ul>");
        for w in &data.warnings {
            let _ = write!(h, "<li>{}</li>", escape(w));
        }
        h.push_str("</ul></div>\n");
    }

    // The tables, the one that answers the question first.
    let lead = data.compare.as_str();
    match lead {
        "markets" => market_table(&mut h, data),
        "budget" => budget_table(&mut h, data),
        _ => {}
    }
    cost_table(&mut h, data);
    service_table(&mut h, data);
    finance_tables(&mut h, data);
    if lead != "budget" {
        budget_table(&mut h, data);
    }
    message_table(&mut h, data);
    if lead != "markets" {
        market_table(&mut h, data);
    }

    h.push_str("<h2>Charts</h2>\n");
    for c in charts {
        let _ = writeln!(h, "<figure id=\"chart-{}\">", c.name);
        h.push_str(svg_body(&c.svg));
        let _ = writeln!(
            h,
            "\n<figcaption>{} (also <a href=\"charts/{n}.svg\">charts/{n}.svg</a> and <a href=\"charts/{n}.png\">charts/{n}.png</a>)</figcaption>\n</figure>",
            escape(&c.title),
            n = c.name,
        );
    }

    files(&mut h);
    assumptions(&mut h, data);
    let _ = writeln!(
        h,
        "<p class=\"note\">Written by wasim {}. Money is summed exactly; means, intervals and percentiles are \
         statistics across replications; the page rounds every amount alike (exact totals are in summary.json and \
         the CSV files).</p>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

/// Links to the run's data files, which sit beside the page.
fn files(h: &mut String) {
    h.push_str("<h2>Files</h2>\n<ul id=\"files\">\n");
    for (file, what) in [
        ("summary.json", "every statistic on this page, the question, the answer and the warnings"),
        (
            "breakdown.csv",
            "charged units and exact cost per strategy, pricing, replication, month, market and category",
        ),
        ("monthly.csv", "mean cost per strategy, pricing and calendar month, with its interval"),
        ("daily.csv", "mean messages and cost per strategy, pricing and day"),
        ("scenario.toml", "the scenario as run"),
        ("manifest.json", "the run's version, seed, rate cards, threads and timings"),
    ] {
        let _ = writeln!(h, "<li><a href=\"{file}\">{file}</a>: {what}</li>");
    }
    h.push_str("</ul>\n");
}

fn ci_text(ci: Option<(f64, f64)>) -> String {
    ci.map_or_else(|| "n/a".to_owned(), |(lo, hi)| format!("{} – {}", money_text(lo), money_text(hi)))
}

/// "per simulated period of 30 days".
fn per_period(data: &ReportData) -> String {
    format!("per simulated period of {} day{}", data.days, if data.days == 1 { "" } else { "s" })
}

fn service_table(h: &mut String, data: &ReportData) {
    if data.service.iter().all(|s| s.owed == 0.0) {
        return;
    }
    let _ = writeln!(
        h,
        "<h2>Service: support answers</h2>\n<p class=\"note\">Means {}. An answer is <b>on time</b> when it is \
         delivered when due, inside the customer service window (within 24 hours of the customer's last message); \
         <b>late</b> when delivered after that window closed (as a template, or held until the customer wrote again). \
         <b>Blocked</b>: sent free-form outside the window and refused (131047). <b>Not delivered</b>: a template to a \
         customer who did not opt in, a failed delivery, or still held when the run ended. <b>Unanswered</b>: customers \
         owed at least one answer who received none. Time to answer: from the customer's first message of the visit to \
         the answer.</p>",
        per_period(data)
    );
    let reengage = data.service.iter().any(|s| s.reengagements_sent > 0.0);
    h.push_str(
        "<div class=\"scroll\"><table id=\"service\">\n<tr><th>Strategy</th><th class=\"num\">Answers owed</th>\
         <th class=\"num\">On time</th><th class=\"num\">Late</th><th class=\"num\">Blocked</th><th class=\"num\">Dropped</th>\
         <th class=\"num\">Not delivered</th><th class=\"num\">Customers unanswered</th><th class=\"num\">Median time to answer</th>",
    );
    if reengage {
        h.push_str("<th class=\"num\">Re-engagements sent</th><th class=\"num\">replied to</th>");
    }
    h.push_str("</tr>\n");
    for s in &data.service {
        let share = if s.customers_owed > 0.0 { s.customers_unanswered / s.customers_owed * 100.0 } else { 0.0 };
        let _ = write!(
            h,
            "<tr data-strategy=\"{}\"><td class=\"name\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{} ({share:.1}%)</td><td class=\"num\">{}</td>",
            escape(&s.strategy),
            escape(&s.strategy),
            count_text(s.owed.round()),
            count_text(s.on_time.round()),
            count_text(s.late.round()),
            count_text(s.blocked.round()),
            count_text(s.dropped.round()),
            count_text(s.undelivered.round()),
            count_text(s.customers_unanswered.round()),
            s.median_answer_seconds.map_or_else(|| "n/a".to_owned(), duration_text),
        );
        if reengage {
            let _ = write!(
                h,
                "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                count_text(s.reengagements_sent.round()),
                count_text(s.reengagements_replied.round())
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
}

/// What finance reads: cost per calendar month, and volumes and unit costs beside the totals.
fn finance_tables(h: &mut String, data: &ReportData) {
    let cur = escape(&data.currency);
    if !data.months.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Cost per calendar month</h2>\n<p class=\"note\">Mean {cur} per month, with the 95% confidence \
             interval of the mean; a month the run covers only in part says how many of its days.</p>"
        );
        h.push_str(
            "<div class=\"scroll\"><table id=\"months\">\n<tr><th>Pricing</th><th>Strategy</th><th>Month</th>\
             <th class=\"num\">Mean</th><th class=\"num\">95% CI</th></tr>\n",
        );
        for m in &data.months {
            let part =
                if m.days < m.month_days { format!(" ({} of {} days)", m.days, m.month_days) } else { String::new() };
            let _ = writeln!(
                h,
                "<tr data-strategy=\"{}\" data-pricing=\"{}\"><td class=\"name\">{}</td><td class=\"name\">{}</td>\
                 <td class=\"name\">{}{part}</td>{}<td class=\"num\">{}</td></tr>",
                escape(&m.strategy),
                escape(&m.pricing),
                escape(&m.pricing),
                escape(&m.strategy),
                escape(&m.month),
                numf(m.mean),
                ci_text(m.ci),
            );
        }
        h.push_str("</table></div>\n");
    }
    let _ = writeln!(
        h,
        "<h3>Volumes and unit costs</h3>\n<p class=\"note\">Means {}: business messages delivered, units charged \
         (messages, or conversations under conversation models), and the cost per customer ({} customers) and per \
         delivered message, {cur}.</p>",
        per_period(data),
        count_text(data.customers as f64)
    );
    h.push_str(
        "<div class=\"scroll\"><table id=\"volumes\">\n<tr><th>Pricing</th><th>Strategy</th><th class=\"num\">Delivered</th>\
         <th class=\"num\">Charged</th><th class=\"num\">Mean cost</th><th class=\"num\">Per customer</th>\
         <th class=\"num\">Per delivered message</th></tr>\n",
    );
    for c in &data.costs {
        let per_customer = c.total.mean.value / data.customers.max(1) as f64;
        let per_message =
            if c.delivered > 0.0 { money_text(c.total.mean.value / c.delivered) } else { "n/a".to_owned() };
        let _ = writeln!(
            h,
            "<tr data-strategy=\"{}\" data-pricing=\"{}\"><td class=\"name\">{}</td><td class=\"name\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td>{}{}<td class=\"num\">{per_message}</td></tr>",
            escape(&c.strategy),
            escape(&c.pricing),
            escape(&c.pricing),
            escape(&c.strategy),
            count_text(c.delivered.round()),
            count_text(c.charged.round()),
            num(&c.total.mean),
            numf(per_customer),
        );
    }
    h.push_str("</table></div>\n");
}

/// The `<svg>` element of a plotters SVG document (without any XML declaration).
fn svg_body(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |i| &svg[i..])
}

fn num(a: &Amount) -> String {
    format!("<td class=\"num\">{}</td>", escape(&amount_text(a)))
}

fn numf(v: f64) -> String {
    format!("<td class=\"num\">{}</td>", money_text(v))
}

fn cost_table(h: &mut String, data: &ReportData) {
    let cur = escape(&data.currency);
    let _ = writeln!(
        h,
        "<h2>Cost per strategy and pricing model</h2>\n<p class=\"note\">Total cost {}, {cur}: mean with its 95% \
         confidence interval (n/a with one replication), and percentiles across replications.</p>",
        per_period(data)
    );
    h.push_str(
        "<div class=\"scroll\"><table id=\"costs\">\n<tr><th>Pricing</th><th>Strategy</th><th class=\"num\">Mean</th>",
    );
    h.push_str("<th class=\"num\">95% CI</th><th class=\"num\">P50</th><th class=\"num\">P90</th><th class=\"num\">P95</th></tr>\n");
    for c in &data.costs {
        let t = &c.total;
        let _ = writeln!(
            h,
            "<tr data-strategy=\"{}\" data-pricing=\"{}\"><td class=\"name\">{}</td><td class=\"name\">{}</td>{}\
             <td class=\"num\">{}</td>{}{}{}</tr>",
            escape(&c.strategy),
            escape(&c.pricing),
            escape(&c.pricing),
            escape(&c.strategy),
            num(&t.mean),
            ci_text(t.ci),
            num(&t.p50),
            num(&t.p90),
            num(&t.p95),
        );
    }
    h.push_str("</table></div>\n");

    let cats: Vec<_> = BillCategory::ALL
        .into_iter()
        .filter(|c| data.costs.iter().any(|s| s.by_category.iter().any(|b| b.category == *c)))
        .collect();
    if cats.is_empty() {
        return;
    }
    let _ = writeln!(h, "<h3>By category</h3>\n<p class=\"note\">Mean cost {}, {cur}.</p>", per_period(data));
    h.push_str("<div class=\"scroll\"><table id=\"categories\">\n<tr><th>Pricing</th><th>Strategy</th>");
    for c in &cats {
        let _ = write!(h, "<th class=\"num\">{}</th>", escape(c.label()));
    }
    h.push_str("</tr>\n");
    for c in &data.costs {
        let _ = write!(
            h,
            "<tr data-strategy=\"{}\" data-pricing=\"{}\"><td class=\"name\">{}</td><td class=\"name\">{}</td>",
            escape(&c.strategy),
            escape(&c.pricing),
            escape(&c.pricing),
            escape(&c.strategy),
        );
        for cat in &cats {
            match c.by_category.iter().find(|b| b.category == *cat) {
                Some(b) => h.push_str(&num(&b.mean)),
                None => h.push_str("<td class=\"num\">0.00</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
}

fn budget_table(h: &mut String, data: &ReportData) {
    if data.distributions.is_empty() {
        return;
    }
    let p = data.budget_percentile;
    let _ = writeln!(
        h,
        "<h2>Budget</h2>\n<p class=\"note\">Under {}, {}, {}. The budget is a 95% upper confidence bound on P{p} \
         (the total not exceeded in {p}% of simulated periods): an order statistic of the replications, so it holds \
         whatever their distribution. Below the replications such a bound needs (29 for P90, 59 for P95) the page \
         shows the plain P{p} of the replications instead, which falls short more often than its name says, and a \
         warning.</p>",
        escape(&data.detail_pricing),
        per_period(data),
        escape(&data.currency)
    );
    let _ = writeln!(
        h,
        "<div class=\"scroll\"><table id=\"budget\">\n<tr><th>Strategy</th><th class=\"num\">Budget</th>\
         <th class=\"num\">P{p} of the replications</th><th class=\"num\">its 95% CI</th><th class=\"num\">Lowest</th>\
         <th class=\"num\">Highest</th><th class=\"num\">Replications</th></tr>"
    );
    for d in &data.distributions {
        let lo = d.totals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = d.totals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let budget = if d.budget_is_bound {
            format!("<td class=\"num\">{} (95% upper bound)</td>", money_text(d.budget.value))
        } else {
            format!("<td class=\"num\">{} (P{p}; too few replications for a bound)</td>", money_text(d.budget.value))
        };
        let _ = writeln!(
            h,
            "<tr data-strategy=\"{}\"><td>{}</td>{budget}{}<td class=\"num\">{}</td>{}{}<td class=\"num\">{}</td></tr>",
            escape(&d.strategy),
            escape(&d.strategy),
            numf(d.estimate),
            ci_text(d.estimate_ci),
            numf(lo),
            numf(hi),
            d.totals.len()
        );
    }
    h.push_str("</table></div>\n");
}

fn message_table(h: &mut String, data: &ReportData) {
    if data.messages.is_empty() {
        return;
    }
    let reasons: Vec<FreeReason> = FreeReason::ALL
        .into_iter()
        .filter(|r| data.messages.iter().any(|m| m.free.iter().any(|f| f.reason == *r)))
        .collect();
    h.push_str(
        "<h2>Messages: paid and free</h2>\n<p class=\"note\">Delivered business messages per replication (mean): \
         charged at a rate, or free and why.</p>\n",
    );
    h.push_str("<div class=\"scroll\"><table id=\"messages\">\n<tr><th>Pricing</th><th>Strategy</th><th class=\"num\">Paid</th>");
    for r in &reasons {
        let _ = write!(h, "<th class=\"num\" title=\"{}\">Free: {}</th>", escape(r.label()), escape(r.short()));
    }
    h.push_str("<th class=\"num\">Free share</th></tr>\n");
    for m in &data.messages {
        let free: f64 = m.free.iter().map(|f| f.count).sum();
        let total = m.paid + free;
        let _ = write!(
            h,
            "<tr data-strategy=\"{}\" data-pricing=\"{}\"><td class=\"name\">{}</td><td class=\"name\">{}</td><td class=\"num\">{}</td>",
            escape(&m.strategy),
            escape(&m.pricing),
            escape(&m.pricing),
            escape(&m.strategy),
            count_text(m.paid)
        );
        for r in &reasons {
            let v: f64 = m.free.iter().filter(|f| f.reason == *r).map(|f| f.count).sum();
            let _ = write!(h, "<td class=\"num\">{}</td>", count_text(v));
        }
        let share = if total > 0.0 { free / total * 100.0 } else { 0.0 };
        let _ = writeln!(h, "<td class=\"num\">{share:.1}%</td></tr>");
    }
    h.push_str("</table></div>\n");
}

fn market_table(h: &mut String, data: &ReportData) {
    // One market: the cost per strategy table already says it all.
    if data.markets.iter().all(|m| m.market == data.markets[0].market) {
        return;
    }
    let _ = writeln!(
        h,
        "<h2>Cost by market</h2>\n<p class=\"note\">Mean cost {} under {}, {}.</p>",
        per_period(data),
        escape(&data.detail_pricing),
        escape(&data.currency)
    );
    let mut markets: Vec<&str> = Vec::new();
    for m in &data.markets {
        if !markets.contains(&m.market.as_str()) {
            markets.push(&m.market);
        }
    }
    // The most expensive first.
    let total =
        |market: &str| -> f64 { data.markets.iter().filter(|m| m.market == market).map(|m| m.mean.value).sum() };
    markets.sort_by(|a, b| total(b).total_cmp(&total(a)).then_with(|| a.cmp(b)));
    let mut strategies: Vec<&str> = data.strategies.iter().map(String::as_str).collect();
    for m in &data.markets {
        if !strategies.contains(&m.strategy.as_str()) {
            strategies.push(&m.strategy);
        }
    }
    h.push_str("<div class=\"scroll\"><table id=\"markets\">\n<tr><th>Market</th>");
    for s in &strategies {
        let _ = write!(h, "<th class=\"num\">{}</th>", escape(s));
    }
    h.push_str("</tr>\n");
    for market in &markets {
        let _ = write!(h, "<tr data-market=\"{}\"><td>{}</td>", escape(market), escape(market));
        for s in &strategies {
            match data.markets.iter().find(|m| m.market == *market && m.strategy == *s) {
                Some(m) => h.push_str(&num(&m.mean)),
                None => h.push_str("<td class=\"num\">–</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
}

fn assumptions(h: &mut String, data: &ReportData) {
    h.push_str("<h2>Assumptions</h2>\n<dl id=\"assumptions\">\n");
    let models: Vec<String> = data.pricing_models.iter().map(|m| escape(m)).collect();
    let strategies: Vec<String> = data.strategies.iter().map(|s| escape(s)).collect();
    for (k, v) in [
        ("Scenario", escape(&data.scenario)),
        ("Period", format!("{} days from {}", data.days, escape(&data.start))),
        ("Pricing models", models.join(", ")),
        ("Detailed views priced under", escape(&data.detail_pricing)),
        ("Strategies", strategies.join("; ")),
        ("Replications", data.replications.to_string()),
        ("Seed", data.seed.to_string()),
        ("Currency", escape(&data.currency)),
        ("Budget percentile", format!("P{}", data.budget_percentile)),
    ] {
        let _ = writeln!(h, "<dt>{k}</dt><dd>{v}</dd>");
    }
    h.push_str("</dl>\n");
    if !data.markers.is_empty() {
        h.push_str("<p>Changes within the period:</p>\n<ul id=\"markers\">\n");
        for m in &data.markers {
            let _ = writeln!(h, "<li>{}: {}</li>", escape(&m.date), escape(&m.label));
        }
        h.push_str("</ul>\n");
    }
    h.push_str(
        "<h3>Rate cards</h3>\n<table id=\"rate-cards\">\n<tr><th>Pricing model</th><th>Effective from</th>\
         <th>Source</th><th>Provenance</th></tr>\n",
    );
    for c in &data.rate_cards {
        let _ = writeln!(
            h,
            "<tr><td class=\"name\">{}</td><td class=\"name\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&c.model),
            escape(&c.effective),
            escape(&c.source),
            escape(&c.note)
        );
    }
    h.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("<b>\"R&D\"</b> 'x'"), "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; &#39;x&#39;");
    }
}
