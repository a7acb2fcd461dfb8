#ifndef MUSTARD_CZLIB_SHIM_H
#define MUSTARD_CZLIB_SHIM_H
#include <zlib.h>
// inflateInit2 is a macro; Swift needs a function.
static inline int mustard_inflate_init_gzip(z_stream *strm) {
    return inflateInit2(strm, 16 + MAX_WBITS);
}
#endif
