//! The opt-in fast mode follows the exact trajectory closely on runs that converge.
//!
//! The fast `tanh` is computed in single precision (within `TANH_MAX_ABS_ERROR`, 2e-7, of the
//! exact one), so a converging run's losses and weights stay within a few times 1e-7 of the
//! exact run's, relative: the errors of one pass are damped, not amplified, on the way to the
//! minimum. The bounds below leave at least four times the worst measured drift. (Two-class
//! networks of up to 6 units take their gradients from a kernel that also computes the
//! probabilities in single precision: their weights drift about five times further.)

use moons_datasets::{make_moons, RandomState};
use moons_train::{Fit, SeedNetwork, Trainer};

/// Largest relative difference of a reported loss (worst measured: 1.9e-7).
const LOSS_REL: f64 = 2e-6;
/// Largest difference of a trained weight, relative to the largest weight (worst measured:
/// 2.4e-6).
const WEIGHT_REL: f64 = 1e-5;

#[test]
fn fast_mode_tracks_the_exact_path_on_converging_runs() {
    let data = make_moons(200, 0.2, true, &mut RandomState::new(0)).unwrap();
    let (mut worst_loss, mut worst_weight) = (0.0f64, 0.0f64);
    for (hidden, passes) in [(5, 20_000), (20, 5_000), (3, 1_000)] {
        let exact = SeedNetwork {
            hidden,
            trainer: Trainer {
                passes,
                report_every: 500,
                ..Trainer::default()
            },
            ..SeedNetwork::default()
        };
        let mut fast = exact.clone();
        fast.trainer.fast = true;
        let (e, f) = (exact.fit(&data).unwrap(), fast.fit(&data).unwrap());
        assert_eq!(e.train_accuracy, f.train_accuracy, "H={hidden}: accuracy");
        assert_eq!(e.history.reports.len(), f.history.reports.len());
        for (a, b) in e.history.reports.iter().zip(&f.history.reports) {
            let rel = (a.loss - b.loss).abs() / a.loss;
            worst_loss = worst_loss.max(rel);
            assert!(
                rel < LOSS_REL,
                "H={hidden} pass {}: exact {} fast {} (relative {rel:e})",
                a.pass,
                a.loss,
                b.loss
            );
        }
        let weights = |fitted: &moons_train::FittedNetwork| -> Vec<f64> {
            fitted
                .model
                .layers
                .iter()
                .flat_map(|l| l.weights.iter().chain(&l.bias).copied().collect::<Vec<_>>())
                .collect()
        };
        let (we, wf) = (weights(&e), weights(&f));
        let largest = we.iter().fold(0.0f64, |m, w| m.max(w.abs()));
        let drift = we
            .iter()
            .zip(&wf)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()))
            / largest;
        worst_weight = worst_weight.max(drift);
        assert!(
            drift < WEIGHT_REL,
            "H={hidden}: weights drift by {drift:e} of the largest"
        );
    }
    eprintln!("worst relative loss difference {worst_loss:e}, weight drift {worst_weight:e}");
}
