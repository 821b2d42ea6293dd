/*
 * fixmath.c: fixmath.h.
 */
#include "fixmath.h"

/* atan(2^-i) in degrees, Q16.16. */
static const int32_t atan_q16[16] = {
    2949120, 1740967, 919879, 466945, 234379, 117304, 58666, 29335,
    14668, 7334, 3667, 1833, 917, 458, 229, 115,
};

int32_t atan2_ddeg(int32_t y, int32_t x)
{
    if (x == 0 && y == 0)
        return 0;
    int32_t angle = 0;                           /* Q16.16 degrees */
    if (x < 0) {                                 /* rotate by 180 degrees into x > 0 */
        angle = y >= 0 ? 180 * 65536 : -180 * 65536;
        x = -x;
        y = -y;
    }
    /* Scale up for resolution; the CORDIC gain (1.65) and sqrt(2) still fit. */
    while (x < (1 << 28) && y < (1 << 28) && y > -(1 << 28))
        x *= 2, y *= 2;
    for (int i = 0; i < 16; i++) {               /* rotate (x, y) onto the x axis */
        int32_t xs = x >> i, ys = y >> i;
        if (y > 0) {
            x += ys;
            y -= xs;
            angle += atan_q16[i];
        } else {
            x -= ys;
            y += xs;
            angle -= atan_q16[i];
        }
    }
    return (int32_t)(((int64_t)angle * 10 + (angle >= 0 ? 32768 : -32768)) / 65536);
}

#define ONE_Q30 (1 << 30)

/* log2(x) for x in Q2.30 (x > 0), result Q30: the integer part from the
 * normalisation, each fraction bit from one squaring. */
static int64_t log2_q30(uint64_t x)
{
    int64_t r = 0;
    while (x >= 2u * (uint64_t)ONE_Q30) {
        x >>= 1;
        r += ONE_Q30;
    }
    while (x < (uint64_t)ONE_Q30) {
        x <<= 1;
        r -= ONE_Q30;
    }
    for (int i = 1; i <= 30; i++) {
        x = (x * x) >> 30;
        if (x >= 2u * (uint64_t)ONE_Q30) {
            x >>= 1;
            r += (int64_t)1 << (30 - i);
        }
    }
    return r;
}

/* 2^(2^-i) in Q30, i = 1..30. */
static const uint32_t exp2_frac_q30[30] = {
    1518500250, 1276901417, 1170923762, 1121280436, 1097253708, 1085434106,
    1079572136, 1076653033, 1075196443, 1074468888, 1074105294, 1073923544,
    1073832680, 1073787251, 1073764537, 1073753181, 1073747502, 1073744663,
    1073743244, 1073742534, 1073742179, 1073742001, 1073741913, 1073741868,
    1073741846, 1073741835, 1073741830, 1073741827, 1073741825, 1073741825,
};

/* 2^y for y in Q30, result Q30 (y > -30, y < 1). */
static uint64_t exp2_q30(int64_t y)
{
    int64_t n = y >> 30;                         /* floor */
    uint32_t f = (uint32_t)(y - n * ONE_Q30);    /* 0 .. 2^30 - 1 */
    uint64_t r = ONE_Q30;
    for (int i = 1; i <= 30; i++)
        if (f & (1u << (30 - i)))
            r = (r * exp2_frac_q30[i - 1]) >> 30;
    return n >= 0 ? r << n : r >> -n;
}

int32_t altitude_dm(uint32_t p_q8, uint32_t p0_pa)
{
    if (p_q8 == 0 || p0_pa == 0)
        return 0;
    uint64_t ratio = ((uint64_t)p_q8 << 22) / p0_pa;          /* p / p0, Q30 */
    int64_t e = (log2_q30(ratio) * 817310618) >> 32;          /* times 1 / 5.255 */
    int64_t rest = (int64_t)ONE_Q30 - (int64_t)exp2_q30(e);   /* 1 - (p/p0)^(1/5.255), Q30 */
    int64_t dm = rest * 443300;                               /* 44330 m in 0.1 m */
    return (int32_t)((dm + (dm >= 0 ? ONE_Q30 / 2 : -ONE_Q30 / 2)) / ONE_Q30);
}
