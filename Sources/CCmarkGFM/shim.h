#ifndef SENTINEL_CCMARKGFM_SHIM_H
#define SENTINEL_CCMARKGFM_SHIM_H
/* Debian's cmark-gfm and its extensions, as they are: Sentinel's own C lives in CSupport. */
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#endif
