//! The seed's last experiment: the same network trained with several hidden-layer widths.

use std::sync::atomic::{AtomicUsize, Ordering};

use moons_datasets::Dataset;
use rayon::prelude::*;

use crate::{FittedNetwork, Report, SeedNetwork, TrainError};

/// The seed's widths: `hidden_layer_dimensions = [1, 2, 3, 4, 5, 20, 50]`.
pub const SEED_HIDDEN_SIZES: [usize; 7] = [1, 2, 3, 4, 5, 20, 50];

/// Trains `base` once per width in `hidden_sizes` (everything but `hidden` taken from `base`),
/// the runs in parallel, the results in input order.
///
/// Every run is independent and single-threaded, so the results are bit-identical to training
/// the widths one after another. When several runs fail, the error of the first failing width
/// in input order is returned, whatever order the threads finished in.
///
/// ```
/// use moons_datasets::{make_moons, RandomState};
/// use moons_train::{hidden_size_sweep, SeedNetwork, Trainer};
///
/// let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
/// let base = SeedNetwork {
///     trainer: Trainer { passes: 500, ..Trainer::default() },
///     ..SeedNetwork::default()
/// };
/// let runs = hidden_size_sweep(&data, &[1, 3], &base)?;
/// assert_eq!(runs[1].model.layers[0].outputs(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn hidden_size_sweep(
    data: &Dataset,
    hidden_sizes: &[usize],
    base: &SeedNetwork,
) -> Result<Vec<FittedNetwork>, TrainError> {
    hidden_size_sweep_with(data, hidden_sizes, base, |_, _| {})
}

/// The runs of a sweep over `hidden_sizes`, in order, from a `run` of width `hidden` trained on
/// its own and `others`, the runs of the other widths in order: for callers that train one
/// width separately (the seed's, with a loss on every pass, say) beside a sweep of the rest.
/// `None` if `others` holds fewer runs than the other widths.
///
/// ```
/// use moons_datasets::{make_moons, RandomState};
/// use moons_train::{hidden_size_sweep, with_separate_run, Fit, SeedNetwork, Trainer};
///
/// let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
/// let base = SeedNetwork {
///     trainer: Trainer { passes: 200, ..Trainer::default() },
///     ..SeedNetwork::default()
/// };
/// let run = SeedNetwork { hidden: 3, ..base.clone() }.fit(&data)?;
/// let others = hidden_size_sweep(&data, &[1, 5], &base)?;
/// let runs = with_separate_run(&[1, 3, 5], 3, &run, others).expect("a run per width");
/// let widths: Vec<usize> = runs.iter().map(|r| r.model.layers[0].outputs()).collect();
/// assert_eq!(widths, [1, 3, 5]);
/// assert!(with_separate_run(&[1, 3, 5], 3, &run, Vec::new()).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn with_separate_run(
    hidden_sizes: &[usize],
    hidden: usize,
    run: &FittedNetwork,
    others: Vec<FittedNetwork>,
) -> Option<Vec<FittedNetwork>> {
    let mut others = others.into_iter();
    hidden_sizes
        .iter()
        .map(|&h| {
            if h == hidden {
                Some(run.clone())
            } else {
                others.next()
            }
        })
        .collect()
}

/// [`hidden_size_sweep`], calling `on_report(width index, report)` from the training threads
/// for every loss report of every run (for progress display; the order across runs is not
/// fixed, the results are).
pub fn hidden_size_sweep_with(
    data: &Dataset,
    hidden_sizes: &[usize],
    base: &SeedNetwork,
    on_report: impl Fn(usize, &Report) + Sync,
) -> Result<Vec<FittedNetwork>, TrainError> {
    // Refuse bad widths before spending time on the good ones.
    for &hidden in hidden_sizes {
        SeedNetwork {
            hidden,
            ..base.clone()
        }
        .validate()?;
    }
    // Widest (longest) first, from one shared queue: each thread takes the next run when it
    // finishes its last, so the longest runs start at once and the short ones fill in around
    // them. (A parallel iterator halves its range instead: on 2 cores the seed's sweep then
    // ran the 4, 3, 2 and 1-unit runs first beside the 50-unit one, and the 20- and 5-unit
    // runs after them on the same thread, ~0.2 s past the other thread's end.)
    let mut order: Vec<usize> = (0..hidden_sizes.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(hidden_sizes[i]));
    let next = AtomicUsize::new(0);
    let run_next = || {
        let i = *order.get(next.fetch_add(1, Ordering::Relaxed))?;
        let params = SeedNetwork {
            hidden: hidden_sizes[i],
            ..base.clone()
        };
        Some((i, params.fit_with(data, |r| on_report(i, r))))
    };
    let threads = rayon::current_num_threads().min(order.len());
    let mut finished: Vec<(usize, Result<FittedNetwork, TrainError>)> = (0..threads)
        .into_par_iter()
        .with_max_len(1)
        .flat_map_iter(|_| std::iter::from_fn(run_next).collect::<Vec<_>>())
        .collect();
    finished.sort_by_key(|&(i, _)| i);
    finished.into_iter().map(|(_, run)| run).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Trainer;
    use moons_datasets::{make_moons, RandomState};

    fn data() -> Dataset {
        make_moons(200, 0.20, true, &mut RandomState::new(0)).unwrap()
    }

    #[test]
    fn parallel_results_equal_sequential_ones_bit_for_bit() {
        let data = data();
        let base = SeedNetwork {
            trainer: Trainer {
                passes: 300,
                report_every: 50,
                ..Trainer::default()
            },
            ..SeedNetwork::default()
        };
        let sizes = [5, 1, 3, 2];
        let parallel = hidden_size_sweep(&data, &sizes, &base).unwrap();
        assert_eq!(parallel.len(), sizes.len());
        for (run, &hidden) in parallel.iter().zip(&sizes) {
            let alone = SeedNetwork {
                hidden,
                ..base.clone()
            }
            .fit_with(&data, |_| {})
            .unwrap();
            assert_eq!(run.model, alone.model, "H = {hidden}");
            assert_eq!(run.history, alone.history, "H = {hidden}");
            assert_eq!(run.train_accuracy.to_bits(), alone.train_accuracy.to_bits());
        }
    }

    #[test]
    fn a_bad_width_is_reported_before_training() {
        let err = hidden_size_sweep(&data(), &[3, 0], &SeedNetwork::default()).unwrap_err();
        assert!(matches!(
            err,
            TrainError::InvalidParameter { name: "hidden", .. }
        ));
    }

    #[test]
    fn no_widths_no_runs() {
        assert!(hidden_size_sweep(&data(), &[], &SeedNetwork::default())
            .unwrap()
            .is_empty());
    }
}
