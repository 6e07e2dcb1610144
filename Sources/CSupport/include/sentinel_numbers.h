#ifndef SENTINEL_NUMBERS_H
#define SENTINEL_NUMBERS_H

#include <stddef.h>

/*
 * printf of one double in the C locale (nothing in sentinel-gen calls
 * setlocale, so the decimal point is always '.'): a fixed format, called
 * directly, since Swift reaches vsnprintf only through a va_list built
 * on the heap for every number.
 */

/// snprintf(buffer, capacity, "%.10g", value); the length it would write.
int sentinel_format_g10(double value, char *buffer, size_t capacity);
/// snprintf(buffer, capacity, "%.12f", value); the length it would write.
int sentinel_format_f12(double value, char *buffer, size_t capacity);

#endif
