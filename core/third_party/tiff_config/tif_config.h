/* libtiff private configuration for Filigrane (see tiffconf.h). */
#include "tiffconf.h"
#define HAVE_ASSERT_H 1
#define HAVE_FCNTL_H 1
#define HAVE_UNISTD_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_STRINGS_H 1
#define CHUNKY_STRIP_READ_SUPPORT 1
#define PACKAGE "LibTIFF"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_NAME "LibTIFF"
#define PACKAGE_STRING "LibTIFF 4.5.0"
#define PACKAGE_TARNAME "tiff"
#define PACKAGE_URL ""
#define PACKAGE_VERSION "4.5.0"
#define VERSION "4.5.0"
#if UINTPTR_MAX == 0xFFFFFFFFu
#define SIZEOF_SIZE_T 4
#else
#define SIZEOF_SIZE_T 8
#endif
#define STRIP_SIZE_DEFAULT 8192
/* A file with more IFDs than this is refused (libtiff's own default is 1,048,576). */
#define TIFF_MAX_DIR_COUNT 4096
#define TIFF_SIZE_FORMAT "zu"
#if SIZEOF_SIZE_T == 8
#define TIFF_SSIZE_FORMAT PRId64
#else
#define TIFF_SSIZE_FORMAT PRId32
#endif
