//! The renderer on its own, fed [`ReportData`] by hand or from the invented [`sample`]: the
//! paid/free split and the number formats; charts decode, are not blank, carry their titles,
//! units, series and colours; the page is self-contained, escaped, and shows the data's own
//! numbers. Everything is rendered in memory, as a run renders it before writing its directory
//! (the files of a real run are checked through the binary in `tests/it/report.rs`).

use super::charts::{self, HEIGHT, RenderedChart, WIDTH, category_colour, pricing_colour, strategy_colour};
use super::sample::sample;
use super::*;
use std::collections::HashSet;

// ---------------------------------------------------------------------------------------------
// Numbers as a reader sees them, and the paid/free split.

#[test]
fn thousands_are_grouped() {
    assert_eq!(money_text(1234567.891), "1,234,567.89");
    assert_eq!(money_text(-1234.5), "-1,234.50");
    assert_eq!(money_text(0.01321), "0.0132");
    assert_eq!(money_text(999.0), "999.00");
    assert_eq!(count_text(12345.0), "12,345");
    assert_eq!(count_text(2.5), "2.5");
    assert_eq!(count_text(std::iter::empty::<f64>().sum()), "0");
    assert_eq!(money_text(-0.0), "0.00");
    assert_eq!(amount_text(&Amount { value: 0.0, exact: Some("1234567.000001".into()) }), "0.00");
    assert_eq!(amount_text(&Amount::float(1234.5)), "1,234.50");
}

#[test]
fn every_delivered_reason_is_paid_or_free() {
    use crate::pricing::ledger::FreeTier;
    use Reason as R;
    for r in R::ALL {
        // "Charged" and "free" as rules.md defines them, read from each reason's own words.
        let words = r.text();
        match PaidOrFree::of(r) {
            PaidOrFree::Paid => assert!(r.is_charge(), "{r:?} counted paid: {words}"),
            PaidOrFree::Free(_) => {
                assert!(words.starts_with("free:") && !r.is_charge(), "{r:?} counted free: {words}");
            }
            PaidOrFree::NotCounted => assert!(
                words.starts_with("blocked")
                    || words.starts_with("suppressed")
                    || words.starts_with("failed")
                    || words.contains("inbound"),
                "{r:?} left out: {words}"
            ),
        }
    }
    // The free reasons a reader sees.
    assert_eq!(PaidOrFree::of(R::UtilityInsideServiceWindow), PaidOrFree::Free(FreeReason::ServiceWindow));
    assert_eq!(PaidOrFree::of(R::InsideEntryPointWindow), PaidOrFree::Free(FreeReason::EntryPoint));
    assert_eq!(PaidOrFree::of(R::InsideSameCategoryConversation), PaidOrFree::Free(FreeReason::OpenConversation));
    assert_eq!(PaidOrFree::of(R::WithinFreeTier(FreeTier::FreeFormMessages)), PaidOrFree::Free(FreeReason::FreeTier));
}

// ---------------------------------------------------------------------------------------------
// Charts and page.

/// Every chart the sample has data for, in the order the report shows them.
const CHARTS: [&str; 6] = [
    "cost-by-category",
    "pricing-models",
    "messages-paid-free",
    "spend-over-time",
    "total-cost-distribution",
    "cost-by-market",
];

/// A report rendered in memory: the charts and the page.
struct Rendered {
    charts: Vec<RenderedChart>,
    html: String,
}

impl Rendered {
    fn chart(&self, name: &str) -> &RenderedChart {
        self.charts.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no chart {name}"))
    }

    fn svg(&self, name: &str) -> &str {
        &self.chart(name).svg
    }

    fn png(&self, name: &str) -> &[u8] {
        &self.chart(name).png
    }
}

fn render(data: &ReportData) -> Rendered {
    let charts = charts::render_all(data).unwrap();
    let html = html::render(data, &charts);
    Rendered { charts, html }
}

/// Decodes a PNG; returns its size, its number of distinct colours and its share of non-white pixels.
fn inspect_png(png: &[u8]) -> (u32, u32, usize, f64) {
    let decoder = png::Decoder::new(png);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let mut colours = HashSet::new();
    let mut ink = 0usize;
    for px in bytes.chunks(channels) {
        colours.insert(px.to_vec());
        if px.iter().take(3).any(|&c| c < 250) {
            ink += 1;
        }
    }
    let share = ink as f64 / (bytes.len() / channels) as f64;
    (info.width, info.height, colours.len(), share)
}

