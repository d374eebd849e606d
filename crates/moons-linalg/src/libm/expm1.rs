//! `expm1`, as glibc 2.36 computes it on x86-64 with FMA (`__expm1_fma`): fdlibm's
//! algorithm, compiled by GCC with its multiply-adds contracted into fused ones. Each
//! `mul_add` below stands where the compiled code has an FMA instruction, and nowhere else,
//! so the results are the same bits as the C library's on the machines the fixtures come from.

pub(super) const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
pub(super) const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
pub(super) const INV_LN2: f64 = f64::from_bits(0x3ff7_1547_652b_82fe);
const O_THRESHOLD: f64 = f64::from_bits(0x4086_2e42_fefa_39ef);
const HUGE: f64 = 1.0e300;
const TINY: f64 = 1.0e-300;
pub(super) const Q1: f64 = f64::from_bits(0xbfa1_1111_1111_10f4);
pub(super) const Q2: f64 = f64::from_bits(0x3f5a_01a0_19fe_5585);
pub(super) const Q3: f64 = f64::from_bits(0xbf14_ce19_9eaa_dbb7);
pub(super) const Q4: f64 = f64::from_bits(0x3ed0_cfca_86e6_5239);
pub(super) const Q5: f64 = f64::from_bits(0xbe8a_fdb7_6e09_c32d);

/// `y · 2^k` by adding `k` to the exponent field, as fdlibm does (no overflow here: `y` is
/// near 1 and `k` at most 1024).
#[inline(always)]
pub(super) fn add_to_exponent(y: f64, k: i32) -> f64 {
    f64::from_bits(y.to_bits().wrapping_add(((k as i64) << 52) as u64))
}

/// `exp(x) - 1`, bit for bit as glibc's FMA build of fdlibm's `expm1`.
#[inline(always)]
pub fn expm1(x: f64) -> f64 {
    let bits = x.to_bits();
    let negative = bits >> 63 != 0;
    let hx = ((bits >> 32) as u32) & 0x7fff_ffff;

    // Huge and non-finite arguments.
    if hx >= 0x4043_687a {
        // |x| >= 56 ln 2
        if hx >= 0x4086_2e42 {
            // |x| >= 709.78...
            if hx >= 0x7ff0_0000 {
                if x.is_nan() {
                    return x + x;
                }
                return if negative { -1.0 } else { x };
            }
            if x > O_THRESHOLD {
                return HUGE * HUGE;
            }
        }
        if negative {
            return TINY - 1.0;
        }
    }

    // Argument reduction: x = k ln2 + r with |r| <= ln2 / 2, carried as hi - lo.
    let (k, x, c) = if hx > 0x3fd6_2e42 {
        let (k, hi, lo) = if hx < 0x3ff0_a2b2 {
            if negative {
                (-1, x + LN2_HI, -LN2_LO)
            } else {
                (1, x - LN2_HI, LN2_LO)
            }
        } else {
            // GCC keeps this multiply and add apart (no FMA): the product is rounded.
            let k = (INV_LN2 * x + if negative { -0.5 } else { 0.5 }) as i32;
            let t = f64::from(k);
            ((k), (-t).mul_add(LN2_HI, x), t * LN2_LO)
        };
        let r = hi - lo;
        (k, r, (hi - r) - lo)
    } else if hx < 0x3c90_0000 {
        // |x| < 2^-54: expm1(x) rounds to x.
        let t = HUGE + x;
        return x - (t - (HUGE + x));
    } else {
        (0, x, 0.0)
    };

    let hfx = 0.5 * x;
    let hxs = x * hfx;
    let r1 = hxs.mul_add(Q1, 1.0);
    let h2 = hxs * hxs;
    let r2 = hxs.mul_add(Q3, Q2);
    let h4 = h2 * h2;
    let r3 = hxs.mul_add(Q5, Q4);
    let r1 = h4.mul_add(r3, h2.mul_add(r2, r1));
    let t = (-r1).mul_add(hfx, 3.0);
    let e = (r1 - t) / (-x).mul_add(t, 6.0) * hxs;
    if k == 0 {
        return x - x.mul_add(e, -hxs);
    }
    let e = x.mul_add(e - c, -c) - hxs;
    match k {
        -1 => 0.5f64.mul_add(x - e, -0.5),
        1 if x < -0.25 => (e - (x + 0.5)) * -2.0,
        1 => (x - e).mul_add(2.0, 1.0),
        k if k <= -2 || k > 56 => add_to_exponent(1.0 - (e - x), k) - 1.0,
        k if k < 20 => {
            let t = f64::from_bits(u64::from(0x3ff0_0000 - (0x0020_0000u32 >> k)) << 32);
            add_to_exponent(t - (e - x), k)
        }
        k => {
            let t = f64::from_bits(u64::from((0x3ff - k as u32) << 20) << 32);
            add_to_exponent((x - (e + t)) + 1.0, k)
        }
    }
}
