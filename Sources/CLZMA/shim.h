#ifndef MUSTARD_CLZMA_SHIM_H
#define MUSTARD_CLZMA_SHIM_H
#include <lzma.h>
// Swift cannot import these macros; re-export them as constants.
static const uint32_t MUSTARD_LZMA_CONCATENATED = LZMA_CONCATENATED;
#endif