/// Whether a PNG has at least `min` pixels of exactly this colour.
fn has_colour(png: &[u8], rgb: (u8, u8, u8), min: usize) -> bool {
    let decoder = png::Decoder::new(png);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    buf[..info.buffer_size()].chunks(channels).filter(|p| (p[0], p[1], p[2]) == rgb).count() >= min
}

/// The table row of `table` whose attributes are `attrs`, up to its `</tr>`.
fn row<'a>(html: &'a str, table: &str, attrs: &str) -> &'a str {
    let start = html.find(&format!("<table id=\"{table}\"")).unwrap_or_else(|| panic!("no table {table}"));
    let t = &html[start..];
    let t = &t[..t.find("</table>").unwrap()];
    let i = t.find(&format!("<tr {attrs}>")).unwrap_or_else(|| panic!("no row {attrs} in {table}"));
    let r = &t[i..];
    &r[..r.find("</tr>").unwrap()]
}

/// The text of every `<text>` element of an SVG document, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].trim().to_string())
        .collect()
}

fn cells(row: &str) -> Vec<String> {
    row.split("<td").skip(1).map(|c| c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()].to_string()).collect()
}

#[test]
fn every_chart_is_drawn_as_png_and_svg_and_is_not_blank() {
    let data = sample(60, 50);
    let r = render(&data);
    let names: Vec<&str> = r.charts.iter().map(|c| c.name).collect();
    assert_eq!(names, CHARTS, "every chart, once each, in report order");
    for name in CHARTS {
        let (w, h, colours, ink) = inspect_png(r.png(name));
        assert_eq!((w, h), (WIDTH, HEIGHT), "{name}");
        assert!(colours >= 12, "{name}: only {colours} colours");
        assert!(ink > 0.03, "{name}: only {:.1}% of pixels drawn", ink * 100.0);
        let svg = r.svg(name);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{name}");
    }
}

#[test]
fn svgs_carry_titles_units_and_series() {
    let data = sample(60, 50);
    let r = render(&data);

    let a = r.svg("cost-by-category");
    assert!(a.contains("Cost per strategy, by category"));
    assert!(a.contains("Mean cost per simulated period (USD)"));
    for cat in [BillCategory::Marketing, BillCategory::Utility, BillCategory::Service] {
        assert!(a.contains(cat.label()), "{cat:?}");
    }
    // User-initiated conversations cost nothing in the sample: no legend entry for them.
    assert!(!a.contains(BillCategory::UserInitiated.label()));
    for m in &data.pricing_models {
        assert!(a.contains(&format!("Pricing: {m}")));
    }

    let b = r.svg("messages-paid-free");
    assert!(b.contains("Paid and free messages per strategy"));
    for reason in [FreeReason::ServiceWindow, FreeReason::EntryPoint, FreeReason::FreeTier, FreeReason::FreeForm] {
        assert!(b.contains(reason.label()), "{reason:?}");
    }

    let c = r.svg("spend-over-time");
    assert!(c.contains("Spend over time") && c.contains("Cost per day (USD)"));
    assert!(c.contains("per-message-2026 starts") && c.contains("Rate card 2026-10-01"));
    assert!(c.contains("2026-08-15"), "first day labelled");

    let d = r.svg("total-cost-distribution");
    assert!(d.contains("Total cost across replications"));
    for dist in &data.distributions {
        let name = if dist.budget_is_bound { "P90 budget (95% upper bound)" } else { "P90" };
        assert!(d.contains(&format!("{name}: USD {}", money_text(dist.budget.value))));
    }

    let e = svg_texts(r.svg("cost-by-market"));
    for m in ["IN", "BR", "ID", "MX", "DE", "US"] {
        assert!(e.iter().any(|t| t == m), "market {m}");
    }

    let f = r.svg("pricing-models");
    assert!(f.contains("The same traffic under each pricing model"));
    assert!(f.contains("from per-message-2025"));
    // The SVG names the font its text was measured with.
    assert!(
        f.contains("font-family=\"DejaVu Sans, Verdana, sans-serif\"") && !f.contains("font-family=\"sans-serif\"")
    );

    // One pricing: no pricing chart; a pricing question leads with it.
    let mut one = sample(20, 5);
    let first = one.pricing_models[0].clone();
    one.costs.retain(|c| c.pricing == first);
    assert!(render(&one).charts.iter().all(|c| c.name != "pricing-models"));
    let mut pricing = sample(20, 5);
    pricing.compare = "pricing".to_string();
    assert_eq!(render(&pricing).charts[0].name, "pricing-models");

    for name in CHARTS {
        let s = r.svg(name);
        for strategy in &data.strategies {
            // The sample's names contain commas only as text: plotters escapes nothing else here.
            assert!(s.contains(strategy.as_str()), "{name} lacks strategy {strategy}");
        }
    }
}

