//! A seeded, stratified train/test split.

use crate::{Dataset, DatasetError, RandomState};

/// Splits `data` into `(train, test)` with about `test_fraction` of every class in `test`.
///
/// The algorithm, deterministic for a given `rng` state:
///
/// 1. for each class `c = 0, 1, ...` in order, take the indices of its `n_c` samples in data
///    order and permute them with `rng.permutation(n_c)` (one call per class, in class order;
///    classes without samples draw nothing);
/// 2. the first `round(n_c * test_fraction)` of them (halves rounded up), but never all `n_c`,
///    go to the test set, the rest to the training set; so every class keeps at least one
///    training sample;
/// 3. both sets keep the original row order (indices sorted ascending).
///
/// With `test_fraction = 0` nothing is drawn and `train` is `data` itself.
///
/// ```
/// use moons_datasets::{make_moons, stratified_split, RandomState};
/// let data = make_moons(200, 0.2, true, &mut RandomState::new(0)).unwrap();
/// let (train, test) = stratified_split(&data, 0.25, &mut RandomState::new(1)).unwrap();
/// assert_eq!(test.class_counts(), vec![25, 25]);
/// assert_eq!(train.n_samples(), 150);
/// ```
pub fn stratified_split(
    data: &Dataset,
    test_fraction: f64,
    rng: &mut RandomState,
) -> Result<(Dataset, Dataset), DatasetError> {
    if !(test_fraction.is_finite() && (0.0..1.0).contains(&test_fraction)) {
        return Err(DatasetError::InvalidParameter {
            name: "test-fraction",
            value: test_fraction.to_string(),
            allowed: "a number in [0, 1)".into(),
        });
    }
    if test_fraction == 0.0 {
        return Ok((data.clone(), data.select(&[])));
    }
    let mut train = Vec::with_capacity(data.n_samples());
    let mut test = Vec::new();
    for class in 0..data.n_classes() {
        let members: Vec<usize> = (0..data.n_samples())
            .filter(|&i| data.labels[i] == class)
            .collect();
        if members.is_empty() {
            continue;
        }
        let n_test =
            ((members.len() as f64 * test_fraction).round() as usize).min(members.len() - 1);
        for (rank, k) in rng.permutation(members.len()).into_iter().enumerate() {
            let index = members[k];
            if rank < n_test {
                test.push(index);
            } else {
                train.push(index);
            }
        }
    }
    train.sort_unstable();
    test.sort_unstable();
    Ok((data.select(&train), data.select(&test)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_a_deterministic_stratified_partition() {
        let data = crate::make_spirals(90, 3, 0.1, &mut RandomState::new(2)).unwrap();
        let (train, test) = stratified_split(&data, 0.3, &mut RandomState::new(5)).unwrap();
        let (train2, test2) = stratified_split(&data, 0.3, &mut RandomState::new(5)).unwrap();
        assert_eq!((&train, &test), (&train2, &test2));
        assert_eq!(test.class_counts(), vec![9, 9, 9]);
        assert_eq!(train.n_samples() + test.n_samples(), 90);
        let mut rows: Vec<String> = train
            .features
            .rows()
            .into_iter()
            .chain(test.features.rows())
            .map(|r| format!("{r}"))
            .collect();
        rows.sort();
        rows.dedup();
        assert_eq!(rows.len(), 90);
    }

    #[test]
    fn tiny_classes_keep_a_training_sample_and_bad_fractions_are_refused() {
        let data = crate::make_xor(3, &mut RandomState::new(0)).unwrap();
        let (train, _) = stratified_split(&data, 0.9, &mut RandomState::new(0)).unwrap();
        assert!(train.n_samples() >= 1);
        for bad in [-0.1, 1.0, f64::NAN] {
            assert!(stratified_split(&data, bad, &mut RandomState::new(0)).is_err());
        }
    }
}
