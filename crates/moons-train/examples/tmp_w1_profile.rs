use moons_datasets::{make_moons, RandomState};
use moons_train::{Fit, SeedNetwork};
fn main() {
    let fast = std::env::args().nth(1).is_some();
    let data = make_moons(200, 0.2, true, &mut RandomState::new(0)).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..5 {
        std::hint::black_box(SeedNetwork { fast, ..SeedNetwork::default() }.fit(&data).unwrap());
    }
    eprintln!("{:.2} us/pass", t.elapsed().as_secs_f64() / 100_000.0 * 1e6);
}
