/* Starts loading libpq.so.5 on its own thread before Swift's main runs, for the subcommands
   that connect. Debian's libpq brings 24 libraries (GnuTLS, Kerberos, LDAP…) whose loading takes
   4-6 ms; begun here, it overlaps the Swift runtime's start, argument parsing and plan loading
   instead of following them. Runner's LibPQ opens the same library later: dlopen returns the
   handle this thread loaded, waiting for it if it is still loading; both ask LibPQLocation which
   library that is.

   With any other libpq on OpenSSL (Debian's, or one PLAN_LIBPQ names), the thread then draws one
   random byte and runs one PBKDF2 round, the order SCRAM needs them in: OpenSSL 3 sets its random
   generator, providers and algorithm tables up on first use (~1.2 ms), which would otherwise
   happen inside the handshake, on the connection's critical path. The lean libpq installed beside
   plan needs none of it (scripts/libpq-patches: the nonce from getrandom, the hashes without
   providers), so the thread stops after loading it instead of taking CPU from the connection.

   glibc calls constructors with the program's arguments, which is how this knows the subcommand
   without parsing anything else. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "LibPQLocation.h"

/* OpenSSL's RAND_bytes, EVP_sha256 and PKCS5_PBKDF2_HMAC, found through libpq's handle (its
   dependencies): plan neither links nor includes OpenSSL. */
typedef const void *(*digest_fn)(void);
typedef int (*pbkdf2_fn)(const char *, int, const unsigned char *, int, int, const void *, int, unsigned char *);
typedef int (*random_bytes_fn)(unsigned char *, int);
typedef int (*init_crypto_fn)(uint64_t, const void *);

/* OPENSSL_INIT_NO_ATEXIT from openssl/crypto.h (OpenSSL 1.1.1 and 3). */
#define PLAN_OPENSSL_INIT_NO_ATEXIT 0x00080000L

static void *load_libpq(void *unused) {
    (void)unused;
    plan_libpq_location location = plan_libpq_locate();
    void *libpq = dlopen(location.path, RTLD_LAZY | RTLD_LOCAL);
    if (libpq == NULL) return NULL;
    /* The main thread may exit while this one is still inside OpenSSL: an invalid plan exits 2
       within milliseconds, and exit(3) would run OpenSSL's atexit cleanup, freeing the locks
       this thread is using (a crash in 1-2 % of such runs of the release build, 12 % of the
       debug build's). Initialised first with NO_ATEXIT, OpenSSL registers no cleanup: its
       state lives until the process ends, which is all a command-line program needs. */
    init_crypto_fn init_crypto = (init_crypto_fn)dlsym(libpq, "OPENSSL_init_crypto");
    if (init_crypto != NULL) init_crypto(PLAN_OPENSSL_INIT_NO_ATEXIT, NULL);
    if (location.origin == plan_libpq_installed_with_plan) return NULL;
    random_bytes_fn random_bytes = (random_bytes_fn)dlsym(libpq, "RAND_bytes");
    if (random_bytes != NULL) {
        unsigned char byte;
        random_bytes(&byte, 1);
    }
    digest_fn sha256 = (digest_fn)dlsym(libpq, "EVP_sha256");
    pbkdf2_fn pbkdf2 = (pbkdf2_fn)dlsym(libpq, "PKCS5_PBKDF2_HMAC");
    if (sha256 != NULL && pbkdf2 != NULL) {
        unsigned char out[32];
        pbkdf2("k", 1, (const unsigned char *)"s", 1, 1, sha256(), sizeof out, out);
    }
    return NULL;
}

__attribute__((constructor)) static void plan_start_loading_libpq(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc < 2 || argv == NULL || argv[1] == NULL) return;
    static const char *const connecting[] = {"run", "status", "migrate", "resolve", "verify"};
    for (unsigned i = 0; i < sizeof connecting / sizeof connecting[0]; i++) {
        if (strcmp(argv[1], connecting[i]) == 0) {
            pthread_t thread;
            if (pthread_create(&thread, NULL, load_libpq, NULL) == 0) pthread_detach(thread);
            return;
        }
    }
}
