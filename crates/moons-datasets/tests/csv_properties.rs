//! The CSV reader and writer under arbitrary input: exact round trips, and no panic on any
//! bytes at all.

use moons_datasets::{parse_csv, parse_points, write_csv, Dataset};
use ndarray::{Array1, Array2};
use proptest::prelude::*;

fn dataset() -> impl Strategy<Value = Dataset> {
    (1usize..6, 2usize..40).prop_flat_map(|(features, rows)| {
        let values = prop::collection::vec(
            prop_oneof![
                any::<f64>().prop_filter("finite", |x| x.is_finite()),
                -1e3f64..1e3,
                Just(0.0),
                Just(-0.0),
                Just(f64::MIN_POSITIVE),
                Just(5e-324),
            ],
            features * rows,
        );
        // Labels 0..k with both 0 and 1 present, so the file always has two classes.
        let labels = prop::collection::vec(0usize..4, rows - 2);
        (values, labels).prop_map(move |(values, mut labels)| {
            labels.extend([0, 1]);
            Dataset::new(
                Array2::from_shape_vec((rows, features), values).unwrap(),
                Array1::from(labels),
            )
            .unwrap()
        })
    })
}

proptest! {
    #[test]
    fn write_then_read_round_trips_every_bit(data in dataset()) {
        let mut bytes = Vec::new();
        write_csv(&data, &mut bytes).unwrap();
        let back = parse_csv("round-trip.csv", &bytes).unwrap();
        prop_assert_eq!(back.labels, data.labels);
        let same_bits = back
            .features
            .iter()
            .zip(&data.features)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        prop_assert!(same_bits, "features differ after a round trip");
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_csv("fuzz.csv", &bytes);
        let _ = parse_points("fuzz.csv", &bytes, 2);
    }

    #[test]
    fn csv_like_text_never_panics(
        text in r"([0-9eE.,+\-x a-z]{0,12}\n?){0,30}"
    ) {
        if let Ok(data) = parse_csv("fuzz.csv", text.as_bytes()) {
            prop_assert_eq!(data.features.nrows(), data.labels.len());
            prop_assert!(data.features.iter().all(|x| x.is_finite()));
        }
        let _ = parse_points("fuzz.csv", text.as_bytes(), 1);
    }
}
