/*
 * font.h: a 5 x 7 pixel font of the characters the dashboard writes
 * (digits, a few capitals, . - : and space), drawn for this program.
 */
#ifndef FONT_H
#define FONT_H

#include <stdint.h>

/* The seven rows of character c, bit 4 leftmost; NULL if it has no glyph. */
const uint8_t *font_glyph(char c);

#endif
