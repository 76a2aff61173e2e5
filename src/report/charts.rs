//! The charts of a report, each drawn once into SVG and once into PNG.
//!
//! Every chart is a title, a subtitle saying what is shown, a legend, then the plot. Colours are
//! fixed per cost category, free reason, pricing model and strategy (by its place in the
//! scenario), so a colour means the same thing on every chart. Text is drawn with DejaVu Sans,
//! embedded in the binary, so charts render the same on a machine with no fonts.

use super::{CostDistribution, FreeReason, ReportData, ReportError, StrategyCost, money_text};
use crate::pricing::BillCategory;
use crate::stats::quantile;
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::register_font;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;
use std::sync::OnceLock;

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 1200;
/// Height of every chart, in pixels.
pub const HEIGHT: u32 = 720;

/// One chart, drawn twice: as SVG for documents, slides and the page, and as PNG for chat and
/// e-mail.
#[derive(Clone, Debug)]
pub struct RenderedChart {
    /// The file stem (`cost-by-category`): `charts/NAME.svg`, `charts/NAME.png` and the figure's
    /// id in the page.
    pub name: &'static str,
    /// The title drawn at the top of the chart, repeated as the figure's caption in the page.
    pub title: String,
    /// The SVG document, also inlined in the page.
    pub svg: String,
    /// The PNG file, [`WIDTH`] × [`HEIGHT`] RGB.
    pub png: Vec<u8>,
}

type Area<DB> = DrawingArea<DB, Shift>;

/// A linear axis whose ticks are exactly the given values (row centres, day indices), labelled
/// by the chart's own formatter.
struct Keyed {
    range: Range<f64>,
    keys: Vec<f64>,
}

impl Keyed {
    fn new(range: Range<f64>, keys: Vec<f64>) -> Keyed {
        Keyed { range, keys }
    }
}

impl Ranged for Keyed {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        if span == 0.0 {
            return (limit.0 + limit.1) / 2;
        }
        let share = (value - self.range.start) / span;
        limit.0 + (f64::from(limit.1 - limit.0) * share + 1e-3).floor() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() { Vec::new() } else { self.keys.clone() }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

impl ValueFormatter<f64> for Keyed {
    fn format(value: &f64) -> String {
        format!("{value}")
    }
}
type DErr<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// The charts a report can have, in the order the report shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Cost per strategy stacked by category, one group per pricing model.
    CostByCategory,
    /// Paid and free messages per strategy, by the reason they were free.
    Messages,
    /// Daily cost per strategy with its 5–95% band and markers at price changes.
    SpendOverTime,
    /// Total cost across replications per strategy, with the budget level.
    Distribution,
    /// Cost per market and strategy.
    CostByMarket,
    /// The same traffic priced under each pricing model.
    PricingModels,
}

impl ChartKind {
    /// Every chart, in report order.
    pub const ALL: [ChartKind; 6] = [
        ChartKind::CostByCategory,
        ChartKind::PricingModels,
        ChartKind::Messages,
        ChartKind::SpendOverTime,
        ChartKind::Distribution,
        ChartKind::CostByMarket,
    ];

    /// Every chart, the one that answers the question first: the pricing chart for a change of
    /// pricing, cost by market for markets, the distribution for a budget.
    #[must_use]
    pub fn in_order(compare: &str) -> Vec<ChartKind> {
        let lead = match compare {
            "pricing" => Some(ChartKind::PricingModels),
            "markets" => Some(ChartKind::CostByMarket),
            "budget" => Some(ChartKind::Distribution),
            _ => None,
        };
        lead.into_iter().chain(ChartKind::ALL.into_iter().filter(|k| Some(*k) != lead)).collect()
    }

    /// The file stem of the chart's SVG and PNG files, and its figure's id in the page.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::CostByCategory => "cost-by-category",
            ChartKind::Messages => "messages-paid-free",
            ChartKind::SpendOverTime => "spend-over-time",
            ChartKind::Distribution => "total-cost-distribution",
            ChartKind::CostByMarket => "cost-by-market",
            ChartKind::PricingModels => "pricing-models",
        }
    }

    /// The title drawn at the top of the chart and under its figure in the page.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            ChartKind::CostByCategory => "Cost per strategy, by category",
            ChartKind::Messages => "Paid and free messages per strategy",
            ChartKind::SpendOverTime => "Spend over time",
            ChartKind::Distribution => "Total cost across replications",
            ChartKind::CostByMarket => "Cost by market",
            ChartKind::PricingModels => "The same traffic under each pricing model",
        }
    }

    /// Whether the data has anything for this chart; a chart that does not apply is left out,
    /// not drawn empty.
    #[must_use]
    pub fn applies(self, data: &ReportData) -> bool {
        match self {
            ChartKind::CostByCategory => !data.costs.is_empty(),
            // One pricing: nothing to compare it with.
            ChartKind::PricingModels => {
                !data.costs.is_empty() && data.costs.iter().any(|c| c.pricing != data.costs[0].pricing)
            }
            ChartKind::Messages => !data.messages.is_empty(),
            ChartKind::SpendOverTime => data.daily.iter().any(|d| !d.days.is_empty()),
            ChartKind::Distribution => data.distributions.iter().any(|d| !d.totals.is_empty()),
            ChartKind::CostByMarket => {
                let mut markets: Vec<&str> = data.markets.iter().map(|m| m.market.as_str()).collect();
                markets.sort_unstable();
                markets.dedup();
                markets.len() >= 2
            }
        }
    }

    fn draw<DB: DrawingBackend>(self, root: &Area<DB>, data: &ReportData) -> Result<(), DErr<DB>> {
        match self {
            ChartKind::CostByCategory => cost_by_category(root, data),
            ChartKind::Messages => messages(root, data),
            ChartKind::SpendOverTime => spend_over_time(root, data),
            ChartKind::Distribution => distribution(root, data),
            ChartKind::CostByMarket => cost_by_market(root, data),
            ChartKind::PricingModels => pricing_models(root, data),
        }
    }
}

/// Draws every chart that applies to the data, each on its own thread (they are independent;
/// the results come back in report order whatever the thread count).
///
/// # Errors
/// When the font cannot be loaded or a chart cannot be drawn.
pub fn render_all(data: &ReportData) -> Result<Vec<RenderedChart>, ReportError> {
    register_fonts()?;
    let kinds: Vec<ChartKind> = ChartKind::in_order(&data.compare).into_iter().filter(|k| k.applies(data)).collect();
    let render = |kind: ChartKind| -> Result<RenderedChart, ReportError> {
        let fail = |message: String| ReportError::Chart { chart: kind.name(), message };
        let svg = render_svg(kind, data).map_err(fail)?;
        let png = render_png(kind, data).map_err(fail)?;
        Ok(RenderedChart { name: kind.name(), title: kind.title().to_string(), svg, png })
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = kinds.iter().map(|&kind| (kind, scope.spawn(move || render(kind)))).collect();
        handles
            .into_iter()
            .map(|(kind, h)| {
                h.join().unwrap_or_else(|_| {
                    Err(ReportError::Chart { chart: kind.name(), message: "the drawing thread panicked".to_string() })
                })
            })
            .collect()
    })
}

