#ifndef SENTINEL_CHIREDIS_SHIM_H
#define SENTINEL_CHIREDIS_SHIM_H
/* Debian's hiredis 0.14, as it is: Sentinel's own C lives in CSupport. */
#include <hiredis/hiredis.h>
#endif
