#ifndef PLAN_CLIBCRYPTO_SHIM_H
#define PLAN_CLIBCRYPTO_SHIM_H
/* OpenSSL's libcrypto, which the system's libpq already loads: its SHA-256 runs on the CPU's
   SHA extensions where there are some, and security updates reach it through the system. */
#include <openssl/evp.h>
#endif