/// Registers the embedded DejaVu Sans as plotters' `sans-serif`, once per process.
fn register_fonts() -> Result<(), ReportError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = DONE.get_or_init(|| {
        register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if *ok { Ok(()) } else { Err(ReportError::Font) }
}

fn render_svg(kind: ChartKind, data: &ReportData) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        kind.draw(&root, data).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    // The layout was measured with the embedded DejaVu Sans: name it first, then Verdana (the
    // same widths within a few percent) and the viewer's sans-serif. Embedding the font itself
    // would add about 700 KB to every file; the PNGs are drawn with it.
    Ok(svg.replace("font-family=\"sans-serif\"", "font-family=\"DejaVu Sans, Verdana, sans-serif\""))
}

fn render_png(kind: ChartKind, data: &ReportData) -> Result<Vec<u8>, String> {
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        kind.draw(&root, data).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())?;
    }
    Ok(png)
}

// ---------------------------------------------------------------------------------------------
// Colours: one meaning each, the same on every chart.

const fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

const TEXT: RGBColor = rgb(0x22_22_22);
const MUTED: RGBColor = rgb(0x59_59_59);
const GRID: RGBColor = rgb(0xE3_E3_E3);
const AXIS: RGBColor = rgb(0x88_88_88);
const BUDGET: RGBColor = rgb(0x11_11_11);
const MARKER: RGBColor = rgb(0x44_44_44);
// Five palettes that never share a colour (a test holds every colour of one at least 15 CIELAB
// units from every colour of another): strategies saturated, pricing models grey, cost
// categories light, reasons a message was free dark, paid a deep wine.
const PAID: RGBColor = rgb(0x67_00_1F);

/// As many as a run may compare (`scenario::MAX_STRATEGIES`).
const STRATEGY_COLOURS: [u32; 8] = [0x1F77B4, 0xD62728, 0x2CA02C, 0x9467BD, 0xFF7F0E, 0x17BECF, 0xE377C2, 0x8C564B];

/// The colour of a cost category, the same on every chart.
#[must_use]
pub fn category_colour(c: BillCategory) -> RGBColor {
    rgb(match c {
        BillCategory::Marketing => 0xF2C45A,
        BillCategory::Utility => 0x7FC8A9,
        BillCategory::Authentication => 0xA6BDDB,
        BillCategory::AuthenticationInternational => 0xC9A0DC,
        BillCategory::Service => 0xF4A582,
        BillCategory::BusinessInitiated => 0xB8E186,
        BillCategory::UserInitiated => 0xDFC27D,
        BillCategory::EntryPoint => 0x5AAE61,
    })
}

/// The colour of a reason a message was free, the same on every chart.
#[must_use]
pub fn free_colour(r: FreeReason) -> RGBColor {
    rgb(match r {
        FreeReason::ServiceWindow => 0x006D2C,
        FreeReason::EntryPoint => 0x01665E,
        FreeReason::OpenConversation => 0x08519C,
        FreeReason::FreeTier => 0xA6761D,
        FreeReason::FreeForm => 0x54278F,
        FreeReason::ServiceConversation => 0x7A0177,
        FreeReason::Reaction => 0x8E0152,
        FreeReason::Exempt => 0x3F007D,
    })
}

/// The colour of a pricing model (`auto` or a model id), the same on every chart.
#[must_use]
pub fn pricing_colour(id: &str) -> RGBColor {
    rgb(match id {
        "template-2018" => 0xDADADA,
        "conversation-2022" => 0xBDBDBD,
        "category-2023" => 0xA0A0A0,
        "per-message-2025" => 0x858585,
        "per-message-2026" => 0x6A6A6A,
        _ => 0x4F4F4F, // auto
    })
}

/// The colour of a strategy: by its place in the scenario's list, so it keeps its colour on a
/// chart where other strategies have no data.
#[must_use]
pub fn strategy_colour(data: &ReportData, strategy: &str) -> RGBColor {
    match data.strategies.iter().position(|s| s == strategy) {
        Some(i) => rgb(STRATEGY_COLOURS[i % STRATEGY_COLOURS.len()]),
        None => rgb(0x3A3A3A),
    }
}

// ---------------------------------------------------------------------------------------------
// Text.

/// The look every chart's axes share: label sizes, grid, axis lines.
fn house_style<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB> {
    mesh.label_style(text(16.0))
        .axis_desc_style(text(17.0))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
}

fn text(size: f64) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&TEXT)
}

fn bold(size: f64) -> TextStyle<'static> {
    // `FontDesc::style` keeps the regular face's glyphs; a new description loads the bold face.
    FontDesc::new(FontFamily::SansSerif, size, FontStyle::Bold).color(&TEXT)
}

fn muted(size: f64) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&MUTED)
}

fn text_width<DB: DrawingBackend>(area: &Area<DB>, s: &str, style: &TextStyle) -> Result<i32, DErr<DB>> {
    Ok(area.estimate_text_size(s, style)?.0 as i32)
}

