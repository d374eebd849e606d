//! The opt-in fast mode follows the exact trajectory closely on runs that converge.

use moons_datasets::{make_moons, RandomState};
use moons_train::{Fit, SeedNetwork};

#[test]
fn fast_mode_tracks_the_exact_path_on_converging_runs() {
    let data = make_moons(200, 0.2, true, &mut RandomState::new(0)).unwrap();
    for (hidden, passes) in [(5, 20_000), (20, 5_000), (3, 1_000)] {
        let exact = SeedNetwork {
            hidden,
            passes,
            report_every: 500,
            ..SeedNetwork::default()
        };
        let fast = SeedNetwork {
            fast: true,
            ..exact.clone()
        };
        let (e, f) = (exact.fit(&data).unwrap(), fast.fit(&data).unwrap());
        assert_eq!(e.train_accuracy, f.train_accuracy, "H={hidden}: accuracy");
        for (a, b) in e.history.reports.iter().zip(&f.history.reports) {
            let rel = (a.loss - b.loss).abs() / a.loss;
            assert!(
                rel < 1e-9,
                "H={hidden} pass {}: exact {} fast {} (relative {rel:e})",
                a.pass,
                a.loss,
                b.loss
            );
        }
        let max_weight_diff = e
            .model
            .layers
            .iter()
            .zip(&f.model.layers)
            .flat_map(|(a, b)| a.weights.iter().zip(&b.weights).map(|(x, y)| (x - y).abs()))
            .fold(0.0f64, f64::max);
        assert!(
            max_weight_diff < 1e-6,
            "H={hidden}: weights drift by {max_weight_diff:e}"
        );
    }
}
