#ifndef SENTINEL_CHIREDIS_SHIM_H
#define SENTINEL_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
