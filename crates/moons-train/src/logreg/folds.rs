//! scikit-learn's `StratifiedKFold(n_splits)` without shuffling, fold for fold.

use crate::error::invalid;
use crate::TrainError;

/// The test fold (`0..n_splits`) of every sample, as `StratifiedKFold(n_splits).split(X, y)`
/// assigns them, and scikit-learn's warning when some class is smaller than `n_splits`.
///
/// The algorithm of `_make_test_folds`: classes are numbered by first appearance; the sorted
/// numbers are dealt round-robin to the folds (`y_order[i::n_splits]`), which fixes how many
/// samples of each class every fold receives; each class then fills folds `0, 1, ...` with
/// that many of its samples, in data order.
pub fn stratified_folds(
    labels: &[usize],
    n_splits: usize,
) -> Result<(Vec<usize>, Option<String>), TrainError> {
    if n_splits < 2 {
        return Err(invalid("folds", n_splits, "an integer >= 2"));
    }
    if n_splits > labels.len() {
        return Err(invalid(
            "folds",
            n_splits,
            format!("at most the number of samples ({})", labels.len()),
        ));
    }
    let mut first_seen: Vec<usize> = Vec::new();
    let encoded: Vec<usize> = labels
        .iter()
        .map(|label| match first_seen.iter().position(|l| l == label) {
            Some(k) => k,
            None => {
                first_seen.push(*label);
                first_seen.len() - 1
            }
        })
        .collect();
    let n_classes = first_seen.len();
    let mut counts = vec![0usize; n_classes];
    for &k in &encoded {
        counts[k] += 1;
    }
    let largest = counts.iter().copied().max().unwrap_or(0);
    if n_splits > largest {
        return Err(invalid(
            "folds",
            n_splits,
            format!(
                "at most {largest}: scikit-learn refuses n_splits greater than the number of members in each class"
            ),
        ));
    }
    let smallest = counts.iter().copied().min().unwrap_or(0);
    let warning = (smallest < n_splits).then(|| {
        format!("the least populated class in y has only {smallest} members, which is less than n_splits={n_splits}")
    });

    let mut sorted = encoded.clone();
    sorted.sort_unstable();
    // allocation[fold][class]: np.bincount(y_order[fold::n_splits], minlength=n_classes).
    let mut allocation = vec![vec![0usize; n_classes]; n_splits];
    for (i, &k) in sorted.iter().enumerate() {
        allocation[i % n_splits][k] += 1;
    }
    let mut folds = vec![0usize; labels.len()];
    for (k, &count) in counts.iter().enumerate() {
        let folds_for_class = (0..n_splits).flat_map(|f| std::iter::repeat_n(f, allocation[f][k]));
        let members = encoded
            .iter()
            .enumerate()
            .filter(|&(_, &e)| e == k)
            .map(|(i, _)| i);
        let mut assigned = 0;
        for (i, f) in members.zip(folds_for_class) {
            folds[i] = f;
            assigned += 1;
        }
        debug_assert_eq!(assigned, count);
    }
    Ok((folds, warning))
}

/// `(train, test)` row indices of fold `k`, each in data order as scikit-learn yields them.
pub fn split_indices(folds: &[usize], k: usize) -> (Vec<usize>, Vec<usize>) {
    (0..folds.len()).partition(|&i| folds[i] != k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_follow_first_appearance_and_round_robin_counts() {
        // Classes appear as 1 then 0; each has 5 members, so each fold takes one of each.
        let labels = [1, 1, 0, 1, 0, 0, 1, 0, 1, 0];
        let (folds, warning) = stratified_folds(&labels, 5).unwrap();
        assert_eq!(folds, vec![0, 1, 0, 2, 1, 2, 3, 3, 4, 4]);
        assert!(warning.is_none());
    }

    #[test]
    fn uneven_classes_are_dealt_as_numpy_does() {
        // 7 of class 0 then 3 of class 1, 3 folds: sorted [0x7, 1x3] dealt round robin gives
        // fold 0: 0,0,0,1  fold 1: 0,0,1  fold 2: 0,0,1.
        let labels = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
        let (folds, _) = stratified_folds(&labels, 3).unwrap();
        assert_eq!(folds, vec![0, 0, 0, 1, 1, 2, 2, 0, 1, 2]);
        let (train, test) = split_indices(&folds, 1);
        assert_eq!(test, vec![3, 4, 8]);
        assert_eq!(train.len(), 7);
    }

    #[test]
    fn a_small_class_warns_and_all_small_classes_fail() {
        let labels = [0, 0, 0, 0, 0, 1, 1];
        let (_, warning) = stratified_folds(&labels, 5).unwrap();
        assert!(warning.unwrap().contains("only 2 members"));
        let err = stratified_folds(&[0, 0, 1, 1, 2, 2], 3)
            .map(|_| ())
            .unwrap_err();
        assert!(err.to_string().contains("folds"), "{err}");
        let err = stratified_folds(&[0, 0, 0, 1, 1, 1], 4).unwrap_err();
        assert!(err.to_string().contains("at most 3"), "{err}");
        assert!(stratified_folds(&[0, 1], 5).is_err());
        assert!(stratified_folds(&[0, 1, 0, 1], 1).is_err());
    }
}
