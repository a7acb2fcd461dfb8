#ifndef MUSTARD_CARCHIVE_SHIM_H
#define MUSTARD_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>

// Swift cannot import these macros; re-export them as constants.
static const unsigned int MUSTARD_AE_IFMT = AE_IFMT;
static const unsigned int MUSTARD_AE_IFREG = AE_IFREG;
static const unsigned int MUSTARD_AE_IFLNK = AE_IFLNK;
static const unsigned int MUSTARD_AE_IFDIR = AE_IFDIR;
static const int MUSTARD_ARCHIVE_EOF = ARCHIVE_EOF;
static const int MUSTARD_ARCHIVE_OK = ARCHIVE_OK;
static const int MUSTARD_ARCHIVE_RETRY = ARCHIVE_RETRY;
static const int MUSTARD_ARCHIVE_WARN = ARCHIVE_WARN;
static const int MUSTARD_ARCHIVE_FAILED = ARCHIVE_FAILED;
static const int MUSTARD_ARCHIVE_FATAL = ARCHIVE_FATAL;
#endif
