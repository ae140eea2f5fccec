/* Starts loading libpq.so.5 on its own thread before Swift's main runs, for the subcommands
   that connect. Debian's libpq brings 24 libraries (GnuTLS, Kerberos, LDAP…) whose loading takes
   4-6 ms; begun here, it overlaps the Swift runtime's start, argument parsing and plan loading
   instead of following them. Runner's LibPQ opens the same library later: dlopen returns the
   handle this thread loaded, waiting for it if it is still loading; both ask LibPQLocation which
   library that is.

   glibc calls constructors with the program's arguments, which is how this knows the subcommand
   without parsing anything else. */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "LibPQLocation.h"

static void *load_libpq(void *unused) {
    (void)unused;
    dlopen(plan_libpq_locate().path, RTLD_LAZY | RTLD_LOCAL);
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
