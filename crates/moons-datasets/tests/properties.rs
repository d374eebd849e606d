//! Properties of the generators that hold for every seed and size.

use moons_datasets::{make_moons, RandomState};
use proptest::prelude::*;

proptest! {
    #[test]
    fn shuffle_is_a_permutation(seed in any::<u32>(), n in 0usize..500) {
        let mut items: Vec<usize> = (0..n).collect();
        RandomState::new(seed).shuffle(&mut items);
        let mut sorted = items.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..n).collect::<Vec<_>>());
    }

    #[test]
    fn same_seed_same_bits(seed in any::<u32>(), n in 1usize..300, noise in 0.0f64..2.0) {
        let a = make_moons(n, noise, true, &mut RandomState::new(seed)).unwrap();
        let b = make_moons(n, noise, true, &mut RandomState::new(seed)).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn moons_are_balanced_and_finite(seed in any::<u32>(), n in 1usize..300, noise in 0.0f64..2.0) {
        let data = make_moons(n, noise, true, &mut RandomState::new(seed)).unwrap();
        prop_assert_eq!(data.n_samples(), n);
        prop_assert!(data.features.iter().all(|x| x.is_finite()));
        let ones = data.labels.iter().filter(|&&l| l == 1).count();
        prop_assert_eq!(ones, n - n / 2);
    }
}
