//! Core speed on the dataset: 10,000 incidents, 200,000 people, 1,000,000
//! contributions, one incident with 5,000 contributors.
//!
//! The dataset is generated once into `target/bench-data/` (about a minute) and reused while its
//! shape matches. Run: `cargo bench -p afterword-core --bench store`.

use afterword_core::{GenerateSpec, IncidentFilter, Store};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::path::PathBuf;

const SPEC: GenerateSpec =
    GenerateSpec { incidents: 10_000, people: 200_000, contributions: 1_000_000, crowded: 5_000, seed: 42 };

fn dataset() -> Store {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    let store = Store::open_in(&dir).expect("open bench database");
    let o = store.overview().expect("overview");
    if (o.incidents, o.people, o.contributions) != (SPEC.incidents, SPEC.people, SPEC.contributions) {
        drop(store);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("afterword.db{suffix}")));
        }
        let store = Store::open_in(&dir).expect("open bench database");
        let started = std::time::Instant::now();
        store.generate(SPEC).expect("generate");
        eprintln!("generated the dataset in {:.1} s", started.elapsed().as_secs_f64());
        return store;
    }
    store
}

fn benches(c: &mut Criterion) {
    let store = dataset();
    let crowded = store.incident("GEN-000001").expect("crowded incident").id;

    let mut search = c.benchmark_group("person search (200k people)");
    for query in ["j", "jan", "ortega", "priya raman", "example17", "zzzz-no-match"] {
        search.bench_function(query, |b| b.iter(|| black_box(store.search_people(query, None).unwrap())));
    }
    search.finish();

    c.bench_function("open incident with 5,000 contributors", |b| {
        b.iter(|| {
            let detail = store.incident_detail(&crowded).unwrap();
            assert!(detail.contributions.len() >= 5_000);
            black_box(detail)
        })
    });

    c.bench_function("overview counts (sidebar, first-run check)", |b| b.iter(|| black_box(store.overview().unwrap())));

    let mut list = c.benchmark_group("incident list (10k incidents)");
    list.bench_function("first page, no filter", |b| {
        b.iter(|| black_box(store.list_incidents(&IncidentFilter::default()).unwrap()))
    });
    list.bench_function("text filter 'phishing'", |b| {
        let filter = IncidentFilter { text: "phishing".into(), ..Default::default() };
        b.iter(|| black_box(store.list_incidents(&filter).unwrap()))
    });
    list.finish();
}

criterion_group! {
    name = store;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = benches
}
criterion_main!(store);
