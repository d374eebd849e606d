//! Every generator once, then one data set as CSV on stdout.
//!
//! `cargo run --release -p moons-datasets --example generate > moons.csv`

use moons_datasets::{
    make_blobs, make_circles, make_moons, make_spirals, make_xor, write_csv, RandomState,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A fresh `RandomState::new(0)` per data set, like `np.random.seed(0)` before each call,
    // so each one equals what scikit-learn gives on its own, whatever order they run in.
    let rng = || RandomState::new(0);
    let moons = make_moons(200, 0.20, true, &mut rng())?;
    let circles = make_circles(200, 0.1, 0.5, true, &mut rng())?;
    let spirals = make_spirals(300, 3, 0.2, &mut rng())?;
    let (blobs, centers) = make_blobs(200, 3, 1.0, &mut rng())?;
    let xor = make_xor(200, &mut rng())?;

    // Summaries go to stderr so that stdout stays a clean CSV file.
    for (name, data) in [
        ("moons", &moons),
        ("circles", &circles),
        ("spirals", &spirals),
        ("blobs", &blobs),
        ("xor", &xor),
    ] {
        eprintln!(
            "{name:>8}: {} samples, {} features, class counts {:?}",
            data.n_samples(),
            data.n_features(),
            data.class_counts()
        );
    }
    eprintln!("blob centres:\n{centers}");

    // Shortest round-trip formatting: reading this back with `read_csv` gives the same bits.
    let stdout = std::io::stdout();
    write_csv(&moons, &mut stdout.lock())?;
    Ok(())
}