#[test]
fn the_report_shows_the_datas_numbers() {
    let data = sample(60, 50);
    let html = render(&data).html;
    for c in &data.costs {
        let r = row(&html, "costs", &format!("data-strategy=\"{}\" data-pricing=\"{}\"", c.strategy, c.pricing));
        let totals = cells(r);
        assert_eq!(totals[0], c.pricing);
        assert_eq!(totals[1], c.strategy);
        // Every amount rounded alike, the mean as the percentiles.
        assert_eq!(totals[2], money_text(c.total.mean.value));
        assert_eq!(totals[4], money_text(c.total.p50.value));
        assert_eq!(totals[5], money_text(c.total.p90.value));
        assert_eq!(totals[6], money_text(c.total.p95.value));
        let r = row(&html, "categories", &format!("data-strategy=\"{}\" data-pricing=\"{}\"", c.strategy, c.pricing));
        let by_cat: Vec<String> = cells(r)[2..].to_vec();
        for b in &c.by_category {
            assert!(by_cat.contains(&money_text(b.mean.value)), "{:?} of {} {}", b.category, c.strategy, c.pricing);
        }
    }
    for d in &data.distributions {
        let r = row(&html, "budget", &format!("data-strategy=\"{}\"", d.strategy));
        assert!(cells(r)[1].starts_with(&amount_text(&d.budget)));
        assert_eq!(cells(r)[6], d.totals.len().to_string());
    }
    for m in &data.markets {
        let r = row(&html, "markets", &format!("data-market=\"{}\"", m.market));
        assert!(cells(r).iter().any(|c| *c == money_text(m.mean.value)));
    }
    for m in &data.messages {
        let r = row(&html, "messages", &format!("data-strategy=\"{}\" data-pricing=\"{}\"", m.strategy, m.pricing));
        assert_eq!(cells(r)[2], count_text(m.paid));
    }
    let answer = &html[html.find("id=\"headline\"").unwrap()..];
    let answer = &answer[..answer.find("</div>").unwrap()];
    for sentence in &data.answer {
        assert!(answer.contains(&crate::report::html::escape(sentence)), "{sentence}");
    }
    let warnings = &html[html.find("id=\"warnings\"").unwrap()..];
    assert!(warnings.contains(&data.warnings[0]));
    for s in &data.service {
        let r = row(&html, "service", &format!("data-strategy=\"{}\"", s.strategy));
        assert_eq!(
            cells(r)[7],
            format!(
                "{} ({:.1}%)",
                count_text(s.customers_unanswered),
                s.customers_unanswered / s.customers_owed * 100.0
            )
        );
        assert_eq!(cells(r)[4], count_text(s.blocked));
    }
}

#[test]
fn the_report_is_self_contained_and_complete() {
    let data = sample(60, 50);
    let html = render(&data).html;
    assert_eq!(html.matches("<svg").count(), CHARTS.len(), "every chart inline");
    for name in CHARTS {
        assert!(html.contains(&format!("id=\"chart-{name}\"")));
    }
    for external in ["<script", "<link", "<img", "src=", "url(", "@import", "href=\"http", "href=\"/"] {
        assert!(!html.contains(external), "report uses {external}");
    }
    // Links go only to the run's own files, beside the page.
    for link in html.split("href=\"").skip(1) {
        let target = &link[..link.find('"').unwrap()];
        let local = ["summary.json", "breakdown.csv", "monthly.csv", "daily.csv", "scenario.toml", "manifest.json"]
            .contains(&target)
            || (target.starts_with("charts/") && !target.contains(".."));
        assert!(local, "link to {target}");
    }
    // The only URL is SVG's namespace name, which is never fetched.
    assert_eq!(html.matches("http").count(), html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count());
    assert!(html.contains("Which template strategy is cheapest"), "the question");
    for card in &data.rate_cards {
        assert!(html.contains(&card.effective));
    }
    // Provenance notes are text: escaped.
    assert!(html.contains("service rates as announced &lt;draft&gt; &amp; subject to change"));
    assert!(html.contains("<dt>Seed</dt><dd>42</dd>"));
    assert!(html.contains("<dt>Replications</dt><dd>50</dd>"));
}

