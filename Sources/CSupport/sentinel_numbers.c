#include "sentinel_numbers.h"

#include <stdio.h>

int sentinel_format_g10(double value, char *buffer, size_t capacity) {
    return snprintf(buffer, capacity, "%.10g", value);
}

int sentinel_format_f12(double value, char *buffer, size_t capacity) {
    return snprintf(buffer, capacity, "%.12f", value);
}
