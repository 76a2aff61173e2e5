//! The one-page HTML report: self-contained (charts inline as SVG, styles inline, no scripts, no
//! external assets), so it opens from disk in any browser and can be mailed as one file.

use super::charts::RenderedChart;
use super::{Amount, FreeReason, ReportData, amount_text, count_text, money_text};
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
.headline { background: #f3f7fb; border-left: 5px solid #1f77b4; padding: 0.8em 1.2em; font-size: 1.15em; }
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
        "<p class=\"note\">{} replications of {} days from {}, seed {}; amounts in {cur}, per replication.</p>",
        data.replications,
        data.days,
        escape(&data.start),
        data.seed
    );

    // The answer.
    h.push_str("<h2>Answer</h2>\n<div class=\"headline\" id=\"headline\">");
    match &data.headline {
        Some(a) => {
            let _ = write!(
                h,
                "Under <b>{}</b>, <b>{}</b> is the cheapest strategy: it costs <b>{cur} {}</b> less per \
                 replication than <b>{}</b> (95% confidence interval of the paired difference: {cur} {} to {cur} {})",
                escape(&a.pricing),
                escape(&a.cheapest),
                escape(&amount_text(&a.saving)),
                escape(&a.compared_with),
                money_text(a.saving_ci_low),
                money_text(a.saving_ci_high),
            );
            if let Some(share) = a.cheaper_share {
                let _ = write!(h, ", and is cheaper in {:.0}% of replications", share * 100.0);
            }
            h.push('.');
        }
        None => h.push_str("No comparison between strategies: the run has fewer than two."),
    }
    h.push_str("</div>\n");

    cost_table(&mut h, data);
    budget_table(&mut h, data);
    message_table(&mut h, data);
    market_table(&mut h, data);

    h.push_str("<h2>Charts</h2>\n");
    for c in charts {
        let _ = writeln!(h, "<figure id=\"chart-{}\">", c.name);
        h.push_str(svg_body(&c.svg));
        let _ = writeln!(
            h,
            "\n<figcaption>{} (also <code>charts/{}.svg</code> and <code>charts/{}.png</code>)</figcaption>\n</figure>",
            escape(&c.title),
            c.name,
            c.name
        );
    }

    assumptions(&mut h, data);
    let _ = writeln!(
        h,
        "<p class=\"note\">Written by wasim {}. Money is summed exactly; means, intervals and percentiles are \
         statistics across replications.</p>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    h
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
        "<h2>Cost per strategy and pricing model</h2>\n<p class=\"note\">Total cost per replication, {cur}: mean \
         with its 95% confidence interval, and percentiles across replications.</p>"
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
             <td class=\"num\">{} – {}</td>{}{}{}</tr>",
            escape(&c.strategy),
            escape(&c.pricing),
            escape(&c.pricing),
            escape(&c.strategy),
            num(&t.mean),
            money_text(t.ci_low),
            money_text(t.ci_high),
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
    let _ = writeln!(h, "<h3>By category</h3>\n<p class=\"note\">Mean cost per replication, {cur}.</p>");
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
        "<h2>Budget</h2>\n<p class=\"note\">Under {}: the total not exceeded in {p}% of replications (P{p}), {}.</p>",
        escape(&data.detail_pricing),
        escape(&data.currency)
    );
    let _ = writeln!(
        h,
        "<table id=\"budget\">\n<tr><th>Strategy</th><th class=\"num\">P{p} budget</th><th class=\"num\">Lowest</th>\
         <th class=\"num\">Highest</th><th class=\"num\">Replications</th></tr>"
    );
    for d in &data.distributions {
        let lo = d.totals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = d.totals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let _ = writeln!(
            h,
            "<tr data-strategy=\"{}\"><td>{}</td>{}{}{}<td class=\"num\">{}</td></tr>",
            escape(&d.strategy),
            escape(&d.strategy),
            num(&d.budget),
            numf(lo),
            numf(hi),
            d.totals.len()
        );
    }
    h.push_str("</table>\n");
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
        "<h2>Cost by market</h2>\n<p class=\"note\">Mean cost per replication under {}, {}.</p>",
        escape(&data.detail_pricing),
        escape(&data.currency)
    );
    let mut markets: Vec<&str> = Vec::new();
    for m in &data.markets {
        if !markets.contains(&m.market.as_str()) {
            markets.push(&m.market);
        }
    }
    let mut strategies: Vec<&str> = data.strategies.iter().map(String::as_str).collect();
    for m in &data.markets {
        if !strategies.contains(&m.strategy.as_str()) {
            strategies.push(&m.strategy);
        }
    }
    h.push_str("<table id=\"markets\">\n<tr><th>Market</th>");
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
    h.push_str("</table>\n");
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