/// `s`, cut with an ellipsis to fit `max` pixels.
fn fit<DB: DrawingBackend>(area: &Area<DB>, s: &str, style: &TextStyle, max: i32) -> Result<String, DErr<DB>> {
    if text_width(area, s, style)? <= max {
        return Ok(s.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    for n in (1..chars.len()).rev() {
        let cut: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if text_width(area, &cut, style)? <= max {
            return Ok(cut);
        }
    }
    Ok("…".to_string())
}

/// `s` broken into lines of at most `max` pixels, at spaces.
fn wrap<DB: DrawingBackend>(area: &Area<DB>, s: &str, style: &TextStyle, max: i32) -> Result<Vec<String>, DErr<DB>> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if !line.is_empty() && text_width(area, &candidate, style)? > max {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Tick labels for money axes: as few decimals as the axis's scale needs.
fn tick_money(max: f64) -> impl Fn(&f64) -> String {
    let decimals = if max >= 50.0 {
        0
    } else if max >= 5.0 {
        1
    } else if max >= 0.5 {
        2
    } else {
        3
    };
    move |v: &f64| {
        let v = if v.abs() < 1e-12 { 0.0 } else { *v };
        super::group_thousands(&format!("{v:.decimals$}"))
    }
}

fn tick_count(max: f64) -> impl Fn(&f64) -> String {
    let decimals = usize::from(max < 5.0);
    move |v: &f64| super::group_thousands(&format!("{v:.decimals$}"))
}

fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

// ---------------------------------------------------------------------------------------------
// Header: title, subtitle, legend.

#[derive(Clone, Copy)]
enum Swatch {
    Block,
    Line,
    Dashed,
    Band,
    Dot,
    Interval,
}

struct LegendItem {
    label: String,
    colour: RGBColor,
    swatch: Swatch,
}

fn item(label: impl Into<String>, colour: RGBColor, swatch: Swatch) -> LegendItem {
    LegendItem { label: label.into(), colour, swatch }
}

const PAD: i32 = 24;

/// Draws the title, subtitle and legend at the top of `root`; returns the area left for the plot.
fn header<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
    subtitle: &str,
    legend: &[LegendItem],
) -> Result<Area<DB>, DErr<DB>> {
    let (w, _) = root.dim_in_pixel();
    let w = w as i32;
    let sub_style = muted(17.0);
    let sub_lines = wrap(root, subtitle, &sub_style, w - 2 * PAD)?;
    let legend_style = text(16.0);
    let swatch_w = 26;
    // Lay the legend out in rows that fit the width.
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut x = PAD;
    for (i, it) in legend.iter().enumerate() {
        let width = swatch_w + 6 + text_width(root, &it.label, &legend_style)?;
        if x + width > w - PAD && x > PAD {
            rows.push(Vec::new());
            x = PAD;
        }
        if let Some(row) = rows.last_mut() {
            row.push((i, x));
        }
        x += width + 22;
    }
    let legend_rows = if legend.is_empty() { 0 } else { rows.len() as i32 };
    let title_h = 40;
    let sub_h = 23 * sub_lines.len() as i32;
    let height = 14 + title_h + sub_h + 8 + legend_rows * 26 + 6;
    let (top, body) = root.split_vertically(height);
    top.draw(&Text::new(title.to_string(), (PAD, 14), bold(28.0)))?;
    let mut y = 14 + title_h;
    for line in &sub_lines {
        top.draw(&Text::new(line.clone(), (PAD, y), sub_style.clone()))?;
        y += 23;
    }
    y += 8;
    for row in rows.iter().filter(|r| !r.is_empty()) {
        for &(i, x) in row {
            let it = &legend[i];
            draw_swatch(&top, it, (x, y))?;
            top.draw(&Text::new(it.label.clone(), (x + swatch_w + 6, y + 2), legend_style.clone()))?;
        }
        y += 26;
    }
    Ok(body)
}

fn draw_swatch<DB: DrawingBackend>(area: &Area<DB>, it: &LegendItem, (x, y): (i32, i32)) -> Result<(), DErr<DB>> {
    let c = it.colour;
    let mid = y + 9;
    match it.swatch {
        Swatch::Block => area.draw(&Rectangle::new([(x + 4, y + 1), (x + 22, y + 17)], c.filled())),
        Swatch::Line => area.draw(&PathElement::new(vec![(x, mid), (x + 26, mid)], c.stroke_width(3))),
        Swatch::Dashed => {
            for k in 0..3 {
                area.draw(&PathElement::new(vec![(x + k * 10, mid), (x + k * 10 + 6, mid)], c.stroke_width(2)))?;
            }
            Ok(())
        }
        Swatch::Band => area.draw(&Rectangle::new([(x, y + 1), (x + 26, y + 17)], c.mix(0.25).filled())),
        Swatch::Dot => area.draw(&Circle::new((x + 13, mid), 4, c.mix(0.7).filled())),
        Swatch::Interval => {
            area.draw(&PathElement::new(vec![(x + 2, mid), (x + 24, mid)], c.stroke_width(2)))?;
            area.draw(&PathElement::new(vec![(x + 2, mid - 6), (x + 2, mid + 6)], c.stroke_width(2)))?;
            area.draw(&PathElement::new(vec![(x + 24, mid - 6), (x + 24, mid + 6)], c.stroke_width(2)))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Horizontal bars: rows of stacked segments, grouped under bold group titles.

struct Row {
    label: String,
    /// A group title row: no bar, its label drawn in bold across the plot.
    group: bool,
    segments: Vec<(f64, RGBColor)>,
    /// (low, mean, high) of an interval drawn over the bar.
    interval: Option<(f64, f64, f64)>,
    /// Text after the bar.
    note: String,
}

fn group_row(label: &str) -> Row {
    Row { label: label.to_string(), group: true, segments: Vec::new(), interval: None, note: String::new() }
}

fn draw_hbars<DB: DrawingBackend>(
    area: &Area<DB>,
    rows: &[Row],
    x_desc: &str,
    ticks: &dyn Fn(&f64) -> String,
) -> Result<(), DErr<DB>> {
    let (aw, _) = area.dim_in_pixel();
    let aw = aw as i32;
    let label_style = text(17.0);
    let note_style = text(16.0);
    let max_label = aw / 3;
    let mut labels = Vec::with_capacity(rows.len());
    let mut label_w = 40;
    for r in rows {
        let l = if r.group { String::new() } else { fit(area, &r.label, &label_style, max_label)? };
        label_w = label_w.max(text_width(area, &l, &label_style)?);
        labels.push(l);
    }
    let mut note_w = 0;
    for r in rows {
        note_w = note_w.max(text_width(area, &r.note, &note_style)?);
    }
    let top = rows
        .iter()
        .map(|r| {
            let sum: f64 = r.segments.iter().map(|s| finite(s.0).max(0.0)).sum();
            r.interval.map_or(sum, |(_, _, hi)| sum.max(finite(hi)))
        })
        .fold(0.0_f64, f64::max);
    let label_area = label_w + 18;
    let (margin_l, margin_r) = (16, 24);
    let plot_w = (aw - label_area - margin_l - margin_r).max(100);
    let bar_room = (plot_w - note_w - 16).max(plot_w / 2);
    let x_max = if top > 0.0 { top * f64::from(plot_w) / f64::from(bar_room) } else { 1.0 };
    // Group title rows are shorter than bar rows; row 0 is at the top.
    let heights: Vec<f64> = rows.iter().map(|r| if r.group { 0.75 } else { 1.0 }).collect();
    let total: f64 = heights.iter().sum();
    let centres: Vec<f64> = heights
        .iter()
        .scan(0.0, |above, h| {
            let c = total - *above - h / 2.0;
            *above += h;
            Some(c)
        })
        .collect();
    let n = rows.len();
    let centre = |i: usize| centres[i];
    let keys: Vec<f64> = (0..n).filter(|&i| !rows[i].group).map(centre).collect();
    let label_of =
        |y: &f64| (0..n).find(|&i| (centre(i) - y).abs() < 1e-6).map(|i| labels[i].clone()).unwrap_or_default();
    let mut chart = ChartBuilder::on(area)
        .margin_left(margin_l)
        .margin_right(margin_r)
        .margin_top(6)
        .margin_bottom(10)
        .x_label_area_size(52)
        .y_label_area_size(label_area)
        .build_cartesian_2d(0.0..x_max, Keyed::new(0.0..total, keys))?;
    house_style(&mut chart.configure_mesh())
        .disable_y_mesh()
        .x_labels(8)
        .x_label_formatter(ticks)
        .y_label_formatter(&label_of)
        .x_desc(x_desc)
        .draw()?;
    let half = 0.34;
    for (i, r) in rows.iter().enumerate() {
        let y = centre(i);
        if r.group {
            if i > 0 {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, y + heights[i] / 2.0), (x_max, y + heights[i] / 2.0)],
                    AXIS.stroke_width(1),
                )))?;
            }
            let style = bold(17.0).pos(Pos::new(HPos::Left, VPos::Center));
            chart.plotting_area().draw(&(EmptyElement::at((0.0, y)) + Text::new(r.label.clone(), (6, 0), style)))?;
            continue;
        }
        let mut x = 0.0;
        for &(v, c) in &r.segments {
            let v = finite(v).max(0.0);
            if v > 0.0 {
                chart.draw_series(std::iter::once(Rectangle::new([(x, y - half), (x + v, y + half)], c.filled())))?;
            }
            x += v;
        }
        let mut end = x;
        if let Some((lo, mid, hi)) = r.interval {
            let (lo, mid, hi) = (finite(lo), finite(mid), finite(hi));
            let _ = mid;
            draw_interval(&chart, y, lo, hi)?;
            end = end.max(hi);
        }
        if !r.note.is_empty() {
            let style = note_style.pos(Pos::new(HPos::Left, VPos::Center));
            chart.plotting_area().draw(&(EmptyElement::at((end, y)) + Text::new(r.note.clone(), (10, 0), style)))?;
        }
    }
    Ok(())
}

