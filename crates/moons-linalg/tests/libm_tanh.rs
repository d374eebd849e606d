//! `moons_linalg::libm::tanh` against the C library's `tanh` as Python printed it on the
//! reference machine (`reference/generate_tanh.py`), scalar and four lanes at a time.

use moons_linalg::libm::{tanh, tanh_slice};

struct Case {
    input: f64,
    expected: u64,
}

fn fixture() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../reference/fixtures/tanh_bits.json"
    );
    let text = std::fs::read_to_string(path).expect("reference/fixtures/tanh_bits.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let hex = |key: &str| -> Vec<u64> {
        json[key]
            .as_array()
            .expect("an array")
            .iter()
            .map(|v| u64::from_str_radix(v.as_str().expect("a hex string"), 16).expect("hex"))
            .collect()
    };
    let (inputs, outputs) = (hex("inputs"), hex("tanh"));
    assert_eq!(inputs.len(), outputs.len());
    assert!(
        inputs.len() > 10_000,
        "the fixture covers every branch many times over"
    );
    inputs
        .into_iter()
        .zip(outputs)
        .map(|(input, expected)| Case {
            input: f64::from_bits(input),
            expected,
        })
        .collect()
}

fn same_bits(got: f64, expected: u64) -> bool {
    // Any NaN is tanh(NaN): the payload is not part of the contract.
    got.to_bits() == expected || (got.is_nan() && f64::from_bits(expected).is_nan())
}

#[test]
fn scalar_tanh_matches_the_c_library_bit_for_bit() {
    let cases = fixture();
    let wrong: Vec<String> = cases
        .iter()
        .filter(|c| !same_bits(tanh(c.input), c.expected))
        .map(|c| {
            format!(
                "tanh({:e}) = {:e}, C library {:e}",
                c.input,
                tanh(c.input),
                f64::from_bits(c.expected)
            )
        })
        .take(10)
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn vector_tanh_matches_the_c_library_at_every_offset_and_length() {
    let cases = fixture();
    let inputs: Vec<f64> = cases.iter().map(|c| c.input).collect();
    // Every start offset and a spread of lengths, so that every value is computed in every
    // lane of a group and in the scalar remainder, next to NaNs and zeros or not.
    for start in 0..17 {
        for len in [1, 3, 4, 5, 15, 16, 17, 33, 100] {
            for chunk_start in (start..inputs.len()).step_by(len * 7 + 1) {
                let end = (chunk_start + len).min(inputs.len());
                let mut values = inputs[chunk_start..end].to_vec();
                tanh_slice(&mut values);
                for (v, c) in values.iter().zip(&cases[chunk_start..end]) {
                    assert!(
                        same_bits(*v, c.expected),
                        "tanh_slice at {chunk_start}+{len}: tanh({:e}) = {v:e}, C library {:e}",
                        c.input,
                        f64::from_bits(c.expected)
                    );
                }
            }
        }
    }
    let mut all = inputs.clone();
    tanh_slice(&mut all);
    for (v, c) in all.iter().zip(&cases) {
        assert!(same_bits(*v, c.expected), "tanh({:e}) = {v:e}", c.input);
    }
}

/// A few million inputs log-uniform over [2^-60, 2^7) of both signs, from a fixed xorshift.
fn many_inputs(count: usize) -> Vec<f64> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..count)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let exponent = 1023 - 60 + (state >> 52) % 67;
            let mantissa = state & ((1 << 52) - 1);
            f64::from_bits(exponent << 52 | mantissa | ((i as u64 & 1) << 63))
        })
        .collect()
}

#[test]
fn vector_and_scalar_tanh_agree_on_millions_of_inputs() {
    let inputs = many_inputs(2_000_000);
    let mut vector = inputs.clone();
    tanh_slice(&mut vector);
    for (x, v) in inputs.iter().zip(&vector) {
        assert_eq!(v.to_bits(), tanh(*x).to_bits(), "tanh({x:e})");
    }
}

/// The same millions of inputs against the running C library, where it is the reference one
/// (glibc 2.36 on x86-64 with FMA, whose `tanh` the fixtures recorded); other C libraries
/// round some values differently, which is why the port exists.
#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
#[test]
fn tanh_matches_the_running_c_library_when_it_is_the_reference_one() {
    extern "C" {
        fn gnu_get_libc_version() -> *const std::ffi::c_char;
    }
    // SAFETY: glibc returns a pointer to a static NUL-terminated string.
    let version = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
    if version.to_str() != Ok("2.36") || !moons_linalg::has_fma_avx2() {
        eprintln!("skipped: the C library is glibc {version:?}, the fixtures' is 2.36 with FMA");
        return;
    }
    let inputs = many_inputs(2_000_000);
    let mut ours = inputs.clone();
    tanh_slice(&mut ours);
    for (x, v) in inputs.iter().zip(&ours) {
        assert_eq!(v.to_bits(), x.tanh().to_bits(), "tanh({x:e})");
    }
}
