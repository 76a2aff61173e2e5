//! Simulation throughput on a bundled 30-day scenario (`scenarios/indian-retailer.toml`):
//! customers per second and messages (events) per second, per core, with 1 and 2 threads; once
//! with the scenario's four strategies and two pricings, once with one strategy and one pricing,
//! and once with busier customers (about 20 messages each).
//! Run with `cargo bench --bench sim`.

use std::path::Path;
use std::time::Instant;
use wasim::engine;
use wasim::scenario::Scenario;

fn measure(label: &str, s: &Scenario, threads: usize) {
    let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() else {
        eprintln!("cannot build a pool of {threads} threads");
        return;
    };
    // Warm up once, then time the best of three.
    let _ = pool.install(|| engine::run(s, 0, &|_| {}));
    let mut best = f64::INFINITY;
    let mut events = 0;
    for _ in 0..3 {
        let start = Instant::now();
        match pool.install(|| engine::run(s, 0, &|_| {})) {
            Ok(r) => events = r.events,
            Err(e) => {
                eprintln!("run failed: {e}");
                return;
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let customers = (s.customers * u64::from(s.replications)) as f64;
    let per_core = |x: f64| x / best / threads as f64;
    println!(
        "{label:<42} threads {threads}: {best:.3} s, {:>10.0} customers/s/core, {:>10.0} customer-strategies/s/core, {:>11.0} events/s/core ({:.1} events per customer-strategy)",
        per_core(customers),
        per_core(customers * s.strategies.len() as f64),
        per_core(events as f64),
        events as f64 / customers / s.strategies.len() as f64
    );
}

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/indian-retailer.toml");
    let mut s = match Scenario::load(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    s.replications = 10;
    for threads in [1, 2] {
        measure("indian-retailer, 4 strategies x 2 pricings", &s, threads);
    }
    let mut single = s.clone();
    single.strategies.truncate(1);
    single.pricings.truncate(1);
    for threads in [1, 2] {
        measure("indian-retailer, 1 strategy x 1 pricing", &single, threads);
    }
    // Busier customers: about 20 messages each over the month.
    let mut busy = single.clone();
    busy.visits.per_day *= 3.5;
    if let Some(orders) = busy.orders.as_mut() {
        orders.per_day *= 3.5;
    }
    for threads in [1, 2] {
        measure("busier customers, 1 strategy x 1 pricing", &busy, threads);
    }
}
