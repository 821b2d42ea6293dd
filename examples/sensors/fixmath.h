/*
 * fixmath.h: the integer maths the sensors example needs (no floating
 * point is linked): rounding division, an angle from two components, and
 * altitude from pressure.
 */
#ifndef FIXMATH_H
#define FIXMATH_H

#include <stdint.h>

/* n / d rounded to the nearest integer, halves away from zero (d > 0). */
static inline int32_t div_round(int32_t n, int32_t d)
{
    return n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
}

/* The angle of the vector (x, y) from the x axis, in 0.1 degrees
 * (-1800 .. 1800), as atan2(y, x): CORDIC, 16 steps. */
int32_t atan2_ddeg(int32_t y, int32_t x);

/* Altitude in 0.1 m above the level where the pressure is p0_pa, for the
 * pressure p_q8 (Pa, Q24.8), by the international barometric formula
 * h = 44330 m * (1 - (p / p0)^(1 / 5.255)). Fixed point, 2^-30 steps. */
int32_t altitude_dm(uint32_t p_q8, uint32_t p0_pa);

#endif