#[test]
fn text_from_the_scenario_is_escaped_everywhere() {
    let mut data = sample(20, 5);
    let evil = "<script>alert('x')</script> & co";
    data.scenario = evil.to_string();
    data.question = format!("Is {evil} cheaper?");
    let old = data.strategies[0].clone();
    data.strategies[0] = evil.to_string();
    for c in &mut data.costs {
        if c.strategy == old {
            c.strategy = evil.to_string();
        }
    }
    for d in &mut data.daily {
        if d.strategy == old {
            d.strategy = evil.to_string();
        }
    }
    let r = render(&data);
    assert!(!r.html.contains("<script"));
    assert!(r.html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    let svg = r.svg("cost-by-category");
    assert!(!svg.contains("<script"));
    assert!(svg.contains("&lt;script&gt;"));
}

#[test]
fn charts_without_data_are_left_out_and_odd_data_still_renders() {
    let mut data = sample(1, 1);
    data.markets.retain(|m| m.market == "IN");
    data.daily.clear();
    data.answer.clear();
    for c in &mut data.costs {
        c.total.ci = Some((f64::NAN, f64::INFINITY));
        c.by_category.clear();
    }
    for d in &mut data.distributions {
        d.totals = vec![0.0];
        d.budget.value = 0.0;
    }
    let r = render(&data);
    assert!(r.charts.iter().all(|c| c.name != "cost-by-market"), "one market: no market chart");
    assert!(r.charts.iter().all(|c| c.name != "spend-over-time"), "no daily data: no chart");
    assert_eq!(r.charts.len(), 4);
    for c in &r.charts {
        let (w, h, colours, _) = inspect_png(&c.png);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        assert!(colours > 4, "{}", c.name);
    }
    assert!(r.html.contains("Nothing to compare"));
    assert!(!r.html.contains("id=\"markets\""), "one market: no market table");
}

#[test]
fn a_colour_means_the_same_strategy_or_category_on_every_chart() {
    let data = sample(60, 50);
    let r = render(&data);
    for s in &data.strategies {
        let c = strategy_colour(&data, s);
        for chart in ["spend-over-time", "total-cost-distribution", "cost-by-market"] {
            assert!(has_colour(r.png(chart), (c.0, c.1, c.2), 50), "{s} not drawn in its colour on {chart}");
        }
    }
    for cat in [BillCategory::Marketing, BillCategory::Utility, BillCategory::Service] {
        let c = category_colour(cat);
        assert!(has_colour(r.png("cost-by-category"), (c.0, c.1, c.2), 500), "{cat:?}");
    }
    for m in &data.pricing_models {
        let c = pricing_colour(m);
        assert!(has_colour(r.png("pricing-models"), (c.0, c.1, c.2), 500), "{m}");
    }
    // A strategy keeps its colour when others are missing from a chart's data.
    let mut only_last = data.clone();
    let last = data.strategies.last().unwrap().clone();
    only_last.daily.retain(|d| d.strategy == last);
    let r2 = render(&only_last);
    let spend = r2.png("spend-over-time");
    let (own, other) = (strategy_colour(&data, &last), strategy_colour(&data, &data.strategies[0]));
    assert!(has_colour(spend, (own.0, own.1, own.2), 50));
    assert!(!has_colour(spend, (other.0, other.1, other.2), 1));
}

/// Strategies far apart against their spread: one shared axis would squash each box to a line,
/// so every row gets its own scale and the chart says so; close strategies share one axis.
#[test]
fn distributions_far_apart_get_a_scale_each() {
    let mut data = sample(30, 40);
    for (k, d) in data.distributions.iter_mut().enumerate() {
        let level = 100.0 * 10f64.powi(k as i32);
        d.totals = (0..40).map(|i| level + f64::from(i % 7)).collect();
        d.budget = Amount::float(level + 6.0);
    }
    let r = render(&data);
    let svg = r.svg("total-cost-distribution");
    assert!(svg.contains("each on its own scale") && svg.contains("each row has its own scale"));
    let texts = svg_texts(svg);
    for d in &data.distributions {
        assert!(texts.contains(&d.strategy), "no row for {}", d.strategy);
    }

    for d in &mut data.distributions {
        d.totals = (0..40).map(|i| 500.0 + f64::from(i % 9) * 10.0).collect();
        d.budget = Amount::float(580.0);
    }
    let r = render(&data);
    let svg = r.svg("total-cost-distribution");
    assert!(!svg.contains("own scale"));
}