/// A 95% interval: a line from `lo` to `hi` at height `y`, with end caps.
fn draw_interval<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    y: f64,
    lo: f64,
    hi: f64,
) -> Result<(), DErr<DB>> {
    let area = chart.plotting_area();
    let style = TEXT.stroke_width(2);
    area.draw(&PathElement::new(vec![(lo, y), (hi, y)], style))?;
    for x in [lo, hi] {
        area.draw(&(EmptyElement::at((x, y)) + PathElement::new(vec![(0, -7), (0, 7)], style)))?;
    }
    Ok(())
}

/// The unit of a money axis.
fn money_desc(data: &ReportData, what: &str) -> String {
    format!("{what} ({})", data.currency)
}

fn cost<'a>(data: &'a ReportData, strategy: &str, pricing: &str) -> Option<&'a StrategyCost> {
    data.costs.iter().find(|c| c.strategy == strategy && c.pricing == pricing)
}

/// Strategies in the scenario's order, then any the data has that the list lacks.
fn strategies_of<'a>(data: &'a ReportData, found: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = data.strategies.iter().map(String::as_str).collect();
    for s in found {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn models_of<'a>(data: &'a ReportData, found: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = data.pricing_models.iter().map(String::as_str).collect();
    for s in found {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// A percentage rounded to whole numbers, but never a misleading 0 for a share that is not
/// zero: `<1%` (signed when `signed`).
fn percent_text(pct: f64, signed: bool) -> String {
    let sign = if !signed || pct == 0.0 {
        ""
    } else if pct > 0.0 {
        "+"
    } else {
        "−"
    };
    if pct != 0.0 && pct.abs() < 0.5 {
        format!("{sign}<1%")
    } else if signed {
        format!("{pct:+.0}%")
    } else {
        format!("{pct:.0}%")
    }
}

/// `1 day`, `60 days`.
fn plural(n: u32, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

fn per_run(data: &ReportData) -> String {
    format!(
        "per simulated period of {} from {} (mean of {})",
        plural(data.days, "day"),
        data.start,
        plural(data.replications, "replication")
    )
}

// ---------------------------------------------------------------------------------------------
// (a) Cost per strategy, stacked by category, one group per pricing model.

fn cost_by_category<DB: DrawingBackend>(root: &Area<DB>, data: &ReportData) -> Result<(), DErr<DB>> {
    let strategies = strategies_of(data, data.costs.iter().map(|c| c.strategy.as_str()));
    let models = models_of(data, data.costs.iter().map(|c| c.pricing.as_str()));
    let used: Vec<BillCategory> = BillCategory::ALL
        .into_iter()
        .filter(|cat| {
            data.costs.iter().any(|c| c.by_category.iter().any(|b| b.category == *cat && b.mean.value != 0.0))
        })
        .collect();
    let mut legend: Vec<LegendItem> =
        used.iter().map(|&c| item(c.label(), category_colour(c), Swatch::Block)).collect();
    legend.push(item("95% confidence interval of the mean total", TEXT, Swatch::Interval));
    let subtitle = format!("Mean cost {}, stacked by what was charged; grouped by pricing model.", per_run(data));
    let body = header(root, ChartKind::CostByCategory.title(), &subtitle, &legend)?;
    let mut rows = Vec::new();
    for model in &models {
        if !strategies.iter().any(|s| cost(data, s, model).is_some()) {
            continue;
        }
        rows.push(group_row(&format!("Pricing: {model}")));
        for s in &strategies {
            let Some(c) = cost(data, s, model) else { continue };
            let segments = used
                .iter()
                .map(|&cat| {
                    let v = c.by_category.iter().filter(|b| b.category == cat).map(|b| b.mean.value).sum();
                    (v, category_colour(cat))
                })
                .collect();
            let t = &c.total;
            rows.push(Row {
                label: (*s).to_string(),
                group: false,
                segments,
                interval: t.ci.map(|(lo, hi)| (lo, t.mean.value, hi)),
                note: format!("{} {}", data.currency, money_text(t.mean.value)),
            });
        }
    }
    let top = data
        .costs
        .iter()
        .map(|c| finite(c.total.ci.map_or(0.0, |ci| ci.1)).max(finite(c.total.mean.value)))
        .fold(0.0, f64::max);
    draw_hbars(&body, &rows, &money_desc(data, "Mean cost per simulated period"), &tick_money(top))
}

// ---------------------------------------------------------------------------------------------
// (f) The same traffic under each pricing model.

fn pricing_models<DB: DrawingBackend>(root: &Area<DB>, data: &ReportData) -> Result<(), DErr<DB>> {
    let strategies = strategies_of(data, data.costs.iter().map(|c| c.strategy.as_str()));
    let models = models_of(data, data.costs.iter().map(|c| c.pricing.as_str()));
    let mut legend: Vec<LegendItem> = models
        .iter()
        .filter(|m| data.costs.iter().any(|c| c.pricing == **m))
        .map(|m| item(*m, pricing_colour(m), Swatch::Block))
        .collect();
    legend.push(item("95% confidence interval of the mean", TEXT, Swatch::Interval));
    let first =
        models.iter().copied().find(|m| *m == data.pricing_base).or(models.first().copied()).unwrap_or_default();
    // The base first, the rest in the scenario's order.
    let models: Vec<&str> = std::iter::once(first).chain(models.iter().copied().filter(|m| *m != first)).collect();
    let subtitle = format!(
        "Each strategy's simulated traffic priced under every pricing model: mean total cost {}. \
         Percentages are the change from {first}.",
        per_run(data)
    );
    let body = header(root, ChartKind::PricingModels.title(), &subtitle, &legend)?;
    let mut rows = Vec::new();
    for s in &strategies {
        if !models.iter().any(|m| cost(data, s, m).is_some()) {
            continue;
        }
        rows.push(group_row(&format!("Strategy: {s}")));
        let base = cost(data, s, first).map(|c| c.total.mean.value);
        for m in &models {
            let Some(c) = cost(data, s, m) else { continue };
            let t = &c.total;
            let mut note = format!("{} {}", data.currency, money_text(t.mean.value));
            if let Some(b) = base.filter(|b| *b > 0.0 && *m != first) {
                let pct = (t.mean.value - b) / b * 100.0;
                note.push_str(&format!("  ({} from {first})", percent_text(pct, true)));
            }
            rows.push(Row {
                label: (*m).to_string(),
                group: false,
                segments: vec![(t.mean.value, pricing_colour(m))],
                interval: t.ci.map(|(lo, hi)| (lo, t.mean.value, hi)),
                note,
            });
        }
    }
    let top = data
        .costs
        .iter()
        .map(|c| finite(c.total.ci.map_or(0.0, |ci| ci.1)).max(finite(c.total.mean.value)))
        .fold(0.0, f64::max);
    draw_hbars(&body, &rows, &money_desc(data, "Mean total cost per simulated period"), &tick_money(top))
}

// ---------------------------------------------------------------------------------------------
// (b) Paid vs free messages.

fn messages<DB: DrawingBackend>(root: &Area<DB>, data: &ReportData) -> Result<(), DErr<DB>> {
    let strategies = strategies_of(data, data.messages.iter().map(|m| m.strategy.as_str()));
    let models = models_of(data, data.messages.iter().map(|m| m.pricing.as_str()));
    let used: Vec<FreeReason> = FreeReason::ALL
        .into_iter()
        .filter(|r| data.messages.iter().any(|m| m.free.iter().any(|f| f.reason == *r && f.count > 0.0)))
        .collect();
    let mut legend = vec![item("Paid (charged at a rate)", PAID, Swatch::Block)];
    legend.extend(used.iter().map(|&r| item(r.label(), free_colour(r), Swatch::Block)));
    let subtitle = format!(
        "Delivered business messages {}: paid, or free and why. Inbound, blocked and failed messages are not counted.",
        per_run(data)
    );
    let body = header(root, ChartKind::Messages.title(), &subtitle, &legend)?;
    let mut rows = Vec::new();
    let mut top: f64 = 0.0;
    for model in &models {
        if !data.messages.iter().any(|m| m.pricing == *model) {
            continue;
        }
        rows.push(group_row(&format!("Pricing: {model}")));
        for s in &strategies {
            let Some(m) = data.messages.iter().find(|m| m.strategy == *s && m.pricing == *model) else { continue };
            let mut segments = vec![(m.paid, PAID)];
            for &r in &used {
                segments.push((m.free.iter().filter(|f| f.reason == r).map(|f| f.count).sum(), free_colour(r)));
            }
            let total: f64 = segments.iter().map(|s| finite(s.0).max(0.0)).sum();
            top = top.max(total);
            let free_share = if total > 0.0 { (total - finite(m.paid)) / total * 100.0 } else { 0.0 };
            rows.push(Row {
                label: (*s).to_string(),
                group: false,
                segments,
                interval: None,
                note: format!("{} paid · {} free", super::count_text(m.paid), percent_text(free_share, false)),
            });
        }
    }
    draw_hbars(&body, &rows, "Delivered business messages per simulated period (mean)", &tick_count(top))
}

// ---------------------------------------------------------------------------------------------
// (c) Spend over time.

fn spend_over_time<DB: DrawingBackend>(root: &Area<DB>, data: &ReportData) -> Result<(), DErr<DB>> {
    let series: Vec<_> = data.daily.iter().filter(|d| !d.days.is_empty()).collect();
    let dates: Vec<&str> = series
        .iter()
        .max_by_key(|d| d.days.len())
        .map(|d| d.days.iter().map(|p| p.date.as_str()).collect())
        .unwrap_or_default();
    let mut legend: Vec<LegendItem> = Vec::new();
    if series.len() == 1 {
        legend.push(item(&series[0].strategy, strategy_colour(data, &series[0].strategy), Swatch::Line));
    }
    legend.push(item("5–95% of replications", MUTED, Swatch::Band));
    let markers: Vec<(usize, &str)> = data
        .markers
        .iter()
        .filter_map(|m| {
            let i = dates.iter().position(|d| *d >= m.date.as_str())?;
            (i > 0 || dates.first() == Some(&m.date.as_str())).then_some((i, m.label.as_str()))
        })
        .collect();
    if !markers.is_empty() {
        legend.push(item("Prices change (see label)", MARKER, Swatch::Dashed));
    }
    // Campaign days can dwarf the rest: when the tallest day is over 8 times a typical one (the
    // median of the daily means), the axis stops at 5 times a typical day and taller days are
    // cut, their mean written on top.
    let top =
        series.iter().flat_map(|d| d.days.iter()).map(|p| finite(p.p95).max(finite(p.mean))).fold(0.0_f64, f64::max);
    let mut means: Vec<f64> = series.iter().flat_map(|d| d.days.iter().map(|p| finite(p.mean))).collect();
    means.sort_by(f64::total_cmp);
    let typical = quantile(&means, 0.5);
    let cut = typical > 0.0 && top > 8.0 * typical;
    let top = if cut {
        typical * 5.0
    } else if top > 0.0 {
        top
    } else {
        1.0
    };
    let subtitle = format!(
        "Cost per day under {}: mean across {}, with the band where 90% of replications fall{}{}.",
        data.detail_pricing,
        plural(data.replications, "replication"),
        if series.len() > 1 { "; one panel per strategy, all on the same scale" } else { "" },
        if cut { "; days above the axis are cut, their mean written on top" } else { "" },
    );
    let body = header(root, ChartKind::SpendOverTime.title(), &subtitle, &legend)?;
    let k = series.len().max(1);
    let (_, bh) = body.dim_in_pixel();
    let axis_h = 52;
    let row_h = ((bh as i32 - axis_h) / k as i32).max(40);
    let breaks: Vec<i32> = (1..k).map(|i| row_h * i as i32).collect();
    let panels = body.split_by_breakpoints::<i32, i32, _, _>([], breaks);
    for (pi, (panel, d)) in panels.iter().zip(&series).enumerate() {
        let last = pi + 1 == k;
        spend_panel(panel, data, d, &dates, &markers, top, cut, (pi == 0, last, k > 1))?;
    }
    Ok(())
}

/// One strategy's daily cost on a shared scale up to `top`: (first panel: marker labels, last
/// panel: the date axis, several panels: the strategy's name in the corner).
#[allow(clippy::too_many_arguments)]
fn spend_panel<DB: DrawingBackend>(
    panel: &Area<DB>,
    data: &ReportData,
    d: &super::DailyCost,
    dates: &[&str],
    markers: &[(usize, &str)],
    top: f64,
    cut: bool,
    (first, last, named): (bool, bool, bool),
) -> Result<(), DErr<DB>> {
    let n = dates.len();
    // Headroom for the cut days' values and the marker labels above the data.
    let y_max = top
        * if !markers.is_empty() && first {
            1.35
        } else if cut {
            1.25
        } else {
            1.08
        };
    let x_max = (n.max(2) - 1) as f64;
    let step = [1, 2, 7, 14, 28, 56, 91, 182, 364].into_iter().find(|s| n / s <= 10).unwrap_or(364);
    let keys: Vec<f64> = (0..n).step_by(step).map(|i| i as f64).collect();
    let date_of = |x: &f64| {
        if last {
            dates.get(x.round().max(0.0) as usize).map(|d| (*d).to_string()).unwrap_or_default()
        } else {
            String::new()
        }
    };
    let mut chart = ChartBuilder::on(panel)
        .margin_left(16)
        .margin_right(32)
        .margin_top(if named { 22 } else { 6 })
        .margin_bottom(if last { 10 } else { 2 })
        .x_label_area_size(if last { 52 } else { 4 })
        .y_label_area_size(86)
        .build_cartesian_2d(Keyed::new(0.0..x_max, keys), 0.0..y_max)?;
    let ticks = tick_money(top);
    let mut mesh = chart.configure_mesh();
    house_style(&mut mesh)
        .disable_x_mesh()
        .x_label_formatter(&date_of)
        .y_labels(if named { 4 } else { 8 })
        .y_label_formatter(&ticks);
    if last {
        mesh.x_desc("Date");
    }
    if !named || first {
        mesh.y_desc(money_desc(data, "Cost per day"));
    }
    mesh.draw()?;
    let c = strategy_colour(data, &d.strategy);
    let clip = |v: f64| finite(v).min(if cut { top } else { y_max });
    let mut band: Vec<(f64, f64)> = d.days.iter().enumerate().map(|(i, p)| (i as f64, clip(p.p95))).collect();
    band.extend(d.days.iter().enumerate().rev().map(|(i, p)| (i as f64, clip(p.p5))));
    chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.18).filled())))?;
    let line: Vec<(f64, f64)> = d.days.iter().enumerate().map(|(i, p)| (i as f64, clip(p.mean))).collect();
    if line.len() <= 2 {
        chart.draw_series(line.iter().map(|p| Circle::new(*p, 4, c.filled())))?;
    }
    chart.draw_series(LineSeries::new(line, c.stroke_width(3)))?;
    if cut {
        // One value per run of cut days: the tallest.
        let style = text(14.0).pos(Pos::new(HPos::Center, VPos::Bottom));
        let mut i = 0;
        while i < d.days.len() {
            if finite(d.days[i].mean) <= top {
                i += 1;
                continue;
            }
            let run_end = (i..d.days.len()).find(|j| finite(d.days[*j].mean) <= top).unwrap_or(d.days.len());
            let tallest = (i..run_end).max_by(|a, b| d.days[*a].mean.total_cmp(&d.days[*b].mean)).unwrap_or(i);
            let label = money_text(d.days[tallest].mean);
            let at = EmptyElement::at((tallest as f64, top));
            chart.plotting_area().draw(&(at + Text::new(label, (0, -3), style.clone())))?;
            i = run_end;
        }
    }
    if named {
        let style = bold(16.0).pos(Pos::new(HPos::Left, VPos::Bottom));
        chart
            .plotting_area()
            .draw(&(EmptyElement::at((0.0, y_max)) + Text::new(d.strategy.clone(), (0, -3), style)))?;
    }
    for &(i, _) in markers {
        let x = i as f64;
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x, 0.0), (x, y_max)],
            6,
            4,
            MARKER.stroke_width(2),
        )))?;
    }
    if !first {
        return Ok(());
    }
    // Marker labels, stacked so they never overlap.
    let label_style = text(15.0);
    let mut levels: Vec<i32> = Vec::new();
    for &(i, label) in markers {
        let x = i as f64;
        let (px, _) = chart.backend_coord(&(x, y_max));
        let w = text_width(panel, label, &label_style)?;
        let (plot_right, _) = chart.backend_coord(&(x_max, 0.0));
        let right_side = px + 6 + w <= plot_right;
        let (left, right) = if right_side { (px, px + 6 + w) } else { (px - 6 - w, px) };
        let level = match levels.iter().position(|&end| end + 8 < left) {
            Some(l) => l,
            None => {
                levels.push(i32::MIN);
                levels.len() - 1
            }
        };
        levels[level] = right;
        let dy = 4 + 20 * level as i32;
        let style = if right_side {
            label_style.pos(Pos::new(HPos::Left, VPos::Top))
        } else {
            label_style.pos(Pos::new(HPos::Right, VPos::Top))
        };
        let dx = if right_side { 6 } else { -6 };
        // A white ground keeps the label legible over other markers' lines.
        let (bx0, bx1) = if right_side { (dx - 2, dx + w + 3) } else { (dx - w - 3, dx + 2) };
        let ground = Rectangle::new([(bx0, dy - 2), (bx1, dy + 17)], WHITE.mix(0.9).filled());
        chart.plotting_area().draw(&(EmptyElement::at((x, y_max)) + ground))?;
        chart.plotting_area().draw(&(EmptyElement::at((x, y_max)) + Text::new(label.to_string(), (dx, dy), style)))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// (d) Distribution of total cost across replications.

fn distribution<DB: DrawingBackend>(root: &Area<DB>, data: &ReportData) -> Result<(), DErr<DB>> {
    let order = strategies_of(data, data.distributions.iter().map(|d| d.strategy.as_str()));
    let dists: Vec<_> = order
        .iter()
        .filter_map(|s| data.distributions.iter().find(|d| d.strategy == *s && !d.totals.is_empty()))
        .collect();
    let p = data.budget_percentile;
    let bound = dists.iter().all(|d| d.budget_is_bound);
    let budget_name = if bound { format!("P{p} budget (95% upper bound)") } else { format!("P{p}") };
    let legend = vec![
        item("One replication", MUTED, Swatch::Dot),
        item("Middle 50% of replications, median, min–max", MUTED, Swatch::Interval),
        item(
            if bound {
                format!("Budget: a 95% upper bound on P{p}, the total not exceeded in {p}% of periods")
            } else {
                format!("P{p}: not exceeded in {p}% of replications (too few for an upper bound)")
            },
            BUDGET,
            Swatch::Line,
        ),
    ];
    // Each strategy's range (its totals and budget), and the range of them all.
    let range_of = |d: &CostDistribution| {
        d.totals
            .iter()
            .copied()
            .chain(std::iter::once(d.budget.value))
            .map(finite)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)))
    };
    let ranges: Vec<(f64, f64)> = dists.iter().map(|d| range_of(d)).collect();
    let (lo, hi) = ranges.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| (a.min(r.0), b.max(r.1)));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    // On one shared axis a strategy whose spread is a sliver of the axis shows as a line: then
    // each row gets its own scale, and the subtitle says so.
    let own_scales = dists.len() > 1 && ranges.iter().any(|r| (r.1 - r.0) < 0.1 * (hi - lo));
    let subtitle = format!(
        "Total cost of each of {} over {} under {}, one row per strategy{}.",
        plural(data.replications, "replication"),
        plural(data.days, "day"),
        data.detail_pricing,
        if own_scales { ", each on its own scale (strategies differ far more than replications do)" } else { "" }
    );
    let body = header(root, ChartKind::Distribution.title(), &subtitle, &legend)?;
    let label_style = text(17.0);
    let (aw, _) = body.dim_in_pixel();
    let mut labels = Vec::new();
    let mut label_w = 40;
    for d in &dists {
        let l = fit(&body, &d.strategy, &label_style, aw as i32 / 3)?;
        label_w = label_w.max(text_width(&body, &l, &label_style)?);
        labels.push(l);
    }
    let desc = money_desc(data, "Total cost of one simulated period");
    if own_scales {
        let n = dists.len();
        let (_, bh) = body.dim_in_pixel();
        // Every row the same height; the last also holds the axis title.
        let row_h = (bh as i32 - 30) / n as i32;
        let breaks: Vec<i32> = (1..n).map(|i| row_h * i as i32).collect();
        let panels = body.split_by_breakpoints::<i32, i32, _, _>([], breaks);
        for (i, (panel, d)) in panels.iter().zip(&dists).enumerate() {
            let (lo, hi) = ranges[i];
            let last = i + 1 == n;
            let x_desc =
                if last { format!("{desc}; each row has its own scale, not starting at 0") } else { String::new() };
            distribution_rows(panel, data, &[d], &labels[i..=i], label_w, (lo, hi), &x_desc, &budget_name, last)?;
        }
        Ok(())
    } else {
        let zoom = lo > 0.0 && lo > hi * 0.35;
        let x_desc = if zoom { desc + "; axis does not start at 0" } else { desc };
        distribution_rows(&body, data, &dists, &labels, label_w, (lo, hi), &x_desc, &budget_name, true)
    }
}

