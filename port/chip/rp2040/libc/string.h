/*
 * string.h: the few string functions tandem's target code uses, implemented
 * in port/chip/rp2040/libc.c. The target build links no C library.
 */
#ifndef TANDEM_LIBC_STRING_H
#define TANDEM_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
