//! Renders the sample report (charts and report.html) and says how long it took.
//!
//! `cargo run --release --example report -- [OUT_DIR] [DAYS] [REPLICATIONS] [REPEATS]`
//! writes into OUT_DIR (default: a new temporary folder) and prints the time of each repeat.
//! The sample's numbers are invented (see `wasim::report::sample`): this shows what a report
//! looks like and measures the renderer, not the simulator.

use std::path::PathBuf;
use std::time::Instant;
use wasim::report::{sample::sample, write_report};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = match args.next() {
        Some(d) => PathBuf::from(d),
        None => std::env::temp_dir().join(format!("wasim-report-{}", std::process::id())),
    };
    let days: u32 = args.next().map_or(Ok(60), |s| s.parse())?;
    let replications: u32 = args.next().map_or(Ok(50), |s| s.parse())?;
    let repeats: u32 = args.next().map_or(Ok(5), |s| s.parse())?;
    let data = sample(days, replications);
    std::fs::create_dir_all(&dir)?;
    let mut times = Vec::new();
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        let files = write_report(&dir, &data)?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        if times.len() == 1 {
            println!("wrote {} and {} chart files into {}", files.report.display(), files.charts.len(), dir.display());
        }
    }
    times.sort_by(f64::total_cmp);
    // Drawing and encoding alone, without writing files.
    let mut draw = Vec::new();
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        let charts = wasim::report::charts::render_all(&data)?;
        let page = wasim::report::html::render(&data, &charts);
        std::hint::black_box(page);
        draw.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    draw.sort_by(f64::total_cmp);
    let list: Vec<String> = times.iter().map(|t| format!("{t:.1}")).collect();
    println!(
        "rendered {days} days x {replications} replications x {} strategies: median {:.1} ms (runs: {} ms)",
        data.strategies.len(),
        times[times.len() / 2],
        list.join(", ")
    );
    println!("of which drawing, encoding and the page, without files: median {:.1} ms", draw[draw.len() / 2]);
    Ok(())
}