/// Draws strategies' distributions as rows sharing one x axis over `(lo, hi)` (widened a little;
/// from 0 unless the spread is small against the level).
#[allow(clippy::too_many_arguments)]
fn distribution_rows<DB: DrawingBackend>(
    body: &Area<DB>,
    data: &ReportData,
    dists: &[&CostDistribution],
    labels: &[String],
    label_w: i32,
    (lo, hi): (f64, f64),
    x_desc: &str,
    budget_name: &str,
    axis_title: bool,
) -> Result<(), DErr<DB>> {
    // All totals equal (e.g. nothing charged): a range of one currency unit or 10% around them.
    let span = if hi > lo { hi - lo } else { (hi.abs() * 0.1).max(1.0) * 10.0 };
    // Start at 0 unless the spread is small against the level: then zoom, and say so.
    let zoom = lo > 0.0 && lo > hi * 0.35;
    let x_min = if zoom { lo - span * 0.1 } else { 0.0_f64.min(lo) };
    let x_max = hi + span * 0.1;
    let n = dists.len();
    let centre = |i: usize| (n - i) as f64 - 0.5;
    let keys: Vec<f64> = (0..n).map(centre).collect();
    let label_of =
        |y: &f64| (0..n).find(|&i| (centre(i) - y).abs() < 1e-6).map(|i| labels[i].clone()).unwrap_or_default();
    let mut chart = ChartBuilder::on(body)
        .margin_left(16)
        .margin_right(32)
        .margin_top(6)
        .margin_bottom(if axis_title { 10 } else { 4 })
        .x_label_area_size(if axis_title { 52 } else { 28 })
        .y_label_area_size(label_w + 18)
        .build_cartesian_2d(x_min..x_max, Keyed::new(0.0..n as f64, keys))?;
    let ticks = tick_money(x_max.abs().max(x_min.abs()));
    let mut mesh = chart.configure_mesh();
    house_style(&mut mesh)
        .disable_y_mesh()
        .x_labels(if n == 1 && !axis_title { 6 } else { 8 })
        .x_label_formatter(&ticks)
        .y_label_formatter(&label_of);
    if !x_desc.is_empty() {
        mesh.x_desc(x_desc);
    }
    mesh.draw()?;
    let (plot_right, _) = chart.backend_coord(&(x_max, 0.0));
    let note_style = text(16.0);
    for (i, d) in dists.iter().enumerate() {
        let y = centre(i);
        let c = strategy_colour(data, &d.strategy);
        // Never empty: `distribution` keeps only strategies with totals. The box's quartiles are
        // type 7, as summary.json's percentiles; one replication is its own box.
        let mut sorted: Vec<f64> = d.totals.iter().copied().map(finite).collect();
        sorted.sort_by(f64::total_cmp);
        let (q1, med, q3) = (quantile(&sorted, 0.25), quantile(&sorted, 0.5), quantile(&sorted, 0.75));
        let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
        // Dots: one per replication, spread vertically in a strip below the box.
        let dot = if sorted.len() > 100 { 2 } else { 3 };
        let dots = sorted.iter().enumerate().map(|(k, v)| {
            let jitter = ((k as f64 * 0.618_033_988_7).fract() - 0.5) * 0.16;
            Circle::new((*v, y - 0.24 + jitter), dot, c.mix(0.55).filled())
        });
        chart.draw_series(dots)?;
        let (b0, b1, bm) = (y - 0.06, y + 0.2, y + 0.07);
        chart.draw_series(std::iter::once(Rectangle::new([(q1, b0), (q3, b1)], c.mix(0.3).filled())))?;
        chart.draw_series(std::iter::once(Rectangle::new([(q1, b0), (q3, b1)], c.stroke_width(2))))?;
        chart.draw_series(std::iter::once(PathElement::new(vec![(med, b0), (med, b1)], c.stroke_width(3))))?;
        for (a, b) in [(min, q1), (q3, max)] {
            chart.draw_series(std::iter::once(PathElement::new(vec![(a, bm), (b, bm)], c.stroke_width(2))))?;
        }
        for x in [min, max] {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, bm - 0.05), (x, bm + 0.05)],
                c.stroke_width(2),
            )))?;
        }
        let b = finite(d.budget.value);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(b, y - 0.36), (b, y + 0.3)],
            BUDGET.stroke_width(3),
        )))?;
        let label = format!("{budget_name}: {} {}", data.currency, money_text(b));
        let (px, _) = chart.backend_coord(&(b, y));
        let w = text_width(body, &label, &note_style)?;
        let (dx, h) = if px + 6 + w <= plot_right { (6, HPos::Left) } else { (-6, HPos::Right) };
        let style = bold(16.0).pos(Pos::new(h, VPos::Bottom));
        chart.plotting_area().draw(&(EmptyElement::at((b, y + 0.3)) + Text::new(label, (dx, 0), style)))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// (e) Cost by market.

