//! `moons_linalg::libm` against the C library's `tanh` and `exp` as Python returned them on
//! the reference machine (`reference/generate_libm.py`), scalar and four lanes at a time.

use moons_linalg::libm::{exp, exp_slice, tanh, tanh_slice};

/// One function under test: its scalar and slice forms and its fixture section.
struct Function {
    name: &'static str,
    scalar: fn(f64) -> f64,
    slice: fn(&mut [f64]),
    system: fn(f64) -> f64,
}

const TANH: Function = Function {
    name: "tanh",
    scalar: tanh,
    slice: tanh_slice,
    system: f64::tanh,
};
const EXP: Function = Function {
    name: "exp",
    scalar: exp,
    slice: exp_slice,
    system: f64::exp,
};

/// `(input, expected bits)` pairs of one section of the fixture.
fn fixture(section: &str) -> Vec<(f64, u64)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../reference/fixtures/libm_bits.json"
    );
    let text = std::fs::read_to_string(path).expect("reference/fixtures/libm_bits.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let hex = |key: &str| -> Vec<u64> {
        json[section][key]
            .as_array()
            .expect("an array")
            .iter()
            .map(|v| u64::from_str_radix(v.as_str().expect("a hex string"), 16).expect("hex"))
            .collect()
    };
    let (inputs, outputs) = (hex("inputs"), hex("outputs"));
    assert_eq!(inputs.len(), outputs.len());
    assert!(
        inputs.len() > 5_000,
        "the fixture covers every branch many times over"
    );
    inputs
        .into_iter()
        .map(f64::from_bits)
        .zip(outputs)
        .collect()
}

fn same_bits(got: f64, expected: u64) -> bool {
    // Any NaN is f(NaN): the payload is not part of the contract.
    got.to_bits() == expected || (got.is_nan() && f64::from_bits(expected).is_nan())
}

fn scalar_matches_fixture(f: &Function) {
    let wrong: Vec<String> = fixture(f.name)
        .iter()
        .filter(|&&(x, expected)| !same_bits((f.scalar)(x), expected))
        .take(10)
        .map(|&(x, expected)| {
            let got = (f.scalar)(x);
            format!(
                "{}({x:e}) = {got:e}, C library {:e}",
                f.name,
                f64::from_bits(expected)
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn slice_matches_fixture(f: &Function) {
    let cases = fixture(f.name);
    let inputs: Vec<f64> = cases.iter().map(|c| c.0).collect();
    // Every start offset and a spread of lengths, so that every value is computed in every
    // lane of a group and in the scalar remainder, next to NaNs and zeros or not.
    for start in 0..17 {
        for len in [1, 3, 4, 5, 15, 16, 17, 33, 100, 129] {
            for from in (start..inputs.len()).step_by(len * 7 + 1) {
                let to = (from + len).min(inputs.len());
                let mut values = inputs[from..to].to_vec();
                (f.slice)(&mut values);
                for (v, &(x, expected)) in values.iter().zip(&cases[from..to]) {
                    assert!(
                        same_bits(*v, expected),
                        "{} slice at {from}..{to}: {}({x:e}) = {v:e}, C library {:e}",
                        f.name,
                        f.name,
                        f64::from_bits(expected)
                    );
                }
            }
        }
    }
}

/// Millions of inputs, log-uniform in magnitude over [2^-60, 2^(top - 60)), both signs, from a
/// fixed xorshift.
fn many_inputs(count: usize, exponents: u64) -> Vec<f64> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..count)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let exponent = 1023 - 60 + (state >> 52) % exponents;
            let mantissa = state & ((1 << 52) - 1);
            f64::from_bits(exponent << 52 | mantissa | ((i as u64 & 1) << 63))
        })
        .collect()
}

fn slice_equals_scalar(f: &Function, inputs: &[f64]) {
    let mut vector = inputs.to_vec();
    (f.slice)(&mut vector);
    for (x, v) in inputs.iter().zip(&vector) {
        assert_eq!(v.to_bits(), (f.scalar)(*x).to_bits(), "{}({x:e})", f.name);
    }
}

#[test]
fn scalar_tanh_matches_the_c_library_bit_for_bit() {
    scalar_matches_fixture(&TANH);
}

#[test]
fn scalar_exp_matches_the_c_library_bit_for_bit() {
    scalar_matches_fixture(&EXP);
}

#[test]
fn vector_tanh_matches_the_c_library_at_every_offset_and_length() {
    slice_matches_fixture(&TANH);
}

#[test]
fn vector_exp_matches_the_c_library_at_every_offset_and_length() {
    slice_matches_fixture(&EXP);
}

#[test]
fn vector_and_scalar_agree_on_millions_of_inputs() {
    // tanh up to 2^7 (past its |x| >= 22 cut), exp up to 2^10 (past its finite range).
    slice_equals_scalar(&TANH, &many_inputs(2_000_000, 67));
    slice_equals_scalar(&EXP, &many_inputs(2_000_000, 71));
}

/// The same millions of inputs against the running C library, where it is the reference one
/// (glibc 2.36 on x86-64 with FMA, whose functions the fixtures recorded); other C libraries
/// round some values differently, which is why the port exists.
#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
#[test]
fn the_port_matches_the_running_c_library_when_it_is_the_reference_one() {
    extern "C" {
        fn gnu_get_libc_version() -> *const std::ffi::c_char;
    }
    // SAFETY: glibc returns a pointer to a static NUL-terminated string.
    let version = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
    if version.to_str() != Ok("2.36") || !moons_linalg::has_fma_avx2() {
        eprintln!("skipped: the C library is glibc {version:?}, the fixtures' is 2.36 with FMA");
        return;
    }
    for (f, exponents) in [(&TANH, 67), (&EXP, 71)] {
        let inputs = many_inputs(2_000_000, exponents);
        let mut ours = inputs.clone();
        (f.slice)(&mut ours);
        for (x, v) in inputs.iter().zip(&ours) {
            assert!(same_bits(*v, (f.system)(*x).to_bits()), "{}({x:e})", f.name);
        }
    }
}
