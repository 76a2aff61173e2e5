//! Simulation throughput on a bundled 30-day scenario (`scenarios/indian-retailer.toml`, 20,000
//! customers, 10 replications): customers per second and events (messages) per second, per core,
//! with 1 and 2 threads.
//!
//! Cases: the scenario as bundled (4 strategies × 2 pricings, about 8 messages per customer and
//! strategy); one strategy and one pricing; and busier customers (visits and orders × 3.5, about
//! 20 messages each), with one strategy and one pricing, and with all four and both pricings.
//!
//! "customers/s/core" counts a customer once however many strategies and pricings simulate it;
//! "cust-strategies/s/core" counts it once per strategy (each strategy replays the customer's
//! traffic; the pricings price it in the same pass). Per core = per second of wall time divided
//! by the thread count; "cpu" figures divide by the CPU time the process used instead (steadier
//! on a busy machine). Each figure is the best of three runs after a warm-up.
//!
//! Run with `cargo bench --bench sim`; `cargo bench --bench sim -- busy` runs only the cases
//! whose name contains "busy" (a case named exactly runs alone); `WASIM_BENCH_THREADS=1` only one thread count;
//! `WASIM_BENCH_REPLICATIONS=1` fewer replications (to count instructions under callgrind).

use std::path::Path;
use std::time::Instant;
use wasim::Scenario;

/// CPU time of the whole process so far (every thread), in seconds.
fn cpu_seconds() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return f64::NAN };
    let mut ns: u64 = 0;
    for task in tasks.flatten() {
        if let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) {
            ns += text.split_whitespace().next().and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    ns as f64 * 1e-9
}

/// Wall and CPU seconds of the best of three runs, and the events of one run.
fn time_runs(s: &Scenario, threads: usize) -> Option<(f64, f64, u64)> {
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("cannot build a pool of {threads} threads: {e}");
            return None;
        }
    };
    let _ = pool.install(|| wasim::run(s, 0, &|_| {}));
    let (mut wall, mut cpu, mut events) = (f64::INFINITY, f64::INFINITY, 0);
    for _ in 0..3 {
        let (start, cpu_start) = (Instant::now(), cpu_seconds());
        match pool.install(|| wasim::run(s, 0, &|_| {})) {
            Ok(r) => events = r.events,
            Err(e) => {
                eprintln!("run failed: {e}");
                return None;
            }
        }
        wall = wall.min(start.elapsed().as_secs_f64());
        cpu = cpu.min(cpu_seconds() - cpu_start);
    }
    Some((wall, cpu, events))
}

fn measure(label: &str, s: &Scenario, thread_counts: &[usize]) {
    let customers = (s.customers.count * u64::from(s.run.replications)) as f64;
    let strategies = s.strategies.len() as f64;
    println!(
        "{label}: {} strategies x {} pricings, {} customers x {} replications",
        s.strategies.len(),
        s.pricings.len(),
        s.customers.count,
        s.run.replications
    );
    let mut one_thread_wall = None;
    for &threads in thread_counts {
        let Some((wall, cpu, events)) = time_runs(s, threads) else { return };
        let per_core = |x: f64| x / wall / threads as f64;
        let per_cpu = |x: f64| x / cpu;
        let scaling = match one_thread_wall {
            Some(w) if threads > 1 => format!(", speed-up {:.2}x over 1 thread", w / wall),
            _ => String::new(),
        };
        if threads == 1 {
            one_thread_wall = Some(wall);
        }
        println!(
            "  threads {threads}: wall {wall:.3} s, cpu {cpu:.3} s{scaling}\n    \
             {:>6.3} M customers/s/core ({:.3} M per cpu-s), {:>6.3} M cust-strategies/s/core, \
             {:>6.2} M events/s/core ({:.2} M per cpu-s); {:.1} events per customer, {:.1} per customer-strategy",
            per_core(customers) / 1e6,
            per_cpu(customers) / 1e6,
            per_core(customers * strategies) / 1e6,
            per_core(events as f64) / 1e6,
            per_cpu(events as f64) / 1e6,
            events as f64 / customers,
            events as f64 / customers / strategies,
        );
    }
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_default();
    let thread_counts: Vec<usize> = match std::env::var("WASIM_BENCH_THREADS").ok().and_then(|v| v.parse().ok()) {
        Some(n) => vec![n],
        None => vec![1, 2],
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/indian-retailer.toml");
    let mut s = match Scenario::load(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    s.run.replications = std::env::var("WASIM_BENCH_REPLICATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    let mut single = s.clone();
    single.strategies.truncate(1);
    single.pricings.truncate(1);
    // Busier customers: about 20 messages each over the month.
    let busier = |s: &Scenario| {
        let mut busy = s.clone();
        busy.customers.visits.per_day *= 3.5;
        if let Some(orders) = busy.customers.orders.as_mut() {
            orders.per_day *= 3.5;
        }
        busy
    };
    let cases = [
        ("bundled", s.clone()),
        ("bundled-single", single.clone()),
        ("busy-single", busier(&single)),
        ("busy-bundled", busier(&s)),
    ];
    // A case named exactly runs alone; otherwise every case whose name contains the filter.
    let exact = cases.iter().any(|(label, _)| *label == filter);
    for (label, scenario) in &cases {
        if (exact && *label == filter) || (!exact && label.contains(filter.as_str())) {
            measure(label, scenario, &thread_counts);
        }
    }
}