/// At most this many markets get a group of their own; the rest are summed as one.
const MAX_MARKETS: usize = 8;

fn cost_by_market<DB: DrawingBackend>(root: &Area<DB>, data: &ReportData) -> Result<(), DErr<DB>> {
    let strategies = strategies_of(data, data.markets.iter().map(|m| m.strategy.as_str()));
    let mut markets: Vec<(String, f64)> = Vec::new();
    for m in &data.markets {
        match markets.iter_mut().find(|(name, _)| *name == m.market) {
            Some(entry) => entry.1 += finite(m.mean.value),
            None => markets.push((m.market.clone(), finite(m.mean.value))),
        }
    }
    markets.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let rest: Vec<String> = if markets.len() > MAX_MARKETS {
        markets.split_off(MAX_MARKETS - 1).into_iter().map(|m| m.0).collect()
    } else {
        Vec::new()
    };
    let mut groups: Vec<(String, Vec<String>)> = markets.into_iter().map(|(m, _)| (m.clone(), vec![m])).collect();
    if !rest.is_empty() {
        groups.push((format!("{} other markets", rest.len()), rest));
    }
    let value = |members: &[String], s: &str| -> f64 {
        data.markets
            .iter()
            .filter(|m| m.strategy == s && members.contains(&m.market))
            .map(|m| finite(m.mean.value))
            .sum()
    };
    let legend: Vec<LegendItem> =
        strategies.iter().map(|s| item(*s, strategy_colour(data, s), Swatch::Block)).collect();
    let subtitle = format!("Mean cost {} under {}, by the customer's market.", per_run(data), data.detail_pricing);
    let body = header(root, ChartKind::CostByMarket.title(), &subtitle, &legend)?;
    let g = groups.len();
    let top = groups.iter().flat_map(|(_, m)| strategies.iter().map(|s| value(m, s))).fold(0.0_f64, f64::max);
    let top = if top > 0.0 { top } else { 1.0 };
    let keys: Vec<f64> = (0..g).map(|i| i as f64 + 0.5).collect();
    let (aw, _) = body.dim_in_pixel();
    let group_px = (aw as i32 - 130) / g.max(1) as i32;
    // Market names on up to two lines under their group, never cut short of that.
    let label_style = text(16.0);
    let mut labels: Vec<Vec<String>> = Vec::new();
    for (name, _) in &groups {
        let mut lines = wrap(&body, name, &label_style, group_px - 6)?;
        if lines.len() > 2 {
            let rest = lines[1..].join(" ");
            lines = vec![lines[0].clone(), fit(&body, &rest, &label_style, group_px - 6)?];
        }
        labels.push(lines);
    }
    let mut chart = ChartBuilder::on(&body)
        .margin_left(16)
        .margin_right(24)
        .margin_top(6)
        .margin_bottom(10)
        .x_label_area_size(64)
        .y_label_area_size(86)
        .build_cartesian_2d(Keyed::new(0.0..g as f64, keys), 0.0..top * 1.08)?;
    house_style(&mut chart.configure_mesh())
        .disable_x_mesh()
        .y_labels(8)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&tick_money(top))
        .x_desc("Market")
        .y_desc(money_desc(data, "Mean cost per simulated period"))
        .draw()?;
    let style = label_style.pos(Pos::new(HPos::Center, VPos::Top));
    for (gi, lines) in labels.iter().enumerate() {
        for (k, line) in lines.iter().enumerate() {
            let at = EmptyElement::at((gi as f64 + 0.5, 0.0));
            chart.plotting_area().draw(&(at + Text::new(line.clone(), (0, 8 + 18 * k as i32), style.clone())))?;
        }
    }
    let ns = strategies.len().max(1) as f64;
    let w = 0.8 / ns;
    for (gi, (_, members)) in groups.iter().enumerate() {
        for (si, s) in strategies.iter().enumerate() {
            let v = value(members, s);
            let x0 = gi as f64 + 0.1 + si as f64 * w;
            let c = strategy_colour(data, s);
            chart
                .draw_series(std::iter::once(Rectangle::new([(x0 + w * 0.06, 0.0), (x0 + w * 0.94, v)], c.filled())))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn small_shares_are_not_shown_as_zero() {
        assert_eq!(percent_text(0.3, false), "<1%");
        assert_eq!(percent_text(0.0, false), "0%");
        assert_eq!(percent_text(26.4, false), "26%");
        assert_eq!(percent_text(-0.2, true), "−<1%");
        assert_eq!(percent_text(0.2, true), "+<1%");
        assert_eq!(percent_text(7.0, true), "+7%");
    }

    use super::*;

    /// The distribution chart's box (quartiles and median) comes from `stats::quantile`: it must
    /// interpolate between order statistics and make one replication its own box.
    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.25), 2.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        assert!((quantile(&[0.0, 10.0], 0.9) - 9.0).abs() < 1e-12);
        for q in [0.25, 0.5, 0.75] {
            assert_eq!(quantile(&[7.5], q), 7.5);
        }
    }

    #[test]
    fn colours_are_distinct_within_each_palette() {
        let cats: Vec<RGBColor> = BillCategory::ALL.iter().map(|c| category_colour(*c)).collect();
        let reasons: Vec<RGBColor> = FreeReason::ALL.iter().map(|r| free_colour(*r)).chain([PAID]).collect();
        for palette in [cats, reasons] {
            for (i, a) in palette.iter().enumerate() {
                assert!(palette[i + 1..].iter().all(|b| b != a), "{a:?} repeats");
            }
        }
    }

    /// CIELAB of an sRGB colour (D65).
    fn lab(c: RGBColor) -> [f64; 3] {
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v > 0.04045 { ((v + 0.055) / 1.055).powf(2.4) } else { v / 12.92 }
        };
        let (r, g, b) = (lin(c.0), lin(c.1), lin(c.2));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
        [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
    }

    /// One colour, one meaning: no strategy, pricing model, cost category or free reason has a
    /// colour within 15 CIELAB units (a clearly visible difference) of one with another meaning.
    #[test]
    fn palettes_never_share_a_colour() {
        let data = crate::report::sample::sample(5, 3);
        let mut data = data;
        data.strategies = (0..STRATEGY_COLOURS.len()).map(|i| format!("s{i}")).collect();
        let palettes: Vec<(&str, Vec<RGBColor>)> = vec![
            ("strategy", data.strategies.iter().map(|s| strategy_colour(&data, s)).collect()),
            (
                "pricing",
                ["template-2018", "conversation-2022", "category-2023", "per-message-2025", "per-message-2026", "auto"]
                    .iter()
                    .map(|p| pricing_colour(p))
                    .collect(),
            ),
            ("category", BillCategory::ALL.iter().map(|c| category_colour(*c)).collect()),
            ("free or paid", FreeReason::ALL.iter().map(|r| free_colour(*r)).chain([PAID]).collect()),
        ];
        for (i, (name_a, a)) in palettes.iter().enumerate() {
            for (name_b, b) in &palettes[i + 1..] {
                for x in a {
                    for y in b {
                        let (p, q) = (lab(*x), lab(*y));
                        let d = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt();
                        assert!(d >= 15.0, "{name_a} {x:?} and {name_b} {y:?} are {d:.1} apart");
                    }
                }
            }
        }
    }
}
